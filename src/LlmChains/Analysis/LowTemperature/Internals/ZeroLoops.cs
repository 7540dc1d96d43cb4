using System.Diagnostics;
using LlmChains.Internals.Graphs;

namespace LlmChains.Analysis.LowTemperature.Internals;

/// <summary>
/// The loops of the zero-resistance chain (its recurrent classes) and, for every state, the loop it falls into.
/// </summary>
/// <param name="LoopOf">Per state: the loop it lies on, or −1.</param>
/// <param name="Loops">The states of each loop (in cycle order from the smallest state for a cycle, else ascending);
/// loops ordered by smallest state.</param>
/// <param name="Periods">The period of each loop (0 for a state without any zero-resistance edge, a class of its own
/// with no cycle, as <see cref="Spectral.CommunicatingClass.Period"/> defines it).</param>
/// <param name="IsCycle">Whether each loop is a single deterministic cycle.</param>
/// <param name="Reach">Per state: the only loop its zero-resistance paths reach, or −2 when they reach several.</param>
/// <param name="HasTies">Whether some state has a number of zero-resistance edges other than one (more than one for
/// every graph of a model or a <see cref="ResistanceMatrix"/>, whose rows all have a zero).</param>
internal sealed record ZeroLoopSet(int[] LoopOf, int[][] Loops, int[] Periods, bool[] IsCycle, int[] Reach, bool HasTies);

/// <summary>
/// Finds the zero-resistance loops by pointer chasing that tolerates ties, in O(n + edges of the tie states) time.
/// </summary>
/// <remarks>
/// <para>A state with exactly one zero-resistance edge is <em>ordinary</em>: its successor is stored in a state-sized
/// array. A state with any other number of zero edges (a tie; in a model's graph two or more maximal logits) stores a
/// marker −1 − i there instead, i its index in a side list, and keeps its zero-edge targets in a side CSR.
/// Without ties the chain is a functional graph and this is the plain pointer-chasing pass.</para>
/// <para>1. Every tie state is labelled with its own node id i; a walk from each unlabelled state follows successors
/// until a labelled state (whose label it takes) or a state of the same walk (a new pure cycle of ordinary states,
/// node id k + c for k ties). A walk never passes a tie state, so every state ends labelled with the node its walk
/// ends at.</para>
/// <para>2. The tie states with the edges i → label(target) form a small graph, classified by an iterative Tarjan
/// search. An SCC is a loop iff it is closed: no edge leaves it (to a pure cycle or another SCC). Its members are its
/// tie states and the ordinary states on the walks from their targets (which all end inside the SCC); its period is
/// the gcd of level(u) + 1 − level(v) over its edges from a breadth-first search on the members; it is not a cycle.
/// A tie state with no zero edge is a closed SCC of its own with period 0, as <see cref="Spectral.ChainStructure"/>
/// classifies it.</para>
/// <para>3. Reach: a pure cycle and a closed SCC reach themselves; Tarjan completes the SCCs in reverse topological
/// order, so one pass in that order gives each open SCC the union of what its edges reach (one loop, else several).
/// Every state then takes the reach of its node.</para>
/// <para>Memory: 8 bytes a state (successor, reused for the loop labels at the end, and the label/reach array), plus
/// about 60 bytes a tie state (side lists, the tie graph in compressed rows, the SCC search) and 8 an edge of a tie state,
/// plus the loops' members.
/// One algorithm for any number of ties: even when every state ties it stays below the ≈ 100 bytes a state of a
/// general classification (<see cref="Spectral.ChainStructure.Analyze"/> and a reverse adjacency), which is why there is
/// no fallback. The result equals that classification's (the tests compare every field on random graphs).</para>
/// </remarks>
internal static class ZeroLoops
{
    internal const int Several = -2;
    private const int Unvisited = -1;

