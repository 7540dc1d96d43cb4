using LlmChains.Analysis;
using LlmChains.Analysis.Convergence;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Tests.Analysis.Convergence;

/// <summary>The oracles of paper-spec §8 that concern convergence: O-4, O-5, O-6, O-7, O-11, O-16.</summary>
public sealed class ConvergenceOracleTests
{
    private static SparseMarkovChain Chain(double[,] q) => SparseMarkovChain.FromDense(q);

    /// <summary>π of a model chain whose full-length block is doubly stochastic or context-free: by dense solve.</summary>
    private static double[] StationaryOf(IMarkovChain chain) => ConvergenceReference.Stationary(ConvergenceReference.Dense(chain));

    // ---- O-11: t_min ----

    [Fact]
    public void O11_ThreeByThreeChain_TMinAtFirstStep()
    {
        var chain = Chain(new[,] { { .5, .3, .2 }, { .2, .6, .2 }, { .3, .3, .4 } });
        double[] pi = StationaryOf(chain);
        pi.Should().Equal([9 / 28.0, 12 / 28.0, 7 / 28.0], (a, b) => Math.Abs(a - b) < 1e-15);
        var curve = TotalVariation.WorstCaseDistances(chain, pi, 10);
        double[] expected = [0.75, 0.178571, 0.051429, 0.015429, 0.004629];
        for (int t = 0; t < expected.Length; t++)
        {
            curve[t].Should().BeApproximately(expected[t], 5e-7);
        }

        var tMin = TotalVariation.TMin(curve);
        tMin.Value.Should().BeApproximately(6.530864, 1e-6);
        tMin.AttainedAt.Should().Be(1);
        tMin.IsCertified.Should().BeTrue();
        tMin.Status.Should().Be(MixingTimeStatus.Reached);
        TotalVariation.MixingTime(curve).Value.Should().Be(1);
    }

    [Fact]
    public void O11_LazyThreeStateChain_TMinAtSeventhStep()
    {
        var chain = Chain(new[,] { { .9, .05, .05 }, { .05, .9, .05 }, { .05, .05, .9 } });
        double[] pi = ConvergenceReference.Uniform(3);
        var curve = TotalVariation.WorstCaseDistances(chain, pi, 40);
        curve[1].Should().BeApproximately(0.566667, 5e-7);
        curve[2].Should().BeApproximately(0.481667, 5e-7);

        // d(t) = (2/3)·0.85^t exactly in exact arithmetic (the spec's "d(7) = 0.2514" is d(6))
        for (int t = 0; t <= 40; t++)
        {
            curve[t].Should().BeApproximately(2.0 / 3 * Math.Pow(0.85, t), 1e-14);
        }

        var tMin = TotalVariation.TMin(curve);
        tMin.Value.Should().BeApproximately(52.80399, 1e-5);
        tMin.AttainedAt.Should().Be(7);
        tMin.DistanceAtMinimum.Should().BeApproximately(2.0 / 3 * Math.Pow(0.85, 7), 1e-14);
        tMin.IsCertified.Should().BeTrue();

        var analysis = TotalVariation.AnalyzeMixing(chain, pi);
        analysis.TMin.Value.Should().Be(tMin.Value);
        analysis.TMin.IsCertified.Should().BeTrue();
        analysis.MixingTime.Value.Should().Be(7); // d(6) = 0.2514 > 1/4 ≥ d(7) = 0.2137
        analysis.MixingTime.Status.Should().Be(MixingTimeStatus.Reached);
    }

    [Fact]
    public void O11_UniformRows_TMinIsFour()
    {
        var chain = Chain(new[,] { { 1 / 3.0, 1 / 3.0, 1 / 3.0 }, { 1 / 3.0, 1 / 3.0, 1 / 3.0 }, { 1 / 3.0, 1 / 3.0, 1 / 3.0 } });
        var analysis = TotalVariation.AnalyzeMixing(chain, ConvergenceReference.Uniform(3));
        analysis.Curve[1].Should().BeLessThan(1e-15);
        analysis.TMin.Value.Should().BeApproximately(4, 1e-14);
        analysis.TMin.AttainedAt.Should().Be(1);
        analysis.TMin.IsCertified.Should().BeTrue();
        analysis.MixingTime.Value.Should().Be(1);
    }

