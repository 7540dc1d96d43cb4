using LlmChains.Bounds;
using LlmChains.Chains;

namespace LlmChains.Tests.Bounds;

/// <summary>The Marton-coupling bound ‖Γ‖ ≤ 1 + Σ d̄(t) for Markov data (Paulin 2015).</summary>
public sealed class MixingMatrixNormBoundTests
{
    private static SparseMarkovChain TwoState(double a, double b) => SparseMarkovChain.FromDense(new[,] { { 1 - a, a }, { b, 1 - b } });

    /// <summary>d̄(t) by brute force: dense powers and every pair of rows.</summary>
    private static double[] ReferenceContractions(double[,] p, int steps)
    {
        int n = p.GetLength(0);
        var power = (double[,])p.Clone();
        var result = new double[steps];
        for (int t = 0; t < steps; t++)
        {
            double max = 0;
            for (int x = 0; x < n; x++)
            {
                for (int y = 0; y < n; y++)
                {
                    double l1 = 0;
                    for (int z = 0; z < n; z++)
                    {
                        l1 += Math.Abs(power[x, z] - power[y, z]);
                    }

                    max = Math.Max(max, l1 / 2);
                }
            }

            result[t] = max;
            var next = new double[n, n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    for (int k = 0; k < n; k++)
                    {
                        next[i, j] += power[i, k] * p[k, j];
                    }
                }
            }

            power = next;
        }

