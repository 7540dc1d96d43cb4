using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LlmChains.Analysis;
using LlmChains.Analysis.Convergence;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Tests.Analysis.Convergence;

/// <summary>Prop. 3.4: ε by the dynamic program against brute force, the bound against measured errors, the closed-form first step, Dobrushin.</summary>
public sealed class ConvergenceBoundTests
{
    /// <summary>A small model chain (T^K ≤ 256) with random logits and random decoding, truncations included.</summary>
    internal sealed record SmallCase(int T, int K, int Seed, double Scale, double Temperature, int? TopK, double? TopP, bool Single)
    {
        public DecodingOptions Decoding => new() { Temperature = Temperature, TopK = TopK, TopP = TopP };

        public LanguageModelChain Build() => LanguageModelChain.Build(
            new RandomLogitsModel(T, K, Scale, Seed),
            Decoding,
            new ChainBuildOptions { Precision = Single ? ProbabilityPrecision.Float32 : ProbabilityPrecision.Float64 });
    }

    private static readonly Arbitrary<SmallCase> SmallCases = (
        from t in Gen.Choose(1, 5)
        from k0 in Gen.Choose(1, 5)
        let k = Math.Max(1, Math.Min(k0, (int)Math.Floor(Math.Log(256) / Math.Log(Math.Max(t, 2)))))
        from seed in Gen.Choose(0, 1_000_000)
        from scale in Gen.Elements(0.0, 0.5, 1.0, 3.0, 10.0)
        from temperature in Gen.Elements(0.05, 0.3, 1.0, 2.5)
        from topK in Gen.Elements<int?>(null, null, null, 1, 2)
        from topP in Gen.Elements<double?>(null, null, null, 0.6)
        from single in Gen.Elements(false, false, true)
        select new SmallCase(t, k, seed, scale, temperature, topK, topP, single)).ToArbitrary();

    /// <summary>(Q^K)_{ij} on the full-length block, by K steps of RecurrentBlock.Step from every one-hot start.</summary>
    private static double[,] BlockPowerK(LanguageModelChain chain)
    {
        var block = chain.RecurrentBlock;
        int m = (int)block.StateCount;
        var result = new double[m, m];
        var x = new double[m];
        var y = new double[m];
        for (int i = 0; i < m; i++)
        {
            Array.Clear(x);
            x[i] = 1;
            for (int s = 0; s < chain.ContextWindow; s++)
            {
                block.Step(x, y);
                (x, y) = (y, x);
            }

            for (int j = 0; j < m; j++)
            {
                result[i, j] = x[j];
            }
        }

        return result;
    }

    [Property(MaxTest = 80)]
    public Property Epsilon_DynamicProgram_MatchesBruteForceOverAllPairs() => Prop.ForAll(SmallCases, c =>
    {
        var chain = c.Build();
        var power = BlockPowerK(chain);
        int m = power.GetLength(0);
        double brute = double.PositiveInfinity;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < m; j++)
            {
                brute = Math.Min(brute, power[i, j]);
            }
        }

        var result = ConvergenceBound.Epsilon(chain);
        long offset = chain.States.FullLengthOffset;
        double attained = power[result.FromState - offset, result.ToState - offset];
        if (brute == 0)
        {
            // a removed token (log ε = −∞), or a product below the smallest double (ln ε < −745)
            result.Epsilon.Should().Be(0, c.ToString());
            result.LogEpsilon.Should().BeLessThan(-745, c.ToString());
            attained.Should().Be(0);
        }
        else if (brute < 1e-290)
        {
            // near or below the subnormal range the brute-force product itself has lost digits
            Math.Exp(result.LogEpsilon).Should().BeApproximately(brute, (1e-11 * brute) + 1e-321, c.ToString());
        }
        else
        {
            result.Epsilon.Should().BeApproximately(brute, 1e-12 * brute, c.ToString());
            attained.Should().BeApproximately(brute, 1e-12 * brute);
            Math.Exp(result.LogEpsilon).Should().BeApproximately(brute, 1e-11 * brute);
            result.IsPositive.Should().BeTrue();
        }