    [Fact]
    public void O11_TMin_MatchesBruteForceGridOverEpsilon()
    {
        // t_min = inf_{0 ≤ ε < 1} t_mix(ε/2)·((2 − ε)/(1 − ε))² on a fine grid, against the closed form of TMin
        var chain = Chain(new[,] { { .5, .3, .2 }, { .2, .6, .2 }, { .3, .3, .4 } });
        double[] pi = StationaryOf(chain);
        var curve = TotalVariation.WorstCaseDistances(chain, pi, 60);
        double grid = double.PositiveInfinity;
        for (int i = 0; i < 200_000; i++)
        {
            double eps = i / 200_000.0;
            var mix = TotalVariation.MixingTime(curve, Math.Max(eps / 2, 1e-300));
            if (mix.IsFinite && mix.Value >= 1)
            {
                double r = (2 - eps) / (1 - eps);
                grid = Math.Min(grid, mix.Value * r * r);
            }
        }

        TotalVariation.TMin(curve).Value.Should().BeApproximately(grid, 1e-4);
    }

    // ---- O-6: parity model with temperature ----

    [Theory]
    [InlineData(0.1, 8.7565e-27)]
    [InlineData(0.2, 9.3563e-14)]
    [InlineData(0.5, 5.8186e-06)]
    [InlineData(1.0, 1.693794e-03)]
    [InlineData(2.0, 1.945240e-02)]
    public void O6_ParityEpsilon_ClosedForm(double tau, double table)
    {
        var chain = LanguageModelChain.Build(new ParityModel(3), new DecodingOptions { Temperature = tau });
        var result = ConvergenceBound.Epsilon(chain);
        double exact = Math.Pow(1 + Math.Exp(2 / tau), -3);
        double logExact = -3 * ((2 / tau) + Math.Log(1 + Math.Exp(-2 / tau)));
        result.Epsilon.Should().BeApproximately(exact, 1e-12 * exact);
        result.LogEpsilon.Should().BeApproximately(logExact, 1e-12 * Math.Abs(logExact));
        result.Log10Epsilon.Should().BeApproximately(logExact / Math.Log(10), 1e-12 * Math.Abs(logExact));
        result.Epsilon.Should().BeApproximately(table, 5e-5 * table);
        result.IsPositive.Should().BeTrue();
        chain.GetTransitionProbability(result.FromState, result.FromState).Should().BeGreaterThanOrEqualTo(0); // indices are valid
        result.FromState.Should().BeGreaterThanOrEqualTo(chain.States.FullLengthOffset);
        result.ToState.Should().BeGreaterThanOrEqualTo(chain.States.FullLengthOffset);
        ConvergenceBound.EpsilonFromModel(new ParityModel(3), new DecodingOptions { Temperature = tau }).Epsilon.Should().BeApproximately(exact, 1e-12 * exact);
    }

    [Theory]
    [InlineData(0.2, 0.8736, 1.0)]
    [InlineData(0.5, 0.4747, 0.99990)]
    [InlineData(1.0, 1.2808e-02, 0.96992)]
    [InlineData(2.0, 7.7526e-06, 0.69968)]
    public void O6_ParityTableAtThirtySteps_ErrorAndBound(double tau, double error, double bound)
    {
        var chain = LanguageModelChain.Build(new ParityModel(3), new DecodingOptions { Temperature = tau });
        var q = ConvergenceReference.Dense(chain);
        var pi = new double[14];
        for (int j = 6; j < 14; j++)
        {
            pi[j] = 1 / 8.0; // P_ℛ is doubly stochastic
        }

        double measured = ConvergenceReference.MaxEntryError(ConvergenceReference.Power(q, 30), pi);
        measured.Should().BeApproximately(error, 1e-4 * error); // the table has 4–5 significant digits
        double epsilon = ConvergenceBound.Epsilon(chain).Epsilon;
        double b = ConvergenceBound.Bound(30, epsilon, 3);
        b.Should().BeApproximately(bound, 5e-6);
        b.Should().BeGreaterThanOrEqualTo(measured);
    }

    [Theory]
    [InlineData(1.0, 0.7147, 5e-5)]
    [InlineData(2.0, 0.01967, 5e-6)]
    public void O6_ParityAtThreeHundredSteps_ErrorTinyAndBound(double tau, double bound, double rounding)
    {
        var chain = LanguageModelChain.Build(new ParityModel(3), new DecodingOptions { Temperature = tau });
        var pi = new double[14];
        for (int j = 6; j < 14; j++)
        {
            pi[j] = 1 / 8.0;
        }

        // the table's 1.6e−11 and 1.3e−12 are rounding noise of a dense power; exact values are far smaller
        double measured = ConvergenceReference.MaxEntryError(ConvergenceReference.Power(ConvergenceReference.Dense(chain), 300), pi);
        measured.Should().BeLessThan(1e-10);
        double b = ConvergenceBound.Bound(300, ConvergenceBound.Epsilon(chain).Epsilon, 3);
        b.Should().BeApproximately(bound, rounding); // 0.7147 and 0.01967 are rounded
    }

