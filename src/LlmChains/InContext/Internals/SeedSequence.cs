namespace LlmChains.InContext.Internals;

/// <summary>
/// Independent seeds for repetitions: the seed of repetition r is a SplitMix64 hash of (seed, r), so it does not depend
/// on the order in which repetitions run or on the thread count.
/// </summary>
internal static class SeedSequence
{
    internal static int Derive(int seed, int index, int stream = 0)
    {
        ulong z = unchecked(((ulong)(uint)seed << 32) ^ (uint)index ^ ((ulong)(uint)stream * 0xD1B54A32D192ED03UL));
        z = unchecked(z + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return unchecked((int)(z & 0x7FFF_FFFF));
    }
}
