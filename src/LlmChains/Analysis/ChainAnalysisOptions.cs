using Microsoft.Extensions.Logging;

using System.Globalization;
using LlmChains.Chains;
using LlmChains.Internals;
using LlmChains.Analysis.Convergence;
using LlmChains.Analysis.Spectral;

namespace LlmChains.Analysis;

/// <summary>Options of <see cref="ChainAnalyzer.Analyze"/>.</summary>
public sealed record ChainAnalysisOptions
{
    /// <summary>The default options.</summary>
    public static ChainAnalysisOptions Default { get; } = new();

    /// <summary>
    /// Up to this many states d(t), t_mix and t_min are the exact worst case over all starts
    /// (<see cref="TotalVariation.AnalyzeMixing"/>). Above it t_mix and t_min are not computed (NaN with
    /// <see cref="MixingTimeStatus.TooLargeForWorstCase"/>: they are worst-case quantities, and a figure from one start
    /// would only bound them from below) and the curve is measured from the uniform start
    /// (<see cref="ChainAnalysis.UniformStartDistances"/>); set <see cref="Sampling"/> for sampled estimates with
    /// confidence intervals. <see langword="null"/> (default): as many states as the worst-case memory budget allows,
    /// <see cref="ConvergenceOptions.MaxWorstCaseStates"/> of <see cref="TotalVariation"/> (n² doubles within
    /// <see cref="ConvergenceOptions.WorstCaseMemoryLimitBytes"/>, by default a quarter of the available memory). A value
    /// above that limit fails in <see cref="Validate"/>.
    /// </summary>
    public int? WorstCaseMaxStates { get; init; }

    /// <summary>
    /// Steps of d(t) computed: from the uniform start on large chains; on small ones the worst-case curve covers at least
    /// this many steps (the first horizon of <see cref="TotalVariation.AnalyzeMixing"/> is raised to it). Default 100.
    /// </summary>
    public int DistanceSteps { get; init; } = 100;

    /// <summary>The threshold of t_mix(ε). Default 1/4.</summary>
    public double MixingThreshold { get; init; } = 0.25;

    /// <summary>The target of the Prop. 3.4 bound: the first n with (1 − 2ε)^{⌊n/K⌋−1} ≤ target. Default 1/4.</summary>
    public double BoundTarget { get; init; } = 0.25;

    /// <summary>Whether to compute the spectrum (SLEM, gap). Default true.</summary>
    public bool ComputeSpectrum { get; init; } = true;

    /// <summary>Options of the stationary solves; <see langword="null"/> for the defaults.</summary>
    public StationaryOptions? Stationary { get; init; }

    /// <summary>Options of the spectrum; <see langword="null"/> for the defaults (6 eigenvalues).</summary>
    public SpectrumOptions? Spectrum { get; init; }

    /// <summary>
    /// The stationary solver: <see langword="null"/> (default) for the library's (<see cref="StationarySolver"/> with
    /// <see cref="Stationary"/>, logging and the computed structure passed in), or one of your own. Set either this or
    /// <see cref="Stationary"/>, not both.
    /// </summary>
    public IStationarySolver? StationarySolver { get; init; }

    /// <summary>
    /// The eigensolver: <see langword="null"/> (default) for the library's (<see cref="SpectrumSolver"/> with
    /// <see cref="Spectrum"/>), or one of your own. Set either this or <see cref="Spectrum"/>, not both.
    /// </summary>
    public ISpectrumSolver? SpectrumSolver { get; init; }

    /// <summary>Options of the convergence computations; <see langword="null"/> for the defaults.</summary>
    public ConvergenceOptions? Convergence { get; init; }

    /// <summary>
    /// When set, <see cref="ChainAnalyzer.Analyze"/> also runs the sampling-based diagnostics of
    /// <see cref="SampledConvergence"/> from the uniform start μ over all states: the coupling estimate of
    /// P(T &gt; t) ≥ TV(μQ^t, μQ^{t+B}) against μ after <see cref="SamplingOptions.BurnIn"/> steps
    /// (<see cref="ChainAnalysis.SampledDistances"/>) and the repetition-loop rates
    /// (<see cref="ChainAnalysis.SampledRepetition"/>), with confidence intervals. They need no vector of length n, so they
    /// are the convergence diagnostic for chains above <see cref="WorstCaseMaxStates"/> (<c>llmchains analyze</c> turns them
    /// on there by itself). Default <see langword="null"/>: not run.
    /// </summary>
    public SamplingOptions? Sampling { get; init; }

    /// <summary>
    /// The state limit in effect: <see cref="WorstCaseMaxStates"/>, or <see cref="ConvergenceOptions.MaxWorstCaseStates"/>
    /// of <see cref="TotalVariation"/> (the defaults when <see langword="null"/>).
    /// </summary>
    public int EffectiveWorstCaseMaxStates => WorstCaseMaxStates ?? (Convergence ?? ConvergenceOptions.Default).MaxWorstCaseStates;

