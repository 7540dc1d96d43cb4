using System.Globalization;
using System.Text.Json;
using LlmChains.Bounds;
using LlmChains.InContext;
using LlmChains.Tests.Support;

namespace LlmChains.Tests.InContext;

/// <summary>The experiment runner: determinism, bands, t_min and the Thm. 4.3 curve, exports, errors.</summary>
public sealed class InContextExperimentTests
{
    private static readonly GeneratedChain O11Chain = new(new[,] { { .5, .3, .2 }, { .2, .6, .2 }, { .3, .3, .4 } }, name: "O-11 chain");

    private static InContextExperimentResult Run(int repetitions, int? threads = null, int seed = 7, int length = 400)
        => InContextExperiment.Run(
            ChainSource.Resampled("uniform rows, d = 3", 3, r => ChainGenerators.UniformRows(3, r)),
            [new FrequentistEstimator(), new BayesOptimalEstimator()],
            new InContextExperimentOptions { Length = length, Repetitions = repetitions, Seed = seed, EvaluationPoints = 24, MaxDegreeOfParallelism = threads });

    [Fact]
    public void Run_SameSeed_IdenticalForAnyThreadCount()
    {
        var one = Run(12, threads: 1);
        var two = Run(12, threads: 2);
        var many = Run(12);

        foreach (var other in new[] { two, many })
        {
            for (int p = 0; p < 2; p++)
            {
                other.Predictors[p].PerPosition.Mean.Should().Equal(one.Predictors[p].PerPosition.Mean);
                other.Predictors[p].RunningMean.Upper.Should().Equal(one.Predictors[p].RunningMean.Upper);
                other.Predictors[p].PerPosition.Fit.Should().Be(one.Predictors[p].PerPosition.Fit);
            }

            other.Chains.Select(c => c.MixingTime).Should().Equal(one.Chains.Select(c => c.MixingTime));
            other.TheoryCurve.Should().Equal(one.TheoryCurve);
        }

        Run(12, seed: 8).Predictors[0].PerPosition.Mean.Should().NotEqual(one.Predictors[0].PerPosition.Mean);
    }

    [Fact]
    public void Run_MoreRepetitions_BandsShrinkLikeOneOverSqrtR()
    {
        var few = Run(8);
        var many = Run(128);

        // half-width t_{R−1}·s/√R: 2.365/√8 ≈ 0.836 against 1.979/√128 ≈ 0.175, a factor ≈ 4.8 for the same s
        double ratio = few.Predictors[0].RunningMean.MeanBandWidth / many.Predictors[0].RunningMean.MeanBandWidth;
        ratio.Should().BeInRange(2.5, 9);
        double perPosition = few.Predictors[0].PerPosition.MeanBandWidth / many.Predictors[0].PerPosition.MeanBandWidth;
        perPosition.Should().BeInRange(2.5, 9);
        for (int g = 0; g < many.ContextLengths.Count; g++)
        {
            var curve = many.Predictors[0].PerPosition;
            curve.Lower[g].Should().BeLessThanOrEqualTo(curve.Mean[g]);
            curve.Upper[g].Should().BeGreaterThanOrEqualTo(curve.Mean[g]);
        }
    }

    [Fact]
    public void Run_FixedO11Chain_TMinAndTheoryCurveComeFromAnalysisAndBounds()
    {
        var options = new InContextExperimentOptions { Length = 1000, Repetitions = 6, Seed = 1, EvaluationPoints = 16, UnembeddingNorm = 1, Temperature = 1, Delta = 0.05 };

        var result = InContextExperiment.Run(ChainSource.Fixed(O11Chain), [new FrequentistEstimator()], options);

        result.Chains.Should().ContainSingle();
        result.Chains[0].MixingTime.Should().BeApproximately(6.530864, 1e-6); // O-11
        result.Chains[0].MinimumTransitionProbability.Should().Be(0.2);
        result.MeanMixingTime.Should().BeApproximately(6.530864, 1e-6);
        var bound = new InContextBound(3, 1, 1, 0.2, result.Chains[0].MixingTime);
        result.TheoryChainCount.Should().Be(1);
        for (int g = 0; g < result.ContextLengths.Count; g++)
        {
            result.TheoryCurve![g].Should().Be(bound.Gap(result.ContextLengths[g], 0.05));
        }

        var axis = result.GetAxis(RiskAxis.ContextOverMixingTime);
        axis[^1].Should().BeApproximately(1000 / 6.530864, 1e-3);
        result.GetAxis(RiskAxis.ContextLength).Should().Equal(result.ContextLengths.Select(n => (double)n));
        result.ContextLengths[0].Should().Be(1);
        result.ContextLengths[^1].Should().Be(1000);
    }

