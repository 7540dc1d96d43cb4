using Microsoft.Extensions.Logging;

namespace LlmChains.Chains;

/// <summary>Options of <see cref="LanguageModelChain.Build"/>.</summary>
public sealed record ChainBuildOptions
{
    /// <summary>The default options.</summary>
    public static ChainBuildOptions Default { get; } = new();

    /// <summary>Storage precision of the probabilities. Default <see cref="ProbabilityPrecision.Float64"/>.</summary>
    public ProbabilityPrecision Precision { get; init; } = ProbabilityPrecision.Float64;

    /// <summary>
    /// Largest number of threads that query the model at once; <see langword="null"/> (default) uses every
    /// processor. Set 1 for a model that is not safe for concurrent calls. Results do not depend on it.
    /// </summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>
    /// Largest number of bytes the probability table may take; <see langword="null"/> (default) uses the memory
    /// available to the process (<see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>). A larger chain is
    /// refused before anything is allocated.
    /// </summary>
    public long? MemoryLimitBytes { get; init; }

    /// <summary>Logger factory for start/finish messages; <see langword="null"/> (default) logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}
