namespace LlmChains.Analysis.Convergence.Internals;

/// <summary>
/// xoshiro256** seeded by SplitMix64 from (seed, trajectory, stream): an independent, allocation-free stream of random
/// numbers per trajectory, so that results do not depend on which thread runs which trajectory.
/// </summary>
internal struct TrajectoryRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    internal TrajectoryRandom(int seed, long trajectory, int stream)
    {
        ulong z = unchecked(
            ((ulong)(uint)seed << 32) ^ ((ulong)trajectory * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)stream * 0xD1B54A32D192ED03UL));
        _s0 = SplitMix64(ref z);
        _s1 = SplitMix64(ref z);
        _s2 = SplitMix64(ref z);
        _s3 = SplitMix64(ref z);
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    internal double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform integer in 0..<paramref name="bound"/>−1 (no modulo bias), bound ≥ 1.</summary>
    internal long NextInt64(long bound)
    {
        ulong b = (ulong)bound;
        ulong threshold = unchecked(0UL - b) % b;
        while (true)
        {
            ulong r = NextUInt64();
            if (r >= threshold)
            {
                return (long)(r % b);
            }
        }
    }

    internal ulong NextUInt64()
    {
        ulong result = unchecked(RotateLeft(_s1 * 5, 7) * 9);
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix64(ref ulong state)
    {
        ulong z = unchecked(state += 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
