using LlmChains.Analysis.Spectral;

namespace LlmChains.Analysis.LowTemperature.Internals;

/// <summary>
/// The loops of the zero-resistance chain (its recurrent classes) and, for every state, the loop it falls into.
/// </summary>
/// <param name="LoopOf">Per state: the loop it lies on, or −1.</param>
/// <param name="Loops">The states of each loop (in cycle order from the smallest state for a cycle, else ascending);
/// loops ordered by smallest state.</param>
/// <param name="Periods">The period of each loop.</param>
/// <param name="IsCycle">Whether each loop is a single deterministic cycle.</param>
/// <param name="Reach">Per state: the only loop its zero-resistance paths reach, or −2 when they reach several.</param>
/// <param name="HasTies">Whether some state has more than one zero-resistance edge.</param>
internal sealed record ZeroLoopSet(int[] LoopOf, int[][] Loops, int[] Periods, bool[] IsCycle, int[] Reach, bool HasTies);

/// <summary>
/// Finds the zero-resistance loops. Without ties every state has exactly one zero-resistance edge and the chain is a
/// functional graph: one pass of pointer chasing labels each state with its cycle (O(n), 8 bytes a state). With ties
/// the chain is classified by <see cref="ChainStructure.Analyze"/> and each loop's basin is found by a reverse
/// breadth-first search, as <see cref="Convergence.RepetitionLoops"/> does for a built chain.
/// </summary>
internal static class ZeroLoops
{
    internal const int Several = -2;

    internal static ZeroLoopSet Find(ResistanceGraph graph, CancellationToken cancellationToken)
    {
        int n = graph.StateCount;
        int width = graph.MaxOutDegree;
        var targets = new int[width];
        var costs = new double[width];
        var successor = new int[n];
        for (int s = 0; s < n; s++)
        {
            if ((s & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            int count = graph.GetEdges(s, targets, costs);
            int zeros = 0;
            for (int e = 0; e < count; e++)
            {
                if (costs[e] == 0)
                {
                    successor[s] = targets[e];
                    zeros++;
                }
            }

            if (zeros != 1)
            {
                return FindWithTies(graph, cancellationToken);
            }
        }

        return FindFunctional(successor, cancellationToken);
    }

    private static ZeroLoopSet FindFunctional(int[] successor, CancellationToken cancellationToken)
    {
        int n = successor.Length;
        const int Unvisited = -1;
        var reach = new int[n];
        Array.Fill(reach, Unvisited);
        var cycles = new List<int[]>();
        for (int s = 0; s < n; s++)
        {
            if (reach[s] != Unvisited)
            {
                continue;
            }

            if ((s & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            // Walk until a labelled state or a state of this walk (stamp −2 − s): then a new cycle was closed.
            int stamp = -2 - s;
            int u = s;
            while (reach[u] == Unvisited)
            {
                reach[u] = stamp;
                u = successor[u];
            }

            int label;
            if (reach[u] == stamp)
            {
                label = cycles.Count;
                var cycle = new List<int>();
                int v = u;
                do
                {
                    cycle.Add(v);
                    reach[v] = label;
                    v = successor[v];
                }
                while (v != u);
                cycles.Add([.. cycle]);
            }
            else
            {
                label = reach[u];
            }

            // Second pass over the walk: everything before the cycle (or the labelled state) gets the label.
            for (int v = s; reach[v] == stamp; v = successor[v])
            {
                reach[v] = label;
            }
        }

        // Order the loops by their smallest state and rotate each cycle to start there.
        var order = Enumerable.Range(0, cycles.Count).OrderBy(c => cycles[c].Min()).ToArray();
        var rank = new int[cycles.Count];
        for (int i = 0; i < order.Length; i++)
        {
            rank[order[i]] = i;
        }

        var loops = new int[cycles.Count][];
        var loopOf = new int[n];
        Array.Fill(loopOf, -1);
        for (int c = 0; c < cycles.Count; c++)
        {
            var cycle = cycles[c];
            int min = Array.IndexOf(cycle, cycle.Min());
            var rotated = new int[cycle.Length];
            for (int k = 0; k < cycle.Length; k++)
            {
                rotated[k] = cycle[(min + k) % cycle.Length];
                loopOf[rotated[k]] = rank[c];
            }

            loops[rank[c]] = rotated;
        }

        for (int s = 0; s < n; s++)
        {
            reach[s] = rank[reach[s]];
        }

        var periods = loops.Select(l => l.Length).ToArray();
        var isCycle = loops.Select(_ => true).ToArray();
        return new ZeroLoopSet(loopOf, loops, periods, isCycle, reach, HasTies: false);
    }

    private static ZeroLoopSet FindWithTies(ResistanceGraph graph, CancellationToken cancellationToken)
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
                    reach[u] = reach[u] == -1 || reach[u] == i ? i : Several;
                    queue[tail++] = u;
                }
            }
        }

        return new ZeroLoopSet(loopOf, loops, periods, isCycle, reach, HasTies: true);
    }
}
