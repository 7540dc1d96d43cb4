using LlmChains.Analysis;
using LlmChains.Chains;
using LlmChains.Models;
using static LlmChains.Tests.Analysis.Convergence.SampledConvergenceReference;
using LlmChains.Analysis.Convergence;
using LlmChains.Analysis.Spectral;

namespace LlmChains.Tests.Analysis.Convergence;

/// <summary>The lower confidence bound of <see cref="SampledTotalVariation.Separation"/> against exact distances.</summary>
public sealed class SampledLowerBoundTests
{
    private static readonly LanguageModelChain Toy = LanguageModelChain.Build(NGramModel.PaperToyExample());

    public static TheoryData<string> CoverageCases => ["toy-tokens", "toy-states", "toy-hashed", "random-t3k2", "periodic"];

    [Theory]
    [MemberData(nameof(CoverageCases))]
    public void LowerLimit_RepeatedSeeds_StaysBelowTheExactDistanceAtTheNominalRate(string name)
    {
        // Confidence 0.9: each lower limit exceeds TV(μQ^t, νQ^t) with probability ≤ α/2 = 0.05. The target is the
        // exact TV(μQ^t, π) from TotalVariation.DistancesFrom plus the exact burn-in error TV(νQ^t, π) (zero when ν = π).
        var (chain, start, reference, pi, projection) = Case(name);
        int n = (int)chain.StateCount;
        const int steps = 8;
        const int seeds = 150;
        var options = new SamplingOptions { Trajectories = 200, Steps = steps, Confidence = 0.9, Projection = projection, MaxDegreeOfParallelism = 1 };
        var exact = TotalVariation.DistancesFrom(chain, PointMass(n, start), pi, steps);
        var nuLaw = reference.BurnIn > 0 ? Laws(chain, PointMass(n, start), reference.BurnIn)[reference.BurnIn] : (double[])pi.Clone();
        var burnInError = Laws(chain, nuLaw, steps).Select(law => TotalVariation.Distance(law, pi)).ToArray();
        burnInError.Max().Should().BeLessThan(1e-3, "the burn-in reaches π");
        var misses = new int[steps + 1];
        var mean = new double[steps + 1];
        for (int seed = 0; seed < seeds; seed++)
        {
            var sampled = SampledConvergence.EstimateTotalVariation(chain, SampledStart.State(start), reference, options with { Seed = seed });
            for (int t = 0; t <= steps; t++)
            {
                double lower = sampled.LowerLimit(t);
                misses[t] += lower > exact[t] + burnInError[t] + 1e-12 ? 1 : 0;
                mean[t] += lower / seeds;
            }
        }

        for (int t = 0; t <= steps; t++)
        {
            ((double)misses[t] / seeds).Should().BeLessThanOrEqualTo(0.1, $"t = {t}: at most α/2 = 5% nominal (sd of the rate ≈ 0.018); exact TV {exact[t]:G4}");
        }

        mean[0].Should().BeGreaterThan(0.25, $"from a point mass the lower limit is informative at t = 0 (exact TV {exact[0]:G4})");
    }

    [Fact]
    public void LowerLimit_PointMassStartOnTheToyChain_IsClearlyPositiveWhileTheDistanceIsLarge()
    {
        // δ_"000" (state 6): the exact TV to π is large for the first steps. With the state itself as f, the lower limit
        // must be a good part of it; with the last 2 tokens and the full flag, a good part of the exact TV
        // of the projected laws (which forget the oldest token, so it is smaller from t = 2 on). Both stay below the exact distance.
        const int burnIn = 80;
        var pi = StationaryDistribution.Compute(Toy).Distribution;
        var exact = TotalVariation.DistancesFromState(Toy, 6, pi, 6);
        var laws = Laws(Toy, PointMass(14, 6), 6);

        var options = new SamplingOptions { Trajectories = 2000, Steps = 6, Seed = 4, BurnIn = burnIn };
        var byState = SampledConvergence.EstimateTotalVariation(Toy, SampledStart.State(6), null, options with { Projection = SampledProjection.States });
        var byTokens = SampledConvergence.EstimateTotalVariation(Toy, SampledStart.State(6), null, options with { Projection = SampledProjection.LastTokens(2) });
        for (int t = 0; t <= 3; t++)
        {
            double projected = ProjectedDistance(laws[t], pi, 10, LastTwoAndFull);
            exact[t].Should().BeGreaterThan(0.3, "the test needs a large distance");
            byState.LowerLimit(t).Should().BeGreaterThan(0.6 * exact[t], $"the state, t = {t}: {byState.Separation[t]} vs exact {exact[t]:G4}");
            byTokens.LowerLimit(t).Should().BeGreaterThan((0.6 * projected) - 0.02, $"the last 2 tokens, t = {t}: {byTokens.Separation[t]} vs projected {projected:G4}");
            foreach (var sampled in new[] { byState, byTokens })
            {
                sampled.LowerLimit(t).Should().BeLessThanOrEqualTo(exact[t] + 1e-3);
                sampled.LowerLimit(t).Should().BeLessThanOrEqualTo(sampled.UpperLimit(t));
            }
        }

        byTokens.LowerLimit(0).Should().BeGreaterThan(0.5);
    }

