namespace LlmChains.InContext;

/// <summary>
/// What is plotted against the context length N (the paper does not say which it used in Section 5;
/// both are computed).
/// </summary>
public enum RiskMetric
{
    /// <summary>The per-position risk TV(P(X_N, ·), P̂(· | X_1 … X_N)): the error of the prediction made after N states.</summary>
    PerPosition,

    /// <summary>The running mean R̂_icl(N) = (1/N)·Σ_{n=1}^{N} TV(P(X_n, ·), P̂(· | X_1 … X_n)), the empirical risk of
    /// Thm. 4.3.</summary>
    RunningMean,
}
