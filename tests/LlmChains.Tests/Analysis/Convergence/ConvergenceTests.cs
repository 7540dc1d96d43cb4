using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LlmChains.Analysis;
using LlmChains.Analysis.Convergence;
using LlmChains.Analysis.Convergence.Internals;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Internals;
using LlmChains.Models;

namespace LlmChains.Tests.Analysis.Convergence;

/// <summary>Total-variation curves, t_mix and t_min: cross-checks against dense powers and per-start Step loops, and bad input.</summary>
public sealed class ConvergenceTests
{
    private static void ShouldMatchDensePowers(IMarkovChain chain, double[] pi, int steps, double tolerance)
    {
        var curve = TotalVariation.WorstCaseDistances(chain, pi, steps);
        var powers = ConvergenceReference.Powers(ConvergenceReference.Dense(chain), steps);
        curve.Steps.Should().Be(steps);
        for (int t = 0; t <= steps; t++)
        {
            curve[t].Should().BeApproximately(ConvergenceReference.WorstCaseTv(powers[t], pi), tolerance, $"d({t})");
        }
    }

    [Theory]
    [InlineData(1, 0.5, 1)]
    [InlineData(2, 0.5, 2)]
    [InlineData(5, 0.3, 3)]
    [InlineData(16, 0.1, 4)]
    [InlineData(17, 0.1, 5)]
    [InlineData(40, 0.05, 6)]
    [InlineData(100, 0.02, 7)]
    public void WorstCaseDistances_RandomErgodicChain_MatchesDensePowers(int n, double density, int seed)
    {
        var q = ConvergenceReference.RandomErgodic(n, density, seed);
        var chain = SparseMarkovChain.FromDense(q);
        ShouldMatchDensePowers(chain, ConvergenceReference.Stationary(q), 25, 1e-13);
    }

