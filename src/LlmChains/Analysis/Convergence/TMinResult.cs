namespace LlmChains.Analysis.Convergence;

/// <summary>
/// t_min = inf_{0 ≤ ε &lt; 1} t_mix(ε/2)·((2 − ε)/(1 − ε))² (the definition used in Thm. 4.3), computed by
/// our closed form (the paper gives no algorithm)
/// min_{t ≥ 1, d(t) &lt; ½} t·((2 − 2d(t))/(1 − 2d(t)))², or +∞.
/// </summary>
/// <param name="Value">t_min, or <see cref="double.PositiveInfinity"/>, or NaN when not computed
/// (<see cref="MixingTimeStatus.TooLargeForWorstCase"/>).</param>
/// <param name="AttainedAt">The t ≥ 1 attaining the minimum (the smallest on ties), or −1 when infinite.</param>
/// <param name="DistanceAtMinimum">d(AttainedAt), or NaN when infinite.</param>
/// <param name="Horizon">The largest t examined: d(0..Horizon) were known.</param>
/// <param name="Status">How the value was settled.</param>
/// <param name="IsCertified">
/// Whether no longer horizon can change the value. Every term is ≥ 4t (the factor ((2 − 2d)/(1 − 2d))² ≥ 4), so a
/// t &gt; Horizon gives at least 4(Horizon + 1): a finite value ≤ 4(Horizon + 1) is final. An infinite value is
/// certified when the chain is not an ergodic unichain.
/// </param>
/// <param name="IsWorstCase">
/// Whether the curve was the worst case over all starts. When <see langword="false"/> the value uses the TV from one
/// start, which is ≤ d(t) term by term, so it is a lower bound on t_min.
/// </param>
public sealed record TMinResult(
    double Value, int AttainedAt, double DistanceAtMinimum, int Horizon, MixingTimeStatus Status, bool IsCertified, bool IsWorstCase)
{
    /// <summary>Whether the value is finite (neither +∞ nor NaN, the value of
    /// <see cref="MixingTimeStatus.TooLargeForWorstCase"/>).</summary>
    public bool IsFinite => double.IsFinite(Value);
}
