using LlmChains.Analysis.Convergence;

namespace LlmChains.Bounds;

/// <summary>The divergence in which a pre-training risk is measured.</summary>
public enum BoundDivergence
{
    /// <summary>Total variation d_TV = ½‖p − q‖₁ (Thm. 4.2, Cor. E.3): B̄ = 2‖Γ‖·√M.</summary>
    TotalVariation = 0,

    /// <summary>
    /// Kullback–Leibler d_KL(P_L ‖ P_Θ) (Thm. E.5, Cor. E.6): B̄ = √2·‖Γ‖·M, with no square root on M. KL is not a metric
    /// and has no L1 identity, so neither Prop. 4.1's sample complexity nor the approximation error exist for it.
    /// </summary>
    KullbackLeibler = 1,
}
