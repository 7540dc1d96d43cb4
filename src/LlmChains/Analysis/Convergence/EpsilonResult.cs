namespace LlmChains.Analysis.Convergence;

/// <summary>
/// ε = min_{i, j ∈ ℛ} (Q_f^K)_{ij} of Prop. 3.4 (ℛ: the T^K full-length states), with its logarithm, which stays finite
/// far below the smallest double, and one pair (i, j) attaining it.
/// </summary>
/// <param name="Epsilon">ε; 0 when it underflows (see <see cref="LogEpsilon"/>) or when some K-step path has probability 0.</param>
/// <param name="LogEpsilon">ln ε; −∞ exactly when ε = 0 (a token removed by truncation, or a probability stored as 0).</param>
/// <param name="VocabularySize">T.</param>
/// <param name="ContextWindow">K.</param>
/// <param name="FromState">The state index (in V_K^*) of i, the start of a minimising pair.</param>
/// <param name="ToState">The state index (in V_K^*) of j, its end.</param>
public sealed record EpsilonResult(double Epsilon, double LogEpsilon, int VocabularySize, int ContextWindow, long FromState, long ToState)
{
    /// <summary>log10 ε (−∞ when ε = 0).</summary>
    public double Log10Epsilon => LogEpsilon / Math.Log(10);

    /// <summary>Whether ε &gt; 0, so that Prop. 3.4's bound (1 − 2ε)^{⌊n/K⌋−1} decays. False under truncation that
    /// removes a token on some path.</summary>
    public bool IsPositive => LogEpsilon > double.NegativeInfinity;
}