    [Fact]
    public void O6_ParityAtTemperatureOne_DocumentedMixingNumbers()
    {
        // the worked example of docs/convergence.md
        var chain = LanguageModelChain.Build(new ParityModel(3));
        var pi = new double[14];
        for (int j = 6; j < 14; j++)
        {
            pi[j] = 0.125;
        }

        var mixing = TotalVariation.AnalyzeMixing(chain, pi);
        mixing.MixingTime.Value.Should().Be(10);
        mixing.TMin.Value.Should().BeApproximately(71.04145, 1e-5);
        mixing.TMin.AttainedAt.Should().Be(12);
        mixing.TMin.IsCertified.Should().BeTrue();
        mixing.Curve.Distances.Take(9).Should().Equal([1, 1, 0.6508, 0.5583, 0.4771, 0.4350, 0.3719, 0.3104, 0.2665], (a, b) => Math.Abs(a - b) < 5e-5);
        var eps = ConvergenceBound.Epsilon(chain);
        ConvergenceBound.FirstStepBelow(0.25, eps.Epsilon, 3).Should().Be(1230);
    }

    [Fact]
    public void O6_ParityEpsilon_IncreasesWithTemperature()
    {
        double previous = 0;
        foreach (double tau in new[] { 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 100 })
        {
            double epsilon = ConvergenceBound.Epsilon(LanguageModelChain.Build(new ParityModel(3), new DecodingOptions { Temperature = tau })).Epsilon;
            epsilon.Should().BeGreaterThan(previous);
            epsilon.Should().BeLessThanOrEqualTo(0.125);
            previous = epsilon;
        }
    }

    // ---- O-4 and O-5: exact convergence at n = K ----

    [Fact]
    public void O4_ContextFreeModel_EpsilonAndExactConvergenceAtK()
    {
        var chain = LanguageModelChain.Build(new ContextFreeModel([0.9, 0.1], 3));
        var result = ConvergenceBound.Epsilon(chain);
        result.Epsilon.Should().BeApproximately(0.001, 1e-15);

        // π on ℛ = q⊗q⊗q from the stored probabilities, in the order the chain multiplies them
        var q = new double[2];
        chain.GetNextTokenProbabilities(0, q);
        var pi = new double[14];
        for (int code = 0; code < 8; code++)
        {
            pi[6 + code] = q[code >> 2] * q[(code >> 1) & 1] * q[code & 1];
        }

        pi[6].Should().BeApproximately(0.729, 1e-15);
        pi[13].Should().BeApproximately(0.001, 1e-15);
        var curve = TotalVariation.WorstCaseDistances(chain, pi, 12);
        curve[2].Should().BeGreaterThan(0.1);
        for (int t = 3; t <= 12; t++)
        {
            curve[t].Should().BeLessThan(1e-15, $"Q^{t} = eπ for t ≥ K (O-4), t = {t}");
        }

        var fromZero = TotalVariation.DistancesFromPrompt(chain, [0], pi, 5);
        fromZero[2].Should().BeApproximately(0.1, 1e-15); // row of "0" at n = 2: {000: .81, 001: .09, 010: .09, 011: .01}
        fromZero[3].Should().BeLessThan(1e-15);
        TotalVariation.MixingTime(curve, 1e-12).Value.Should().Be(3);
    }

    [Theory]
    [InlineData(2, 3, 0.125)]
    [InlineData(3, 2, 1 / 9.0)]
    [InlineData(2, 1, 0.5)]
    public void O5_UniformModel_EpsilonAndZeroDistanceFromK(int t, int k, double epsilon)
    {
        var chain = LanguageModelChain.Build(new UniformModel(t, k));
        var result = ConvergenceBound.Epsilon(chain);
        result.Epsilon.Should().BeApproximately(epsilon, 1e-15 * epsilon);
        int n = (int)chain.StateCount;
        var pi = new double[n];
        long full = chain.States.FullLengthOffset;
        for (long j = full; j < n; j++)
        {
            pi[j] = 1.0 / (n - full);
        }

        var curve = TotalVariation.WorstCaseDistances(chain, pi, 3 * k);
        curve[k - 1].Should().BeGreaterThan(0);
        for (int s = k; s <= 3 * k; s++)
        {
            curve[s].Should().BeLessThan(1e-15);
        }
    }