        result.Epsilon.Should().BeLessThanOrEqualTo(Math.Pow(c.T, -c.K) * (1 + 1e-6)); // ε ≤ T^−K (float32 rows sum to 1 within ~1e−7)
    });

    [Property(MaxTest = 40)]
    public Property EpsilonFromModel_AgreesWithChainEpsilon() => Prop.ForAll(SmallCases, c =>
    {
        var model = new RandomLogitsModel(c.T, c.K, c.Scale, c.Seed);
        var fromChain = ConvergenceBound.Epsilon(LanguageModelChain.Build(model, c.Decoding));
        var fromModel = ConvergenceBound.EpsilonFromModel(model, c.Decoding);
        if (fromChain.LogEpsilon > -700)
        {
            // every factor on the path is a normal double: the stored chain is as exact as the logits
            fromModel.LogEpsilon.Should().BeApproximately(fromChain.LogEpsilon, 1e-10 * Math.Max(1, Math.Abs(fromChain.LogEpsilon)), c.ToString());
        }
        else
        {
            // a removed token, or stored probabilities that are subnormal (few significant bits) or underflowed to 0
            fromModel.LogEpsilon.Should().BeLessThan(-700, c.ToString());
        }
    });

    [Fact]
    public void Epsilon_ParityAtLowTemperatures_LogStaysExact()
    {
        // τ = 0.01: ε = (1 + e^200)^−3 ≈ e^−600 ≈ 2.6e−261, still a double
        var chain = LanguageModelChain.Build(new ParityModel(3), new DecodingOptions { Temperature = 0.01 });
        var cold = ConvergenceBound.Epsilon(chain);
        cold.LogEpsilon.Should().BeApproximately(-600, 1e-12 * 600);
        cold.Epsilon.Should().BeApproximately(Math.Exp(-600), 1e-10 * Math.Exp(-600));
        cold.Log10Epsilon.Should().BeApproximately(-600 / Math.Log(10), 1e-9);

        // τ = 0.001: e^−6000 is below the smallest double; from the logits ln ε is still exact
        var colder = ConvergenceBound.EpsilonFromModel(new ParityModel(3), new DecodingOptions { Temperature = 0.001 });
        colder.LogEpsilon.Should().BeApproximately(-6000, 1e-12 * 6000);
        colder.Epsilon.Should().Be(0);
        colder.IsPositive.Should().BeTrue();
        ConvergenceBound.Bound(3000, colder).Should().Be(1);
        double expectedLog10 = (Math.Log(Math.Log(4) / 2) + 6000 + Math.Log(3)) / Math.Log(10);
        ConvergenceBound.Log10FirstStepBelow(0.25, colder).Should().BeApproximately(expectedLog10, 1e-9);

        // the stored chain underflows at τ = 0.001: ε = 0 and the bound is refused
        var stored = ConvergenceBound.Epsilon(LanguageModelChain.Build(new ParityModel(3), new DecodingOptions { Temperature = 0.001 }));
        stored.IsPositive.Should().BeFalse();
        var act = () => ConvergenceBound.Bound(10, stored);
        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "epsilon");
    }

    [Fact]
    public void Epsilon_LargeChainInParallel_SameAsSingleThread()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(4, 8, 1.0, 77));
        var parallel = ConvergenceBound.Epsilon(chain);
        var single = ConvergenceBound.Epsilon(chain, new ConvergenceOptions { MaxDegreeOfParallelism = 1 });
        parallel.Should().Be(single);
        parallel.Epsilon.Should().BeGreaterThan(0).And.BeLessThan(Math.Pow(4, -8));
    }

    // ---- the bound ----

    [Property(MaxTest = 30)]
    public Property Bound_NeverBelowMeasuredMaxEntryError() => Prop.ForAll(
        (from t in Gen.Choose(2, 3)
         from k in Gen.Choose(1, 3)
         from seed in Gen.Choose(0, 100_000)
         from scale in Gen.Elements(0.5, 1.0, 3.0)
         from tau in Gen.Elements(0.3, 1.0, 2.0)
         select (t, k, seed, scale, tau)).ToArbitrary(),
        c =>
        {
            var chain = LanguageModelChain.Build(new RandomLogitsModel(c.t, c.k, c.scale, c.seed), new DecodingOptions { Temperature = c.tau });
            var q = ConvergenceReference.Dense(chain);
            double[] pi = ConvergenceReference.Stationary(q);
            double epsilon = ConvergenceBound.Epsilon(chain).Epsilon;
            var powers = ConvergenceReference.Powers(q, 60);
            for (int n = 0; n <= 60; n++)
            {
                double error = ConvergenceReference.MaxEntryError(powers[n], pi);
                error.Should().BeLessThanOrEqualTo(ConvergenceBound.Bound(n, epsilon, c.k) + 1e-12, $"n = {n}, {c}");
            }
        });

    [Property(MaxTest = 200)]
    public Property Bound_InUnitIntervalAndNonIncreasing() => Prop.ForAll(
        (from e in Gen.Choose(1, 1_000_000)
         from k in Gen.Choose(1, 50)
         from n in Gen.Choose(0, 100_000)
         select (Epsilon: e / 2_000_000.0, K: k, N: (long)n)).ToArbitrary(),
        c =>
        {
            double b = ConvergenceBound.Bound(c.N, c.Epsilon, c.K);
            b.Should().BeInRange(0, 1);
            ConvergenceBound.Bound(c.N + 1, c.Epsilon, c.K).Should().BeLessThanOrEqualTo(b);
            if (c.N < 2 * c.K)
            {
                b.Should().Be(1);
            }
            else
            {
                b.Should().BeApproximately(Math.Pow(1 - (2 * c.Epsilon), (c.N / c.K) - 1), 1e-12);
            }
        });

    [Fact]
    public void Bound_EdgeValues()
    {
        ConvergenceBound.Bound(0, 0.1, 3).Should().Be(1);
        ConvergenceBound.Bound(5, 0.5, 3).Should().Be(1);
        ConvergenceBound.Bound(6, 0.5, 3).Should().Be(0);
        ConvergenceBound.Bound(long.MaxValue, 1e-300, 1).Should().BeApproximately(Math.Exp(-2e-300 * (double)long.MaxValue), 1e-15);
        ConvergenceBound.Bound(9, 1e-20, 3).Should().Be(Math.Exp(-4e-20));
        var result = new EpsilonResult(0.01, Math.Log(0.01), 2, 3, 6, 13);
        ConvergenceBound.Bound(30, result).Should().Be(ConvergenceBound.Bound(30, 0.01, 3));
    }

    // ---- first step below a target ----

    [Property(MaxTest = 300)]
    public Property FirstStepBelow_BoundCrossesTargetThere() => Prop.ForAll(
        (from e in Gen.Choose(1, 5000)
         from k in Gen.Choose(1, 300)
         from target in Gen.Choose(1, 999)
         select (Epsilon: e / 10_000.0, K: k, Target: target / 1000.0)).ToArbitrary(),
        c =>
        {
            long n = ConvergenceBound.FirstStepBelow(c.Target, c.Epsilon, c.K);
            ConvergenceBound.Bound(n, c.Epsilon, c.K).Should().BeLessThanOrEqualTo(c.Target);
            ConvergenceBound.Bound(n - 1, c.Epsilon, c.K).Should().BeGreaterThan(c.Target);
            (n % c.K).Should().Be(0);
            ConvergenceBound.TryFirstStepBelow(c.Target, c.Epsilon, c.K, out long again).Should().BeTrue();
            again.Should().Be(n);
        });

    [Fact]
    public void FirstStepBelow_SmallCases_MatchLoop()
    {
        foreach (double epsilon in new[] { 0.5, 0.25, 0.1, 0.01, 1e-3 })
        {
            foreach (int k in new[] { 1, 2, 3, 7 })
            {
                foreach (double target in new[] { 0.9, 0.5, 1 / Math.E, 0.25, 0.01 })
                {
                    long n = 0;
                    while (ConvergenceBound.Bound(n, epsilon, k) > target)
                    {
                        n++;
                    }

                    ConvergenceBound.FirstStepBelow(target, epsilon, k).Should().Be(n, $"ε = {epsilon}, K = {k}, target = {target}");
                }
            }
        }
    }

    [Fact]
    public void FirstStepBelow_TinyEpsilon_OverflowsLongButLog10IsFinite()
    {
        double epsilon = Math.Pow(1 + Math.Exp(20), -3); // parity at τ = 0.1 (O-6)
        ConvergenceBound.TryFirstStepBelow(0.25, epsilon, 3, out long steps).Should().BeFalse();
        steps.Should().Be(long.MaxValue);
        var act = () => ConvergenceBound.FirstStepBelow(0.25, epsilon, 3);
        act.Should().Throw<OverflowException>().Where(e => e.Message.Contains("10^26.", StringComparison.Ordinal));
        double expected = Math.Log10(3 * Math.Log(4) / (2 * epsilon));
        ConvergenceBound.Log10FirstStepBelow(0.25, epsilon, 3).Should().BeApproximately(expected, 1e-9);
        ConvergenceBound.Log10FirstStepBelow(0.25, double.Epsilon, 1).Should().BeApproximately(Math.Log10(Math.Log(4) / 2) - Math.Log10(double.Epsilon), 1e-9);
        ConvergenceBound.FirstStepBelow(0.25, 1e-12, 3).Should().Be(3 * (1 + (long)Math.Ceiling(Math.Log(0.25) / (-2e-12 - 2e-24))));
    }

    [Fact]
    public void FirstStepBelow_EpsilonHalf_IsTwoK() => ConvergenceBound.FirstStepBelow(0.999, 0.5, 5).Should().Be(10);

    // ---- Dobrushin ----

    private static double BruteDobrushin(double[,] q)
    {
        int n = q.GetLength(0);
        double max = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int k = 0; k < n; k++)
                {
                    sum += Math.Abs(q[i, k] - q[j, k]);
                }

                max = Math.Max(max, sum / 2);
            }
        }

        return max;
    }

    [Theory]
    [InlineData(3, 1.0, 1)]
    [InlineData(10, 0.8, 2)]
    [InlineData(40, 0.3, 3)]
    [InlineData(70, 0.05, 4)]
    public void Dobrushin_RandomChain_MatchesBruteForceAndUpperBoundHolds(int n, double density, int seed)
    {
        var q = ConvergenceReference.RandomErgodic(n, density, seed);
        var chain = SparseMarkovChain.FromDense(q);
        double exact = ConvergenceBound.Dobrushin(chain);
        exact.Should().BeApproximately(BruteDobrushin(q), 1e-14);
        ConvergenceBound.DobrushinUpperBound(chain).Should().BeGreaterThanOrEqualTo(exact - 1e-15);
    }

    [Fact]
    public void Dobrushin_KnownChains_ClosedForms()
    {
        var two = SparseMarkovChain.FromDense(new[,] { { 0.7, 0.3 }, { 0.1, 0.9 } });
        ConvergenceBound.Dobrushin(two).Should().BeApproximately(0.6, 1e-15); // |1 − a − b|
        ConvergenceBound.DobrushinUpperBound(two).Should().BeApproximately(0.6, 1e-15);
        var rankOne = SparseMarkovChain.FromDense(new[,] { { 0.2, 0.8 }, { 0.2, 0.8 } });
        ConvergenceBound.Dobrushin(rankOne).Should().Be(0);
        ConvergenceBound.DobrushinUpperBound(rankOne).Should().BeApproximately(0, 1e-15);
        var model = LanguageModelChain.Build(new RandomLogitsModel(3, 2, 1.0, 5));
        ConvergenceBound.Dobrushin(model).Should().Be(1); // disjoint successor sets (K ≥ 2)
        ConvergenceBound.DobrushinUpperBound(model).Should().Be(1);
        var dense = LanguageModelChain.Build(new RandomLogitsModel(6, 1, 1.0, 6)); // K = 1: a dense T × T chain
        ConvergenceBound.Dobrushin(dense).Should().BeApproximately(BruteDobrushin(ConvergenceReference.Dense(dense)), 1e-14);
        ConvergenceBound.Dobrushin(SparseMarkovChain.FromDense(new[,] { { 1.0 } })).Should().Be(0);
    }

    // ---- bad input ----

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.1)]
    [InlineData(1.00001)]
    [InlineData(double.NaN)]
    public void Bound_EpsilonOutsideHalfOpenInterval_ThrowsNamingEpsilon(double epsilon)
    {
        // (0, 1]: ε ≤ T^−K is ≤ 1/2 for T ≥ 2 and 1 for a one-token vocabulary (OneTokenVocabularyTests)
        var bound = () => ConvergenceBound.Bound(10, epsilon, 3);
        bound.Should().Throw<ArgumentOutOfRangeException>().WithMessage("epsilon must lie in (0, 1]*");
        var first = () => ConvergenceBound.FirstStepBelow(0.5, epsilon, 3);
        first.Should().Throw<ArgumentOutOfRangeException>().WithMessage("epsilon must lie in (0, 1]*");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void FirstStepBelow_TargetOutsideOpenUnitInterval_ThrowsNamingTarget(double target)
    {
        var act = () => ConvergenceBound.FirstStepBelow(target, 0.1, 3);
        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "target");
        var log = () => ConvergenceBound.Log10FirstStepBelow(target, 0.1, 3);
        log.Should().Throw<ArgumentException>().Where(e => e.ParamName == "target");
    }

    [Fact]
    public void Bound_InvalidContextWindowOrSteps_ThrowsNamingParameter()
    {
        var k = () => ConvergenceBound.Bound(10, 0.1, 0);
        k.Should().Throw<ArgumentException>().Where(e => e.ParamName == "contextWindow" && e.Message.Contains('0', StringComparison.Ordinal));
        var first = () => ConvergenceBound.FirstStepBelow(0.5, 0.1, -2);
        first.Should().Throw<ArgumentException>().Where(e => e.ParamName == "contextWindow");
        var n = () => ConvergenceBound.Bound(-1, 0.1, 3);
        n.Should().Throw<ArgumentException>().Where(e => e.ParamName == "n");
    }

    [Fact]
    public void Dobrushin_AboveDefaultWorstCaseLimit_ThrowsNamingLimit()
    {
        int n = TotalVariation.DefaultMaxWorstCaseStates + 1;
        var chain = SparseMarkovChain.FromCsr(Enumerable.Range(0, n + 1).Select(i => (long)i).ToArray(), Enumerable.Range(0, n).ToArray(), Enumerable.Repeat(1.0, n).ToArray());
        var act = () => ConvergenceBound.Dobrushin(chain);
        act.Should().Throw<ArgumentException>().Where(e => e.Message.Contains(FormattableString.Invariant($"at most {n - 1:N0} states"), StringComparison.Ordinal));
        ConvergenceBound.DobrushinUpperBound(chain).Should().Be(1);
    }
}
