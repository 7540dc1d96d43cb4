using LlmChains.Analysis;
using LlmChains.Chains;
using LlmChains.Models;
using LlmChains.Tests.Support;
using static LlmChains.Tests.Analysis.Convergence.SampledConvergenceReference;
using LlmChains.Analysis.Convergence;
using LlmChains.Analysis.Spectral;

namespace LlmChains.Tests.Analysis.Convergence;

public sealed class SampledConvergenceTests
{
    private static readonly LanguageModelChain Toy = LanguageModelChain.Build(NGramModel.PaperToyExample());

    public static TheoryData<string> SmallChains => ["toy", "random-t3k2", "random-t2k4-cold", "random-t3k3-top2", "periodic-sparse", "reducible-sparse"];

    [Fact]
    public void EstimateTotalVariation_ToyChain_MatchesTheExactCouplingTailWithinTheSimultaneousBand()
    {
        // X_0 = "0" (transient), Y_0 ~ δ_"11" Q^20; the exact tail is propagated over all 196 pairs.
        const int burnIn = 20;
        var options = new SamplingOptions { Trajectories = 4000, Steps = 30, Confidence = 0.999, Seed = 5 };
        var reference = SampledStart.State(5).AfterBurnIn(burnIn);

        var sampled = SampledConvergence.EstimateTotalVariation(Toy, SampledStart.State(0), reference, options);

        var nu = Laws(Toy, PointMass(14, 5), burnIn)[burnIn];
        var exact = CouplingTail(Toy, PointMass(14, 0), nu, options.Steps);
        sampled.CouplesTokens.Should().BeTrue();
        sampled.Steps.Should().Be(30);
        exact[0].Should().BeApproximately(1, 1e-12);
        exact[^1].Should().BeLessThan(0.3).And.BeGreaterThan(0.001, "the test needs a tail that has not vanished");
        for (int t = 0; t <= options.Steps; t++)
        {
            Math.Abs(sampled[t].Estimate - exact[t]).Should().BeLessThanOrEqualTo(sampled.SimultaneousHalfWidth, $"t = {t}");
            sampled[t].Covers(exact[t]).Should().BeTrue($"t = {t}: {sampled[t]} vs exact {exact[t]}");
        }

        sampled.UncoupledCounts.Should().BeInDescendingOrder();
    }

    [Theory]
    [MemberData(nameof(SmallChains))]
    public void EstimateTotalVariation_SmallChains_UpperLimitIsAtLeastTheExactDistanceAndCoversTheCouplingTail(string name)
    {
        var chain = SmallChain(name);
        int n = (int)chain.StateCount;
        const int burnIn = 7;
        long z = n - 1;
        var options = new SamplingOptions { Trajectories = 1500, Steps = 25, Confidence = 0.999, Seed = 11 };

        var sampled = SampledConvergence.EstimateTotalVariation(chain, SampledStart.State(0), SampledStart.State(z).AfterBurnIn(burnIn), options);

        var mu = PointMass(n, 0);
        var nu = Laws(chain, PointMass(n, z), burnIn)[burnIn];
        var distance = DistanceBetween(chain, mu, nu, options.Steps);
        var tail = CouplingTail(chain, mu, nu, options.Steps);
        for (int t = 0; t <= options.Steps; t++)
        {
            tail[t].Should().BeGreaterThanOrEqualTo(distance[t] - 1e-12, $"the coupling inequality at t = {t}");
            sampled[t].Upper.Should().BeGreaterThanOrEqualTo(distance[t] - 1e-12, $"t = {t}");
            Math.Abs(sampled[t].Estimate - tail[t]).Should().BeLessThanOrEqualTo(sampled.SimultaneousHalfWidth, $"t = {t}");
        }
    }

