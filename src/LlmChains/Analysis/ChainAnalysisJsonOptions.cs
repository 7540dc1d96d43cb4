using LlmChains.Analysis.Spectral;

namespace LlmChains.Analysis;

/// <summary>Options of <see cref="ChainAnalysisJson"/>: how much of the analysis of a large chain is written out.</summary>
public sealed record ChainAnalysisJsonOptions
{
    /// <summary>The default options.</summary>
    public static ChainAnalysisJsonOptions Default { get; } = new();

    /// <summary>Which classes are listed; default <see cref="ClassListing.Summary"/>.</summary>
    public ClassListing Classes { get; init; } = ClassListing.Summary;

    /// <summary>The states of each listed class are written for chains of at most this many states; default 100,000.</summary>
    public long ClassStatesLimit { get; init; } = 100_000;

    /// <summary>π is written for chains of at most this many states (otherwise <c>null</c>); default 1,000,000.</summary>
    public long StationaryLimit { get; init; } = 1_000_000;

    /// <summary>d(t) is written for t = 0..this many steps (at most what was computed); <see langword="null"/> (default) for all.</summary>
    public int? DistanceSteps { get; init; }

    /// <summary>At most this many sampled repetition loops are listed; default 50.</summary>
    public int SampledLoopLimit { get; init; } = 50;

    /// <summary>Whether the sampled diagnostics ran because the chain was too large for the exact worst case (written
    /// as <c>sampled.automatic</c>).</summary>
    public bool SamplingAutomatic { get; init; }

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> for a negative limit.</summary>
    public void Validate()
    {
        if (ClassStatesLimit < 0 || StationaryLimit < 0 || SampledLoopLimit < 0 || DistanceSteps < 0)
        {
            throw new ArgumentOutOfRangeException(null, "ChainAnalysisJsonOptions: the limits must be ≥ 0.");
        }
    }
}
