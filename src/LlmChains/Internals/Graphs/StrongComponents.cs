namespace LlmChains.Internals.Graphs;

/// <summary>
/// The strongly connected components of a graph given in compressed-row form, by an iterative Tarjan search, listed
/// in the order Tarjan completes them: every component after all the components it can reach (reverse topological
/// order of the condensation).
/// </summary>
/// <remarks>
/// Memory is about 33 bytes a node (six int arrays, one long, one bool) besides the graph. Used by the fate solver
/// (its unknowns in solve order) and the low-temperature loop finder (the graph of tie states). The chain
/// classification of Analysis.Spectral keeps its own search: it reads rows from the chain as it goes, so that a
/// 10⁸-state chain never needs its transitions copied into compressed rows.
/// </remarks>
internal static class StrongComponents
{
    /// <summary>
    /// Returns the nodes grouped by component, components in completion order, and the group boundaries: component c
    /// holds <c>order[starts[c]..starts[c + 1]]</c>, its nodes in the order the search popped them.
    /// </summary>
    /// <param name="nodeCount">The number of nodes n.</param>
    /// <param name="rowStarts">n + 1 offsets: the edges u → v of node u are <c>columns[rowStarts[u]..rowStarts[u + 1]]</c>.</param>
    /// <param name="columns">The edge targets, each in 0..n − 1.</param>
    /// <param name="starts">The n_components + 1 group boundaries in the returned order.</param>
    /// <param name="cancellationToken">Checked every 65,536 roots.</param>
    internal static int[] Find(
        int nodeCount,
        long[] rowStarts,
        int[] columns,
        out int[] starts,
        CancellationToken cancellationToken)
    {
        int n = nodeCount;
        var index = new int[n];
        var low = new int[n];
        Array.Fill(index, -1);
        var onStack = new bool[n];
        var stack = new int[n];
        int stackTop = 0;
        var callNode = new int[n];
        var callEdge = new long[n];
        var order = new int[n];
        int ordered = 0;
        var componentStarts = new List<int> { 0 };
        int counter = 0;
        for (int root = 0; root < n; root++)
        {
            if (index[root] >= 0)
            {
                continue;
            }

            if ((root & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            int depth = 0;
            callNode[0] = root;
            callEdge[0] = rowStarts[root];
            index[root] = low[root] = counter++;
            stack[stackTop++] = root;
            onStack[root] = true;
            while (depth >= 0)
            {
                int v = callNode[depth];
                long e = callEdge[depth];
                if (e < rowStarts[v + 1])
                {
                    callEdge[depth] = e + 1;
                    int w = columns[e];
                    if (index[w] < 0)
                    {
                        index[w] = low[w] = counter++;
                        stack[stackTop++] = w;
                        onStack[w] = true;
                        depth++;
                        callNode[depth] = w;
                        callEdge[depth] = rowStarts[w];
                    }
                    else if (onStack[w] && index[w] < low[v])
                    {
                        low[v] = index[w];
                    }

                    continue;
                }

                if (low[v] == index[v])
                {
                    int w;
                    do
                    {
                        w = stack[--stackTop];
                        onStack[w] = false;
                        order[ordered++] = w;
                    }
                    while (w != v);
                    componentStarts.Add(ordered);
                }

                depth--;
                if (depth >= 0)
                {
                    int parent = callNode[depth];
                    if (low[v] < low[parent])
                    {
                        low[parent] = low[v];
                    }
                }
            }
        }

        starts = [.. componentStarts];
        return order;
    }
}