    /// <summary>
    /// Logger factory of every stage whose own options (<see cref="Stationary"/>, <see cref="Spectrum"/>,
    /// <see cref="TotalVariation"/>) do not set one; <see langword="null"/> (default) logs nothing.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>
    /// Largest number of threads of the stages whose own options (<see cref="TotalVariation"/>, <see cref="Sampling"/>) do
    /// not set one; <see langword="null"/> (default) uses every processor. Results do not depend on it.
    /// </summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>The options of each stage, with <see cref="LoggerFactory"/> and <see cref="MaxDegreeOfParallelism"/>
    /// filled in where the stage's own options leave them unset.</summary>
    internal (StationaryOptions Stationary, SpectrumOptions Spectrum, ConvergenceOptions Convergence, SamplingOptions? Sampling) ForStages()
    {
        var stationary = Stationary ?? StationaryOptions.Default;
        var spectrum = Spectrum ?? SpectrumOptions.Default;
        var convergence = Convergence ?? ConvergenceOptions.Default;
        return (
            stationary with { LoggerFactory = stationary.LoggerFactory ?? LoggerFactory },
            spectrum with { LoggerFactory = spectrum.LoggerFactory ?? LoggerFactory },
            convergence with
            {
                LoggerFactory = convergence.LoggerFactory ?? LoggerFactory,
                MaxDegreeOfParallelism = convergence.MaxDegreeOfParallelism ?? MaxDegreeOfParallelism,
            },
            Sampling is { } sampling
                ? sampling with { MaxDegreeOfParallelism = sampling.MaxDegreeOfParallelism ?? MaxDegreeOfParallelism }
                : null);
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid option, before any work (one-line message).</summary>
    public void Validate()
    {
        var convergence = Convergence ?? ConvergenceOptions.Default;
        convergence.Validate();
        if (MaxDegreeOfParallelism is { } degree && degree < 1)
        {
            throw Invalid.OutOfRange(
                FormattableString.Invariant($"MaxDegreeOfParallelism must be ≥ 1 (or null for every processor); got {degree}."));
        }
        if (WorstCaseMaxStates is { } states)
        {
            if (states < 0)
            {
                throw Invalid.OutOfRange(
                    FormattableString.Invariant($"WorstCaseMaxStates must be ≥ 0 (or null for the memory-derived limit); got {states}."));
            }

            long budget = convergence.WorstCaseBudgetBytes;
            int limit = LlmChains.Analysis.Convergence.TotalVariation.MaxWorstCaseStatesFor(budget);
            if (states > limit)
            {
                throw Invalid.OutOfRange(
                    string.Create(CultureInfo.InvariantCulture, $"WorstCaseMaxStates = {states:N0} is more than the exact worst case ") +
                    string.Create(CultureInfo.InvariantCulture, $"can do: {states:N0} states need n² doubles, ") +
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"{LanguageModelChain.FormatBytes(LlmChains.Analysis.Convergence.TotalVariation.WorstCaseBytes(states))}, ") +
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"and the worst-case budget of {LanguageModelChain.FormatBytes(budget)} ") +
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"(ConvergenceOptions.WorstCaseMemoryLimitBytes{(convergence.WorstCaseMemoryLimitBytes is null
                            ? ", default a quarter of the available memory"
                            : string.Empty)}) ") +
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"allows at most {limit:N0} states. Lower WorstCaseMaxStates, leave it null, or raise the budget."));
            }
        }

        if (DistanceSteps < 0)
        {
            throw Invalid.OutOfRange(FormattableString.Invariant($"DistanceSteps must be ≥ 0; got {DistanceSteps}."));
        }

        if (!(MixingThreshold > 0 && MixingThreshold < 1))
        {
            throw Invalid.OutOfRange($"MixingThreshold must lie in (0, 1); got {Invalid.Format(MixingThreshold)}.");
        }

        if (!(BoundTarget > 0 && BoundTarget < 1))
        {
            throw Invalid.OutOfRange($"BoundTarget must lie in (0, 1); got {Invalid.Format(BoundTarget)}.");
        }

        if (StationarySolver is not null && Stationary is not null)
        {
            throw Invalid.Argument(
                "Both StationarySolver and Stationary are set; the options of a solver of your own are its own business: set one of them.");
        }

        if (SpectrumSolver is not null && Spectrum is not null)
        {
            throw Invalid.Argument(
                "Both SpectrumSolver and Spectrum are set; the options of a solver of your own are its own business: set one of them.");
        }

        Stationary?.Validate();
        Sampling?.Validate();
    }
}
