using LlmChains.Internals;
using Microsoft.Extensions.Logging;

namespace LlmChains.Analysis.Convergence;

/// <summary>Options of the worst-case convergence analyses of <see cref="TotalVariation"/> and of
/// <see cref="ConvergenceBound.Epsilon"/>.</summary>
public sealed record ConvergenceOptions
{
    /// <summary>The default options.</summary>
    public static ConvergenceOptions Default { get; } = new();

    /// <summary>
    /// Largest number of threads; <see langword="null"/> (default) uses every processor. Results do not depend on it.
    /// </summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>
    /// The first horizon <see cref="TotalVariation.AnalyzeMixing"/> computes d(0..InitialSteps) for, before extending it.
    /// Default 64.
    /// </summary>
    public int InitialSteps { get; init; } = 64;

    /// <summary>
    /// The largest horizon <see cref="TotalVariation.AnalyzeMixing"/> may reach while looking for t_mix and a certified
    /// t_min; beyond it the results say <see cref="MixingTimeStatus.NotReachedWithinHorizon"/>. Default 100,000.
    /// </summary>
    public int MaxSteps { get; init; } = 100_000;

    /// <summary>
    /// Bytes the worst-case propagation may keep between horizon extensions (the n² entries of all start vectors);
    /// within it <see cref="TotalVariation.AnalyzeMixing"/> extends the horizon without recomputing, beyond it a longer
    /// horizon is recomputed from t = 0 (at most about twice the work). Default 256 MiB (n up to about 5,800 states);
    /// never more than a quarter of the memory available to the process.
    /// </summary>
    public long ResidentMemoryLimitBytes { get; init; } = 256L << 20;

    /// <summary>
    /// The memory budget of the exact worst case over all starts (<see cref="TotalVariation.WorstCaseDistances"/>,
    /// <see cref="TotalVariation.AnalyzeMixing"/>, <see cref="ConvergenceBound.Dobrushin"/> and the analyses built on them): a
    /// chain is accepted when its n start distributions, n² doubles (<see cref="TotalVariation.WorstCaseBytes"/>), fit in
    /// it. <see langword="null"/> (default) uses <see cref="TotalVariation.DefaultWorstCaseMemoryBytes"/>, a quarter of the
    /// memory available to the process. The largest chain it allows is <see cref="MaxWorstCaseStates"/>.
    /// </summary>
    public long? WorstCaseMemoryLimitBytes { get; init; }

    /// <summary>
    /// The largest chain the exact worst case accepts under these options:
    /// <see cref="TotalVariation.MaxWorstCaseStatesFor"/>(<see cref="WorstCaseMemoryLimitBytes"/> or its default).
    /// </summary>
    public int MaxWorstCaseStates => TotalVariation.MaxWorstCaseStatesFor(WorstCaseBudgetBytes);

    /// <summary>The budget in bytes: <see cref="WorstCaseMemoryLimitBytes"/> or
    /// <see cref="TotalVariation.DefaultWorstCaseMemoryBytes"/>.</summary>
    internal long WorstCaseBudgetBytes => WorstCaseMemoryLimitBytes ?? TotalVariation.DefaultWorstCaseMemoryBytes;

    /// <summary>
    /// The classification of the chain, when the caller already has it from <see cref="Spectral.ChainStructure.Analyze"/>
    /// (it must belong to the same chain); <see langword="null"/> (default) classifies the chain again.
    /// </summary>
    public Spectral.ChainStructure? Structure { get; init; }

    /// <summary>Logger factory for start/finish messages; <see langword="null"/> (default) logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming the first invalid option (one-line message).</summary>
    public void Validate()
    {
        if (MaxDegreeOfParallelism is { } degree && degree < 1)
        {
            throw Invalid.OutOfRange(
                FormattableString.Invariant($"MaxDegreeOfParallelism must be ≥ 1 (or null for every processor); got {degree}."));
        }

        if (InitialSteps < 1)
        {
            throw Invalid.OutOfRange(FormattableString.Invariant($"InitialSteps must be ≥ 1; got {InitialSteps}."));
        }

        if (MaxSteps < 1)
        {
            throw Invalid.OutOfRange(FormattableString.Invariant($"MaxSteps must be ≥ 1; got {MaxSteps}."));
        }

        if (ResidentMemoryLimitBytes < 0)
        {
            throw Invalid.OutOfRange(FormattableString.Invariant($"ResidentMemoryLimitBytes must be ≥ 0; got {ResidentMemoryLimitBytes}."));
        }

        if (WorstCaseMemoryLimitBytes is { } budget && budget < 0)
        {
            throw Invalid.OutOfRange(
                FormattableString.Invariant($"WorstCaseMemoryLimitBytes must be ≥ 0 (or null for a quarter of the available memory); ") +
                FormattableString.Invariant($"got {budget}."));
        }
    }
}
