using LlmChains.InContext;

namespace LlmChains.Tests.InContext;

/// <summary>The discretised continuous processes (paper-spec §4.4): the 700-state chain 150 … 849.</summary>
public sealed class DiscretizedProcessTests
{
    public static TheoryData<ContinuousProcess> Kinds => new()
    {
        ContinuousProcess.BrownianMotion,
        ContinuousProcess.OrnsteinUhlenbeck,
        ContinuousProcess.GeometricBrownianMotion,
        ContinuousProcess.UncorrelatedGaussian,
        ContinuousProcess.UncorrelatedUniform,
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Generate_PaperDefaults_GivesExactlyTheStates150To849(ContinuousProcess kind)
    {
        var process = DiscretizedProcess.Generate(new ContinuousProcessOptions(kind), seed: 5);

        process.StateCount.Should().Be(700);
        process.MinimumCode.Should().Be(150);
        process.MaximumCode.Should().Be(849);
        process.Chain.StateCount.Should().Be(700);
        process.Chain.Labels[0].Should().Be("150");
        process.Chain.Labels[699].Should().Be("849");
        process.Chain.Labels.Should().Equal(Enumerable.Range(150, 700).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        process.Series.Should().HaveCount(1000);
        process.Codes.Should().OnlyContain(c => c >= 150 && c <= 849);
        process.Codes.Min().Should().Be(150, "the series minimum is rescaled to 0.15");
        process.Codes.Max().Should().Be(849, "the series maximum 0.85 falls in the last bin [0.849, 0.85]");
        process.Rescaled.Min().Should().BeApproximately(0.15, 1e-12);
        process.Rescaled.Max().Should().BeApproximately(0.85, 1e-12);
        for (int t = 0; t < 1000; t++)
        {
            process.States[t].Should().Be(process.Codes[t] - 150);
            process.Codes[t].Should().Be(Math.Clamp((int)Math.Floor(process.Rescaled[t] * 1000), 150, 849));
            process.Rescaled[t].Should().BeApproximately(process.Offset + (process.Scale * process.Series[t]), 1e-12);
        }

        for (int s = 0; s < 700; s += 7)
        {
            double sum = 0;
            foreach (double p in process.Chain.GetRow(s))
            {
                sum += p;
            }

            sum.Should().BeApproximately(1, 1e-9);
        }

        process.ToPromptText().Should().StartWith(process.Chain.Labels[process.States[0]] + ",").And.EndWith(",");
    }

    [Fact]
    public void Generate_BrownianMotion_KernelIsTheDiscretisedGaussianStep()
    {
        var process = DiscretizedProcess.Generate(new ContinuousProcessOptions(ContinuousProcess.BrownianMotion), seed: 1);
        double sd = process.Scale * 0.8 * Math.Sqrt(0.2);
        int s = 350;
        double centre = (150 + s + 0.5) / 1000;
        var row = process.Chain.GetRow(s);

        // the mean of the row is the centre (symmetric Gaussian step far from the edges) and its spread is sd
        double mean = 0;
        double second = 0;
        for (int j = 0; j < 700; j++)
        {
            double mid = (150 + j + 0.5) / 1000;
            mean += row[j] * mid;
            second += row[j] * (mid - centre) * (mid - centre);
        }

        mean.Should().BeApproximately(centre, 1e-9);
        Math.Sqrt(second - (1e-6 / 12)).Should().BeApproximately(sd, 0.01 * sd);

        // one bin's mass is the CDF difference Φ((e₊ − c)/sd) − Φ((e₋ − c)/sd), up to the truncation renormalisation
        double inner = Phi((centre + 0.0005 - centre) / sd) - Phi((centre - 0.0005 - centre) / sd);
        row[s].Should().BeApproximately(inner, 1e-6);
    }

    [Fact]
    public void Generate_UncorrelatedUniform_RowsAreTheSameUniformLaw()
    {
        var process = DiscretizedProcess.Generate(new ContinuousProcessOptions(ContinuousProcess.UncorrelatedUniform), seed: 2);

        // y' ~ U(a, a + b) with the range [a, a + b] ⊇ [0.15, 0.85] almost exactly: every bin ≈ 1/700
        var first = process.Chain.GetRow(0).ToArray();
        process.Chain.GetRow(699).ToArray().Should().Equal(first);
        first.Skip(1).Take(698).Should().OnlyContain(p => Math.Abs(p - (1.0 / 700)) < 1e-4);
    }

    [Fact]
    public void Generate_SameSeed_SameSeries()
    {
        var options = new ContinuousProcessOptions(ContinuousProcess.OrnsteinUhlenbeck) { Steps = 200 };

        DiscretizedProcess.Generate(options, 9).Codes.Should().Equal(DiscretizedProcess.Generate(options, 9).Codes);
        DiscretizedProcess.Generate(options, 9).Codes.Should().NotEqual(DiscretizedProcess.Generate(options, 10).Codes);
    }

    [Fact]
    public void Options_PaperDefaults()
    {
        new ContinuousProcessOptions(ContinuousProcess.BrownianMotion).Sigma.Should().Be(0.8);
        new ContinuousProcessOptions(ContinuousProcess.OrnsteinUhlenbeck).Theta.Should().Be(0.5);
        var gbm = new ContinuousProcessOptions(ContinuousProcess.GeometricBrownianMotion);
        gbm.Sigma.Should().Be(0.6);
        gbm.Drift.Should().BeApproximately(0.6 * 0.6 / 2, 1e-15);
        gbm.InitialValue.Should().Be(10);
        new ContinuousProcessOptions(ContinuousProcess.UncorrelatedGaussian).Sigma.Should().Be(1);
        gbm.TimeStep.Should().Be(0.2);
        gbm.Steps.Should().Be(1000);
    }

    [Fact]
    public void Options_Invalid_ClearErrors()
    {
        var bm = new ContinuousProcessOptions(ContinuousProcess.BrownianMotion);
        FluentActions.Invoking(() => (bm with { Steps = 1 }).Validate()).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*≥ 2*");
        FluentActions.Invoking(() => (bm with { Sigma = 0 }).Validate()).Should().Throw<ArgumentOutOfRangeException>().WithMessage("σ must be finite and > 0*");
        FluentActions.Invoking(() => (bm with { Lower = 0.9 }).Validate()).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => (new ContinuousProcessOptions(ContinuousProcess.GeometricBrownianMotion) with { InitialValue = -1 }).Validate()).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*x_0*");
    }

    private static double Phi(double z) => 0.5 * MathNet.Numerics.SpecialFunctions.Erfc(-z / Math.Sqrt(2));
}
