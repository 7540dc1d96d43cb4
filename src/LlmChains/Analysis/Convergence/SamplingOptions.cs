using System.Globalization;

namespace LlmChains.Analysis.Convergence;

/// <summary>
/// Options of <see cref="SampledConvergence"/>: how many trajectories to simulate, for how many steps, the confidence
/// level of the intervals, the seed, and what counts as a repetition loop.
/// </summary>
/// <remarks>
/// Results depend only on these options and the chain: trajectory i draws its random numbers from its own stream,
/// derived from (<see cref="Seed"/>, i), so neither the thread count nor the scheduling changes a single value.
/// </remarks>
public sealed record SamplingOptions
{
    /// <summary>The default options.</summary>
    public static SamplingOptions Default { get; } = new();

    /// <summary>The number of simulated trajectories (pairs of trajectories for the coupling), ≥ 1. Default 1,000.</summary>
    public int Trajectories { get; init; } = 1000;

    /// <summary>The horizon H: statistics are reported for t = 0..H, ≥ 0. Default 100.</summary>
    public int Steps { get; init; } = 100;

    /// <summary>
    /// The confidence level 1 − α of every interval, in (0, 1). Intervals are two-sided and pointwise (each t on its
    /// own); <see cref="SampledTotalVariation.SimultaneousHalfWidth"/> gives a band valid for all t at once. Default 0.95.
    /// </summary>
    public double Confidence { get; init; } = 0.95;

    /// <summary>The seed of the random numbers. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// The burn-in B of the default reference of <see cref="SampledConvergence.EstimateTotalVariation"/>:
    /// the reference copy starts from the law of X_B when X_0 follows the start (a stand-in for π), ≥ 0. Default 1,000.
    /// </summary>
    public int BurnIn { get; init; } = 1000;

    /// <summary>The largest period p of a repetition loop that is looked for, ≥ 1. Default 16.</summary>
    public int MaxLoopPeriod { get; init; } = 16;

    /// <summary>
    /// How many times a block of p states must repeat, after its first occurrence, before the trajectory counts as in a
    /// loop of period p: X_s = X_{s−p} for the last <c>MinLoopRepeats</c>·p steps, i.e. the last
    /// (<c>MinLoopRepeats</c> + 1)·p states are p-periodic. ≥ 1. Default 2 (the block is seen three times in a row).
    /// </summary>
    public int MinLoopRepeats { get; init; } = 2;

    /// <summary>
    /// The statistic f on which the lower bound of <see cref="SampledTotalVariation.Separation"/> looks for a separating
    /// event. <see langword="null"/> (default) chooses by itself, with M = min(max(64, 4·<see cref="Trajectories"/>), 16,384)
    /// bins (fewer when M·(H + 1) counts exceed <see cref="SampledProjection.MaxCounts"/>): the state itself when n ≤ M,
    /// otherwise the state hashed into M buckets (<see cref="SampledProjection.HashedStates"/>, which for a model's chain
    /// keeps the windows that are not full in a bucket of their own). <see cref="SampledProjection.LastTokens"/> can suit
    /// diffuse start laws of a model's chain better.
    /// </summary>
    public SampledProjection? Projection { get; init; }

    /// <summary>Largest number of threads; <see langword="null"/> (default) uses every processor. Results do not depend on it.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid option and its value.</summary>
    public void Validate()
    {
        if (Trajectories < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(Trajectories), Trajectories, Text($"Trajectories must be ≥ 1; got {Trajectories}."));
        }

        if (Steps < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Steps), Steps, Text($"Steps must be ≥ 0; got {Steps}."));
        }

        if (!(Confidence > 0 && Confidence < 1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(Confidence), Confidence, Text($"Confidence must lie in (0, 1); got {Confidence:R}."));
        }

        if (BurnIn < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(BurnIn), BurnIn, Text($"BurnIn must be ≥ 0; got {BurnIn}."));
        }

        if (MaxLoopPeriod < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxLoopPeriod), MaxLoopPeriod, Text($"MaxLoopPeriod must be ≥ 1; got {MaxLoopPeriod}."));
        }

        if (MinLoopRepeats < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MinLoopRepeats), MinLoopRepeats, Text($"MinLoopRepeats must be ≥ 1; got {MinLoopRepeats}."));
        }

        if (MaxDegreeOfParallelism is { } degree && degree < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxDegreeOfParallelism), degree, Text($"MaxDegreeOfParallelism must be ≥ 1; got {degree}."));
        }
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