    internal static ZeroLoopSet Find(ResistanceGraph graph, CancellationToken cancellationToken)
    {
        int n = graph.StateCount;
        var successor = new int[n];
        var ties = ReadSuccessors(graph, successor, cancellationToken);
        int k = ties.States.Length;

        // 1. Label every state with the node its walk ends at: a tie state (0..k−1) or a pure cycle (k + c).
        var reach = new int[n];
        Array.Fill(reach, Unvisited);
        for (int i = 0; i < k; i++)
        {
            reach[ties.States[i]] = i;
        }

        var cycles = Walk(successor, reach, k, cancellationToken);

        // 2. The recurrent classes that contain tie states: the closed SCCs of the graph over the tie states.
        var loops = new List<int[]>(cycles);
        var periods = new List<int>(cycles.Select(c => c.Length));
        var component = new int[k];
        int componentCount = ties.Components(reach, component, cancellationToken);
        var closed = new bool[componentCount];
        Array.Fill(closed, true);
        for (int i = 0; i < k; i++)
        {
            for (int e = ties.Start[i]; e < ties.Start[i + 1]; e++)
            {
                int w = reach[ties.Targets[e]];
                if (w >= k || component[w] != component[i])
                {
                    closed[component[i]] = false;
                }
            }
        }

        var byComponent = GroupByComponent(component, componentCount);
        var label = new int[componentCount]; // provisional loop id of a closed SCC, else what it reaches
        for (int c = 0; c < componentCount; c++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (closed[c])
            {
                label[c] = loops.Count;
                var (members, period) = TiedClass(ties, byComponent.States(c), successor, reach);
                loops.Add(members);
                periods.Add(period);
                continue;
            }

            // 3. An open SCC reaches the union of what its edges reach; SCCs complete sinks first.
            int reached = Unvisited;
            foreach (int i in byComponent.States(c))
            {
                for (int e = ties.Start[i]; e < ties.Start[i + 1]; e++)
                {
                    int w = reach[ties.Targets[e]];
                    if (w < k && component[w] == c)
                    {
                        continue; // inside the SCC
                    }

                    int r = w >= k ? w - k : label[component[w]];
                    reached = reached == Unvisited || reached == r ? r : Several;
                }
            }

            Debug.Assert(reached != Unvisited, "an open SCC has an edge out of it");
            label[c] = reached;
        }

        // Order the loops by their smallest state (cycles start there already, tied classes are ascending).
        var order = Enumerable.Range(0, loops.Count).OrderBy(j => loops[j][0]).ToArray();
        var rank = new int[loops.Count];
        for (int j = 0; j < order.Length; j++)
        {
            rank[order[j]] = j;
        }

        for (int s = 0; s < n; s++)
        {
            int w = reach[s];
            int r = w >= k ? w - k : label[component[w]];
            reach[s] = r == Several ? Several : rank[r];
        }

        var loopOf = successor; // the successors are no longer needed
        Array.Fill(loopOf, -1);
        for (int j = 0; j < loops.Count; j++)
        {
            foreach (int s in loops[j])
            {
                loopOf[s] = rank[j];
            }
        }

        var isCycle = new bool[loops.Count];
        for (int j = 0; j < cycles.Count; j++)
        {
            isCycle[rank[j]] = true;
        }

        return new ZeroLoopSet(
            loopOf,
            order.Select(j => loops[j]).ToArray(),
            order.Select(j => periods[j]).ToArray(),
            isCycle,
            reach,
            HasTies: k > 0);
    }

    /// <summary>Writes the successor of every ordinary state, −1 − i for the i-th tie state, and returns the ties.</summary>
    private static TieGraph ReadSuccessors(ResistanceGraph graph, int[] successor, CancellationToken cancellationToken)
    {
        int n = successor.Length;
        int width = Math.Max(1, graph.MaxOutDegree);
        var targets = new int[width];
        var costs = new double[width];
        var states = new List<int>();
        var start = new List<int> { 0 };
        var tieTargets = new List<int>();
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

            if (zeros == 1)
            {
                continue;
            }

            successor[s] = -1 - states.Count;
            states.Add(s);
            for (int e = 0; e < count; e++)
            {
                if (costs[e] == 0)
                {
                    tieTargets.Add(targets[e]);
                }
            }

            start.Add(tieTargets.Count);
        }

