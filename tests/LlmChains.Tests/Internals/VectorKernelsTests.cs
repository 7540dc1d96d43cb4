using LlmChains.Internals.Numerics;

namespace LlmChains.Tests.Internals;

/// <summary>The one total-variation kernel of the engine room against a plain loop.</summary>
public sealed class VectorKernelsTests
{
    private static (double[] P, double[] Q) RandomPair(int n, int seed)
    {
        var random = new Random(seed);
        var p = new double[n];
        var q = new double[n];
        for (int i = 0; i < n; i++)
        {
            p[i] = random.NextDouble();
            q[i] = random.NextDouble() < 0.3 ? 0 : random.NextDouble();
        }

        return (p, q);
    }

    private static double ReferenceTotalVariation(double[] p, double[] q)
    {
        double sum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            sum += Math.Abs(p[i] - q[i]);
        }

        return 0.5 * sum;
    }

    [Fact]
    public void TotalVariation_EveryLengthUpTo256_EqualsAscendingLoopBitwise()
    {
        for (int n = 0; n <= 256; n++)
        {
            var (p, q) = RandomPair(n, n);
            VectorKernels.TotalVariation(p, q).Should().Be(ReferenceTotalVariation(p, q), $"n = {n}");
        }
    }

    [Fact]
    public void TotalVariation_LongerThanOneChunk_MatchesLoopToRoundingAndIsRepeatable()
    {
        int n = (2 * VectorKernels.ReductionChunk) + 12_345;
        var (p, q) = RandomPair(n, 7);
        double expected = ReferenceTotalVariation(p, q);
        double first = VectorKernels.TotalVariation(p, q);
        first.Should().BeApproximately(expected, 1e-12 * expected);
        VectorKernels.TotalVariation(p, q).Should().Be(first);
    }

    [Fact]
    public void TotalVariation_SimdOverload_EveryLengthUpTo256_MatchesLoopToRounding()
    {
        var scratch = new double[256];
        for (int n = 0; n <= 256; n++)
        {
            var (p, q) = RandomPair(n, 1000 + n);
            double expected = ReferenceTotalVariation(p, q);
            VectorKernels.TotalVariation(p, q, scratch).Should().BeApproximately(expected, 1e-14 * Math.Max(1, expected), $"n = {n}");
        }
    }
}