    [Fact]
    public void EstimateTotalVariation_ToyChainEveryStart_UpperLimitsBoundTheExactWorstCaseDistance()
    {
        // TV(δ_x Q^t, π) ≤ P(T > t) + TV(νQ^t, π) for ν = δ_x Q^B; the maximum over x bounds d(t) of Convergence.
        // Family-wise 99% over the 14 starts and every t: the DKW band at level 1 − 0.01/14 for each start.
        const int burnIn = 60;
        const int steps = 25;
        var pi = StationaryDistribution.Compute(Toy).Distribution;
        var worst = TotalVariation.WorstCaseDistances(Toy, pi, steps);
        var options = new SamplingOptions { Trajectories = 2000, Steps = steps, Confidence = 1 - (0.01 / 14), Seed = 3, BurnIn = burnIn };
        var bound = new double[steps + 1];
        int? worstStartFirstBelow = null;
        long worstStart = worst.MaximizingStates![steps];
        for (int x = 0; x < 14; x++)
        {
            var sampled = SampledConvergence.EstimateTotalVariation(Toy, SampledStart.State(x), null, options);
            var nu = Laws(Toy, PointMass(14, x), burnIn)[burnIn];
            var burnInError = Laws(Toy, nu, steps).Select(law => TotalVariation.Distance(law, pi)).ToArray();
            burnInError.Max().Should().BeLessThan(1e-3, "60 steps of burn-in bring the toy chain close to π");
            var fromX = TotalVariation.DistancesFromState(Toy, x, pi, steps);
            for (int t = 0; t <= steps; t++)
            {
                double upper = Math.Min(1, sampled[t].Estimate + sampled.SimultaneousHalfWidth) + burnInError[t];
                upper.Should().BeGreaterThanOrEqualTo(fromX[t] - 1e-12, $"x = {x}, t = {t}");
                bound[t] = Math.Max(bound[t], upper);
            }

            if (x == worstStart)
            {
                worstStartFirstBelow = sampled.FirstStepBelow(0.25);
            }
        }

        for (int t = 0; t <= steps; t++)
        {
            bound[t].Should().BeGreaterThanOrEqualTo(worst[t] - 1e-12, $"d({t})");
        }

        // the first t whose upper limit is ≤ 1/4 is at least the exact first t with TV ≤ 1/4 from that start
        var fromWorst = TotalVariation.DistancesFromState(Toy, worstStart, pi, steps);
        int exactFirst = Enumerable.Range(0, steps + 1).First(t => fromWorst[t] <= 0.25);
        worstStartFirstBelow.Should().NotBeNull().And.BeGreaterThanOrEqualTo(exactFirst);
    }

    [Fact]
    public void EstimateTotalVariation_RepeatedSeeds_IntervalsCoverTheExactTailAtTheNominalRate()
    {
        // 90% Clopper–Pearson intervals from N = 120 pairs, over 200 seeds, at three times.
        var chain = LanguageModelChain.Build(new RandomLogitsModel(3, 2, 1.0, 21));
        const int steps = 8;
        var options = new SamplingOptions { Trajectories = 120, Steps = steps, Confidence = 0.9 };
        var reference = SampledStart.Uniform;
        var exact = CouplingTail(chain, PointMass(chain.StateCount, 1), Uniform(chain.StateCount), steps);
        int[] times = [2, 4, 6];
        exact[2].Should().BeInRange(0.2, 0.95, "the test needs non-trivial probabilities");
        var covered = new int[times.Length];
        const int seeds = 200;
        for (int seed = 0; seed < seeds; seed++)
        {
            var sampled = SampledConvergence.EstimateTotalVariation(chain, SampledStart.State(1), reference, options with { Seed = seed });
            for (int k = 0; k < times.Length; k++)
            {
                covered[k] += sampled[times[k]].Covers(exact[times[k]]) ? 1 : 0;
            }
        }

        foreach (int c in covered)
        {
            ((double)c / seeds).Should().BeInRange(0.85, 1.0, "Clopper–Pearson covers at least the nominal 90% (sd of the rate ≈ 0.02)");
        }
    }

    [Fact]
    public void EstimateTotalVariation_PeriodicChain_NeverCouplesAcrossCyclicClasses()
    {
        var cycle = SparseMarkovChain.FromDense(new double[,] { { 0, 1 }, { 1, 0 } });
        var options = new SamplingOptions { Trajectories = 50, Steps = 20 };

        var across = SampledConvergence.EstimateTotalVariation(cycle, SampledStart.State(0), SampledStart.State(0).AfterBurnIn(1), options);
        var same = SampledConvergence.EstimateTotalVariation(cycle, SampledStart.State(0), SampledStart.State(0).AfterBurnIn(2), options);

        across.UncoupledCounts.Should().OnlyContain(c => c == 50, "TV(δ_0 Q^t, δ_1 Q^t) = 1 for every t");
        across.FirstStepBelow(0.25).Should().BeNull();
        across[20].Lower.Should().BeGreaterThan(0.9);
        same.UncoupledCounts.Should().OnlyContain(c => c == 0, "an even burn-in returns to the start");
        same.FirstStepBelow(0.25).Should().Be(0);
    }

