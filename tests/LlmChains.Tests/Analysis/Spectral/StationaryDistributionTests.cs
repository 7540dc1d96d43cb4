using LlmChains.Analysis;
using LlmChains.Analysis.Spectral;
using LlmChains.Analysis.Spectral.Internals;
using LlmChains.Chains;
using LlmChains.Models;
using LlmChains.Tests.Support;
using Microsoft.Extensions.Logging;

namespace LlmChains.Tests.Analysis.Spectral;

/// <summary>Oracles (paper-spec §8), reducible chains and the result contract of <see cref="StationaryDistribution"/>.</summary>
public sealed class StationaryDistributionTests
{
    public static TheoryData<StationaryMethod> AllMethods => new() { StationaryMethod.Auto, StationaryMethod.Gth, StationaryMethod.Power, StationaryMethod.LazyPower, StationaryMethod.Gmres };

    [Theory]
    [InlineData(1e-8)]
    [InlineData(1e-10)]
    [InlineData(1e-12)]
    [InlineData(1e-14)]
    [InlineData(1e-15)]
    [InlineData(1e-16)]
    [InlineData(1e-17)]
    [InlineData(1e-18)]
    public void Gth_TwoStateChainWithTinyA_IsOneThirdTwoThirdsToMachinePrecision(double a)
    {
        var p = new[,] { { 1 - a, a }, { a / 2, 1 - (a / 2) } };

        double[] pi = StationaryDistribution.Gth(p);
        var viaCompute = StationaryDistribution.Compute(SparseMarkovChain.FromDense(p), new StationaryOptions { Method = StationaryMethod.Gth });

        Math.Abs(pi[0] - (1.0 / 3)).Should().BeLessThanOrEqualTo(1e-15 / 3);
        Math.Abs(pi[1] - (2.0 / 3)).Should().BeLessThanOrEqualTo(2e-15 / 3);
        viaCompute.Distribution.Should().Equal(pi);
        viaCompute.Status.Should().Be(SolveStatus.Converged);
        viaCompute.Method.Should().Be(StationaryMethod.Gth);
        viaCompute.ErrorEstimate.Should().BeNull();
    }

    [Fact]
    public void Gth_ThreeStateChain_MatchesClosedForm()
    {
        // O-11's chain: π = (9/28, 12/28, 7/28)
        var p = new[,] { { 0.5, 0.3, 0.2 }, { 0.2, 0.6, 0.2 }, { 0.3, 0.3, 0.4 } };

        double[] pi = StationaryDistribution.Gth(p);

        pi.Should().Equal([9.0 / 28, 12.0 / 28, 7.0 / 28], (x, y) => Math.Abs(x - y) <= 1e-16);
    }

    [Fact]
    public void Gth_TransientStateAndOneAbsorbingClass_IsZeroOnTheTransientState()
    {
        var p = new[,] { { 0.5, 0.25, 0.25 }, { 0, 0.4, 0.6 }, { 0, 0.8, 0.2 } };

        double[] pi = StationaryDistribution.Gth(p);

        pi[0].Should().Be(0);
        pi[1].Should().BeApproximately(4.0 / 7, 2e-16);
        pi[2].Should().BeApproximately(3.0 / 7, 2e-16);
    }

    [Theory]
    [InlineData(2, 64)]
    [InlineData(3, 64)]
    [InlineData(10, 64)]
    [InlineData(12, 64)]
    [InlineData(20, 32)]
    [InlineData(50, 16)]
    [InlineData(100, 8)]
    [InlineData(1000, 1)]
    public void AutomaticDegree_DefaultSubspace_FollowsTheTrafficRatio(int rowNonZeros, int expected)
    {
        // d = power of 2 nearest 8·(2(m + k) + 6)/(2 + nnz/row), within 1..64 (m = 30, k = 8: 8·82/(2 + T))
        StationaryDistribution.AutomaticDegree(30, 8, rowNonZeros).Should().Be(expected);
    }

    [Theory]
    [InlineData(32, 30, 30, 1)]
    [InlineData(64, 30, 100_000, 64)]
    [InlineData(64, 30, 300, 9)]
    [InlineData(8, 30, 0, 1)]
    public void BudgetedDegree_LowersTheDegreeSoThatOneCycleFitsTheRemainingBudget(int degree, int restartLength, int remaining, int expected)
    {
        StationaryDistribution.BudgetedDegree(degree, restartLength, remaining).Should().Be(expected);
    }