        return new TieGraph([.. states], [.. start], [.. tieTargets]);
    }

    /// <summary>
    /// Labels every unlabelled state with the node its successor walk ends at; returns the pure cycles found (node k + c),
    /// each from its smallest state.
    /// </summary>
    private static List<int[]> Walk(int[] successor, int[] reach, int k, CancellationToken cancellationToken)
    {
        int n = successor.Length;
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

            // Walk until a labelled state or a state of this walk (stamp −2 − s): then a new cycle was closed. Tie states
            // are labelled, so every state walked is ordinary.
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
                label = k + cycles.Count;
                var cycle = new List<int>();
                int v = u;
                do
                {
                    cycle.Add(v);
                    reach[v] = label;
                    v = successor[v];
                }
                while (v != u);
                int[] ring = [.. cycle];
                int min = Array.IndexOf(ring, ring.Min());
                cycles.Add([.. ring[min..], .. ring[..min]]);
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

        return cycles;
    }

    /// <summary>
    /// The members (ascending) and the period of the recurrent class of a closed SCC of tie states. The members' labels
    /// serve as the search's marks and levels and are then set to the SCC's first tie state, a node of the same class.
    /// </summary>
    private static (int[] Members, int Period) TiedClass(TieGraph ties, ReadOnlySpan<int> tieIndices, int[] successor, int[] reach)
    {
        var members = new List<int>();
        foreach (int i in tieIndices)
        {
            reach[ties.States[i]] = Unvisited;
            members.Add(ties.States[i]);
        }

        // The ordinary states on the walks from the tie states' targets; every walk ends at a tie state of the SCC.
        foreach (int i in tieIndices)
        {
            for (int e = ties.Start[i]; e < ties.Start[i + 1]; e++)
            {
                for (int x = ties.Targets[e]; reach[x] != Unvisited; x = successor[x])
                {
                    Debug.Assert(successor[x] >= 0 && reach[x] < ties.States.Length, "walks from a closed SCC end inside it");
                    reach[x] = Unvisited;
                    members.Add(x);
                }
            }
        }

        // Period: gcd of level(u) + 1 − level(v) over the class's edges, levels by breadth-first search.
        var queue = new int[members.Count];
        int head = 0, tail = 0, gcd = 0;
        queue[tail++] = members[0];
        reach[members[0]] = 0;
        while (head < tail)
        {
            int u = queue[head++];
            int first = successor[u] >= 0 ? 0 : ties.Start[-1 - successor[u]];
            int last = successor[u] >= 0 ? 1 : ties.Start[-successor[u]];
            for (int e = first; e < last; e++)
            {
                int w = successor[u] >= 0 ? successor[u] : ties.Targets[e];
                if (reach[w] == Unvisited)
                {
                    reach[w] = reach[u] + 1;
                    queue[tail++] = w;
                }
                else
                {
                    gcd = Gcd(gcd, Math.Abs(reach[u] + 1 - reach[w]));
                }
            }
        }

        Debug.Assert(tail == members.Count, "a closed SCC's class is strongly connected");
        foreach (int s in members)
        {
            reach[s] = tieIndices[0];
        }

        members.Sort();
        return ([.. members], gcd);
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }

    /// <summary>The tie states of each SCC (counting sort by component).</summary>
    private static Grouping GroupByComponent(int[] component, int componentCount)
    {
        var start = new int[componentCount + 1];
        foreach (int c in component)
        {
            start[c + 1]++;
        }

        for (int c = 0; c < componentCount; c++)
        {
            start[c + 1] += start[c];
        }

        var states = new int[component.Length];
        var fill = start[..componentCount];
        for (int i = 0; i < component.Length; i++)
        {
            states[fill[component[i]]++] = i;
        }

        return new Grouping(start, states);
    }

    private readonly record struct Grouping(int[] Start, int[] Members)
    {
        internal ReadOnlySpan<int> States(int c) => Members.AsSpan(Start[c], Start[c + 1] - Start[c]);
    }

    /// <summary>The tie states (state of tie i), their zero-edge targets as CSR (i's in Targets[Start[i]..Start[i + 1]]).</summary>
    private sealed record TieGraph(int[] States, int[] Start, int[] Targets)
    {
        /// <summary>
        /// Tarjan's SCCs (iterative) of the graph i → label(target) over the tie states, numbered in completion order
        /// (reverse topological: an SCC completes after every SCC it reaches); edges to pure cycles are not followed.
        /// Returns the number of SCCs.
        /// </summary>
        internal int Components(int[] label, int[] component, CancellationToken cancellationToken)
        {
            // The edges between tie states (through the walks' labels), as compressed rows for the shared search.
            int k = States.Length;
            var rowStarts = new long[k + 1];
            var columns = new List<int>(Targets.Length);
            for (int i = 0; i < k; i++)
            {
                for (int e = Start[i]; e < Start[i + 1]; e++)
                {
                    int w = label[Targets[e]];
                    if (w < k)
                    {
                        columns.Add(w);
                    }
                }

                rowStarts[i + 1] = columns.Count;
            }

            int[] order = StrongComponents.Find(k, rowStarts, [.. columns], out int[] starts, cancellationToken);
            for (int c = 0; c + 1 < starts.Length; c++)
            {
                for (int p = starts[c]; p < starts[c + 1]; p++)
                {
                    component[order[p]] = c;
                }
            }

            return starts.Length - 1;
        }
    }
}
