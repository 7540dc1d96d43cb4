using LlmChains.Analysis.Spectral;

namespace LlmChains.Analysis.Fate;

/// <summary>
/// The cyclic classes C_0, …, C_{d−1} of a recurrent class of period d: the chain moves from C_r to C_{r+1 mod d} at
/// every step (QuantEcon's <c>cyclic_classes</c>, PyDTMC's <c>cyclic_classes</c>). C_0 holds the class's smallest state.
/// </summary>
public static class CyclicClasses
{
    /// <summary>The cyclic classes of recurrent class <paramref name="recurrentClass"/>, in cyclic order (one class
    /// when aperiodic).</summary>
    /// <param name="structure">The chain's classification.</param>
    /// <param name="recurrentClass">An index into <see cref="ChainStructure.RecurrentClasses"/>.</param>
    /// <returns>The states of each cyclic class, ascending.</returns>
    public static IReadOnlyList<long[]> Of(ChainStructure structure, int recurrentClass)
    {
        ArgumentNullException.ThrowIfNull(structure);
        ArgumentOutOfRangeException.ThrowIfNegative(recurrentClass);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(recurrentClass, structure.RecurrentClasses.Count);
        var cls = structure.RecurrentClasses[recurrentClass];
        long[] states = structure.GetStates(cls.Id);
        int d = Math.Max(1, cls.Period);
        if (d == 1)
        {
            return [states];
        }

        int first = structure.GetCyclicIndex(states[0]);
        var groups = new List<long>[d];
        for (int r = 0; r < d; r++)
        {
            groups[r] = [];
        }

        foreach (long s in states)
        {
            groups[((structure.GetCyclicIndex(s) - first) % d + d) % d].Add(s);
        }

        return [.. groups.Select(g => g.ToArray())];
    }

    /// <summary>The cyclic classes of every recurrent class, in the order of <see cref="ChainStructure.RecurrentClasses"/>.</summary>
    /// <param name="structure">The chain's classification.</param>
    /// <returns>One list per recurrent class.</returns>
    public static IReadOnlyList<IReadOnlyList<long[]>> OfAll(ChainStructure structure)
    {
        ArgumentNullException.ThrowIfNull(structure);
        return [.. Enumerable.Range(0, structure.RecurrentClasses.Count).Select(k => Of(structure, k))];
    }
}