    [Theory]
    [MemberData(nameof(AllMethods))]
    public void Compute_ContextFreeModelO4_IsQToTheThirdPaddedWithZeros(StationaryMethod method)
    {
        var chain = LanguageModelChain.Build(new ContextFreeModel([0.9, 0.1], 3));

        var result = StationaryDistribution.Compute(chain, new StationaryOptions { Method = method });

        double[] expected = [0, 0, 0, 0, 0, 0, 0.729, 0.081, 0.081, 0.009, 0.081, 0.009, 0.009, 0.001];
        double accuracy = method is StationaryMethod.Auto or StationaryMethod.Gth ? 1e-15 : 1e-10; // iterative: residual 1e-12 over the gap
        result.Distribution.Should().Equal(expected, (x, y) => Math.Abs(x - y) <= accuracy);
        result.Distribution.Take(6).Should().AllBeEquivalentTo(0.0);
        result.Residual.Should().BeLessThanOrEqualTo(1e-12);
        result.Status.Should().Be(SolveStatus.Converged);
        result.Class.Size.Should().Be(8);
        result.Class.FirstState.Should().Be(6);
        result.GetClassStates().Should().Equal(6, 7, 8, 9, 10, 11, 12, 13);
    }

    [Theory]
    [InlineData(2, 3)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    public void Compute_UniformModelO5_IsUniformOnFullLengthStates(int t, int k)
    {
        var chain = LanguageModelChain.Build(new UniformModel(t, k));
        long offset = chain.States.FullLengthOffset;
        double share = 1 / Math.Pow(t, k);

        foreach (var method in new[] { StationaryMethod.Gth, StationaryMethod.Power, StationaryMethod.Gmres })
        {
            var result = StationaryDistribution.Compute(chain, new StationaryOptions { Method = method });

            result.Distribution.Take((int)offset).Should().AllBeEquivalentTo(0.0);
            result.Distribution.Skip((int)offset).Should().AllSatisfy(p => p.Should().BeApproximately(share, 1e-15));
            result.Residual.Should().BeLessThanOrEqualTo(1e-14);
        }
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(2.0)]
    public void Compute_ParityModelO6_IsOneEighthOnLengthThreeStates(double temperature)
    {
        var chain = LanguageModelChain.Build(new ParityModel(3), new DecodingOptions { Temperature = temperature });

        foreach (var method in new[] { StationaryMethod.Auto, StationaryMethod.Power, StationaryMethod.Gmres })
        {
            var result = StationaryDistribution.Compute(chain, new StationaryOptions { Method = method });

            result.Distribution.Take(6).Should().AllBeEquivalentTo(0.0);
            result.Distribution.Skip(6).Should().AllSatisfy(p => p.Should().BeApproximately(0.125, 1e-13));
            result.Status.Should().Be(SolveStatus.Converged);
        }
    }

    [Fact]
    public void ComputeAll_Identity_GivesOneUnitVectorPerState()
    {
        var identity = new double[4, 4];
        for (int i = 0; i < 4; i++)
        {
            identity[i, i] = 1;
        }

        var chain = SparseMarkovChain.FromDense(identity);

        var all = StationaryDistribution.ComputeAll(chain);

        all.Should().HaveCount(4);
        for (int i = 0; i < 4; i++)
        {
            all[i].Class.FirstState.Should().Be(i);
            all[i].Distribution.Should().Equal(Enumerable.Range(0, 4).Select(j => j == i ? 1.0 : 0.0));
            all[i].Residual.Should().Be(0);
        }
    }

    [Fact]
    public void Compute_Identity_ThrowsNamingTheRecurrentClasses()
    {
        var identity = new double[4, 4];
        for (int i = 0; i < 4; i++)
        {
            identity[i, i] = 1;
        }

        var act = () => StationaryDistribution.Compute(SparseMarkovChain.FromDense(identity));

        act.Should().Throw<ArgumentException>()
            .Where(e => e.ParamName == "chain")
            .WithMessage("*4 recurrent classes*1 state, first state 0*first state 3*ComputeAll*");
    }

    [Theory]
    [MemberData(nameof(AllMethods))]
    public void ComputeAll_TwoAbsorbingStatesFedByATransientOne_GivesTwoUnitVectors(StationaryMethod method)
    {
        var chain = SparseMarkovChain.FromDense(new[,] { { 0.2, 0.5, 0.3 }, { 0, 1, 0 }, { 0, 0, 1 } });

        var all = StationaryDistribution.ComputeAll(chain, new StationaryOptions { Method = method });

        all.Should().HaveCount(2);
        all[0].Distribution.Should().Equal(0.0, 1.0, 0.0);
        all[1].Distribution.Should().Equal(0.0, 0.0, 1.0);
        all.Should().AllSatisfy(r => r.Status.Should().Be(SolveStatus.Converged));
    }

    [Fact]
    public void Compute_TwoAbsorbingStatesFedByATransientOne_ThrowsWithCountSizesAndFirstStates()
    {
        var chain = SparseMarkovChain.FromDense(new[,] { { 0.2, 0.5, 0.3 }, { 0, 1, 0 }, { 0, 0, 1 } });

        var act = () => StationaryDistribution.Compute(chain);

        act.Should().Throw<ArgumentException>().WithMessage("*2 recurrent classes*1 state, first state 1*1 state, first state 2*");
        var gth = () => StationaryDistribution.Gth(new[,] { { 0.2, 0.5, 0.3 }, { 0, 1, 0 }, { 0, 0, 1 } });
        gth.Should().Throw<ArgumentException>().Where(e => e.ParamName == "transitionMatrix").WithMessage("*2 recurrent classes*");
    }

    [Theory]
    [InlineData(StationaryMethod.Power, StationaryMethod.LazyPower)]
    [InlineData(StationaryMethod.LazyPower, StationaryMethod.LazyPower)]
    [InlineData(StationaryMethod.Gmres, StationaryMethod.Gmres)]
    [InlineData(StationaryMethod.Gth, StationaryMethod.Gth)]
    public void Compute_PeriodicCycle_UsesLazyPowerAndIsUniform(StationaryMethod requested, StationaryMethod reported)
    {
        var cycle = SparseMarkovChain.FromDense(new[,] { { 0, 1.0, 0 }, { 0, 0, 1.0 }, { 1.0, 0, 0 } });

        var result = StationaryDistribution.Compute(cycle, new StationaryOptions { Method = requested });

        result.Method.Should().Be(reported);
        result.Class.Period.Should().Be(3);
        result.Distribution.Should().AllSatisfy(p => p.Should().BeApproximately(1.0 / 3, 1e-13));
        result.Status.Should().Be(SolveStatus.Converged);
    }

    [Fact]
    public void Compute_RecurrentBlockDirectly_MatchesTheFullChainOnTheBlock()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(3, 4, 1.5, seed: 4));