        return result;
    }

    [Fact]
    public void FromChain_IndependentRows_IsOne()
    {
        var chain = SparseMarkovChain.FromDense(new[,] { { 0.2, 0.3, 0.5 }, { 0.2, 0.3, 0.5 }, { 0.2, 0.3, 0.5 } });

        var bound = MixingMatrixNormBound.FromChain(chain);

        bound.Value.Should().Be(1);
        bound.Contractions.Should().Equal(0.0);
        bound.TailBound.Should().Be(0);
    }

    [Theory]
    [InlineData(0.3, 0.2)]
    [InlineData(0.05, 0.1)]
    [InlineData(0.9, 0.7)]
    [InlineData(0.5, 0.5)]
    public void FromChain_TwoStateChain_IsOneOverOneMinusAbsLambda(double a, double b)
    {
        // d̄(t) = |1 − a − b|^t, so 1 + Σ_{t≥1} d̄(t) = 1/(1 − |1 − a − b|), and the tail bound is exact for a geometric d̄
        double lambda = Math.Abs(1 - a - b);

        var bound = MixingMatrixNormBound.FromChain(TwoState(a, b));

        bound.Value.Should().BeApproximately(1 / (1 - lambda), 1e-9);
        bound.IsFinite.Should().BeTrue();
        bound.IsErgodicUnichain.Should().BeTrue();
    }

    [Fact]
    public void FromChain_SlowerMixing_GrowsMonotonically()
    {
        double[] speeds = [1.0, 0.9, 0.5, 0.2, 0.05, 0.01];
        double[] pi = [0.1, 0.2, 0.3, 0.4];
        var values = speeds.Select(a =>
        {
            var p = new double[4, 4];
            for (int i = 0; i < 4; i++)
            {
                for (int j = 0; j < 4; j++)
                {
                    p[i, j] = (a * pi[j]) + (i == j ? 1 - a : 0);
                }
            }

            return MixingMatrixNormBound.FromChain(SparseMarkovChain.FromDense(p)).Value;
        }).ToArray();

        values[0].Should().Be(1);
        values.Should().BeInAscendingOrder();
        values.Distinct().Should().HaveCount(values.Length);
        // lazy chain: d̄(t) = (1 − a)^t, bound 1/a
        values.Zip(speeds).Should().AllSatisfy(v => v.First.Should().BeApproximately(1 / v.Second, 1e-6 / v.Second));
    }

    [Fact]
    public void FromChain_GeneralChain_BoundsTheBruteForceSum()
    {
        var dense = new double[,]
        {
            { 0.1, 0.6, 0.2, 0.1 },
            { 0.05, 0.05, 0.8, 0.1 },
            { 0.7, 0.1, 0.1, 0.1 },
            { 0.3, 0.3, 0.0, 0.4 },
        };
        var reference = ReferenceContractions(dense, 400);
        double sum = 1 + reference.Sum();

        var bound = MixingMatrixNormBound.FromChain(SparseMarkovChain.FromDense(dense));

        bound.Value.Should().BeGreaterThanOrEqualTo(sum - 1e-12).And.BeLessThan(sum * (1 + 1e-9));
        bound.Contractions.Take(20).Should().Equal(reference.Take(20), (x, y) => Math.Abs(x - y) < 1e-14);
    }

    [Fact]
    public void FromChain_PeriodicChain_IsInfiniteOrN()
    {
        var chain = SparseMarkovChain.FromDense(new double[,] { { 0, 1, 0 }, { .5, 0, .5 }, { 0, 1, 0 } });

        MixingMatrixNormBound.FromChain(chain).Value.Should().Be(double.PositiveInfinity);
        MixingMatrixNormBound.FromChain(chain).IsErgodicUnichain.Should().BeFalse();
        MixingMatrixNormBound.FromChain(chain, sequenceLength: 100).Value.Should().Be(100);
    }

    [Fact]
    public void FromChain_Reducible_IsInfinite()
    {
        var bound = MixingMatrixNormBound.FromChain(SparseMarkovChain.FromDense(new double[,] { { 1, 0 }, { 0, 1 } }));

        bound.IsFinite.Should().BeFalse();
        bound.Assumptions.Should().Contain(a => a.Contains("2 recurrent classes", StringComparison.Ordinal));
    }

    [Fact]
    public void FromChain_SequenceLength_CutsTheSumExactly()
    {
        // λ = 0.5: 1 + λ + λ² for N = 3
        var bound = MixingMatrixNormBound.FromChain(TwoState(0.25, 0.25), sequenceLength: 3);

        bound.Value.Should().BeApproximately(1.75, 1e-14);
        bound.TailBound.Should().Be(0);
        MixingMatrixNormBound.FromChain(TwoState(0.25, 0.25), sequenceLength: 1).Value.Should().Be(1);
    }

    [Fact]
    public void FromChain_MaxStepsReached_ClosesTheTailBySubmultiplicativity()
    {
        var dense = new double[,] { { 0.9, 0.1, 0 }, { 0, 0.9, 0.1 }, { 0.1, 0, 0.9 } };
        var reference = ReferenceContractions(dense, 3000);

        var bound = MixingMatrixNormBound.FromChain(SparseMarkovChain.FromDense(dense), maxSteps: 5);

        bound.Contractions.Should().HaveCount(5);
        bound.TailBound.Should().BeGreaterThan(0);
        bound.Value.Should().BeGreaterThanOrEqualTo(1 + reference.Sum());
        // the smallest of 1 + S(t₀)/(1 − d̄(t₀)) over t₀ = 1..5
        double expected = Enumerable.Range(1, 5).Min(t0 => 1 + (reference.Take(t0).Sum() / (1 - reference[t0 - 1])));
        bound.Value.Should().BeApproximately(expected, 1e-12);
    }

    [Fact]
    public void FromChain_BadArguments_Throw()
    {
        var chain = TwoState(0.3, 0.2);

        FluentActions.Invoking(() => MixingMatrixNormBound.FromChain(chain, sequenceLength: 0)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("sequenceLength");
        FluentActions.Invoking(() => MixingMatrixNormBound.FromChain(chain, maxSteps: 0)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("maxSteps");
        FluentActions.Invoking(() => MixingMatrixNormBound.FromChain(null!)).Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public void Value_FedToPretrainingBound_ScalesTheConstant()
    {
        var gamma = MixingMatrixNormBound.FromChain(TwoState(0.05, 0.05));
        var bound = new PretrainingBound(10, 1, 1, gammaNorm: gamma.Value);

        gamma.Value.Should().BeApproximately(10, 1e-9);
        bound.Constant.Should().BeApproximately(10 * new PretrainingBound(10, 1, 1).Constant, 1e-8);
    }
}
