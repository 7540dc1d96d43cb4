using LlmChains.Analysis;
using LlmChains.Analysis.Convergence;
using LlmChains.InContext;

namespace LlmChains.Tests.InContext;

/// <summary>The chain generators against their definitions: eqs. (6), (7), oracles O-14, O-16, O-11.</summary>
public sealed class ChainGeneratorsTests
{
    private static void RowsSumToOne(GeneratedChain chain)
    {
        for (int x = 0; x < chain.StateCount; x++)
        {
            double sum = 0;
            foreach (double p in chain.GetRow(x))
            {
                p.Should().BeGreaterThanOrEqualTo(0);
                sum += p;
            }

            sum.Should().BeApproximately(1, 1e-12, "row {0} of {1}", x, chain.Name);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(40)]
    public void UniformRows_AnySize_RowsAreNormalisedUniformDraws(int d)
    {
        var chain = ChainGenerators.UniformRows(d, seed: 11);

        RowsSumToOne(chain);
        chain.StateCount.Should().Be(d);
        chain.MinimumTransitionProbability.Should().BeGreaterThan(0);
        chain.Labels.Should().Equal(Enumerable.Range(0, d).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        // the definition: row i = u_i / Σu_i with u drawn row by row from Random(seed)
        var random = new Random(11);
        for (int i = 0; i < d; i++)
        {
            var u = Enumerable.Range(0, d).Select(_ => random.NextDouble()).ToArray();
            for (int j = 0; j < d; j++)
            {
                chain[i, j].Should().BeApproximately(u[j] / u.Sum(), 1e-15);
            }
        }
    }

    [Fact]
    public void UniformRows_SameSeed_SameChain()
    {
        ChainGenerators.UniformRows(5, 3).ToArray().Should().BeEquivalentTo(ChainGenerators.UniformRows(5, 3).ToArray());
        ChainGenerators.UniformRows(5, 3).ToArray().Should().NotBeEquivalentTo(ChainGenerators.UniformRows(5, 4).ToArray());
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    [InlineData(1e-3)]
    [InlineData(50.0)]
    public void Dirichlet_RowsSumToOne_AndMeanMatchesPrior(double alpha)
    {
        const int d = 4;
        var chains = Enumerable.Range(0, 400).Select(s => ChainGenerators.Dirichlet(d, alpha, s)).ToArray();
        foreach (var chain in chains.Take(20))
        {
            RowsSumToOne(chain);
        }

        // E[P(x, y)] = 1/d and Var = (1/d)(1 − 1/d)/(dα + 1) for Dirichlet(α): the mean over 400 chains × 4 rows is within 5 SE
        double variance = (1.0 / d) * (1 - (1.0 / d)) / ((d * alpha) + 1);
        double se = Math.Sqrt(variance / (400 * d));
        for (int y = 0; y < d; y++)
        {
            double mean = chains.SelectMany(c => Enumerable.Range(0, d).Select(x => c[x, y])).Average();
            mean.Should().BeApproximately(1.0 / d, 5 * se);
        }

        // and the spread matches the Dirichlet variance (within 20 %)
        double sampleVariance = chains.SelectMany(c => Enumerable.Range(0, d).Select(x => c[x, 0])).Select(p => (p - (1.0 / d)) * (p - (1.0 / d))).Average();
        sampleVariance.Should().BeApproximately(variance, 0.2 * variance);
    }

    [Fact]
    public void ConstrainedRandomWalk_ThreeStates_MatchesO16()
    {
        var chain = ChainGenerators.ConstrainedRandomWalk(3);

        chain.ToArray().Should().BeEquivalentTo(new double[,] { { 0, 1, 0 }, { 0.5, 0, 0.5 }, { 0, 1, 0 } });
        var tMin = chain.ComputeMixingTime();
        tMin.Value.Should().Be(double.PositiveInfinity);
        tMin.Status.Should().Be(MixingTimeStatus.Periodic);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(6)]
    public void ConstrainedRandomWalk_AnySize_MatchesEquation6(int d)
    {
        var chain = ChainGenerators.ConstrainedRandomWalk(d);

        RowsSumToOne(chain);
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                double expected = i == 0 ? (j == 1 ? 1 : 0)
                    : i == d - 1 ? (j == d - 2 ? 1 : 0)
                    : (Math.Abs(i - j) == 1 ? 0.5 : 0);
                chain[i, j].Should().Be(expected, "P({0}, {1}) of eq. (6)", i, j);
            }
        }
    }

    [Fact]
    public void PolygonalRandomWalk_FourStates_MatchesO16()
    {
        var chain = ChainGenerators.PolygonalRandomWalk(4);

        chain.ToArray().Should().BeEquivalentTo(new double[,] { { 0, .5, 0, .5 }, { .5, 0, .5, 0 }, { 0, .5, 0, .5 }, { .5, 0, .5, 0 } });
        chain.ComputeMixingTime().Status.Should().Be(MixingTimeStatus.Periodic);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(6)]
    public void PolygonalRandomWalk_AnySize_MatchesEquation7(int d)
    {
        var chain = ChainGenerators.PolygonalRandomWalk(d);

        RowsSumToOne(chain);
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                bool neighbour = j == (i + 1) % d || j == (i + d - 1) % d;
                chain[i, j].Should().Be(neighbour ? 0.5 : 0, "P({0}, {1}) of eq. (7)", i, j);
            }
        }

