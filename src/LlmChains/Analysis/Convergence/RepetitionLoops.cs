using LlmChains.Analysis.Spectral;
using LlmChains.Chains;

namespace LlmChains.Analysis.Convergence;

/// <summary>
/// The repetition loops of a model's chain: its recurrent classes, decoded as token sequences, with the size of the
/// basin that falls into each (the paper relates the prompt-independent long run of Prop. 3.3 to repetitions; under
/// greedy decoding every recurrent class is a cycle).
/// </summary>
public static class RepetitionLoops
{
    /// <summary>Finds the loops of <paramref name="chain"/>, largest basin first.</summary>
    /// <param name="chain">The chain of a model (at most <see cref="int.MaxValue"/> states).</param>
    /// <param name="structure">Its structure, or <see langword="null"/> to compute it.</param>
    /// <param name="maxLoops">At most this many loops are described (largest basins first); default 100.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    public static IReadOnlyList<RepetitionLoop> Find(
        LanguageModelChain chain, ChainStructure? structure = null, int maxLoops = 100, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLoops, 1);
        if (chain.StateCount > int.MaxValue)
        {
            throw new ArgumentException(
                $"The chain has {chain.StateCount} states; loops are found for at most {int.MaxValue}.", nameof(chain));
        }

        structure ??= ChainStructure.Analyze(chain, cancellationToken);
        var recurrent = structure.RecurrentClasses;
        var basins = BasinSizes(chain, structure, cancellationToken);
        var order = Enumerable.Range(0, recurrent.Count)
            .OrderByDescending(i => basins[i])
            .ThenBy(i => recurrent[i].FirstState)
            .Take(maxLoops);
        var loops = new List<RepetitionLoop>();
        var columns = new long[chain.VocabularySize];
        var probabilities = new double[chain.VocabularySize];
        var tokens = new int[chain.ContextWindow];
        foreach (int i in order)
        {
            var c = recurrent[i];
            long[] members = structure.GetStates(c.Id);
            bool isCycle = members.All(s => chain.GetRow(s, columns, probabilities) == 1);
            long[] ordered = members;
            if (isCycle)
            {
                ordered = new long[members.Length];
                long s = c.FirstState;
                for (int k = 0; k < ordered.Length; k++)
                {
                    ordered[k] = s;
                    chain.GetRow(s, columns, probabilities);
                    s = columns[0];
                }
            }

            var emitted = ordered.Select(s => tokens[chain.States.Unrank(s, tokens) - 1]).ToArray();
            loops.Add(new RepetitionLoop(c.Id, ordered, emitted, isCycle, c.Period, basins[i]));
        }

        return loops;
    }

    /// <summary>For each recurrent class (in <see cref="ChainStructure.RecurrentClasses"/> order), the states that
    /// reach it and no other.</summary>
    private static long[] BasinSizes(LanguageModelChain chain, ChainStructure structure, CancellationToken cancellationToken)
    {
        int n = (int)chain.StateCount;
        var recurrent = structure.RecurrentClasses;
        // reach[s] = index of the only recurrent class reachable from s, −1 none yet, −2 several.
        var reach = new int[n];
        Array.Fill(reach, -1);
        var queue = new int[n];
        var stamp = new int[n];
        Array.Fill(stamp, -1);
        var predecessors = new long[chain.VocabularySize + 1];
        for (int i = 0; i < recurrent.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Reverse breadth-first search from class i over edges of positive probability.
            int head = 0, tail = 0;
            foreach (long s in structure.GetStates(recurrent[i].Id))
            {
                reach[s] = i;
                stamp[s] = i;
                queue[tail++] = (int)s;
            }

            while (head < tail)
            {
                int v = queue[head++];
                int count = chain.States.Predecessors(v, predecessors);
                for (int e = 0; e < count; e++)
                {
                    int u = (int)predecessors[e];
                    if (stamp[u] == i || chain.GetTransitionProbability(u, v) <= 0)
                    {
                        continue;
                    }

                    stamp[u] = i;
                    reach[u] = reach[u] == -1 || reach[u] == i ? i : -2;
                    queue[tail++] = u;
                }
            }
        }

        var sizes = new long[recurrent.Count];
        foreach (int r in reach)
        {
            if (r >= 0)
            {
                sizes[r]++;
            }
        }

        return sizes;
    }
}