    [Fact]
    public void LowerLimit_LongContextWindow_BracketsTheExactDistanceWhereTheCouplingIsLoose()
    {
        // T = 3, K = 9 (29,523 states): the copies meet only after 9 agreeing tokens, so the coupling bound stays near 1,
        // while a separating event on the hashed state (automatic: 4N = 4,000 buckets) bounds the distance from below.
        var chain = LanguageModelChain.Build(new RandomLogitsModel(3, 9));
        var pi = StationaryDistribution.Compute(chain).Distribution;
        long start = chain.States.Rank([0, 0, 0, 0, 0, 0, 0, 0, 0]);
        var exact = TotalVariation.DistancesFromState(chain, start, pi, 10);
        var options = new SamplingOptions { Trajectories = 1000, Steps = 10, BurnIn = 300, Seed = 1 };

        var sampled = SampledConvergence.EstimateTotalVariation(chain, SampledStart.State(start), null, options);

        sampled.Projection.ToString().Should().Be("the state hashed into 4,000 buckets");
        sampled.ProjectionBins.Should().Be(4000);
        for (int t = 0; t <= 10; t++)
        {
            sampled.LowerLimit(t).Should().BeLessThanOrEqualTo(exact[t] + 1e-3, $"t = {t}");
            sampled.UpperLimit(t).Should().BeGreaterThanOrEqualTo(exact[t] - 1e-3, $"t = {t}");
        }

        for (int t = 0; t <= 5; t++)
        {
            exact[t].Should().BeGreaterThan(0.95, "the window still holds prompt tokens");
            sampled.LowerLimit(t).Should().BeGreaterThan(0.7, $"t = {t}: {sampled.Separation[t]}, exact {exact[t]:G4}");
        }
        sampled[10].Estimate.Should().BeGreaterThan(0.5, "the coupling is loose here; the lower bound is what is informative");
    }

    [Fact]
    public void Separation_IsIdenticalForEveryThreadCountAndForTheModel()
    {
        var model = new RandomLogitsModel(3, 4, 1.0, 7);
        var chain = LanguageModelChain.Build(model);
        var options = new SamplingOptions { Trajectories = 300, Steps = 12, BurnIn = 40, Seed = 9 };
        var start = SampledStart.State(5);

        var one = SampledConvergence.EstimateTotalVariation(chain, start, null, options with { MaxDegreeOfParallelism = 1 });
        var two = SampledConvergence.EstimateTotalVariation(chain, start, null, options with { MaxDegreeOfParallelism = 2 });
        var three = SampledConvergence.EstimateTotalVariation(chain, start, null, options with { MaxDegreeOfParallelism = 3 });
        var fromModel = SampledConvergence.EstimateTotalVariationFromModel(model, DecodingOptions.Default, start, null, options);

        one.Separation.Should().Equal(two.Separation).And.Equal(three.Separation).And.Equal(fromModel.Separation);
        one.UncoupledCounts.Should().Equal(three.UncoupledCounts).And.Equal(fromModel.UncoupledCounts);
        one.SelectionPairs.Should().Be(150);
        one.Separation.Should().OnlyContain(s => s.Trials == 150 && s.Lower >= 0 && s.Lower <= 1);
    }

