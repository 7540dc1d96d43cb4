namespace LlmChains.Analysis.Fate.Internals;

/// <summary>
/// The strongly connected components of the graph of M (the unknowns and the transitions among them), by an iterative
/// Tarjan search, in the order Tarjan completes them: every component after all components it can reach. Solving the
/// components in this order makes (I − M)·x = b block triangular: a component without internal cycles is one division,
/// and only the components with cycles need a linear solve (greedy and truncated chains are mostly the former).
/// </summary>
internal static class ComponentOrder
{
    /// <summary>Returns the unknowns grouped by component (<paramref name="starts"/> delimits them), in solve order.</summary>
    public static int[] Find(SubstochasticSystem system, out int[] starts, CancellationToken cancellationToken)
    {
        int n = system.Count;
        long[] rowStarts = system.RowStarts;
        int[] columns = system.Columns;
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
