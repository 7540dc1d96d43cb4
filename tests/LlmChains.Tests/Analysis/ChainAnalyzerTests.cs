using LlmChains.Analysis;
using LlmChains.Analysis.Convergence;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Models;
using LlmChains.Tests.Analysis.Convergence;
using LlmChains.Tests.Analysis.Spectral;

namespace LlmChains.Tests.Analysis;

/// <summary>
/// <see cref="ChainAnalyzer.Analyze"/> on the cases of the reliability issue: above the worst-case limit t_mix and t_min
/// are not reported from the uniform start (item 1); the limit is an option sized by memory, checked in Validate
/// (item 2); periodic chains get the whole worst-case curve (item 5), checked against dense matrix powers.
/// </summary>
public sealed class ChainAnalyzerTests
{
    /// <summary>T = 2, K = 2, greedy "next = 1 − last token": the recurrent class {01, 10} is a loop of period 2.</summary>
    private static LanguageModelChain AlternatingGreedyChain()
    {
        // states 0, 1, 00, 01, 10, 11; logits favour the token opposite to the last one
        double[] logits = [0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0];
        return LanguageModelChain.Build(TabularModel.FromArray(logits, 2, 2), DecodingOptions.Greedy);
    }

    private static void ShouldMatchDensePowers(TotalVariationCurve curve, double[,] q, double[] pi)
    {
        var powers = ConvergenceReference.Powers(q, curve.Steps);
        for (int t = 0; t <= curve.Steps; t++)
        {
            curve[t].Should().BeApproximately(ConvergenceReference.WorstCaseTv(powers[t], pi), 1e-14, "d({0})", t);
        }
    }

    [Fact]
    public void Analyze_TwoCycle_WholeWorstCaseCurveAndPeriodicStatus()
    {
        double[,] q = { { 0, 1 }, { 1, 0 } };
        var analysis = ChainAnalyzer.Analyze(SparseMarkovChain.FromDense(q), new ChainAnalysisOptions { DistanceSteps = 100 });
        var d = analysis.Distances!;
        d.IsWorstCase.Should().BeTrue();
        d.Steps.Should().Be(100, "the curve covers DistanceSteps (the CLI's --tv-steps), not d(0) only");
        ShouldMatchDensePowers(d, q, [0.5, 0.5]);
        d.Distances.Should().AllSatisfy(v => v.Should().Be(0.5));
        analysis.MixingTime!.Value.Should().Be(double.PositiveInfinity);
        analysis.MixingTime.Status.Should().Be(MixingTimeStatus.Periodic);
        analysis.TMin!.Value.Should().Be(double.PositiveInfinity);
        analysis.TMin.Status.Should().Be(MixingTimeStatus.Periodic);
        analysis.TMin.IsCertified.Should().BeTrue();
    }

    [Fact]
    public void Analyze_GreedyModelInALoopOfPeriodTwo_WholeCurveMatchesDensePowers()
    {
        var chain = AlternatingGreedyChain();
        var structure = ChainStructure.Analyze(chain);
        structure.RecurrentClasses.Should().ContainSingle().Which.Period.Should().Be(2);
        var analysis = ChainAnalyzer.Analyze(chain, new ChainAnalysisOptions { DistanceSteps = 40 });
        var d = analysis.Distances!;
        d.Steps.Should().BeGreaterThanOrEqualTo(40);
        ShouldMatchDensePowers(d, ConvergenceReference.Dense(chain), analysis.Stationary!.Distribution);
        d[d.Steps].Should().BeApproximately(0.5, 1e-15); // 1 − 1/p
        analysis.MixingTime!.Status.Should().Be(MixingTimeStatus.Periodic);
        analysis.MixingTime.IsFinite.Should().BeFalse();
    }

    [Fact]
    public void Analyze_ErgodicChain_CurveCoversDistanceSteps()
    {
        double[,] q = ConvergenceReference.RandomErgodic(12, 0.5, 7);
        var analysis = ChainAnalyzer.Analyze(SparseMarkovChain.FromDense(q), new ChainAnalysisOptions { DistanceSteps = 90, ComputeSpectrum = false });
        analysis.Distances!.Steps.Should().BeGreaterThanOrEqualTo(90);
        ShouldMatchDensePowers(analysis.Distances, q, analysis.Stationary!.Distribution);
    }

