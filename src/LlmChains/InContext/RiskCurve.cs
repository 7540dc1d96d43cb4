namespace LlmChains.InContext;

/// <summary>
/// A risk (or risk difference) at each evaluated context length, averaged over the repetitions, with a two-sided
/// Student-t confidence band: mean ± t_{(1+level)/2, R−1}·s/√R (s the sample standard deviation over the R repetitions).
/// </summary>
public sealed class RiskCurve
{
    internal RiskCurve(double[] mean, double[] lower, double[] upper, double[] standardDeviation, ScalingLawFit? fit)
    {
        Mean = mean;
        Lower = lower;
        Upper = upper;
        StandardDeviation = standardDeviation;
        Fit = fit;
    }

    /// <summary>The mean over repetitions at each context length of <see cref="InContextExperimentResult.ContextLengths"/>.</summary>
    public IReadOnlyList<double> Mean { get; }

    /// <summary>The lower end of the confidence band (NaN with a single repetition; may be negative for a risk).</summary>
    public IReadOnlyList<double> Lower { get; }

    /// <summary>The upper end of the confidence band (NaN with a single repetition).</summary>
    public IReadOnlyList<double> Upper { get; }

    /// <summary>The sample standard deviation over repetitions (NaN with a single repetition).</summary>
    public IReadOnlyList<double> StandardDeviation { get; }

    /// <summary>
    /// The scaling-law fit of <see cref="Mean"/> over the experiment's fit range, or <see langword="null"/> (too few
    /// positive points, or a difference curve).
    /// </summary>
    public ScalingLawFit? Fit { get; }

    /// <summary>The mean width of the band, Σ(upper − lower)/count (NaN with a single repetition).</summary>
    public double MeanBandWidth
    {
        get
        {
            double sum = 0;
            for (int i = 0; i < Mean.Count; i++)
            {
                sum += Upper[i] - Lower[i];
            }

            return sum / Mean.Count;
        }
    }
}
