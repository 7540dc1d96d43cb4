namespace LlmChains.Analysis.Fate.Internals;

/// <summary>The starts of a fate query: given states (checked), or every state.</summary>
internal static class StartStates
{
    public static long[] Resolve(long stateCount, IReadOnlyList<long>? starts)
    {
        if (starts is null)
        {
            if (stateCount > Array.MaxLength)
            {
                throw new ArgumentException($"The chain has {stateCount} states; give the starts explicitly.", nameof(starts));
            }

            var all = new long[stateCount];
            for (long s = 0; s < stateCount; s++)
            {
                all[s] = s;
            }

            return all;
        }

        if (starts.Count == 0)
        {
            throw new ArgumentException("The list of starts is empty; give at least one state (or null for every state).", nameof(starts));
        }

        var copy = new long[starts.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            long s = starts[i];
            if (s < 0 || s >= stateCount)
            {
                throw new ArgumentOutOfRangeException(nameof(starts), s, $"Start {s} is outside the chain's states 0..{stateCount - 1}.");
            }

            copy[i] = s;
        }

        return copy;
    }
}