    [Fact]
    public void Analyze_AboveWorstCaseLimit_NoMixingFigureUnderTheWorstCaseName()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(3, 2, 1.0, 5)); // 12 states
        var options = new ChainAnalysisOptions { WorstCaseMaxStates = 11, DistanceSteps = 30, ComputeSpectrum = false };
        var analysis = ChainAnalyzer.Analyze(chain, options);

        analysis.MixingTime!.Value.Should().Be(double.NaN);
        analysis.MixingTime.Status.Should().Be(MixingTimeStatus.TooLargeForWorstCase);
        analysis.MixingTime.IsWorstCase.Should().BeFalse();
        analysis.MixingTime.IsFinite.Should().BeFalse();
        analysis.TMin!.Value.Should().Be(double.NaN);
        analysis.TMin.Status.Should().Be(MixingTimeStatus.TooLargeForWorstCase);
        analysis.TMin.IsFinite.Should().BeFalse();

        // the uniform-start curve stays available under its own name, flagged as not the worst case
        var uniform = analysis.UniformStartDistances!;
        uniform.IsWorstCase.Should().BeFalse();
        uniform.Start.Should().Be(TotalVariationStart.Distribution);
        analysis.Distances.Should().BeSameAs(uniform);
        double[] pi = analysis.Stationary!.Distribution;
        uniform.Distances.Should().Equal(TotalVariation.DistancesFrom(chain, Enumerable.Repeat(1.0 / 12, 12).ToArray(), pi, 30).Distances);

        // at the limit the worst case is exact
        var exact = ChainAnalyzer.Analyze(chain, options with { WorstCaseMaxStates = 12 });
        exact.UniformStartDistances.Should().BeNull();
        exact.Distances!.IsWorstCase.Should().BeTrue();
        exact.MixingTime!.Status.Should().Be(MixingTimeStatus.Reached);
    }

    [Fact]
    public void Validate_WorstCaseMaxStatesAboveMemoryLimit_ThrowsBeforeAnyWork()
    {
        var convergence = new ConvergenceOptions { WorstCaseMemoryLimitBytes = 1L << 30 };
        convergence.MaxWorstCaseStates.Should().Be(11_584);
        var options = new ChainAnalysisOptions { WorstCaseMaxStates = 11_585, Convergence = convergence };
        var e = options.Invoking(o => o.Validate()).Should().ThrowExactly<ArgumentOutOfRangeException>().Which;
        e.Message.Should().StartWith("WorstCaseMaxStates = 11,585 is more than the exact worst case can do")
            .And.Contain("1 GiB").And.Contain("at most 11,584 states").And.NotContain("Parameter").And.NotContain("\n");

        // Analyze validates before touching the chain
        var act = () => ChainAnalyzer.Analyze(new UntouchableChain(), options);
        act.Should().ThrowExactly<ArgumentOutOfRangeException>();
        (options with { WorstCaseMaxStates = 11_584 }).Validate();
        (options with { WorstCaseMaxStates = null }).EffectiveWorstCaseMaxStates.Should().Be(11_584);
    }

    [Fact]
    public void Validate_NegativeOrBadOptions_OneLineMessages()
    {
        var cases = new (ChainAnalysisOptions Options, string Start)[]
        {
            (new() { WorstCaseMaxStates = -1 }, "WorstCaseMaxStates must be ≥ 0"),
            (new() { DistanceSteps = -1 }, "DistanceSteps must be ≥ 0"),
            (new() { MixingThreshold = 1 }, "MixingThreshold must lie in (0, 1); got 1."),
            (new() { BoundTarget = double.NaN }, "BoundTarget must lie in (0, 1); got NaN."),
            (new() { Convergence = new ConvergenceOptions { WorstCaseMemoryLimitBytes = -5 } }, "WorstCaseMemoryLimitBytes must be ≥ 0"),
        };
        foreach (var (options, start) in cases)
        {
            var e = options.Invoking(o => o.Validate()).Should().Throw<ArgumentException>().Which;
            e.Message.Should().StartWith(start).And.NotContain("Parameter").And.NotContain("Actual value");
        }
    }

    [Fact]
    public void DefaultLimit_ComesFromAvailableMemory()
    {
        long budget = TotalVariation.DefaultWorstCaseMemoryBytes;
        budget.Should().Be(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4);
        ChainAnalysisOptions.Default.EffectiveWorstCaseMaxStates.Should().Be(TotalVariation.DefaultMaxWorstCaseStates);
        TotalVariation.DefaultMaxWorstCaseStates.Should().Be(TotalVariation.MaxWorstCaseStatesFor(budget));
        if (budget >= 1L << 30)
        {
            TotalVariation.DefaultMaxWorstCaseStates.Should().BeGreaterThan(11_110, "1 GiB holds the n² doubles of 11,110 states");
        }
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(7L)]
    [InlineData(2048L)]
    [InlineData(1L << 20)]
    [InlineData(256L << 20)]
    [InlineData(1L << 30)]
    [InlineData(6_000_000_000L)]
    [InlineData(long.MaxValue)]
    public void MaxWorstCaseStatesFor_IsTheLargestFittingCount(long budget)
    {
        int n = TotalVariation.MaxWorstCaseStatesFor(budget);
        TotalVariation.WorstCaseBytes(n).Should().BeLessThanOrEqualTo(budget);
        if (n < int.MaxValue)
        {
            TotalVariation.WorstCaseBytes(n + 1L).Should().BeGreaterThan(budget);
        }

        // brute force on small budgets: 8·n·16⌈n/16⌉ by counting
        if (budget <= 1L << 20)
        {
            int brute = 0;
            while ((double)(brute + 1) * (((brute + 1 + 15) / 16) * 16) * 8 <= budget)
            {
                brute++;
            }

            n.Should().Be(brute);
        }
    }

    [Fact]
    public void WorstCaseDistances_ElevenThousandStatesWithinOneGiB_Accepted()
    {
        // every state moves to state 0, which loops: d(0) = 1 − 1/n… from state 1, d(1) = 0
        const int n = 11_110;
        TotalVariation.WorstCaseBytes(n).Should().BeLessThanOrEqualTo(1L << 30);
        var chain = SparseMarkovChain.FromCsr(Enumerable.Range(0, n + 1).Select(i => (long)i).ToArray(), new int[n], Enumerable.Repeat(1.0, n).ToArray());
        double[] pi = new double[n];
        pi[0] = 1;
        var curve = TotalVariation.WorstCaseDistances(chain, pi, 1, new ConvergenceOptions { WorstCaseMemoryLimitBytes = 1L << 30 });
        curve[0].Should().Be(1);
        curve[1].Should().Be(0);
    }

    /// <summary>A chain whose every member throws: proves that validation comes before any work.</summary>
    private sealed class UntouchableChain : IMarkovChain
    {
        public long StateCount => throw new InvalidOperationException("touched");

        public int MaxRowNonZeros => throw new InvalidOperationException("touched");

        public void Step(ReadOnlySpan<double> distribution, Span<double> next) => throw new InvalidOperationException("touched");

        public int GetRow(long state, Span<long> columns, Span<double> probabilities) => throw new InvalidOperationException("touched");
    }

    [Fact]
    public void Analyze_OneLoggerFactory_ReachesEveryStageThatHasNoneOfItsOwn()
    {
        var logs = new StationaryRecordingLoggerFactory();
        var chain = LanguageModelChain.Build(new RandomLogitsModel(3, 3, 1.0, 5));

        ChainAnalyzer.Analyze(chain, new ChainAnalysisOptions { LoggerFactory = logs, MaxDegreeOfParallelism = 1 });

        var messages = logs.Entries.Select(e => e.Message).ToArray();
        messages.Should().NotBeEmpty();
        var stages = new ChainAnalysisOptions { LoggerFactory = logs, Spectrum = new SpectrumOptions { Count = 3 } }.ForStages();
        stages.Stationary.LoggerFactory.Should().BeSameAs(logs);
        stages.Spectrum.LoggerFactory.Should().BeSameAs(logs);
        stages.Spectrum.Count.Should().Be(3, "the stage's own options are kept");
        stages.Convergence.LoggerFactory.Should().BeSameAs(logs);
        var own = new StationaryRecordingLoggerFactory();
        ChainAnalyzer.Analyze(chain, new ChainAnalysisOptions { LoggerFactory = logs, Stationary = new StationaryOptions { LoggerFactory = own } });
        own.Entries.Should().NotBeEmpty("a stage's own logger factory wins over the shared one");
    }

    [Fact]
    public void Analyze_MaxDegreeOfParallelism_DoesNotChangeResultsAndIsValidated()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(3, 4, 1.0, 8));
        var one = ChainAnalyzer.Analyze(chain, new ChainAnalysisOptions { MaxDegreeOfParallelism = 1, Sampling = new SamplingOptions { Trajectories = 64, Steps = 20 } });
        var all = ChainAnalyzer.Analyze(chain, new ChainAnalysisOptions { Sampling = new SamplingOptions { Trajectories = 64, Steps = 20 } });

        one.MixingTime!.Value.Should().Be(all.MixingTime!.Value);
        one.Distances!.Distances.Should().Equal(all.Distances!.Distances);
        one.SampledDistances!.UncoupledCounts.Should().Equal(all.SampledDistances!.UncoupledCounts);
        var stages = new ChainAnalysisOptions { MaxDegreeOfParallelism = 1, Sampling = new SamplingOptions { Trajectories = 64 } }.ForStages();
        stages.Convergence.MaxDegreeOfParallelism.Should().Be(1);
        stages.Sampling!.MaxDegreeOfParallelism.Should().Be(1);
        new ChainAnalysisOptions { MaxDegreeOfParallelism = 1, Convergence = new ConvergenceOptions { MaxDegreeOfParallelism = 2 } }
            .ForStages().Convergence.MaxDegreeOfParallelism.Should().Be(2, "a stage's own value wins");
        var act = () => ChainAnalyzer.Analyze(chain, new ChainAnalysisOptions { MaxDegreeOfParallelism = 0 });
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*MaxDegreeOfParallelism*");
    }
}
