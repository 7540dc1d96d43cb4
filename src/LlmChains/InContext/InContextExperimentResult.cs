using LlmChains.InContext.Internals;

namespace LlmChains.InContext;

/// <summary>
/// The outcome of <see cref="InContextExperiment.Run"/>: per predictor the per-position risk and the running mean
/// R̂_icl with confidence bands and scaling-law fits, paired comparisons with the first predictor, the chains' t_min,
/// the Thm. 4.3 curve and the N^{−1/2} reference. Export with <see cref="WriteJson"/> and <see cref="WriteCsv"/>.
/// </summary>
public sealed partial class InContextExperimentResult
{
    private readonly int[] _lengths;
    private readonly double[]? _theory;
    private readonly double _referencePerPosition;
    private readonly double _referenceRunningMean;

    internal InContextExperimentResult(
        string chainName,
        int stateCount,
        bool chainIsFixed,
        InContextExperimentOptions options,
        int[] lengths,
        PredictorRisk[] predictors,
        PredictorComparison[] comparisons,
        ChainMixing[] chains,
        double[]? theory,
        int theoryChainCount,
        (int Minimum, int Maximum) fitRange,
        string[] notes,
        TimeSpan elapsed)
    {
        ChainName = chainName;
        StateCount = stateCount;
        ChainIsFixed = chainIsFixed;
        Options = options;
        _lengths = lengths;
        Predictors = predictors;
        Comparisons = comparisons;
        Chains = chains;
        _theory = theory;
        TheoryChainCount = theoryChainCount;
        FitMinimumLength = fitRange.Minimum;
        FitMaximumLength = fitRange.Maximum;
        Notes = notes;
        Elapsed = elapsed;
        var finite = chains.Select(c => c.MixingTime).Where(double.IsFinite).ToArray();
        MeanMixingTime = finite.Length > 0 ? finite.Average() : null;
        _referencePerPosition = Anchor(RiskMetric.PerPosition);
        _referenceRunningMean = Anchor(RiskMetric.RunningMean);
    }

    /// <summary>The chain source's description.</summary>
    public string ChainName { get; }

    /// <summary>d.</summary>
    public int StateCount { get; }

    /// <summary>Whether every repetition used the same chain.</summary>
    public bool ChainIsFixed { get; }

    /// <summary>The options the experiment ran with.</summary>
    public InContextExperimentOptions Options { get; }

    /// <summary>The evaluated context lengths n (ascending, from 1 to N).</summary>
    public IReadOnlyList<int> ContextLengths => _lengths;

    /// <summary>The risk curves, in the order the predictors were given.</summary>
    public IReadOnlyList<PredictorRisk> Predictors { get; }

    /// <summary>Each predictor after the first against the first (paired differences).</summary>
    public IReadOnlyList<PredictorComparison> Comparisons { get; }

    /// <summary>The mixing quantities of the chains: one entry for a fixed chain, one per repetition otherwise.</summary>
    public IReadOnlyList<ChainMixing> Chains { get; }

    /// <summary>The mean of the finite t_min values, or <see langword="null"/> when none was computed or finite.</summary>
    public double? MeanMixingTime { get; }

    /// <summary>
    /// The Thm. 4.3 statistical term B̄·√(t_min/N)·√log(2/δ) at each context length, from <see cref="Bounds.InContextBound.Gap"/>
    /// of each chain and averaged over the <see cref="TheoryChainCount"/> chains it applies to; <see langword="null"/> when it
    /// applies to none (p_min = 0, t_min infinite or not computed).
    /// </summary>
    public IReadOnlyList<double>? TheoryCurve => _theory;

    /// <summary>How many chains the theory curve averages.</summary>
    public int TheoryChainCount { get; }

    /// <summary>The smallest N of the scaling-law fits.</summary>
    public int FitMinimumLength { get; }

    /// <summary>The largest N of the scaling-law fits.</summary>
    public int FitMaximumLength { get; }

    /// <summary>Conventions and caveats, one sentence each.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Wall-clock time of the run.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>
    /// c of the reference line c·N^{−1/2} for a metric (see
    /// <see cref="InContextExperimentOptions.ReferenceCoefficient"/>); NaN when it cannot be anchored.
    /// </summary>
    /// <param name="metric">The metric.</param>
    /// <returns>c.</returns>
    public double GetReferenceCoefficient(
        RiskMetric metric) => metric == RiskMetric.RunningMean ? _referenceRunningMean : _referencePerPosition;

    /// <summary>The reference c·n^{−1/2} at each context length.</summary>
    /// <param name="metric">The metric whose coefficient is used.</param>
    /// <returns>The values.</returns>
    public double[] GetReferenceCurve(RiskMetric metric)
    {
        double c = GetReferenceCoefficient(metric);
        return _lengths.Select(n => c / Math.Sqrt(n)).ToArray();
    }

    /// <summary>The x values of an axis: n, or n/t_min (<see cref="MeanMixingTime"/> when chains vary).</summary>
    /// <param name="axis">The axis.</param>
    /// <returns>The values, one per context length.</returns>
    /// <exception cref="InvalidOperationException">N/t_min was asked for but no finite t_min is known.</exception>
    public double[] GetAxis(RiskAxis axis)
    {
        if (axis == RiskAxis.ContextLength)
        {
            return _lengths.Select(n => (double)n).ToArray();
        }

        double t = MeanMixingTime ?? throw new InvalidOperationException(
            "No finite t_min is known for this experiment (the chain does not mix, is too large, or t_min was not " +
            "computed); the N/t_min axis is unavailable.");
        return _lengths.Select(n => n / t).ToArray();
    }

    private double Anchor(RiskMetric metric)
    {
        if (Options.ReferenceCoefficient is { } c)
        {
            return c;
        }

        if (Predictors.Count == 0)
        {
            return double.NaN;
        }

        var mean = Predictors[0].Get(metric).Mean;
        for (int g = 0; g < _lengths.Length; g++)
        {
            if (_lengths[g] >= FitMinimumLength && mean[g] > ScalingLawFit.NoiseFloor && double.IsFinite(mean[g]))
            {
                return mean[g] * Math.Sqrt(_lengths[g]);
            }
        }

        return double.NaN;
    }

    internal static string Describe(
        RiskMetric metric) => metric == RiskMetric.RunningMean ? "running mean R̂_icl(N)" : "per-position TV at N";

    /// <inheritdoc/>
    public override string ToString()
        => InContextGuard.Inv(
            $"In-context experiment on {ChainName}: d = {StateCount}, N = {Options.Length}, {Options.Repetitions} " +
            $"repetitions, {Predictors.Count} predictor(s)");
}
