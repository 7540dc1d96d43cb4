using LlmChains.Analysis.LowTemperature.Internals;
using LlmChains.Analysis.Spectral;

namespace LlmChains.Tests.Analysis.LowTemperature;

/// <summary>
/// The general path the loop finder used before it tolerated ties, kept as the oracle of <see cref="ZeroLoops.Find"/>:
/// the zero-resistance chain classified by <see cref="ChainStructure.Analyze"/> (Tarjan, BFS periods), each loop's basin
/// by a reverse breadth-first search over a reverse CSR of the zero edges (about 100 bytes a state).
/// </summary>
internal static class ZeroLoopsOracle
{
    internal static ZeroLoopSet FindWithTies(ResistanceGraph graph, CancellationToken cancellationToken = default)
    {
        int n = graph.StateCount;
        var zeroChain = new ZeroResistanceChain(graph);
        var structure = ChainStructure.Analyze(zeroChain, cancellationToken);
        var recurrent = structure.RecurrentClasses; // ascending class id = ascending smallest state
        int m = recurrent.Count;
        var loopOf = new int[n];
        Array.Fill(loopOf, -1);
        var loops = new int[m][];
        var periods = new int[m];
        var isCycle = new bool[m];
        int width = Math.Max(1, graph.MaxOutDegree);
        var columns = new long[width];
        var probabilities = new double[width];
        for (int i = 0; i < m; i++)
        {
            var members = structure.GetStates(recurrent[i].Id);
            periods[i] = recurrent[i].Period;
            isCycle[i] = members.All(s => zeroChain.GetRow(s, columns, probabilities) == 1);
            var ordered = new int[members.Length];
            if (isCycle[i])
            {
                long s = members[0];
                for (int k = 0; k < ordered.Length; k++)
                {
                    ordered[k] = (int)s;
                    zeroChain.GetRow(s, columns, probabilities);
                    s = columns[0];
                }
            }
            else
            {
                for (int k = 0; k < ordered.Length; k++)
                {
                    ordered[k] = (int)members[k];
                }
            }

            foreach (int s in ordered)
            {
                loopOf[s] = i;
            }

            loops[i] = ordered;
        }

        // Reverse adjacency of the zero-resistance edges (CSR), then a reverse breadth-first search from each loop.
        var inDegree = new int[n + 1];
        var targets = new int[width];
        var costs = new double[width];
        for (int s = 0; s < n; s++)
        {
            int count = graph.GetEdges(s, targets, costs);
            for (int e = 0; e < count; e++)
            {
                if (costs[e] == 0)
                {
                    inDegree[targets[e] + 1]++;
                }
            }
        }

        for (int s = 0; s < n; s++)
        {
            inDegree[s + 1] += inDegree[s];
        }

        var sources = new int[inDegree[n]];
        var fill = inDegree[..n];
        for (int s = 0; s < n; s++)
        {
            int count = graph.GetEdges(s, targets, costs);
            for (int e = 0; e < count; e++)
            {
                if (costs[e] == 0)
                {
                    sources[fill[targets[e]]++] = s;
                }
            }
        }

        var reach = new int[n];
        Array.Fill(reach, -1);
        var stamp = new int[n];
        Array.Fill(stamp, -1);
        var queue = new int[n];
        for (int i = 0; i < m; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int head = 0, tail = 0;
            foreach (int s in loops[i])
            {
                stamp[s] = i;
                reach[s] = i;
                queue[tail++] = s;
            }

            while (head < tail)
            {
                int v = queue[head++];
                for (int p = inDegree[v]; p < inDegree[v + 1]; p++)
                {
                    int u = sources[p];
                    if (stamp[u] == i)
                    {
                        continue;
                    }

                    stamp[u] = i;
                    reach[u] = reach[u] == -1 || reach[u] == i ? i : ZeroLoops.Several;
                    queue[tail++] = u;
                }
            }
        }

        return new ZeroLoopSet(loopOf, loops, periods, isCycle, reach, HasTies: AnyTie(zeroChain, columns, probabilities));
    }

    /// <summary>Whether some state has a number of zero-resistance edges other than one (the old path ran exactly then).</summary>
    private static bool AnyTie(ZeroResistanceChain chain, long[] columns, double[] probabilities)
    {
        for (long s = 0; s < chain.StateCount; s++)
        {
            if (chain.GetRow(s, columns, probabilities) != 1)
            {
                return true;
            }
        }

        return false;
    }
}
