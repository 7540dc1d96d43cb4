namespace LlmChains.Bounds;

/// <summary>
/// A high-probability generalization bound of the form risk ≤ empirical risk + B̄·√(scale/N)·√log(2/δ)
/// (Thm. 4.2, Cor. E.3, Thm. E.5, Thm. 4.3 of Zekri et al., arXiv 2410.02724), where scale = 1 for the pre-training
/// bounds and t_min for the in-context bound. Every implementation's <see cref="Gap"/> is proportional to N^{−1/2}.
/// </summary>
public interface IGeneralizationBound
{
    /// <summary>The constant B̄ of the bound.</summary>
    double Constant { get; }

    /// <summary>The generalization term B̄·√(scale/N)·√log(2/δ): with probability ≥ 1 − δ, risk − empirical risk is at most this.</summary>
    /// <param name="sampleCount">The number of samples N (training tokens, or in-context tokens), finite and ≥ 1.</param>
    /// <param name="delta">The failure probability δ ∈ (0, 1).</param>
    /// <returns>The gap, ≥ 0.</returns>
    /// <exception cref="ArgumentException">N &lt; 1, δ outside (0, 1), or either is NaN or infinite.</exception>
    double Gap(double sampleCount, double delta);

    /// <summary>
    /// The smallest N for which, with probability ≥ 1 − δ and a zero empirical risk, the expected L1 distance
    /// E‖Q*(S,·) − Q_f(S,·)‖₁ is at most ε (Prop. 4.1; for the in-context bound, Thm. 4.3 inverted).
    /// </summary>
    /// <param name="epsilon">The target expected L1 distance ε &gt; 0 (twice the TV risk).</param>
    /// <param name="delta">The failure probability δ ∈ (0, 1).</param>
    /// <returns>The sample count N ≥ 1, an integer (a double so that astronomical values do not overflow).</returns>
    /// <exception cref="ArgumentException">ε ≤ 0, δ outside (0, 1), or either is NaN or infinite.</exception>
    /// <exception cref="NotSupportedException">The bound is for a risk with no L1 identity (the KL variant).</exception>
    double SampleComplexity(double epsilon, double delta);
}