    [Fact]
    public void EstimateRepetition_GreedyParity_EveryTrajectoryEndsInTheExactLoopsWithBasinFrequencies()
    {
        var chain = LanguageModelChain.Build(new ParityModel(3), DecodingOptions.Greedy);
        var exact = RepetitionLoops.Find(chain);
        var options = new SamplingOptions { Trajectories = 3000, Steps = 30, MaxLoopPeriod = 8, Confidence = 0.999, Seed = 9 };

        var sampled = SampledConvergence.EstimateRepetition(chain, SampledStart.Uniform, options);

        sampled.Entered.Successes.Should().Be(3000, "under greedy decoding every trajectory ends in a loop");
        sampled.InLoop[30].Successes.Should().Be(3000);
        sampled.Loops.Should().HaveCount(exact.Count);
        foreach (var loop in exact)
        {
            var found = sampled.Loops.Single(l => l.States.ToHashSet().SetEquals(loop.States));
            found.Period.Should().Be(loop.Period);
            found.Frequency.Covers((double)loop.BasinSize / chain.StateCount).Should().BeTrue($"loop {string.Join(",", loop.States)}: {found.Frequency} vs {loop.BasinSize}/14");
        }
    }

    [Fact]
    public void EstimateRepetition_TopOneRandomModel_RatesAndEntryTimesMatchTheDeterministicMap()
    {
        // Greedy chain of 120 states; cycles live on the 81 full-length states, so P = 81 sees all of them.
        var chain = LanguageModelChain.Build(new RandomLogitsModel(3, 4, 1.0, 11), new DecodingOptions { TopK = 1 });
        int n = (int)chain.StateCount;
        const int repeats = 1;
        var options = new SamplingOptions { Trajectories = 2000, Steps = 260, MaxLoopPeriod = 81, MinLoopRepeats = repeats, Confidence = 0.999, Seed = 2 };
        var exactLoops = RepetitionLoops.Find(chain, maxLoops: 1000);
        var entry = new int[n];
        var detection = new int[n];
        for (int x = 0; x < n; x++)
        {
            var (e, c) = EntryAndCycle(chain, x);
            entry[x] = e;
            detection[x] = e + ((repeats + 1) * c) - 1;
        }

        detection.Max().Should().BeLessThanOrEqualTo(options.Steps, "the horizon must see every loop");

        var sampled = SampledConvergence.EstimateRepetition(chain, SampledStart.Uniform, options);

        sampled.Entered.Successes.Should().Be(options.Trajectories);
        foreach (int t in new[] { 0, 5, 10, 20, 40, 80, 160 })
        {
            double rate = detection.Count(d => d <= t) / (double)n;
            sampled[t].Covers(rate).Should().BeTrue($"t = {t}: {sampled[t]} vs exact {rate}");
        }

        double meanEntry = entry.Average();
        sampled.MeanEntryTime!.Value.Lower.Should().BeLessThanOrEqualTo(meanEntry);
        sampled.MeanEntryTime!.Value.Upper.Should().BeGreaterThanOrEqualTo(meanEntry);
        for (int e = 0; e <= entry.Max(); e++)
        {
            double p = entry.Count(v => v == e) / (double)n;
            int count = sampled.EntryTimeCounts[e];
            ProportionEstimate.ClopperPearson(count, options.Trajectories, 0.999).Covers(p).Should().BeTrue($"entry time {e}");
        }

        foreach (var loop in sampled.Loops)
        {
            var match = exactLoops.Single(l => l.States.ToHashSet().SetEquals(loop.States));
            loop.Frequency.Covers((double)match.BasinSize / n).Should().BeTrue();
        }
    }

