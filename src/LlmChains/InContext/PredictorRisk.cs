namespace LlmChains.InContext;

/// <summary>The risk curves of one predictor in an experiment.</summary>
public sealed class PredictorRisk
{
    internal PredictorRisk(string name, RiskCurve perPosition, RiskCurve runningMean)
    {
        Name = name;
        PerPosition = perPosition;
        RunningMean = runningMean;
    }

    /// <summary>The predictor's name.</summary>
    public string Name { get; }

    /// <summary>The per-position risk TV(P(X_N, ·), P̂_N) (<see cref="RiskMetric.PerPosition"/>).</summary>
    public RiskCurve PerPosition { get; }

    /// <summary>The running mean R̂_icl(N) (<see cref="RiskMetric.RunningMean"/>).</summary>
    public RiskCurve RunningMean { get; }

    /// <summary>The curve of a metric.</summary>
    /// <param name="metric">The metric.</param>
    /// <returns>The curve.</returns>
    public RiskCurve Get(RiskMetric metric) => metric == RiskMetric.RunningMean ? RunningMean : PerPosition;
}
