namespace LlmChains.Analysis.LowTemperature.Internals;

/// <summary>
/// Minimum-weight spanning in-trees of the loop graph (Chu–Liu/Edmonds): the stochastic potential γ(L_j) of Young
/// (1993) is the least Σ R over the edges of a spanning tree in which every loop other than L_j has exactly one
/// outgoing edge and all paths lead to L_j. Implemented as the classical contraction algorithm on the reversed graph
/// (every non-root vertex picks its cheapest incoming edge; cycles are contracted with reduced costs), O(m³) per root
/// in the worst case on a dense graph of m loops.
/// </summary>
internal static class Arborescence
{
    /// <summary>The least total resistance of an in-tree rooted at <paramref name="root"/> over the loops
    /// <paramref name="members"/>; +∞ if none exists.</summary>
    /// <param name="resistance">R(i → j) over all loops; +∞ where unreachable.</param>
    /// <param name="members">The loops of the tree.</param>
    /// <param name="root">Index into <paramref name="members"/>.</param>
    internal static double MinimumInTree(double[,] resistance, int[] members, int root)
    {
        int n = members.Length;
        // Out-arborescence edges u → v on the reversed graph: weight R(v → u) (v's outgoing edge in the in-tree).
        var from = new List<int>();
        var to = new List<int>();
        var weight = new List<double>();
        for (int u = 0; u < n; u++)
        {
            for (int v = 0; v < n; v++)
            {
                double w = resistance[members[v], members[u]];
                if (u != v && v != root && !double.IsPositiveInfinity(w))
                {
                    from.Add(u);
                    to.Add(v);
                    weight.Add(w);
                }
            }
        }

        var eu = from.ToArray();
        var ev = to.ToArray();
        var ew = weight.ToArray();
        int edges = eu.Length;
        double total = 0;
        var inWeight = new double[n];
        var pre = new int[n];
        var id = new int[n];
        var visit = new int[n];
        while (true)
        {
            Array.Fill(inWeight, double.PositiveInfinity);
            for (int e = 0; e < edges; e++)
            {
                if (eu[e] != ev[e] && ew[e] < inWeight[ev[e]])
                {
                    inWeight[ev[e]] = ew[e];
                    pre[ev[e]] = eu[e];
                }
            }

            for (int v = 0; v < n; v++)
            {
                if (v != root && double.IsPositiveInfinity(inWeight[v]))
                {
                    return double.PositiveInfinity;
                }
            }

            Array.Fill(id, -1);
            Array.Fill(visit, -1);
            int count = 0;
            inWeight[root] = 0;
            for (int v = 0; v < n; v++)
            {
                total += inWeight[v];
                int x = v;
                while (visit[x] != v && id[x] == -1 && x != root)
                {
                    visit[x] = v;
                    x = pre[x];
                }

                if (x != root && id[x] == -1)
                {
                    for (int y = pre[x]; y != x; y = pre[y])
                    {
                        id[y] = count;
                    }

                    id[x] = count++;
                }
            }

            if (count == 0)
            {
                return total;
            }

            for (int v = 0; v < n; v++)
            {
                if (id[v] == -1)
                {
                    id[v] = count++;
                }
            }

            int kept = 0;
            for (int e = 0; e < edges; e++)
            {
                int u = id[eu[e]];
                int v = id[ev[e]];
                if (u == v)
                {
                    continue;
                }

                ew[kept] = ew[e] - inWeight[ev[e]];
                eu[kept] = u;
                ev[kept] = v;
                kept++;
            }

            edges = kept;
            n = count;
            root = id[root];
            Array.Resize(ref inWeight, n);
            Array.Resize(ref pre, n);
            Array.Resize(ref id, n);
            Array.Resize(ref visit, n);
        }
    }
}
