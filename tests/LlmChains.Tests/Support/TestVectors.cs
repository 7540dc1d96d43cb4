namespace LlmChains.Tests.Support;

/// <summary>Seeded vectors for step tests.</summary>
internal static class TestVectors
{
    /// <summary>n entries uniform in [−1, 1) from <see cref="Random"/> seeded with <paramref name="seed"/> (signed, so sign errors show).</summary>
    public static double[] Random(long n, int seed)
    {
        var random = new Random(seed);
        var x = new double[n];
        for (long i = 0; i < n; i++)
        {
            x[i] = (2 * random.NextDouble()) - 1;
        }

        return x;
    }
}
