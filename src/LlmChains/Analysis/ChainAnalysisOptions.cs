namespace LlmChains.Analysis;

/// <summary>Options of <see cref="ChainAnalyzer.Analyze"/>.</summary>
public sealed record ChainAnalysisOptions
{
    /// <summary>The default options.</summary>
    public static ChainAnalysisOptions Default { get; } = new();

    /// <summary>
    /// Up to this many states d(t) is the exact worst case over all starts (<see cref="Convergence.AnalyzeMixing"/>);
    /// above it, d(t) is measured from the uniform start distribution. Default 10,000. For sampled estimates with
    /// confidence intervals on larger chains set <see cref="Sampling"/>.
    /// </summary>
    public int WorstCaseMaxStates { get; init; } = 10_000;

    /// <summary>Steps of d(t) computed from the uniform start on large chains (and at least kept on small ones). Default 100.</summary>
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

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(WorstCaseMaxStates);
        ArgumentOutOfRangeException.ThrowIfNegative(DistanceSteps);
        if (!(MixingThreshold > 0 && MixingThreshold < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MixingThreshold), MixingThreshold, $"MixingThreshold must lie in (0, 1); got {MixingThreshold}.");
        }

        if (!(BoundTarget > 0 && BoundTarget < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(BoundTarget), BoundTarget, $"BoundTarget must lie in (0, 1); got {BoundTarget}.");
        }

        Sampling?.Validate();
    }
}