    [Fact]
    public void Projection_DoesNotChangeTheCouplingTail_AndLastTokensMatchesItsDefinition()
    {
        // The same seeded pairs serve both bounds: the tail is the same for every projection. LastTokens(2) on the toy
        // chain equals a custom map onto the last ≤ 2 tokens and the full-window flag.
        var options = new SamplingOptions { Trajectories = 400, Steps = 10, BurnIn = 30, Seed = 2 };
        var custom = SampledProjection.Custom(10, LastTwoAndFull, "last two tokens by hand");

        var automatic = SampledConvergence.EstimateTotalVariation(Toy, SampledStart.Uniform, null, options with { Projection = SampledProjection.LastTokens(2) });
        var byHand = SampledConvergence.EstimateTotalVariation(Toy, SampledStart.Uniform, null, options with { Projection = custom });
        var states = SampledConvergence.EstimateTotalVariation(Toy, SampledStart.Uniform, null, options with { Projection = SampledProjection.States });
        var blocks = SampledConvergence.EstimateTotalVariation(Toy, SampledStart.Uniform, null, options with { Projection = SampledProjection.StateBlocks(4) });

        automatic.Projection.TokenCount.Should().Be(2);
        automatic.ProjectionBins.Should().Be(10);
        byHand.Separation.Should().Equal(automatic.Separation);
        byHand.Projection.ToString().Should().Be("last two tokens by hand");
        states.ProjectionBins.Should().Be(14);
        SampledConvergence.EstimateTotalVariation(Toy, SampledStart.Uniform, null, options).Separation.Should().Equal(states.Separation, "the automatic choice for 14 states is the state");
        blocks.ProjectionBins.Should().Be(4);
        blocks.Projection.ToString().Should().Be("4 blocks of contiguous states");
        states.UncoupledCounts.Should().Equal(automatic.UncoupledCounts).And.Equal(blocks.UncoupledCounts);
    }

    [Fact]
    public void Projection_AutomaticChoice_DependsOnTheChain()
    {
        var options = new SamplingOptions { Trajectories = 5000, Steps = 2, BurnIn = 2 };
        var general = SparseMarkovChain.FromDense(new double[,] { { 0.5, 0.5, 0 }, { 0, 0.5, 0.5 }, { 0.5, 0, 0.5 } });
        SampledConvergence.EstimateTotalVariation(general, SampledStart.State(0), null, options).Projection.Should().BeSameAs(SampledProjection.States);
        SampledConvergence.EstimateTotalVariationFromModel(new RandomLogitsModel(100, 3), DecodingOptions.Default, SampledStart.State(0), null, options with { Trajectories = 30 })
            .Projection.ToString().Should().Be("the state hashed into 120 buckets");
        var kOne = SampledConvergence.EstimateTotalVariationFromModel(new RandomLogitsModel(5, 1), DecodingOptions.Default, SampledStart.State(0), null, options);
        kOne.Projection.Should().BeSameAs(SampledProjection.States);
        kOne.ProjectionBins.Should().Be(5);
        var big = SampledConvergence.EstimateTotalVariationFromModel(new RandomLogitsModel(2, 14), DecodingOptions.Default, SampledStart.State(0), null, options);
        big.ProjectionBins.Should().Be(16384);
        var longHorizon = SampledConvergence.EstimateTotalVariationFromModel(new RandomLogitsModel(2, 14), DecodingOptions.Default, SampledStart.State(0), SampledStart.State(0), options with { Steps = 2000 }); // the copies start together: cheap
        longHorizon.ProjectionBins.Should().Be(SampledProjection.MaxCounts / 2001, "16,384 buckets at 2,001 times would exceed the counts");
        SampledConvergence.EstimateTotalVariation(Toy, SampledStart.State(0), null, options with { Trajectories = 2 }).ProjectionBins.Should().Be(14, "at least 64 bins");
        SampledConvergence.EstimateTotalVariation(Toy, SampledStart.State(0), null, options with { Projection = SampledProjection.LastTokens(1) })
            .Projection.ToString().Should().Be("the last token and whether the window is full");
    }

    [Fact]
    public void LowerLimit_SinglePair_IsZero()
    {
        var sampled = SampledConvergence.EstimateTotalVariation(Toy, SampledStart.State(6), null, new SamplingOptions { Trajectories = 1, Steps = 3, BurnIn = 5 });

        sampled.SelectionPairs.Should().Be(0);
        sampled.Separation.Should().OnlyContain(s => s.Lower == 0 && s.EventBins == 0 && s.Trials == 1);
    }

