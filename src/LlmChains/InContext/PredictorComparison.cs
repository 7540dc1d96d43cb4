namespace LlmChains.InContext;

/// <summary>
/// A paired comparison of two predictors on the same trajectories: the curves of risk(predictor) − risk(baseline) with
/// their confidence bands (negative: the predictor is better). Pairing removes the trajectory-to-trajectory variation,
/// so these bands are much narrower than the two risk bands.
/// </summary>
public sealed class PredictorComparison
{
    internal PredictorComparison(string predictor, string baseline, RiskCurve perPosition, RiskCurve runningMean)
    {
        Predictor = predictor;
        Baseline = baseline;
        PerPosition = perPosition;
        RunningMean = runningMean;
    }

    /// <summary>The predictor's name.</summary>
    public string Predictor { get; }

    /// <summary>The baseline's name (the first predictor of the experiment).</summary>
    public string Baseline { get; }

    /// <summary>Differences of the per-position risks.</summary>
    public RiskCurve PerPosition { get; }

    /// <summary>Differences of the running means.</summary>
    public RiskCurve RunningMean { get; }

    /// <summary>The difference curve of a metric.</summary>
    /// <param name="metric">The metric.</param>
    /// <returns>The curve.</returns>
    public RiskCurve Get(RiskMetric metric) => metric == RiskMetric.RunningMean ? RunningMean : PerPosition;
}
