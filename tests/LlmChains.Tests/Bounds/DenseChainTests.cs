using LlmChains.Bounds.Internals;

namespace LlmChains.Tests.Bounds;

/// <summary>The bounds' dense helpers: π by the engine room's GTH against the textbook (unblocked, last-state-first) GTH.</summary>
public sealed class DenseChainTests
{
    private static double[] RandomChain(int n, int seed, double density, double scale)
    {
        var random = new Random(seed);
        var p = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int j = 0; j < n; j++)
            {
                // a cycle keeps the chain irreducible
                double v = j == (i + 1) % n ? scale : random.NextDouble() < density ? random.NextDouble() * scale : 0;
                if (i == j)
                {
                    v += 1;
                }

                p[(i * n) + j] = v;
                sum += v;
            }

            for (int j = 0; j < n; j++)
            {
                p[(i * n) + j] /= sum;
            }
        }

        return p;
    }

    /// <summary>The textbook GTH (Stewart 1994, eliminating the last state first), as an independent oracle.</summary>
    private static double[] ReferenceGth(double[] p, int n)
    {
        var a = (double[])p.Clone();
        for (int k = n - 1; k >= 1; k--)
        {
            double s = 0;
            for (int j = 0; j < k; j++)
            {
                s += a[(k * n) + j];
            }

            for (int i = 0; i < k; i++)
            {
                a[(i * n) + k] /= s;
            }

            for (int i = 0; i < k; i++)
            {
                for (int j = 0; j < k; j++)
                {
                    a[(i * n) + j] += a[(i * n) + k] * a[(k * n) + j];
                }
            }
        }

        var pi = new double[n];
        pi[0] = 1;
        for (int k = 1; k < n; k++)
        {
            for (int i = 0; i < k; i++)
            {
                pi[k] += pi[i] * a[(i * n) + k];
            }
        }

        double total = pi.Sum();
        return pi.Select(x => x / total).ToArray();
    }

    [Theory]
    [InlineData(1, 1, 1.0, 1.0)]
    [InlineData(2, 2, 1.0, 1.0)]
    [InlineData(7, 3, 0.5, 1.0)]
    [InlineData(40, 4, 0.2, 1.0)]
    [InlineData(70, 5, 0.1, 1e-9)]
    [InlineData(33, 6, 0.3, 1e-200)]
    public void StationaryGth_RandomIrreducibleChain_MatchesTextbookGthToRelativeRounding(int n, int seed, double density, double scale)
    {
        var p = RandomChain(n, seed, density, scale);
        var pi = DenseChain.StationaryGth(p, n);
        var expected = ReferenceGth(p, n);
        pi.Should().NotBeNull();
        for (int i = 0; i < n; i++)
        {
            pi![i].Should().BeApproximately(expected[i], 1e-12 * expected[i], $"state {i}");
        }
    }

    [Fact]
    public void StationaryGth_ReducibleChain_ReturnsNull()
    {
        double[] p = [1, 0, 0, 0, 1, 0, 0, 0, 1];
        DenseChain.StationaryGth(p, 3).Should().BeNull();
    }
}
