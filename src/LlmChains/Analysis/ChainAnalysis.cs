using LlmChains.Analysis.Convergence;
using LlmChains.Analysis.Spectral;

namespace LlmChains.Analysis;

/// <summary>
/// Everything <see cref="ChainAnalyzer.Analyze"/> computes for one chain: structure (Prop. 3.3), the stationary
/// distribution of every recurrent class, the spectrum, ε and the Prop. 3.4 bound (for a model's chain), and the
/// total-variation curve with t_mix and t_min (Section 3, App. C).
/// </summary>
public sealed class ChainAnalysis
{
    internal ChainAnalysis(
        ChainStructure structure,
        IReadOnlyList<StationaryResult> stationary,
        SpectrumResult? spectrum,
        EpsilonResult? epsilon,
        double boundTarget,
        TotalVariationCurve? distances,
        MixingTimeResult? mixingTime,
        TMinResult? tMin,
        SampledTotalVariation? sampledDistances = null,
        RepetitionRateEstimate? sampledRepetition = null,
        TotalVariationCurve? uniformStartDistances = null)
    {
        UniformStartDistances = uniformStartDistances;
        Structure = structure;
        StationaryDistributions = stationary;
        Spectrum = spectrum;
        Epsilon = epsilon;
        BoundTarget = boundTarget;
        Distances = distances;
        MixingTime = mixingTime;
        TMin = tMin;
        SampledDistances = sampledDistances;
        SampledRepetition = sampledRepetition;
    }

    /// <summary>Classes, recurrence and periods.</summary>
    public ChainStructure Structure { get; }

    /// <summary>One stationary distribution per recurrent class, in class order.</summary>
    public IReadOnlyList<StationaryResult> StationaryDistributions { get; }

    /// <summary>The unique stationary distribution, or <see langword="null"/> when there are several recurrent classes.</summary>
    public StationaryResult? Stationary => StationaryDistributions.Count == 1 ? StationaryDistributions[0] : null;

    /// <summary>The spectrum, or <see langword="null"/> when not requested.</summary>
    public SpectrumResult? Spectrum { get; }

    /// <summary>ε = min over full-length i, j of (Q_f^K)_{ij} (Prop. 3.4), for a model's chain; otherwise <see langword="null"/>.</summary>
    public EpsilonResult? Epsilon { get; }

    /// <summary>The target of <see cref="BoundSteps"/>.</summary>
    public double BoundTarget { get; }

    /// <summary>
    /// The first n with (1 − 2ε)^{⌊n/K⌋−1} ≤ <see cref="BoundTarget"/>, as a double (it can exceed the range of a
    /// <see cref="long"/>); +∞ when ε = 0 (the bound never falls); <see langword="null"/> without ε.
    /// </summary>
    public double? BoundSteps => Epsilon is not { } e ? null
        : !e.IsPositive ? double.PositiveInfinity
        : ConvergenceBound.TryFirstStepBelow(BoundTarget, e.Epsilon, e.ContextWindow, out long steps) ? steps
        : Math.Pow(10, ConvergenceBound.Log10FirstStepBelow(BoundTarget, e));

    /// <summary>
    /// The TV curve computed: the exact worst case d(t) over all starts up to
    /// <see cref="ChainAnalysisOptions.EffectiveWorstCaseMaxStates"/> states (<see cref="TotalVariationCurve.IsWorstCase"/>),
    /// for periodic chains too; above it the curve from the uniform start (the same object as
    /// <see cref="UniformStartDistances"/>, with <see cref="TotalVariationCurve.IsWorstCase"/> false). <see langword="null"/>
    /// when π is not unique.
    /// </summary>
    public TotalVariationCurve? Distances { get; }

    /// <summary>
    /// TV(μQ^t, π) from the uniform start μ, for chains above the worst-case limit (where it replaces d(t)); otherwise
    /// <see langword="null"/>. It is ≤ d(t) term by term, so t_mix or t_min read from it (<see cref="TotalVariation.MixingTime"/>,
    /// <see cref="TotalVariation.TMin"/>) are lower bounds, flagged with <c>IsWorstCase = false</c>.
    /// </summary>
    public TotalVariationCurve? UniformStartDistances { get; }

    /// <summary>
    /// t_mix at the requested threshold: +∞ for a reducible chain (<see cref="MixingTimeStatus.NotErgodicUnichain"/>) or a
    /// periodic one (<see cref="MixingTimeStatus.Periodic"/>), NaN above the worst-case limit
    /// (<see cref="MixingTimeStatus.TooLargeForWorstCase"/>).
    /// </summary>
    public MixingTimeResult? MixingTime { get; }

    /// <summary>t_min (as defined with Thm. 4.3): +∞ for a periodic or reducible chain, NaN above the worst-case limit
    /// (<see cref="MixingTimeStatus.TooLargeForWorstCase"/>).</summary>
    public TMinResult? TMin { get; }

    /// <summary>
    /// The coupling estimate of P(T &gt; t) (an upper bound on TV(μQ^t, μQ^{t+B}) for the uniform start μ) with confidence
    /// intervals, when <see cref="ChainAnalysisOptions.Sampling"/> was set; otherwise <see langword="null"/>.
    /// </summary>
    public SampledTotalVariation? SampledDistances { get; }

    /// <summary>The sampled repetition-loop rates from the uniform start, when
    /// <see cref="ChainAnalysisOptions.Sampling"/> was set; otherwise <see langword="null"/>.</summary>
    public RepetitionRateEstimate? SampledRepetition { get; }

    /// <summary>The Shannon entropy (nats) of the unique stationary distribution, or <see langword="null"/>.</summary>
    public double? StationaryEntropy
    {
        get
        {
            if (Stationary is not { } pi)
            {
                return null;
            }

            double h = 0;
            foreach (double p in pi.ClassDistribution.Span)
            {
                if (p > 0)
                {
                    h -= p * Math.Log(p);
                }
            }

            return h;
        }
    }
}