    [Fact]
    public void O5_UniformBinary_ExactlyZeroAndBoundAtSix()
    {
        var chain = LanguageModelChain.Build(new UniformModel(2, 3));
        var pi = new double[14];
        for (int j = 6; j < 14; j++)
        {
            pi[j] = 0.125;
        }

        var curve = TotalVariation.WorstCaseDistances(chain, pi, 9);
        curve.Distances.Skip(3).Should().AllSatisfy(d => d.Should().Be(0));
        ConvergenceBound.Epsilon(chain).Epsilon.Should().Be(0.125);
        ConvergenceBound.Bound(6, 0.125, 3).Should().Be(0.75);
        ConvergenceBound.Bound(5, 0.125, 3).Should().Be(1);
        ConvergenceBound.Bound(2, 0.125, 3).Should().Be(1);
    }

    // ---- O-7: first n below 1/e with ε = 1e−6 ----

    [Theory]
    [InlineData(3, 1_500_003L)]
    [InlineData(1024, 512_001_024L)]
    [InlineData(2048, 1_024_002_048L)]
    [InlineData(4096, 2_048_004_096L)]
    [InlineData(8192, 4_096_008_192L)]
    public void O7_FirstStepBelowOneOverE_TableValues(int k, long expected)
    {
        long n = ConvergenceBound.FirstStepBelow(1 / Math.E, 1e-6, k);
        n.Should().Be(expected);
        ConvergenceBound.Bound(n, 1e-6, k).Should().BeLessThanOrEqualTo(1 / Math.E);
        ConvergenceBound.Bound(n - 1, 1e-6, k).Should().BeGreaterThan(1 / Math.E);
        ((n / k) - 1).Should().Be(500_000);
        ConvergenceBound.Log10FirstStepBelow(1 / Math.E, 1e-6, k).Should().Be(Math.Log10(expected));
    }

    // ---- O-16: periodic walks ----

    public static TheoryData<double[,], double[]> PeriodicWalks => new()
    {
        { new[,] { { 0, 1, 0 }, { .5, 0, .5 }, { 0, 1, 0 } }, new[] { .25, .5, .25 } },
        { new[,] { { 0, .5, 0, .5 }, { .5, 0, .5, 0 }, { 0, .5, 0, .5 }, { .5, 0, .5, 0 } }, new[] { .25, .25, .25, .25 } },
    };

    [Theory]
    [MemberData(nameof(PeriodicWalks))]
    public void O16_PeriodicWalk_MixingTimesInfiniteAtOnce(double[,] q, double[] pi)
    {
        var chain = Chain(q);
        var structure = ChainStructure.Analyze(chain);
        structure.RecurrentClasses.Should().ContainSingle().Which.Period.Should().Be(2);

        var analysis = TotalVariation.AnalyzeMixing(chain, pi);
        analysis.MixingTime.Value.Should().Be(double.PositiveInfinity);
        analysis.MixingTime.Status.Should().Be(MixingTimeStatus.Periodic);
        analysis.TMin.Value.Should().Be(double.PositiveInfinity);
        analysis.TMin.IsCertified.Should().BeTrue();
        analysis.TMin.Status.Should().Be(MixingTimeStatus.Periodic);

        // the whole curve over the first horizon, not d(0) only, equal to max_x TV(δ_x Q^t, π) from dense powers
        analysis.Curve.Steps.Should().Be(ConvergenceOptions.Default.InitialSteps);
        analysis.Curve[0].Should().Be(Enumerable.Range(0, pi.Length).Max(x => 1 - pi[x]));
        var powers = ConvergenceReference.Powers(q, analysis.Curve.Steps);
        for (int t = 0; t <= analysis.Curve.Steps; t++)
        {
            analysis.Curve[t].Should().BeApproximately(ConvergenceReference.WorstCaseTv(powers[t], pi), 1e-14, "d({0})", t);
        }

        // the curve itself never falls below 1/2: t_min is infinite even from the values alone
        var curve = TotalVariation.WorstCaseDistances(chain, pi, 50);
        curve.IsErgodicUnichain.Should().BeFalse();
        curve.Distances.Skip(1).Should().AllSatisfy(d => d.Should().BeApproximately(0.5, 1e-15));
        var unknown = new TotalVariationCurve(curve.Distances, TotalVariationStart.WorstCase);
        TotalVariation.MixingTime(unknown).Status.Should().Be(MixingTimeStatus.NotReachedWithinHorizon);
        TotalVariation.TMin(unknown).Value.Should().Be(double.PositiveInfinity);
        TotalVariation.TMin(unknown).IsCertified.Should().BeFalse();
        TotalVariation.MixingTime(curve).Status.Should().Be(MixingTimeStatus.NotErgodicUnichain);
    }
}