    [Fact]
    public void EstimateRepetition_AbsorbingCycles_RateMatchesExactAbsorptionAndCoversOverSeeds()
    {
        // Transient DAG 0..19 feeding a fixed point {20} and a 3-cycle {21 → 22 → 23 → 21}: no state recurs outside the
        // cycles, so with R repeats the rate at t is P(X_{t−R} = 20) + P(X_{t−3R−2} ∈ {21, 22, 23}), exactly.
        var chain = AbsorbingCycles();
        const int repeats = 2;
        const int steps = 30;
        var laws = Laws(chain, PointMass(24, 0), steps);
        double Exact(int t) => (t - repeats >= 0 ? laws[t - repeats][20] : 0) + (t - (3 * repeats) - 2 >= 0 ? laws[t - (3 * repeats) - 2][21..24].Sum() : 0);
        var options = new SamplingOptions { Trajectories = 150, Steps = steps, MaxLoopPeriod = 4, MinLoopRepeats = repeats, Confidence = 0.9 };
        int[] times = [6, 10, 14, 18];
        times.Select(Exact).Should().OnlyContain(p => p > 0.2 && p < 0.9, "the test needs non-trivial rates");
        var covered = new int[times.Length];
        const int seeds = 150;
        for (int seed = 0; seed < seeds; seed++)
        {
            var sampled = SampledConvergence.EstimateRepetition(chain, SampledStart.State(0), options with { Seed = seed });
            for (int k = 0; k < times.Length; k++)
            {
                covered[k] += sampled[times[k]].Covers(Exact(times[k])) ? 1 : 0;
            }
        }

        foreach (int c in covered)
        {
            ((double)c / seeds).Should().BeGreaterThanOrEqualTo(0.84, "90% intervals (sd of the rate ≈ 0.025)");
        }

        var large = SampledConvergence.EstimateRepetition(chain, SampledStart.State(0), options with { Trajectories = 4000, Confidence = 0.999 });
        large.Loops.Select(l => l.Period).Should().BeEquivalentTo([1, 3]);
        large.Loops.Single(l => l.Period == 3).States.Should().Equal(21, 22, 23);
        large.Loops.Single(l => l.Period == 1).Frequency.Covers(laws[steps - repeats][20]).Should().BeTrue();
        large.Entered.Covers(Exact(steps)).Should().BeTrue("absorbed trajectories stay in their loop");
    }