    [Fact]
    public void Projection_BadInput_Throws()
    {
        var general = SparseMarkovChain.FromDense(new double[,] { { 0.5, 0.5 }, { 0.5, 0.5 } });
        FluentActions.Invoking(() => SampledProjection.LastTokens(0)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => SampledProjection.StateBlocks(0)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => SampledProjection.HashedStates(0)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => SampledProjection.Custom(0, _ => 0, "x")).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => SampledProjection.Custom(2, null!, "x")).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => SampledProjection.Custom(2, _ => 0, " ")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => SampledConvergence.EstimateTotalVariation(general, SampledStart.State(0), null, new SamplingOptions { Trajectories = 4, Steps = 2, Projection = SampledProjection.LastTokens(1) }))
            .Should().Throw<ArgumentException>().WithMessage("*LastTokens*").Where(e => e.ParamName == "options");
        FluentActions.Invoking(() => SampledConvergence.EstimateTotalVariation(Toy, SampledStart.State(0), null, new SamplingOptions { Trajectories = 4, Steps = 2, BurnIn = 1, Projection = SampledProjection.Custom(3, s => (int)s, "the index") }))
            .Should().Throw<InvalidOperationException>().WithMessage("*outside 0..2*");
        FluentActions.Invoking(() => SampledConvergence.EstimateTotalVariationFromModel(new RandomLogitsModel(2, 21), DecodingOptions.Default, SampledStart.State(0), null, new SamplingOptions { Trajectories = 4, Steps = 10, Projection = SampledProjection.States }))
            .Should().Throw<ArgumentException>().WithMessage("*bins*").Where(e => e.ParamName == "options");
    }

    /// <summary>The toy chain's state → last ≤ 2 tokens and full-window flag: "0", "1" → 0, 1; full "…ab" → 2 + ab; "ab" → 6 + ab.</summary>
    private static int LastTwoAndFull(long state)
    {
        var tokens = Toy.States.Unrank(state);
        return tokens.Length switch
        {
            1 => tokens[0],
            2 => 6 + (2 * tokens[0]) + tokens[1],
            _ => 2 + (2 * tokens[^2]) + tokens[^1],
        };
    }

    /// <summary>TV of the laws of f(X) under <paramref name="p"/> and <paramref name="q"/>.</summary>
    private static double ProjectedDistance(double[] p, double[] q, int bins, Func<long, int> f)
    {
        var difference = new double[bins];
        for (int s = 0; s < p.Length; s++)
        {
            difference[f(s)] += p[s] - q[s];
        }

        return 0.5 * difference.Sum(Math.Abs);
    }

    /// <summary>Chain, start state, reference, π and projection of a coverage case.</summary>
    private static (IMarkovChain Chain, long Start, SampledStart Reference, double[] Pi, SampledProjection? Projection) Case(string name)
    {
        switch (name)
        {
            case "toy-tokens":
            case "toy-states":
            case "toy-hashed":
                var projection = name switch
                {
                    "toy-tokens" => SampledProjection.LastTokens(2),
                    "toy-hashed" => SampledProjection.HashedStates(5),
                    _ => null, // automatic: the state
                };
                return (Toy, 6, SampledStart.State(6).AfterBurnIn(60), StationaryDistribution.Compute(Toy).Distribution, projection);
            case "random-t3k2":
                var chain = LanguageModelChain.Build(new RandomLogitsModel(3, 2, 1.0, 21));
                return (chain, 4, SampledStart.State(4).AfterBurnIn(60), StationaryDistribution.Compute(chain).Distribution, null);
            default:
                // the random walk on a 6-cycle: period 2, π uniform; ν = π exactly, and TV(δ_0 Q^t, π) = 1/2 for ever
                var entries = new List<(long, long, double)>();
                for (int i = 0; i < 6; i++)
                {
                    entries.Add((i, (i + 1) % 6, 0.5));
                    entries.Add((i, (i + 5) % 6, 0.5));
                }

                return (SparseMarkovChain.FromTriplets(6, entries), 0, SampledStart.Uniform, Uniform(6), null);
        }
    }
}