    [Fact]
    public void Run_PeriodicChain_NoTheoryCurveAndANote()
    {
        var result = InContextExperiment.Run(ChainSource.Fixed(ChainGenerators.ConstrainedRandomWalk(4)), [new FrequentistEstimator()], new InContextExperimentOptions { Length = 50, Repetitions = 3 });

        result.TheoryCurve.Should().BeNull();
        result.Chains[0].MixingTime.Should().Be(double.PositiveInfinity);
        result.Notes.Should().Contain(n => n.Contains("periodic", StringComparison.Ordinal));
        result.MeanMixingTime.Should().BeNull();
        FluentActions.Invoking(() => result.GetAxis(RiskAxis.ContextOverMixingTime)).Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void Run_Process_UsesThe700StateChain()
    {
        var source = ChainSource.Process(new ContinuousProcessOptions(ContinuousProcess.BrownianMotion));
        var result = InContextExperiment.Run(source, [new FrequentistEstimator()], new InContextExperimentOptions { Length = 60, Repetitions = 2 });

        source.StateCount.Should().Be(700);
        result.StateCount.Should().Be(700);
        result.ChainIsFixed.Should().BeFalse();
        result.Chains.Should().HaveCount(2).And.OnlyContain(c => double.IsNaN(c.MixingTime));
        result.Notes.Should().Contain(n => n.Contains("MixingTimeStateLimit", StringComparison.Ordinal));
        result.Predictors[0].PerPosition.Mean.Should().OnlyContain(r => r > 0 && r <= 1);
    }

    [Fact]
    public void Run_ReportsProgressAndHonoursCancellation()
    {
        var progress = new RecordingProgress<Progress>();
        var options = new InContextExperimentOptions { Length = 50, Repetitions = 20, MaxDegreeOfParallelism = 1 };
        InContextExperiment.Run(ChainSource.Fixed(O11Chain), [new FrequentistEstimator()], options, progress);

        progress.Reports.Should().NotBeEmpty();
        progress.Reports[^1].Should().Be(new Progress("in-context", 20, 20));
        progress.Reports[^1].Fraction.Should().Be(1);

        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        FluentActions.Invoking(() => InContextExperiment.Run(ChainSource.Fixed(O11Chain), [new FrequentistEstimator()], options, cancellationToken: cancel.Token))
            .Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void Exports_JsonAndCsv_HoldEveryCurve()
    {
        var result = Run(5, length: 100);

        using var document = JsonDocument.Parse(result.ToJson());
        var root = document.RootElement;
        root.GetProperty("stateCount").GetInt32().Should().Be(3);
        root.GetProperty("length").GetInt32().Should().Be(100);
        root.GetProperty("repetitions").GetInt32().Should().Be(5);
        root.GetProperty("contextLengths").GetArrayLength().Should().Be(result.ContextLengths.Count);
        root.GetProperty("predictors").GetArrayLength().Should().Be(2);
        var first = root.GetProperty("predictors")[0];
        first.GetProperty("name").GetString().Should().Be("frequentist");
        first.GetProperty("perPosition").GetProperty("mean")[3].GetDouble().Should().Be(result.Predictors[0].PerPosition.Mean[3]);
        first.GetProperty("runningMean").GetProperty("fit").GetProperty("slope").GetDouble().Should().Be(result.Predictors[0].RunningMean.Fit!.Slope);
        root.GetProperty("comparisons")[0].GetProperty("baseline").GetString().Should().Be("frequentist");
        root.GetProperty("theory").GetProperty("values").GetArrayLength().Should().Be(result.ContextLengths.Count);
        root.GetProperty("tMin").GetProperty("chains").GetArrayLength().Should().Be(5);
        root.GetProperty("notes").GetArrayLength().Should().BeGreaterThan(2);

        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        result.WriteCsv(writer);
        string[] lines = writer.ToString().TrimEnd().Split('\n');
        lines[0].Should().Be("series,metric,n,n_over_tmin,mean,lower,upper,sd,theory,reference");
        lines.Should().HaveCount(1 + (3 * 2 * result.ContextLengths.Count));
        lines[1].Should().StartWith("frequentist,per-position,1,");
        double.Parse(lines[4].Split(',')[4], CultureInfo.InvariantCulture).Should().Be(result.Predictors[0].PerPosition.Mean[3]);
    }

    [Fact]
    public void Run_ReferenceLine_AnchoredAtTheFitStart()
    {
        var result = Run(4, length: 400);
        int g = result.ContextLengths.ToList().FindIndex(n => n >= result.FitMinimumLength);

        result.GetReferenceCurve(RiskMetric.PerPosition)[g].Should().BeApproximately(result.Predictors[0].PerPosition.Mean[g], 1e-15);
        result.GetReferenceCoefficient(RiskMetric.RunningMean).Should().BeApproximately(result.Predictors[0].RunningMean.Mean[g] * Math.Sqrt(result.ContextLengths[g]), 1e-12);
    }

    [Fact]
    public void Run_BadInput_ClearErrors()
    {
        var source = ChainSource.Fixed(O11Chain);
        IInContextPredictor[] one = [new FrequentistEstimator()];

        FluentActions.Invoking(() => InContextExperiment.Run(source, one, new InContextExperimentOptions { Length = 1 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("The context length N must be ≥ 2*got 1.*");
        FluentActions.Invoking(() => InContextExperiment.Run(source, one, new InContextExperimentOptions { Repetitions = 0 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*repetitions must be ≥ 1*");
        FluentActions.Invoking(() => InContextExperiment.Run(source, [], null)).Should().Throw<ArgumentException>().WithMessage("Give at least one predictor.*");
        FluentActions.Invoking(() => InContextExperiment.Run(source, [new FrequentistEstimator(), new FrequentistEstimator()], null))
            .Should().Throw<ArgumentException>().WithMessage("Two predictors share a name*");
        FluentActions.Invoking(() => InContextExperiment.Run(source, one, new InContextExperimentOptions { ConfidenceLevel = 1 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("The confidence level must lie in (0, 1); got 1.*");
        FluentActions.Invoking(() => ChainSource.Fixed(O11Chain, startState: 3)).Should().Throw<ArgumentOutOfRangeException>();

        // a predictor whose vocabulary lacks a state token fails when it is built, before any run
        FluentActions.Invoking(() => new LanguageModelPredictor(new LlmChains.Models.UniformModel(2, 1), StateTokenMap.Identity(3)))
            .Should().Throw<ArgumentException>().WithMessage("*lacks the token of state 2*");

        // a predictor for the wrong number of states fails the run with its own message
        var twoStates = new LanguageModelPredictor(new LlmChains.Models.UniformModel(2, 1), StateTokenMap.Identity(2));
        FluentActions.Invoking(() => InContextExperiment.Run(source, [twoStates], new InContextExperimentOptions { Length = 10, Repetitions = 2 }))
            .Should().Throw<ArgumentException>().WithMessage("The token map has 2 states; the chain has d = 3.*");
    }

    [Fact]
    public void Generators_BadInput_ClearErrors()
    {
        FluentActions.Invoking(() => ChainGenerators.UniformRows(1, 0)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("The number of states d must be ≥ 2; got 1.*");
        FluentActions.Invoking(() => ChainGenerators.Dirichlet(0, 1, 0)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("The number of states d must be ≥ 2; got 0.*");
        FluentActions.Invoking(() => ChainGenerators.ConstrainedRandomWalk(1)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("The number of states d must be ≥ 2*");
        FluentActions.Invoking(() => ChainGenerators.PolygonalRandomWalk(2)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*d ≥ 3*");
        FluentActions.Invoking(() => new GeneratedChain(new double[,] { { 1 } })).Should().Throw<ArgumentOutOfRangeException>().WithMessage("The number of states d must be ≥ 2; got 1.*");
        foreach (double alpha in new[] { 0.0, -1.0, double.NaN, double.PositiveInfinity })
        {
            FluentActions.Invoking(() => ChainGenerators.Dirichlet(3, alpha, 0)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("The Dirichlet concentration α must be finite and > 0*");
        }

        foreach (double eta in new[] { 0.0, -0.1, 0.76, double.NaN })
        {
            FluentActions.Invoking(() => ChainGenerators.InnerCliqueOuterRim(9, eta)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("η must lie in (0, 3/4]*");
        }

        FluentActions.Invoking(() => ChainGenerators.InnerCliqueOuterRim(10, 0.02)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*d = 3k*");
        FluentActions.Invoking(() => ChainGenerators.InnerCliqueOuterRim(3, 0.02)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*k ≥ 2*");
        FluentActions.Invoking(() => ChainGenerators.InnerCliqueOuterRim(9, 0.02, [true])).Should().Throw<ArgumentException>().WithMessage("*d/3 = 3 entries*");
        FluentActions.Invoking(() => ChainGenerators.InnerCliqueOuterRim(9, 0.02, perturbation: 0.3)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*[0, 1/4]*");
        FluentActions.Invoking(() => ChainGenerators.WithMixingTimeInRange(3, 2, 10, 0)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*≥ 4*");
        FluentActions.Invoking(() => new GeneratedChain(new double[,] { { 0.5, 0.4 }, { 0.5, 0.5 } })).Should().Throw<ArgumentException>().WithMessage("Row 0 sums to 0.9*");
    }
}