        var full = StationaryDistribution.Compute(chain);
        var block = StationaryDistribution.Compute(chain.RecurrentBlock);

        block.Class.Should().Be(new CommunicatingClass(0, 81, true, 1, 0));
        block.Distribution.Should().Equal(full.Distribution.Skip((int)chain.States.FullLengthOffset));
        full.ClassDistribution.ToArray().Should().Equal(block.Distribution);
    }

    [Fact]
    public void Compute_Result_HasFullLengthDistributionSummingToOneAndAnIndependentResidual()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(2, 5, 1.0, seed: 2), new DecodingOptions { Temperature = 0.7 });

        foreach (var method in new[] { StationaryMethod.Gth, StationaryMethod.Power, StationaryMethod.Gmres })
        {
            var result = StationaryDistribution.Compute(chain, new StationaryOptions { Method = method });

            result.StateCount.Should().Be(chain.StateCount);
            result.Distribution.Should().HaveCount((int)chain.StateCount).And.OnlyContain(p => p >= 0);
            result.Distribution.Sum().Should().BeApproximately(1, 1e-14);
            result.Residual.Should().BeApproximately(StationaryTestChains.Residual(chain, result.Distribution), 1e-17);
            result.MatrixVectorProducts.Should().BeGreaterThanOrEqualTo(1);
            result.Distribution.Should().BeSameAs(result.Distribution);
        }
    }

    [Fact]
    public void Compute_PowerWithTinyBudget_ReportsMaxIterationsReachedWithTheResidual()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(2, 6, 1.0, seed: 1), new DecodingOptions { Temperature = 0.3 });

        var result = StationaryDistribution.Compute(chain, new StationaryOptions { Method = StationaryMethod.Power, MaxIterations = 5 });

        result.Status.Should().Be(SolveStatus.MaxIterationsReached);
        result.MatrixVectorProducts.Should().Be(6); // five steps and the final residual check
        result.Residual.Should().BeGreaterThan(1e-12).And.BeLessThan(2);
        result.Distribution.Sum().Should().BeApproximately(1, 1e-14);
    }

    [Fact]
    public void Compute_GmresWithTinyBudget_ReportsMaxIterationsReached()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(2, 8, 1.0, seed: 0), new DecodingOptions { Temperature = 0.1 });

        var result = StationaryDistribution.Compute(chain, new StationaryOptions { Method = StationaryMethod.Gmres, MaxIterations = 30 });

        result.Status.Should().Be(SolveStatus.MaxIterationsReached);
        result.MatrixVectorProducts.Should().BeLessThanOrEqualTo(31);
        result.Residual.Should().BeGreaterThan(1e-12);
    }

    public static TheoryData<StationaryMethod, int?, int> SmallBudgets
    {
        get
        {
            var data = new TheoryData<StationaryMethod, int?, int>();
            foreach (int? degree in new int?[] { null, 1, 2, 8, 16, 32, 64 })
            {
                foreach (int budget in new[] { 1, 2, 5, 30, 33, 100, 257, 700 })
                {
                    data.Add(StationaryMethod.Gmres, degree, budget);
                }
            }

            foreach (int budget in new[] { 25, 30, 33, 100, 257 })
            {
                data.Add(StationaryMethod.Auto, 32, budget);
                data.Add(StationaryMethod.Auto, 64, budget);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(SmallBudgets))]
    public void Compute_GmresWithSmallBudget_NeverUsesMoreProductsThanTheBudget(StationaryMethod method, int? degree, int budget)
    {
        // every Krylov vector costs d products: they must be reserved against the remaining budget before they are
        // computed (d = 32 once used 34 products of a budget of 30)
        var chain = LanguageModelChain.Build(new RandomLogitsModel(2, 8, 1.0, seed: 0), new DecodingOptions { Temperature = 0.1 });

        var result = StationaryDistribution.Compute(chain.RecurrentBlock, new StationaryOptions { Method = method, KrylovPolynomialDegree = degree, MaxIterations = budget, GthMaxStates = 1 });

        result.MatrixVectorProducts.Should().BeLessThanOrEqualTo(budget + 1, "the solve stays within MaxIterations; only the independent final residual check (one product) comes on top, as for power");
        result.Status.Should().Be(result.Residual <= 1e-12 ? SolveStatus.Converged : SolveStatus.MaxIterationsReached);
        result.Distribution.Sum().Should().BeApproximately(1, 1e-14);
    }

    [Theory]
    [InlineData(StationaryMethod.Power)]
    [InlineData(StationaryMethod.Gmres)]
    public void Compute_WarmStartAtTheSolution_ConvergesImmediately(StationaryMethod method)
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(2, 7, 1.0, seed: 3), new DecodingOptions { Temperature = 0.2 });
        var exact = StationaryDistribution.Compute(chain, new StationaryOptions { Method = StationaryMethod.Gth });

        var warm = StationaryDistribution.Compute(chain, new StationaryOptions { Method = method, InitialGuess = exact.Distribution });
        var cold = StationaryDistribution.Compute(chain, new StationaryOptions { Method = method });

        warm.Status.Should().Be(SolveStatus.Converged);
        warm.MatrixVectorProducts.Should().BeLessThanOrEqualTo(2);
        cold.MatrixVectorProducts.Should().BeGreaterThan(10);
        StationaryTestChains.L1(warm.Distribution, exact.Distribution).Should().BeLessThanOrEqualTo(1e-13);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(64)]
    public void Compute_Float32ChainBelowItsRoundingFloor_ReportsStagnatedNotMaxIterations(int? degree)
    {
        // float32 rows miss 1 by ~1e-9 here: no x has a residual below the row-sum defect δ, and the preconditioned
        // system's own solution sits at up to 2d·δ (d = 64: 1e-8), which the floor check must know about
        var chain = LanguageModelChain.Build(
            new RandomLogitsModel(3, 6, 1.0, seed: 5),
            options: new ChainBuildOptions { Precision = ProbabilityPrecision.Float32 });

        var result = StationaryDistribution.Compute(chain, new StationaryOptions { Method = StationaryMethod.Gmres, Tolerance = 1e-16, KrylovPolynomialDegree = degree });

        result.Status.Should().Be(SolveStatus.Stagnated);
        result.Residual.Should().BeLessThan(3e-9, "the result is at the chain's floor (about 2δ), not at the preconditioned system's (about d·δ)");
        result.MatrixVectorProducts.Should().BeLessThan(1000);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(64)]
    public void Compute_Float32ChainWithToleranceJustAboveItsFloor_ConvergesForEveryDegree(int? degree)
    {
        // 4e-9 is reachable (d = 1 gets to 2.7e-9) but below the floor of the d = 32 and d = 64 systems (4.9e-9, 1e-8)
        var chain = LanguageModelChain.Build(
            new RandomLogitsModel(3, 6, 1.0, seed: 5),
            options: new ChainBuildOptions { Precision = ProbabilityPrecision.Float32 });

        var result = StationaryDistribution.Compute(chain, new StationaryOptions { Method = StationaryMethod.Gmres, Tolerance = 4e-9, KrylovPolynomialDegree = degree });

        result.Status.Should().Be(SolveStatus.Converged);
        result.Residual.Should().BeLessThanOrEqualTo(4e-9);
        result.MatrixVectorProducts.Should().BeLessThan(1000);
    }

    [Fact]
    public void Compute_WithLoggerAndProgress_LogsStartFinishAndWarnsOnNonConvergence()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(2, 6, 1.0, seed: 1), new DecodingOptions { Temperature = 0.3 });
        var logs = new StationaryRecordingLoggerFactory();
        var progress = new RecordingProgress<Progress>();

        StationaryDistribution.Compute(chain, new StationaryOptions { Method = StationaryMethod.Power, MaxIterations = 3, LoggerFactory = logs }, progress);

        logs.Entries.Should().Contain(e => e.Level == LogLevel.Information && e.Message.Contains("Stationary distribution of a chain with 126 states", StringComparison.Ordinal));
        logs.Entries.Should().Contain(e => e.Level == LogLevel.Information && e.Message.Contains("Stationary distribution done", StringComparison.Ordinal));
        logs.Entries.Should().Contain(e => e.Level == LogLevel.Warning && e.Message.Contains("MaxIterationsReached", StringComparison.Ordinal));
        logs.Entries.Should().Contain(e => e.Level == LogLevel.Debug && e.Message.Contains("Power iteration 1", StringComparison.Ordinal));
        progress.Reports.Should().NotBeEmpty();
        progress.Reports[^1].Done.Should().Be(4);
        progress.Reports[^1].Stage.Should().Be("stationary");
        progress.Reports[^1].Detail.Should().StartWith("residual ");
    }

    [Fact]
    public void PositiveBlockShortcut_TakesOnlyUntruncatedFullLengthBlocks()
    {
        var model = new RandomLogitsModel(3, 5, 2.0, seed: 4);
        var full = LanguageModelChain.Build(model);
        var truncated = LanguageModelChain.Build(model, new DecodingOptions { TopK = 2 });
        var float32 = LanguageModelChain.Build(model, options: new ChainBuildOptions { Precision = ProbabilityPrecision.Float32 });
        StationaryShortcuts.IsPositiveFullLengthBlock(full.RecurrentBlock, default).Should().BeTrue();
        StationaryShortcuts.IsPositiveFullLengthBlock(float32.RecurrentBlock, default).Should().BeTrue();
        StationaryShortcuts.IsPositiveFullLengthBlock(truncated.RecurrentBlock, default).Should().BeFalse("top-2 of 3 leaves a zero in every row");
        StationaryShortcuts.IsPositiveFullLengthBlock(full, default).Should().BeFalse("the whole chain is not the block");
        StationaryShortcuts.IsPositiveFullLengthBlock(truncated.RecurrentBlock, default).Should().BeFalse("the cached answer is the same");
    }
}