    [Fact]
    public void Estimates_DoNotDependOnTheThreadCount()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(3, 3, 1.5, 4), new DecodingOptions { Temperature = 0.6 });
        var options = new SamplingOptions { Trajectories = 700, Steps = 40, Seed = 17, BurnIn = 30 };

        var results = new[] { 1, 2, 3 }.Select(threads => options with { MaxDegreeOfParallelism = threads }).Select(o =>
            (Tv: SampledConvergence.EstimateTotalVariation(chain, SampledStart.Uniform, null, o), Rep: SampledConvergence.EstimateRepetition(chain, SampledStart.Uniform, o))).ToArray();

        foreach (var (tv, rep) in results.Skip(1))
        {
            tv.UncoupledCounts.Should().Equal(results[0].Tv.UncoupledCounts);
            rep.InLoop.Should().Equal(results[0].Rep.InLoop);
            rep.EntryTimeCounts.Should().Equal(results[0].Rep.EntryTimeCounts);
            rep.Loops.Select(l => string.Join(",", l.States) + ":" + l.Frequency.Successes).Should().Equal(results[0].Rep.Loops.Select(l => string.Join(",", l.States) + ":" + l.Frequency.Successes));
        }

        results[0].Rep.Loops.Should().NotBeEmpty("a cold chain repeats");
        results[0].Tv.CoupledCount.Should().BeGreaterThan(0);
    }

    [Fact]
    public void FromModel_GivesTheSameResultsAsTheBuiltFloat64Chain()
    {
        var model = new RandomLogitsModel(3, 3, 1.0, 8);
        var decoding = new DecodingOptions { Temperature = 0.8, TopP = 0.9 };
        var chain = LanguageModelChain.Build(model, decoding);
        var options = new SamplingOptions { Trajectories = 300, Steps = 30, BurnIn = 10 };
        var start = SampledStart.Prompt(chain.States, [2, 0, 1, 1]);

        var a = SampledConvergence.EstimateTotalVariation(chain, start, null, options);
        var b = SampledConvergence.EstimateTotalVariationFromModel(model, decoding, start, null, options);
        var c = SampledConvergence.EstimateRepetition(chain, start, options);
        var d = SampledConvergence.EstimateRepetitionFromModel(model, decoding, start, options);

        b.UncoupledCounts.Should().Equal(a.UncoupledCounts);
        d.InLoop.Should().Equal(c.InLoop);
        d.EntryTimeCounts.Should().Equal(c.EntryTimeCounts);
        start.SingleState.Should().Be(chain.States.Rank([0, 1, 1]));
    }

    [Fact]
    public void FromModel_ChainOf134MillionStates_RunsWithoutAStateVector()
    {
        // T = 2, K = 26: |V_K^*| = 2^27 − 2 states; the chain is never built and nothing of length n is allocated.
        var model = new RandomLogitsModel(2, 26, 0.3, 1);
        var space = new StateSpace(2, 26);
        space.StateCount.Should().Be((1L << 27) - 2);
        var options = new SamplingOptions { Trajectories = 200, Steps = 300, BurnIn = 100, MaxDegreeOfParallelism = 1, MaxLoopPeriod = 4 };

        long before = GC.GetAllocatedBytesForCurrentThread();
        var tv = SampledConvergence.EstimateTotalVariationFromModel(model, DecodingOptions.Default, SampledStart.UniformRange(space.FullLengthOffset, space.FullLengthStateCount), null, options);
        // a context-free model that prefers 0 (p = 0.9) at τ = 0.05 emits 0 with probability 1 − 1e−19: every window ends in 0^26
        var zeros = new ContextFreeModel([0.9, 0.1], 26);
        var repetition = SampledConvergence.EstimateRepetitionFromModel(zeros, new DecodingOptions { Temperature = 0.05 }, SampledStart.Uniform, options);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.Should().BeLessThan(4L << 20, "memory is O(trajectories + horizon), not O(n) (a state vector would be 1 GiB)");
        tv[0].Successes.Should().Be(200);
        tv.UncoupledCounts[5].Should().Be(200, "meeting within 5 steps needs 21 earlier tokens to agree as well (probability 2^−21 a pair)");
        tv.CoupledCount.Should().BeGreaterThan(0);
        repetition.Entered.Successes.Should().Be(200);
        repetition.Loops.Should().ContainSingle().Which.States.Should().Equal(space.FullLengthOffset);
        repetition.InLoop[26 + options.MinLoopRepeats].Successes.Should().Be(200, "0^26 is reached within K steps and seen R steps later");
    }

    [Fact]
    public void Estimates_ReportProgressAndHonourCancellation()
    {
        var progress = new RecordingProgress<Progress>();
        var options = new SamplingOptions { Trajectories = 500, Steps = 10 };

        SampledConvergence.EstimateRepetition(Toy, SampledStart.Uniform, options, progress);

        progress.Reports.Should().NotBeEmpty();
        progress.Reports.Max(p => p.Done).Should().Be(500);
        progress.Reports.Should().OnlyContain(p => p.Total == 500 && p.Stage == "sampling");
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        FluentActions.Invoking(() => SampledConvergence.EstimateTotalVariation(Toy, SampledStart.Uniform, null, options, null, cancelled.Token)).Should().Throw<OperationCanceledException>();
        FluentActions.Invoking(() => SampledConvergence.EstimateRepetition(Toy, SampledStart.Uniform, options with { MaxDegreeOfParallelism = 1 }, null, cancelled.Token)).Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void ChainAnalyzer_WithSampling_AddsTheSampledDiagnosticsFromTheUniformStart()
    {
        var options = new SamplingOptions { Trajectories = 300, Steps = 15, Seed = 4 };

        var analysis = ChainAnalyzer.Analyze(Toy, new ChainAnalysisOptions { Sampling = options, ComputeSpectrum = false });
        var without = ChainAnalyzer.Analyze(Toy, new ChainAnalysisOptions { ComputeSpectrum = false });

        analysis.SampledDistances.Should().NotBeNull();
        analysis.SampledDistances!.UncoupledCounts.Should().Equal(SampledConvergence.EstimateTotalVariation(Toy, SampledStart.Uniform, null, options).UncoupledCounts);
        analysis.SampledDistances.Start.Should().BeSameAs(SampledStart.Uniform);
        analysis.SampledRepetition!.InLoop.Should().Equal(SampledConvergence.EstimateRepetition(Toy, SampledStart.Uniform, options).InLoop);
        without.SampledDistances.Should().BeNull();
        without.SampledRepetition.Should().BeNull();
        FluentActions.Invoking(() => ChainAnalyzer.Analyze(Toy, new ChainAnalysisOptions { Sampling = options with { Trajectories = 0 } })).Should().Throw<ArgumentException>().WithMessage("*Trajectories*");
    }

    [Fact]
    public void ClopperPearson_KnownValues()
    {
        var none = ProportionEstimate.ClopperPearson(0, 10, 0.95);
        none.Lower.Should().Be(0);
        none.Upper.Should().BeApproximately(1 - Math.Pow(0.025, 0.1), 1e-12);
        var all = ProportionEstimate.ClopperPearson(10, 10, 0.95);
        all.Upper.Should().Be(1);
        all.Lower.Should().BeApproximately(Math.Pow(0.025, 0.1), 1e-12);
        var half = ProportionEstimate.ClopperPearson(5, 10, 0.95);
        half.Lower.Should().BeApproximately(0.187086, 1e-6);
        half.Upper.Should().BeApproximately(0.812914, 1e-6);
        half.Estimate.Should().Be(0.5);
        var one = ProportionEstimate.ClopperPearson(1, 1_000_000, 0.95);
        one.Lower.Should().BeApproximately(2.5317e-8, 1e-11);
    }

    [Theory]
    [InlineData(nameof(SamplingOptions.Trajectories), 0)]
    [InlineData(nameof(SamplingOptions.Trajectories), -5)]
    [InlineData(nameof(SamplingOptions.Steps), -1)]
    [InlineData(nameof(SamplingOptions.Confidence), 0.0)]
    [InlineData(nameof(SamplingOptions.Confidence), 1.0)]
    [InlineData(nameof(SamplingOptions.Confidence), double.NaN)]
    [InlineData(nameof(SamplingOptions.BurnIn), -1)]
    [InlineData(nameof(SamplingOptions.MaxLoopPeriod), 0)]
    [InlineData(nameof(SamplingOptions.MinLoopRepeats), 0)]
    [InlineData(nameof(SamplingOptions.MaxDegreeOfParallelism), 0)]
    public void Estimates_InvalidOptions_ThrowNamingTheOption(string name, double value)
    {
        var options = name switch
        {
            nameof(SamplingOptions.Trajectories) => new SamplingOptions { Trajectories = (int)value },
            nameof(SamplingOptions.Steps) => new SamplingOptions { Steps = (int)value },
            nameof(SamplingOptions.Confidence) => new SamplingOptions { Confidence = value },
            nameof(SamplingOptions.BurnIn) => new SamplingOptions { BurnIn = (int)value },
            nameof(SamplingOptions.MaxLoopPeriod) => new SamplingOptions { MaxLoopPeriod = (int)value },
            nameof(SamplingOptions.MinLoopRepeats) => new SamplingOptions { MinLoopRepeats = (int)value },
            _ => new SamplingOptions { MaxDegreeOfParallelism = (int)value },
        };

        FluentActions.Invoking(() => SampledConvergence.EstimateTotalVariation(Toy, SampledStart.Uniform, null, options)).Should().Throw<ArgumentException>().Where(e => e.ParamName == name && e.Message.Contains(name));
        FluentActions.Invoking(() => SampledConvergence.EstimateRepetition(Toy, SampledStart.Uniform, options)).Should().Throw<ArgumentException>().Where(e => e.ParamName == name);
    }

    [Fact]
    public void Estimates_InvalidStartsAndArguments_Throw()
    {
        FluentActions.Invoking(() => SampledConvergence.EstimateTotalVariation(Toy, SampledStart.State(14))).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*14*0..13*").Where(e => e.ParamName == "start");
        FluentActions.Invoking(() => SampledConvergence.EstimateTotalVariation(Toy, SampledStart.State(0), SampledStart.UniformRange(10, 5))).Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "reference");
        FluentActions.Invoking(() => SampledConvergence.EstimateRepetition(Toy, SampledStart.UniformAmong([3, 99]))).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*99*");
        FluentActions.Invoking(() => SampledConvergence.EstimateRepetition(null!, SampledStart.Uniform)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => SampledConvergence.EstimateRepetition(Toy, null!)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => SampledStart.State(-1)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => SampledStart.UniformAmong([])).Should().Throw<ArgumentException>().WithMessage("*empty*");
        FluentActions.Invoking(() => SampledStart.UniformRange(0, 0)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => SampledStart.Prompt(Toy.States, [])).Should().Throw<ArgumentException>().WithMessage("*empty*");
        FluentActions.Invoking(() => SampledStart.Prompt(Toy.States, [0, 2])).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => SampledStart.State(0).AfterBurnIn(-1)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => SampledConvergence.EstimateTotalVariationFromModel(new ParityModel(3), new DecodingOptions { Temperature = -1 }, SampledStart.Uniform)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => ProportionEstimate.ClopperPearson(3, 2, 0.95)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*0..2*");
        FluentActions.Invoking(() => ProportionEstimate.ClopperPearson(0, 0, 0.95)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => ProportionEstimate.ClopperPearson(1, 2, 1.5)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*(0, 1)*");
        var tv = SampledConvergence.EstimateTotalVariation(Toy, SampledStart.State(0), null, new SamplingOptions { Trajectories = 10, Steps = 3 });
        FluentActions.Invoking(() => tv.FirstStepBelow(1)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void SampledStart_DescribesItself()
    {
        SampledStart.Uniform.ToString().Should().Be("uniform over all states");
        SampledStart.State(7).ToString().Should().Be("state 7");
        SampledStart.UniformRange(6, 8).ToString().Should().Be("uniform over states 6..13");
        SampledStart.State(7).AfterBurnIn(1000).AfterBurnIn(24).ToString().Should().Be("after 1,024 steps from state 7");
        var seven = SampledStart.State(7);
        seven.AfterBurnIn(0).Should().BeSameAs(seven);
        seven.AfterBurnIn(5).Initial.Should().BeSameAs(seven);
        seven.AfterBurnIn(5).BurnIn.Should().Be(5);
        seven.AfterBurnIn(5).SingleState.Should().BeNull();
        seven.SingleState.Should().Be(7);
    }

    private static IMarkovChain SmallChain(string name) => name switch
    {
        "toy" => Toy,
        "random-t3k2" => LanguageModelChain.Build(new RandomLogitsModel(3, 2, 1.0, 1)),
        "random-t2k4-cold" => LanguageModelChain.Build(new RandomLogitsModel(2, 4, 1.0, 2), new DecodingOptions { Temperature = 0.3 }),
        "random-t3k3-top2" => LanguageModelChain.Build(new RandomLogitsModel(3, 3, 1.0, 3), new DecodingOptions { Temperature = 0.7, TopK = 2 }),
        // period 3 with a branch: 0 → {1, 2} → 3 → 0 ... and 4 feeding it
        "periodic-sparse" => SparseMarkovChain.FromDense(new double[,]
        {
            { 0, 0.4, 0.6, 0, 0 },
            { 0, 0, 0, 1, 0 },
            { 0, 0, 0, 1, 0 },
            { 1, 0, 0, 0, 0 },
            { 0, 0.5, 0, 0.5, 0 },
        }),
        // two absorbing states fed by transient ones, one more mixing class
        _ => SparseMarkovChain.FromDense(new double[,]
        {
            { 0.2, 0.3, 0.1, 0.2, 0.2 },
            { 0, 1, 0, 0, 0 },
            { 0, 0, 1, 0, 0 },
            { 0.3, 0, 0.3, 0.2, 0.2 },
            { 0, 0, 0, 0.5, 0.5 },
        }),
    };

    private static SparseMarkovChain AbsorbingCycles()
    {
        var entries = new List<(long, long, double)>();
        for (int i = 0; i < 18; i++)
        {
            entries.AddRange([(i, i + 1, 0.7), (i, i + 2, 0.15), (i, 20, 0.075), (i, 21 + (i % 3), 0.075)]);
        }

        entries.AddRange([(18, 19, 0.85), (18, 20, 0.075), (18, 21, 0.075), (19, 20, 0.5), (19, 22, 0.5)]);
        entries.AddRange([(20, 20, 1.0), (21, 22, 1.0), (22, 23, 1.0), (23, 21, 1.0)]);
        return SparseMarkovChain.FromTriplets(24, entries);
    }
}