    [Theory]
    [InlineData(2, 3, 1.0, null, 11)]
    [InlineData(3, 2, 0.5, null, 12)]
    [InlineData(4, 3, 1.0, null, 13)]
    [InlineData(3, 3, 1.0, 2, 14)]
    [InlineData(2, 4, 0.3, 1, 15)]
    [InlineData(5, 1, 2.0, null, 16)]
    public void WorstCaseDistances_ModelChain_MatchesDensePowers(int t, int k, double tau, int? topK, int seed)
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(t, k, 1.5, seed), new DecodingOptions { Temperature = tau, TopK = topK });
        var q = ConvergenceReference.Dense(chain);

        // any probability vector defines d(t); use π when the chain is an ergodic unichain, uniform otherwise
        double[] pi = ChainStructure.Analyze(chain).IsErgodicUnichain ? ConvergenceReference.Stationary(q) : ConvergenceReference.Uniform(q.GetLength(0));
        ShouldMatchDensePowers(chain, pi, 20, 1e-13);
    }

    [Theory]
    [InlineData(33, 1)]
    [InlineData(60, 2)]
    [InlineData(7, 3)]
    public void WorstCaseDistances_RandomSparseChain_MatchesDensePowersWithAnyTarget(int n, int seed)
    {
        var q = ConvergenceReference.RandomSparse(n, seed);
        var random = new Random(seed);
        double[] target = Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray();
        double sum = target.Sum();
        ShouldMatchDensePowers(SparseMarkovChain.FromDense(q), target.Select(v => v / sum).ToArray(), 30, 1e-13);
    }

    public static TheoryData<string> BitwiseCases => new() { "sparse", "model64", "model32", "block", "truncated" };

    [Theory]
    [MemberData(nameof(BitwiseCases))]
    public void WorstCaseDistances_Batched_IdenticalToPerStartStepLoops(string kind)
    {
        IMarkovChain chain = kind switch
        {
            "sparse" => SparseMarkovChain.FromDense(ConvergenceReference.RandomErgodic(37, 0.15, 21)),
            "model64" => LanguageModelChain.Build(new RandomLogitsModel(3, 3, 1.0, 22)),
            "model32" => LanguageModelChain.Build(new RandomLogitsModel(3, 3, 1.0, 23), options: new ChainBuildOptions { Precision = ProbabilityPrecision.Float32 }),
            "block" => LanguageModelChain.Build(new RandomLogitsModel(2, 5, 1.0, 24)).RecurrentBlock,
            _ => LanguageModelChain.Build(new RandomLogitsModel(4, 2, 2.0, 25), new DecodingOptions { TopP = 0.7 }),
        };
        int n = (int)chain.StateCount;
        var random = new Random(26);
        double[] pi = Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray();
        double sum = pi.Sum();
        pi = pi.Select(v => v / sum).ToArray();
        var (distances, maximizers) = ConvergenceReference.PerStartCurve(chain, pi, 24);

        var parallel = TotalVariation.WorstCaseDistances(chain, pi, 24);
        var single = TotalVariation.WorstCaseDistances(chain, pi, 24, new ConvergenceOptions { MaxDegreeOfParallelism = 1 });
        parallel.Distances.Should().Equal(distances);
        parallel.MaximizingStates.Should().Equal(maximizers);
        single.Distances.Should().Equal(distances);
        single.MaximizingStates.Should().Equal(maximizers);
    }

    [Fact]
    public void Propagate_SteadyState_DoesNotAllocate()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(3, 4, 1.0, 32));
        var columns = LlmChains.Analysis.Convergence.Internals.ConvergenceRows.Create(chain, default).Transpose();
        int width = LlmChains.Analysis.Convergence.Internals.BatchedPropagation.Width;
        var x = new double[chain.StateCount * width];
        var y = new double[chain.StateCount * width];
        for (int l = 0; l < width; l++)
        {
            x[(l * width) + l] = 1;
        }

        LlmChains.Analysis.Convergence.Internals.BatchedPropagation.Propagate(columns, x, y);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 10; t++)
        {
            LlmChains.Analysis.Convergence.Internals.BatchedPropagation.Propagate(columns, y, x);
            LlmChains.Analysis.Convergence.Internals.BatchedPropagation.Propagate(columns, x, y);
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
        y.Sum().Should().BeApproximately(width, 1e-12); // every lane keeps mass 1
    }

    [Fact]
    public void WorstCaseDistances_Curve_NonIncreasingAndMetadata()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(3, 3, 1.0, 31));
        double[] pi = ConvergenceReference.Stationary(ConvergenceReference.Dense(chain));
        var curve = TotalVariation.WorstCaseDistances(chain, pi, 40);
        curve.IsWorstCase.Should().BeTrue();
        curve.Start.Should().Be(TotalVariationStart.WorstCase);
        curve.IsErgodicUnichain.Should().BeTrue();
        curve.StartState.Should().BeNull();
        curve.ToArray().Should().Equal(curve.Distances);
        for (int t = 1; t <= 40; t++)
        {
            curve[t].Should().BeLessThanOrEqualTo(curve[t - 1] + 1e-15);
            curve[t].Should().BeInRange(0, 1);
        }

        // d(0) = max_x (1 − π_x), attained at a transient state (π = 0 there)
        curve[0].Should().BeApproximately(1, 1e-15);
        curve.MaximizingStates![0].Should().Be(0);
    }

    [Fact]
    public void DistancesFromState_EqualsPerStartStepLoop()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(2, 4, 1.0, 41));
        double[] pi = ConvergenceReference.Stationary(ConvergenceReference.Dense(chain));
        var x = new double[chain.StateCount];
        var y = new double[chain.StateCount];
        x[5] = 1;
        var curve = TotalVariation.DistancesFromState(chain, 5, pi, 30);
        curve.Start.Should().Be(TotalVariationStart.State);
        curve.StartState.Should().Be(5);
        curve.IsErgodicUnichain.Should().BeTrue();
        for (int t = 0; t <= 30; t++)
        {
            if (t > 0)
            {
                chain.Step(x, y);
                (x, y) = (y, x);
            }

            curve[t].Should().Be(TotalVariation.Distance(x, pi));
        }
    }

    [Fact]
    public void DistancesFromPrompt_LongerThanContext_KeepsLastKTokens()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(2, 3, 1.0, 42));
        double[] pi = ConvergenceReference.Stationary(ConvergenceReference.Dense(chain));
        var fromPrompt = TotalVariation.DistancesFromPrompt(chain, [1, 1, 0, 1, 1], pi, 12);
        long state = chain.States.Rank([0, 1, 1]);
        fromPrompt.StartState.Should().Be(state);
        fromPrompt.Distances.Should().Equal(TotalVariation.DistancesFromState(chain, state, pi, 12).Distances);
        TotalVariation.DistancesFromPrompt(chain, [1], pi, 3).StartState.Should().Be(1);
    }

    [Fact]
    public void DistancesFrom_Mixture_IsConvexCombinationBoundAndMatchesSteps()
    {
        var q = ConvergenceReference.RandomErgodic(12, 0.2, 43);
        var chain = SparseMarkovChain.FromDense(q);
        double[] pi = ConvergenceReference.Stationary(q);
        double[] start = ConvergenceReference.Uniform(12);
        var curve = TotalVariation.DistancesFrom(chain, start, pi, 20);
        curve.Start.Should().Be(TotalVariationStart.Distribution);
        var worst = TotalVariation.WorstCaseDistances(chain, pi, 20);
        var powers = ConvergenceReference.Powers(q, 20);
        for (int t = 0; t <= 20; t++)
        {
            curve[t].Should().BeLessThanOrEqualTo(worst[t] + 1e-15); // TV is convex in the start
            var row = new double[12];
            for (int i = 0; i < 12; i++)
            {
                for (int j = 0; j < 12; j++)
                {
                    row[j] += start[i] * powers[t][i, j];
                }
            }

            curve[t].Should().BeApproximately(TotalVariation.Distance(row, pi), 1e-14);
        }
    }

    [Property(MaxTest = 40)]
    public Property DistancesFromState_StationaryTarget_NonIncreasingInUnitInterval() => Prop.ForAll(
        (from n in Gen.Choose(1, 30)
         from density in Gen.Elements(0.0, 0.05, 0.3, 1.0)
         from seed in Gen.Choose(0, 100_000)
         select (n, density, seed)).ToArbitrary(),
        c =>
        {
            // TV(μQ^t, π) is non-increasing when πQ = π: ‖(μ − π)Q‖₁ ≤ ‖μ − π‖₁
            var q = ConvergenceReference.RandomErgodic(c.n, c.density, c.seed);
            double[] pi = ConvergenceReference.Stationary(q);
            var curve = TotalVariation.DistancesFromState(SparseMarkovChain.FromDense(q), c.seed % c.n, pi, 25);
            for (int t = 0; t <= 25; t++)
            {
                curve[t].Should().BeInRange(0, 1 + 1e-15);
                if (t > 0)
                {
                    curve[t].Should().BeLessThanOrEqualTo(curve[t - 1] + 1e-14);
                }
            }
        });

    [Fact]
    public void TotalVariation_LongVectors_ChunkedSumAgreesAndIsHalfL1()
    {
        TotalVariation.Distance([1, 0, 0], [0, 0.5, 0.5]).Should().Be(1);
        TotalVariation.Distance([0.5, 0.5], [0.25, 0.75]).Should().Be(0.25);
        var random = new Random(44);
        int n = 300_001;
        double[] p = Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray();
        double[] q = Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray();
        double naive = 0;
        for (int i = 0; i < n; i++)
        {
            naive += Math.Abs(p[i] - q[i]);
        }

        double tv = TotalVariation.Distance(p, q);
        tv.Should().BeApproximately(naive / 2, 1e-12 * naive);
        TotalVariation.Distance(p, q).Should().Be(tv);
    }

    // ---- t_mix and t_min from curves ----

    [Fact]
    public void MixingTime_Curve_FirstStepAtOrBelowThreshold()
    {
        var curve = new TotalVariationCurve([1, 0.5, 0.3, 0.25, 0.1], TotalVariationStart.WorstCase, isErgodicUnichain: true);
        TotalVariation.MixingTime(curve).Should().Be(new MixingTimeResult(3, 0.25, 4, MixingTimeStatus.Reached, true));
        TotalVariation.MixingTime(curve, 0.5).Value.Should().Be(1);
        TotalVariation.MixingTime(curve, 0.99).Value.Should().Be(1);
        var missed = TotalVariation.MixingTime(curve, 0.05);
        missed.Value.Should().Be(double.PositiveInfinity);
        missed.IsFinite.Should().BeFalse();
        missed.Status.Should().Be(MixingTimeStatus.NotReachedWithinHorizon);
        missed.Horizon.Should().Be(4);
        var periodic = new TotalVariationCurve([1, 0.1], TotalVariationStart.WorstCase, isErgodicUnichain: false);
        TotalVariation.MixingTime(periodic).Status.Should().Be(MixingTimeStatus.NotErgodicUnichain);
        var single = new TotalVariationCurve([1, 0.1], TotalVariationStart.State);
        TotalVariation.MixingTime(single).IsWorstCase.Should().BeFalse();
    }

    [Fact]
    public void TMin_ShortHorizon_NotCertifiedUntilStoppingRuleHolds()
    {
        // t = 1: 1·((2 − .8)/.2)² = 36; t = 2: 2·((2 − .6)/.4)² = 24.5; later terms are ≥ 4t
        var shortCurve = new TotalVariationCurve([1, 0.4, 0.3], TotalVariationStart.WorstCase, true);
        var tMin = TotalVariation.TMin(shortCurve);
        tMin.Value.Should().BeApproximately(24.5, 1e-12);
        tMin.AttainedAt.Should().Be(2);
        tMin.IsCertified.Should().BeFalse(); // 24.5 > 4·(2 + 1)
        var longer = new TotalVariationCurve([1, 0.4, 0.3, 0.3, 0.3, 0.3, 0.3], TotalVariationStart.WorstCase, true);
        TotalVariation.TMin(longer).IsCertified.Should().BeTrue(); // 24.5 ≤ 4·7
        TotalVariation.TMin(longer).Value.Should().BeApproximately(24.5, 1e-12);
        var never = TotalVariation.TMin(new TotalVariationCurve([1, 0.5, 0.5], TotalVariationStart.WorstCase, true));
        never.Value.Should().Be(double.PositiveInfinity);
        never.Status.Should().Be(MixingTimeStatus.NotReachedWithinHorizon);
        never.AttainedAt.Should().Be(-1);
    }

    [Fact]
    public void AnalyzeMixing_SlowTwoStateChain_ExtendsHorizonAndCertifies()
    {
        // d(t) = ½(1 − 2a)^t with a = 0.001: t_mix(1/4) = 347 and t_min far beyond the initial horizon of 64
        const double a = 0.001;
        var chain = SparseMarkovChain.FromDense(new[,] { { 1 - a, a }, { a, 1 - a } });
        double[] pi = [0.5, 0.5];
        double bestExact = double.PositiveInfinity;
        int atExact = 0;
        for (int t = 1; t < 20_000; t++)
        {
            double d = 0.5 * Math.Pow(1 - (2 * a), t);
            double r = (2 - (2 * d)) / (1 - (2 * d));
            if (t * r * r < bestExact)
            {
                bestExact = t * r * r;
                atExact = t;
            }
        }

        var resident = TotalVariation.AnalyzeMixing(chain, pi);
        var recomputed = TotalVariation.AnalyzeMixing(chain, pi, options: new ConvergenceOptions { ResidentMemoryLimitBytes = 0 });
        resident.MixingTime.Value.Should().Be(347);
        resident.TMin.AttainedAt.Should().Be(atExact);
        resident.TMin.Value.Should().BeApproximately(bestExact, 1e-9 * bestExact);
        resident.TMin.IsCertified.Should().BeTrue();
        resident.TMin.Value.Should().BeLessThanOrEqualTo(4.0 * (resident.Curve.Steps + 1));
        resident.Curve.Steps.Should().BeGreaterThan(64);
        recomputed.Curve.Distances.Should().Equal(resident.Curve.Distances);
        recomputed.TMin.Should().Be(resident.TMin);
        TotalVariation.WorstCaseDistances(chain, pi, resident.Curve.Steps).Distances.Should().Equal(resident.Curve.Distances);
    }

    [Fact]
    public void AnalyzeMixing_HorizonCap_ReportsNotReached()
    {
        var chain = SparseMarkovChain.FromDense(new[,] { { 0.9999, 0.0001 }, { 0.0001, 0.9999 } });
        var result = TotalVariation.AnalyzeMixing(chain, [0.5, 0.5], options: new ConvergenceOptions { InitialSteps = 8, MaxSteps = 100 });
        result.Curve.Steps.Should().Be(100);
        result.MixingTime.Status.Should().Be(MixingTimeStatus.NotReachedWithinHorizon);
        result.MixingTime.Value.Should().Be(double.PositiveInfinity);
        result.TMin.IsCertified.Should().BeFalse();
    }

    [Fact]
    public void AnalyzeMixing_ReducibleChain_InfiniteWithTheWholeCurve()
    {
        double[,] q = { { 1, 0, 0 }, { 0.3, 0.4, 0.3 }, { 0, 0, 1 } };
        double[] pi = [0.5, 0, 0.5];
        var chain = SparseMarkovChain.FromDense(q);
        var result = TotalVariation.AnalyzeMixing(chain, pi, options: new ConvergenceOptions { InitialSteps = 20 });
        result.Structure.RecurrentClasses.Should().HaveCount(2);
        result.MixingTime.Status.Should().Be(MixingTimeStatus.NotErgodicUnichain);
        result.MixingTime.Value.Should().Be(double.PositiveInfinity);
        result.TMin.Status.Should().Be(MixingTimeStatus.NotErgodicUnichain);
        result.Curve.Steps.Should().Be(20);
        var powers = ConvergenceReference.Powers(q, 20);
        for (int t = 0; t <= 20; t++)
        {
            result.Curve[t].Should().BeApproximately(ConvergenceReference.WorstCaseTv(powers[t], pi), 1e-14);
        }

        // d(t) = max(½, 0.4^t) ≥ ½ with two recurrent classes: a threshold at or above ½ is read from the curve
        result.Curve[1].Should().BeApproximately(0.5, 1e-15);
        TotalVariation.AnalyzeMixing(chain, pi, 0.5, new ConvergenceOptions { InitialSteps = 20 }).MixingTime.Value.Should().Be(1);
    }

    [Fact]
    public void WorstCaseDistances_Progress_ReachesTotal()
    {
        var chain = SparseMarkovChain.FromDense(ConvergenceReference.RandomErgodic(50, 0.1, 51));
        var reports = new List<Progress>();
        var progress = new SynchronousProgress(reports);
        TotalVariation.WorstCaseDistances(chain, ConvergenceReference.Uniform(50), 30, progress: progress);
        reports.Should().NotBeEmpty();
        reports.Max(r => r.Done).Should().Be(reports[0].Total);
        reports.Should().AllSatisfy(r => r.Fraction.Should().BeInRange(0, 1));
    }

    [Fact]
    public void WorstCaseDistances_Cancelled_Throws()
    {
        var chain = SparseMarkovChain.FromDense(ConvergenceReference.RandomErgodic(50, 0.1, 52));
        using var source = new CancellationTokenSource();
        source.Cancel();
        var act = () => TotalVariation.WorstCaseDistances(chain, ConvergenceReference.Uniform(50), 10, cancellationToken: source.Token);
        act.Should().Throw<OperationCanceledException>();
        var follow = () => TotalVariation.DistancesFromState(chain, 0, ConvergenceReference.Uniform(50), 10, cancellationToken: source.Token);
        follow.Should().Throw<OperationCanceledException>();
    }

    // ---- bad input ----

    private static readonly SparseMarkovChain Small = SparseMarkovChain.FromDense(new[,] { { 0.5, 0.5 }, { 0.2, 0.8 } });

    [Fact]
    public void WorstCaseDistances_NegativeSteps_ThrowsNamingSteps()
    {
        var act = () => TotalVariation.WorstCaseDistances(Small, [0.5, 0.5], -1);
        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "steps" && e.Message.Contains("-1", StringComparison.Ordinal));
        var follow = () => TotalVariation.DistancesFromState(Small, 0, [0.5, 0.5], -3);
        follow.Should().Throw<ArgumentException>().Where(e => e.ParamName == "steps");
    }

    public static TheoryData<double[], string> BadStationary => new()
    {
        { new[] { 1.0 }, "length 1" },
        { new[] { 0.5, 0.5, 0.0 }, "length 3" },
        { new[] { 1.5, -0.5 }, "-0.5" },
        { new[] { double.NaN, 1.0 }, "NaN" },
        { new[] { double.PositiveInfinity, 0 }, "Infinity" },
        { new[] { 0.5, 0.6 }, "sums to 1.1" },
    };

    [Theory]
    [MemberData(nameof(BadStationary))]
    public void Convergence_InvalidStationary_ThrowsNamingValue(double[] pi, string fragment)
    {
        var actions = new Action[]
        {
            () => TotalVariation.WorstCaseDistances(Small, pi, 3),
            () => TotalVariation.DistancesFromState(Small, 0, pi, 3),
            () => TotalVariation.DistancesFrom(Small, [1, 0], pi, 3),
            () => TotalVariation.AnalyzeMixing(Small, pi),
        };
        foreach (var act in actions)
        {
            act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "stationary" && e.Message.Contains(fragment, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void DistancesFrom_InvalidStart_ThrowsNamingStart()
    {
        var act = () => TotalVariation.DistancesFrom(Small, [0.7, 0.7], [0.5, 0.5], 3);
        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "start");
        var state = () => TotalVariation.DistancesFromState(Small, 2, [0.5, 0.5], 3);
        state.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "state");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void MixingTime_ThresholdOutsideOpenUnitInterval_ThrowsNamingEpsilon(double epsilon)
    {
        var curve = new TotalVariationCurve([1, 0.1], TotalVariationStart.WorstCase);
        var act = () => TotalVariation.MixingTime(curve, epsilon);
        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "epsilon");
        var analyze = () => TotalVariation.AnalyzeMixing(Small, [2 / 7.0, 5 / 7.0], epsilon);
        analyze.Should().Throw<ArgumentException>().Where(e => e.ParamName == "epsilon");
    }

    [Fact]
    public void AnalyzeMixing_NonStationaryTarget_ThrowsNamingStationary()
    {
        // π of Small is (2/7, 5/7); a uniform target would leave d(t) at 3/14 forever
        var act = () => TotalVariation.AnalyzeMixing(Small, [0.5, 0.5], 0.1);
        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "stationary" && e.Message.Contains("‖πQ − π‖₁", StringComparison.Ordinal));
        TotalVariation.AnalyzeMixing(Small, [2 / 7.0, 5 / 7.0], 0.1).MixingTime.IsFinite.Should().BeTrue();
    }

    [Fact]
    public void WorstCaseDistances_AboveMemoryBudget_ThrowsNamingBytesAndLimit()
    {
        // a 1 MiB budget holds n² doubles for n ≤ 356 (16-padded: 356 × 368 × 8 = 1,048,064 B)
        var options = new ConvergenceOptions { WorstCaseMemoryLimitBytes = 1 << 20 };
        options.MaxWorstCaseStates.Should().Be(356);
        int n = 357;
        var chain = SparseMarkovChain.FromCsr(Enumerable.Range(0, n + 1).Select(i => (long)i).ToArray(), Enumerable.Range(0, n).ToArray(), Enumerable.Repeat(1.0, n).ToArray());
        double[] pi = ConvergenceReference.Uniform(n);
        var act = () => TotalVariation.WorstCaseDistances(chain, pi, 1, options);
        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == null
            && e.Message.Contains("357 states", StringComparison.Ordinal)
            && e.Message.Contains("n² doubles, 1 MiB", StringComparison.Ordinal) // 357 × 368 × 8 = 1,051,008 B
            && e.Message.Contains("budget of 1 MiB", StringComparison.Ordinal)
            && e.Message.Contains("at most 356 states", StringComparison.Ordinal)
            && !e.Message.Contains('\n', StringComparison.Ordinal));
        var analyze = () => TotalVariation.AnalyzeMixing(chain, pi, options: options);
        analyze.Should().Throw<ArgumentException>().Where(e => e.Message.Contains("at most 356 states", StringComparison.Ordinal));
        TotalVariation.WorstCaseDistances(chain, pi, 1, options with { WorstCaseMemoryLimitBytes = 2 << 20 }).Steps.Should().Be(1);

        // one start works at any size
        TotalVariation.DistancesFromState(chain, 0, pi, 2)[2].Should().BeApproximately(1 - (1.0 / n), 1e-12);
    }

    [Fact]
    public void DistancesFromPrompt_InvalidPrompt_ThrowsNamingPrompt()
    {
        var chain = LanguageModelChain.Build(new UniformModel(2, 2));
        double[] pi = [0, 0, 0.25, 0.25, 0.25, 0.25];
        var empty = () => TotalVariation.DistancesFromPrompt(chain, [], pi, 2);
        empty.Should().Throw<ArgumentException>().Where(e => e.ParamName == "prompt");
        var outside = () => TotalVariation.DistancesFromPrompt(chain, [0, 2], pi, 2);
        outside.Should().Throw<ArgumentException>().Where(e => e.ParamName == "prompt" && e.Message.Contains("prompt[1] = 2", StringComparison.Ordinal));
    }

    [Fact]
    public void ConvergenceOptions_Invalid_ThrowNamingOption()
    {
        var act = () => TotalVariation.WorstCaseDistances(Small, [2 / 7.0, 5 / 7.0], 2, new ConvergenceOptions { MaxDegreeOfParallelism = 0 });
        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == null && e.Message.StartsWith("MaxDegreeOfParallelism must", StringComparison.Ordinal));
        var steps = () => TotalVariation.AnalyzeMixing(Small, [2 / 7.0, 5 / 7.0], options: new ConvergenceOptions { MaxSteps = 0 });
        steps.Should().Throw<ArgumentException>().Where(e => e.ParamName == null && e.Message.StartsWith("MaxSteps must", StringComparison.Ordinal));
        var curve = () => new TotalVariationCurve([0.5, 1.5], TotalVariationStart.WorstCase);
        curve.Should().Throw<ArgumentException>().Where(e => e.ParamName == "distances");
        var none = () => new TotalVariationCurve([], TotalVariationStart.WorstCase);
        none.Should().Throw<ArgumentException>();
        var length = () => TotalVariation.Distance([1, 0], [1]);
        length.Should().Throw<ArgumentException>().Where(e => e.ParamName == "q");
    }

    private sealed class SynchronousProgress(List<Progress> reports) : IProgress<Progress>
    {
        public void Report(Progress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
