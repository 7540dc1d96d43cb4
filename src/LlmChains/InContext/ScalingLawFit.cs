using LlmChains.InContext.Internals;

namespace LlmChains.InContext;

/// <summary>
/// A power law risk ≈ C·N^{slope} fitted by least squares to (log N, log risk) over a range of context lengths (the
/// paper reports no fitted exponent, only an N^{−1/2} reference line, e.g. in Figs. 6 and 7).
/// </summary>
/// <param name="Slope">The exponent b of log risk = a + b·log N (−½ for the N^{−1/2} law).</param>
/// <param name="SlopeStandardError">
/// The ordinary least-squares standard error of the slope, √(Σe²/(m − 2) / Σ(x − x̄)²). It treats the m points as
/// independent, which points of one trajectory are not; prefer <see cref="SlopeStandardErrorAcrossRepetitions"/>.
/// </param>
/// <param name="Intercept">a, in natural-log units (C = e^a).</param>
/// <param name="RSquared">The coefficient of determination R² of the log–log fit.</param>
/// <param name="PointCount">m, the number of points fitted (those in range with a risk above
/// <see cref="ScalingLawFit.NoiseFloor"/>).</param>
/// <param name="MinimumLength">The smallest N fitted.</param>
/// <param name="MaximumLength">The largest N fitted.</param>
public sealed record ScalingLawFit(
    double Slope,
    double SlopeStandardError,
    double Intercept,
    double RSquared,
    int PointCount,
    double MinimumLength,
    double MaximumLength)
{
    /// <summary>
    /// Risks at or below 1e−12 are left out of fits: a total variation computed in double precision between equal
    /// distributions is rounding noise of that order, and its logarithm would dominate the fit (a predictor with zero
    /// risk, such as the true chain, gets no fit).
    /// </summary>
    public const double NoiseFloor = 1e-12;

    /// <summary>
    /// The jackknife standard error of <see cref="Slope"/> over repetitions: the slope is refitted on the mean curve with
    /// each repetition left out in turn, and SE = √((R − 1)/R · Σ(b₋ᵣ − b̄)²). Repetitions are independent, so this
    /// accounts for the correlation between the points of one trajectory. <see langword="null"/> with fewer than 3 repetitions.
    /// </summary>
    public double? SlopeStandardErrorAcrossRepetitions { get; init; }

    /// <summary>C = e^a, the risk the fit predicts at N = 1.</summary>
    public double Coefficient => Math.Exp(Intercept);

    /// <summary>The fitted risk C·N^{slope}.</summary>
    /// <param name="length">N &gt; 0.</param>
    /// <returns>The fitted value.</returns>
    public double Evaluate(double length) => Math.Exp(Intercept + (Slope * Math.Log(length)));

    /// <summary>
    /// Fits log risk = a + b·log N by least squares to the points with <paramref name="minimumLength"/> ≤ N ≤
    /// <paramref name="maximumLength"/> and a finite risk above <see cref="NoiseFloor"/>.
    /// </summary>
    /// <param name="lengths">The context lengths N &gt; 0.</param>
    /// <param name="risks">The risks, same length.</param>
    /// <param name="minimumLength">The smallest N to fit.</param>
    /// <param name="maximumLength">The largest N to fit.</param>
    /// <returns>The fit, or <see langword="null"/> when fewer than 3 points qualify or all of them have one N.</returns>
    /// <exception cref="ArgumentException">The spans have different lengths.</exception>
    public static ScalingLawFit? Fit(ReadOnlySpan<double> lengths, ReadOnlySpan<double> risks, double minimumLength, double maximumLength)
    {
        if (lengths.Length != risks.Length)
        {
            throw new ArgumentException(
                InContextGuard.Inv($"{lengths.Length} lengths and {risks.Length} risks were given."),
                nameof(risks));
        }

        int m = 0;
        double sx = 0;
        double sy = 0;
        double lo = double.PositiveInfinity;
        double hi = double.NegativeInfinity;
        for (int i = 0; i < lengths.Length; i++)
        {
            if (Usable(lengths[i], risks[i], minimumLength, maximumLength))
            {
                m++;
                sx += Math.Log(lengths[i]);
                sy += Math.Log(risks[i]);
                lo = Math.Min(lo, lengths[i]);
                hi = Math.Max(hi, lengths[i]);
            }
        }

        if (m < 3)
        {
            return null;
        }

        double mx = sx / m;
        double my = sy / m;
        double sxx = 0;
        double sxy = 0;
        double syy = 0;
        for (int i = 0; i < lengths.Length; i++)
        {
            if (Usable(lengths[i], risks[i], minimumLength, maximumLength))
            {
                double dx = Math.Log(lengths[i]) - mx;
                double dy = Math.Log(risks[i]) - my;
                sxx += dx * dx;
                sxy += dx * dy;
                syy += dy * dy;
            }
        }

        if (!(sxx > 0))
        {
            return null;
        }

        double slope = sxy / sxx;
        double intercept = my - (slope * mx);
        double residual = Math.Max(0, syy - (slope * sxy));
        double se = Math.Sqrt(residual / (m - 2) / sxx);
        double r2 = syy > 0 ? 1 - (residual / syy) : 1;
        return new ScalingLawFit(slope, se, intercept, r2, m, lo, hi);
    }

    private static bool Usable(double n, double risk, double min, double max)
        => n >= min && n <= max && n > 0 && risk > NoiseFloor && double.IsFinite(risk);
}
