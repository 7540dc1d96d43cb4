using LlmChains.Internals;
using Microsoft.Extensions.Logging;

namespace LlmChains.Analysis.LowTemperature;

/// <summary>Options of <see cref="LowTemperatureAnalysis"/>.</summary>
public sealed record LowTemperatureOptions
{
    /// <summary>The default options.</summary>
    public static LowTemperatureOptions Default { get; } = new();

    /// <summary>
    /// The largest number of zero-resistance loops analysed; more are refused with a message before the inter-loop
    /// resistances are computed (they cost one shortest-path search per loop and an m×m matrix, and the potentials
    /// O(m³)–O(m⁴)). Default 2,000; at most 100,000.
    /// </summary>
    public int MaxLoops { get; init; } = 2_000;

    /// <summary>
    /// Two potentials within this absolute amount (times max(1, |γ_min|)) count as tied, so both loops are reported
    /// stable. Default 1e−9: far below the float32 precision of a model's logit gaps, far above double rounding of the sums.
    /// </summary>
    public double TieTolerance { get; init; } = 1e-9;

    /// <summary>
    /// Largest number of threads (model calls and concurrent shortest-path searches, one state-sized distance array
    /// each); <see langword="null"/> (default) uses every processor. Results do not depend on it.
    /// </summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>Logger factory for start/finish messages (Information); <see langword="null"/> (default) logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming the first invalid option and its value.</summary>
    public void Validate()
    {
        if (MaxLoops < 1 || MaxLoops > 100_000)
        {
            throw Invalid.OutOfRange(FormattableString.Invariant($"MaxLoops must lie in 1..100000; got {MaxLoops}."));
        }

        if (!(TieTolerance >= 0) || double.IsInfinity(TieTolerance))
        {
            throw Invalid.OutOfRange($"TieTolerance must be finite and ≥ 0; got {Invalid.Format(TieTolerance)}.");
        }

        if (MaxDegreeOfParallelism is < 1)
        {
            throw Invalid.OutOfRange(
                FormattableString.Invariant($"MaxDegreeOfParallelism must be ≥ 1 (or null for every processor); got ") +
                FormattableString.Invariant($"{MaxDegreeOfParallelism}."));
        }
    }

    internal int Workers => MaxDegreeOfParallelism ?? Environment.ProcessorCount;
}