        // odd polygons are aperiodic, even ones have period 2
        chain.ComputeMixingTime().IsFinite.Should().Be(d % 2 == 1);
    }

    [Fact]
    public void InnerCliqueOuterRim_NineStates_MatchesO14()
    {
        var chain = ChainGenerators.InnerCliqueOuterRim(9, 0.02);

        RowsSumToOne(chain);
        chain.GetRow(0).ToArray().Should().Equal(new[] { 0.73, 0.01, 0.01, 0.125, 0.125, 0, 0, 0, 0 }, (a, b) => Math.Abs(a - b) < 1e-15);
        chain.GetRow(3).ToArray().Should().Equal(new[] { 0.125, 0, 0, 0.875, 0, 0, 0, 0, 0 }, (a, b) => Math.Abs(a - b) < 1e-15);

        // rim pairs (3,4), (5,6), (7,8) belong to clique states 0, 1, 2 (Fig. 15: edges η/2, 1/8, 7/8, 3/4 − η)
        chain[1, 5].Should().Be(0.125);
        chain[1, 6].Should().Be(0.125);
        chain[6, 1].Should().Be(0.125);
        chain[8, 8].Should().Be(0.875);
        chain[2, 2].Should().BeApproximately(0.73, 1e-15);
        chain[2, 0].Should().BeApproximately(0.01, 1e-15);
    }

    [Fact]
    public void InnerCliqueOuterRim_LabelsAndPerturbation_MatchTheBlockDefinition()
    {
        const double eta = 0.1;
        const double eps = 0.2;
        bool[] tau = [true, false, true, true];
        var chain = ChainGenerators.InnerCliqueOuterRim(12, eta, tau, eps);

        RowsSumToOne(chain);
        int k = 4;
        for (int i = 0; i < k; i++)
        {
            double s = tau[i] ? 4 * eps : 0;
            int a = k + (2 * i);
            for (int j = 0; j < k; j++)
            {
                chain[i, j].Should().BeApproximately(i == j ? 0.75 - eta : eta / (k - 1), 1e-15); // C_η
            }

            chain[i, a].Should().BeApproximately((1 + s) / 8, 1e-15);     // R_τ
            chain[i, a + 1].Should().BeApproximately((1 - s) / 8, 1e-15);
            chain[a, i].Should().BeApproximately((1 + s) / 8, 1e-15);     // R_τ^⊤
            chain[a + 1, i].Should().BeApproximately((1 - s) / 8, 1e-15);
            chain[a, a].Should().BeApproximately((7 - s) / 8, 1e-15);     // L_τ
            chain[a + 1, a + 1].Should().BeApproximately((7 + s) / 8, 1e-15);
        }

        chain.ToArray().Cast<double>().Count(p => p > 0).Should().Be((k * k) + (6 * k));
    }

    [Fact]
    public void WithMixingTimeInRange_Fig6Targets_TMinInRangeByBruteForce()
    {
        foreach (double target in new[] { 4.6, 15.2, 32.6, 43.7 })
        {
            var chain = ChainGenerators.WithMixingTimeInRange(3, target * 0.97, target * 1.03, seed: (int)(target * 10));

            RowsSumToOne(chain);
            chain.MinimumTransitionProbability.Should().BeGreaterThan(0);
            double brute = BruteForceTMin(chain.ToArray());
            brute.Should().BeInRange(target * 0.97 - 1e-6, target * 1.03 + 1e-6, "the chain for target {0}", target);
            chain.ComputeMixingTime().Value.Should().BeApproximately(brute, 1e-6);
        }
    }

    [Fact]
    public void ComputeMixingTime_O11Example_Is6530864()
    {
        var chain = new GeneratedChain(new[,] { { .5, .3, .2 }, { .2, .6, .2 }, { .3, .3, .4 } });

        chain.ComputeMixingTime().Value.Should().BeApproximately(6.530864, 1e-6);
        BruteForceTMin(chain.ToArray()).Should().BeApproximately(6.530864, 1e-6);
    }

    /// <summary>O-11 by dense matrix powers: d(t) = max_x TV(P^t(x,·), π), π from a high power; min_t t((2 − 2d)/(1 − 2d))².</summary>
    internal static double BruteForceTMin(double[,] p)
    {
        int n = p.GetLength(0);
        var power = (double[,])p.Clone();
        for (int i = 0; i < 20; i++)
        {
            power = Multiply(power, power); // P^(2^20)
        }

        var pi = Enumerable.Range(0, n).Select(j => power[0, j]).ToArray();
        double best = double.PositiveInfinity;
        var current = (double[,])p.Clone();
        for (int t = 1; t <= 5000 && best > 4.0 * t; t++)
        {
            double worst = 0;
            for (int x = 0; x < n; x++)
            {
                double tv = 0;
                for (int y = 0; y < n; y++)
                {
                    tv += Math.Abs(current[x, y] - pi[y]);
                }

                worst = Math.Max(worst, tv / 2);
            }

            if (worst < 0.5)
            {
                double ratio = (2 - (2 * worst)) / (1 - (2 * worst));
                best = Math.Min(best, t * ratio * ratio);
            }

            current = Multiply(current, p);
        }

        return best;
    }

    private static double[,] Multiply(double[,] a, double[,] b)
    {
        int n = a.GetLength(0);
        var c = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < n; k++)
            {
                for (int j = 0; j < n; j++)
                {
                    c[i, j] += a[i, k] * b[k, j];
                }
            }
        }

        return c;
    }

    [Theory]
    [InlineData(100_000)]
    [InlineData(46_341)]
    [InlineData(int.MaxValue)]
    public void DenseGenerators_StateCountBeyondMemory_RefusedBeforeAllocating(int d)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var act = () => ChainGenerators.UniformRows(d, new Random(1));

        act.Should().Throw<ArgumentOutOfRangeException>().Which.Message.Should().Contain($"d = {d} states").And.NotContain("Actual value");
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(1 << 20);
    }
}
