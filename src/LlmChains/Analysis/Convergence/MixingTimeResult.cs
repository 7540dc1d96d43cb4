namespace LlmChains.Analysis.Convergence;

/// <summary>t_mix(ε) = min{ t : d(t) ≤ ε } (Def. C.8), or +∞.</summary>
/// <param name="Value">The mixing time as a whole number of steps, or <see cref="double.PositiveInfinity"/>, or NaN
/// when not computed (<see cref="MixingTimeStatus.TooLargeForWorstCase"/>).</param>
/// <param name="Threshold">ε.</param>
/// <param name="Horizon">The largest t examined: d(0..Horizon) were known.</param>
/// <param name="Status">How the value was settled.</param>
/// <param name="IsWorstCase">
/// Whether the curve was the worst case over all starts. When <see langword="false"/> the value is the first time the
/// TV from that one start falls to ε, a lower bound on t_mix(ε).
/// </param>
public sealed record MixingTimeResult(double Value, double Threshold, int Horizon, MixingTimeStatus Status, bool IsWorstCase)
{
    /// <summary>Whether the value is finite (neither +∞ nor NaN, the value of
    /// <see cref="MixingTimeStatus.TooLargeForWorstCase"/>).</summary>
    public bool IsFinite => double.IsFinite(Value);
}
