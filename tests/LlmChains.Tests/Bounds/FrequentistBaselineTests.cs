using LlmChains.Analysis.Spectral;
using LlmChains.Bounds;
using LlmChains.Chains;
using MathNet.Numerics.LinearAlgebra;

namespace LlmChains.Tests.Bounds;

/// <summary>The Wolfer–Kontorovich order (App. E.1.2) with γ_ps and π_* computed for a given chain.</summary>
public sealed class FrequentistBaselineTests
{
    private static SparseMarkovChain Lazy(double a, double[] pi)
    {
        int n = pi.Length;
        var p = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                p[i, j] = (a * pi[j]) + (i == j ? 1 - a : 0);
            }
        }

        return SparseMarkovChain.FromDense(p);
    }

    /// <summary>γ_ps by the definition: eigenvalues of (P*)^k P^k with P* = D⁻¹PᵀD, no symmetrisation, k = 1..maxPower.</summary>
    private static double ReferencePseudoSpectralGap(double[,] dense, double[] pi, int maxPower)
    {
        var p = Matrix<double>.Build.DenseOfArray(dense);
        var d = Matrix<double>.Build.DenseOfDiagonalArray(pi);
        var dInverse = Matrix<double>.Build.DenseOfDiagonalArray(pi.Select(x => 1 / x).ToArray());
        var reversal = dInverse * p.Transpose() * d;
        double best = 0;
        for (int k = 1; k <= maxPower; k++)
        {
            var m = reversal.Power(k) * p.Power(k);
            var eigenvalues = m.Evd().EigenValues.Select(z => z.Real).OrderByDescending(x => x).ToArray();
            best = Math.Max(best, (1 - eigenvalues[1]) / k);
        }

        return best;
    }

    [Fact]
    public void FromChain_IndependentRows_GapOneAndSampleComplexityClosedForm()
    {
        double[] pi = [0.2, 0.3, 0.5];
        var baseline = FrequentistBaseline.FromChain(Lazy(1, pi));

        baseline.PseudoSpectralGap.Should().BeApproximately(1, 1e-12);
        baseline.IsPseudoSpectralGapExact.Should().BeTrue();
        baseline.PseudoSpectralGapPower.Should().Be(1);
        baseline.MinimumStationaryProbability.Should().BeApproximately(0.2, 1e-15);
        // ⌈max{3/(0.01·1), 1/(1·0.2)}·log 20⌉ = ⌈898.72⌉
        baseline.SampleComplexity(0.1, 0.05).Should().Be(899);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.05)]
    [InlineData(0.8)]
    public void FromChain_LazyReversibleChain_GapIsATimesTwoMinusA(double a)
    {
        // P = (1 − a)I + a·1π is reversible with λ₂ = 1 − a, so γ((P*)^k P^k) = 1 − (1 − a)^{2k}, maximal over k at k = 1
        double[] pi = [0.2, 0.3, 0.5];
        var baseline = FrequentistBaseline.FromChain(Lazy(a, pi));

        baseline.PseudoSpectralGap.Should().BeApproximately(a * (2 - a), 1e-12);
        baseline.IsPseudoSpectralGapExact.Should().BeTrue();
        baseline.StationaryDistribution.Should().BeEquivalentTo(pi, o => o.Using<double>(x => x.Subject.Should().BeApproximately(x.Expectation, 1e-15)).WhenTypeIs<double>());
    }

    [Fact]
    public void FromChain_NonReversibleChain_MatchesTheDefinition()
    {
        var dense = new double[,]
        {
            { 0.1, 0.6, 0.2, 0.1 },
            { 0.05, 0.05, 0.8, 0.1 },
            { 0.7, 0.1, 0.1, 0.1 },
            { 0.3, 0.3, 0.0, 0.4 },
        };
        var chain = SparseMarkovChain.FromDense(dense);

        var baseline = FrequentistBaseline.FromChain(chain);
        var pi = baseline.StationaryDistribution!.ToArray();

        baseline.PseudoSpectralGap.Should().BeApproximately(ReferencePseudoSpectralGap(dense, pi, 30), 1e-9);
        baseline.IsPseudoSpectralGapExact.Should().BeTrue();
        // π is stationary
        var p = Matrix<double>.Build.DenseOfArray(dense);
        var piP = Vector<double>.Build.DenseOfArray(pi) * p;
        (piP - Vector<double>.Build.DenseOfArray(pi)).L1Norm().Should().BeLessThan(1e-14);
    }

    [Fact]
    public void FromChain_O11Matrix_SmallestStationaryProbabilityIsQuarter()
    {
        var chain = SparseMarkovChain.FromDense(new double[,] { { .5, .3, .2 }, { .2, .6, .2 }, { .3, .3, .4 } });

        var baseline = FrequentistBaseline.FromChain(chain);

        baseline.StationaryDistribution![0].Should().BeApproximately(0.321429, 5e-7);
        baseline.StationaryDistribution[1].Should().BeApproximately(0.428571, 5e-7);
        baseline.MinimumStationaryProbability.Should().BeApproximately(0.25, 1e-15);
    }

    [Fact]
    public void FromChain_PeriodicConstrainedWalk_GapZeroAndInfiniteSampleComplexity()
    {
        // O-16: constrained walk d = 3, period 2
        var chain = SparseMarkovChain.FromDense(new double[,] { { 0, 1, 0 }, { .5, 0, .5 }, { 0, 1, 0 } });

        var baseline = FrequentistBaseline.FromChain(chain);

        baseline.PseudoSpectralGap.Should().Be(0);
        baseline.MinimumStationaryProbability.Should().BeApproximately(0.25, 1e-15);
        baseline.SampleComplexity(0.1, 0.05).Should().Be(double.PositiveInfinity);
        baseline.ApproximationError(1e6, 0.05).Should().Be(double.PositiveInfinity);
        baseline.Assumptions.Should().Contain(a => a.Contains("period 2", StringComparison.Ordinal));
    }

    [Fact]
    public void FromChain_Reducible_InfiniteSampleComplexity()
    {
        var chain = SparseMarkovChain.FromDense(new double[,] { { 1, 0 }, { 0, 1 } });

        var baseline = FrequentistBaseline.FromChain(chain);

        baseline.SampleComplexity(0.1, 0.05).Should().Be(double.PositiveInfinity);
        baseline.StationaryDistribution.Should().BeNull();
        baseline.Assumptions.Should().Contain(a => a.Contains("2 recurrent classes", StringComparison.Ordinal));
    }

    [Fact]
    public void FromChain_SearchCutShort_ReportsLowerAndUpperBounds()
    {
        var baseline = FrequentistBaseline.FromChain(Lazy(0.01, [0.5, 0.5]), maxPower: 1);

        baseline.PseudoSpectralGap.Should().BeApproximately(1 - (0.99 * 0.99), 1e-12);
        baseline.PseudoSpectralGapUpperBound.Should().Be(0.5);
        baseline.IsPseudoSpectralGapExact.Should().BeFalse();
    }

    [Fact]
    public void FromChain_GivenStationaryDistribution_IsUsedAndChecked()
    {
        var chain = Lazy(0.3, [0.2, 0.3, 0.5]);

        FrequentistBaseline.FromChain(chain, [0.2, 0.3, 0.5]).MinimumStationaryProbability.Should().Be(0.2);
        var act = () => FrequentistBaseline.FromChain(chain, [0.3, 0.3, 0.4]);
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("stationaryDistribution");
        var wrongLength = () => FrequentistBaseline.FromChain(chain, [0.5, 0.5]);
        wrongLength.Should().Throw<ArgumentException>().WithMessage("*length 2*3 states*");
    }

    [Fact]
    public void ApproximationError_AtSampleComplexity_IsAtMostEpsilon()
    {
        var baseline = new FrequentistBaseline(10, 0.2, 0.05);
        double n = baseline.SampleComplexity(0.1, 0.05);

        baseline.ApproximationError(n, 0.05).Should().BeLessThanOrEqualTo(0.1);
        // below the burn-in log(1/δ)/(γ_ps·π_*) the order gives nothing
        baseline.ApproximationError(10, 0.05).Should().Be(double.PositiveInfinity);
    }

    [Theory]
    [InlineData(0, 0.5, 0.1, "stateCount")]
    [InlineData(3, -0.1, 0.1, "pseudoSpectralGap")]
    [InlineData(3, double.NaN, 0.1, "pseudoSpectralGap")]
    [InlineData(3, 0.5, 1.5, "minimumStationaryProbability")]
    public void Constructor_BadInput_ThrowsNamingTheParameter(long states, double gap, double piMin, string parameter)
    {
        var act = () => new FrequentistBaseline(states, gap, piMin);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be(parameter);
    }

    [Fact]
    public void FromChain_TooManyStates_Throws()
    {
        var chain = SparseMarkovChain.FromTriplets(2049, Enumerable.Range(0, 2049).Select(i => ((long)i, (long)i, 1.0)));

        var act = () => FrequentistBaseline.FromChain(chain);

        act.Should().Throw<ArgumentException>().WithMessage("*2049 states*");
    }
}
