using LlmChains.InContext;

namespace LlmChains.Tests.InContext;

/// <summary>The log–log least-squares fit.</summary>
public sealed class ScalingLawFitTests
{
    [Fact]
    public void Fit_ExactPowerLaw_RecoversIt()
    {
        double[] n = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
        double[] risk = n.Select(x => 2 * Math.Pow(x, -0.5)).ToArray();

        var fit = ScalingLawFit.Fit(n, risk, 1, 1000)!;

        fit.Slope.Should().BeApproximately(-0.5, 1e-12);
        fit.Coefficient.Should().BeApproximately(2, 1e-12);
        fit.RSquared.Should().BeApproximately(1, 1e-12);
        fit.SlopeStandardError.Should().BeLessThan(1e-12);
        fit.PointCount.Should().Be(10);
        fit.Evaluate(400).Should().BeApproximately(0.1, 1e-12);
    }

    [Fact]
    public void Fit_Range_SelectsPointsAndSkipsZerosAndRoundingNoise()
    {
        double[] n = [1, 10, 100, 1000, 10000];
        double[] risk = [5, 1e-13, 0.1, 0.01, 0.001];

        var fit = ScalingLawFit.Fit(n, risk, 10, 10000)!;

        fit.PointCount.Should().Be(3);
        fit.MinimumLength.Should().Be(100);
        fit.Slope.Should().BeApproximately(-1, 1e-12);
        ScalingLawFit.Fit(n, risk, 1000, 10000).Should().BeNull("two points are not a fit");
    }

    [Fact]
    public void Fit_NoisyLine_StandardErrorMatchesClosedForm()
    {
        // x = log n at 0, 1, 2, 3 (natural units), residuals ±e: SE = √(Σe²/(m−2)/Σ(x − x̄)²)
        double[] n = [1, Math.E, Math.E * Math.E, Math.Pow(Math.E, 3)];
        double[] y = [0.1, -0.9, -1.9, -3.1];
        var fit = ScalingLawFit.Fit(n, y.Select(Math.Exp).ToArray(), 0.5, 100)!;

        // by hand: x̄ = 1.5, ȳ = −1.45, Sxx = 5, Sxy = −5.3 → b = −1.06; a = −1.45 + 1.59 = 0.14; residuals −.04, .02, .08, −.06
        fit.Slope.Should().BeApproximately(-1.06, 1e-12);
        fit.Intercept.Should().BeApproximately(0.14, 1e-12);
        double[] residuals = [-0.04, 0.02, 0.08, -0.06];
        double se = Math.Sqrt(residuals.Sum(e => e * e) / 2 / 5);
        fit.SlopeStandardError.Should().BeApproximately(se, 1e-12);
    }
}
