using LlmChains.Chains;

namespace LlmChains.Analysis.Spectral.Internals;

/// <summary>
/// Communicating classes by an iterative Tarjan search over the rows of a chain, then one breadth-first sweep
/// per class that decides closedness (recurrence) and the period as the gcd of level differences
/// level(u) + 1 − level(v) over the class's internal edges u → v.
/// </summary>
/// <remarks>
/// Memory is about 25 bytes a state. The row of a state is fetched again each time the search returns to it,
/// which costs O(Σ deg²) row reads: negligible for the T ≤ a few hundred successors of a model's chain.
/// </remarks>
internal static class StronglyConnectedComponents
{
    internal sealed record Result(int[] ClassOf, CommunicatingClass[] Classes, int[]? CyclicIndex);

    internal static Result Find(IMarkovChain chain, CancellationToken cancellationToken)
    {
        int n = checked((int)chain.StateCount);
        int width = chain.MaxRowNonZeros;
        var columns = new long[width];
        var probabilities = new double[width];

        var index = new int[n];
        var low = new int[n];
        Array.Fill(index, -1);
        var onStack = new bool[n];
        var stack = new int[n];
        int stackTop = 0;
        var frameNode = new int[n];
        var frameEdge = new int[n];
        var component = new int[n];
        int counter = 0;
        int components = 0;

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
            frameNode[0] = root;
            frameEdge[0] = 0;
            index[root] = low[root] = counter++;
            stack[stackTop++] = root;
            onStack[root] = true;
            while (depth >= 0)
            {
                int v = frameNode[depth];
                int p = frameEdge[depth];
                int count = chain.GetRow(v, columns, probabilities);
                bool descended = false;
                while (p < count)
                {
                    int w = (int)columns[p++];
                    if (index[w] < 0)
                    {
                        frameEdge[depth] = p;
                        depth++;
                        frameNode[depth] = w;
                        frameEdge[depth] = 0;
                        index[w] = low[w] = counter++;
                        stack[stackTop++] = w;
                        onStack[w] = true;
                        descended = true;
                        break;
                    }

                    if (onStack[w] && index[w] < low[v])
                    {
                        low[v] = index[w];
                    }
                }

                if (descended)
                {
                    continue;
                }

                if (low[v] == index[v])
                {
                    int w;
                    do
                    {
                        w = stack[--stackTop];
                        onStack[w] = false;
                        component[w] = components;
                    }
                    while (w != v);
                    components++;
                }

                depth--;
                if (depth >= 0)
                {
                    int u = frameNode[depth];
                    if (low[v] < low[u])
                    {
                        low[u] = low[v];
                    }
                }
            }
        }

        // Free the search arrays before the sweep.
        index = low = stack = frameNode = frameEdge = null!;
        onStack = null!;

        // Relabel classes by their smallest state.
        var relabel = new int[components];
        Array.Fill(relabel, -1);
        var firstState = new long[components];
        int next = 0;
        for (int s = 0; s < n; s++)
        {
            int c = component[s];
            if (relabel[c] < 0)
            {
                relabel[c] = next;
                firstState[next] = s;
                next++;
            }

            component[s] = relabel[c];
        }

        return Sweep(chain, component, firstState, components, columns, probabilities, cancellationToken);
    }

    private static Result Sweep(
        IMarkovChain chain,
        int[] classOf,
        long[] firstState,
        int classCount,
        long[] columns,
        double[] probabilities,
        CancellationToken cancellationToken)
    {
        int n = classOf.Length;
        var level = new int[n];
        Array.Fill(level, -1);
        var queue = new int[n];
        var sizes = new long[classCount];
        var closed = new bool[classCount];
        var period = new int[classCount];
        bool anyPeriodic = false;
        for (int c = 0; c < classCount; c++)
        {
            if ((c & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            int head = 0, tail = 0;
            int start = (int)firstState[c];
            level[start] = 0;
            queue[tail++] = start;
            bool isClosed = true;
            int gcd = 0;
            while (head < tail)
            {
                int u = queue[head++];
                int count = chain.GetRow(u, columns, probabilities);
                for (int e = 0; e < count; e++)
                {
                    int w = (int)columns[e];
                    if (classOf[w] != c)
                    {
                        isClosed = false;
                    }
                    else if (level[w] < 0)
                    {
                        level[w] = level[u] + 1;
                        queue[tail++] = w;
                    }
                    else
                    {
                        gcd = Gcd(gcd, Math.Abs(level[u] + 1 - level[w]));
                    }
                }
            }

            sizes[c] = tail;
            closed[c] = isClosed;
            period[c] = gcd;
            anyPeriodic |= gcd > 1;
        }

        var classes = new CommunicatingClass[classCount];
        for (int c = 0; c < classCount; c++)
        {
            classes[c] = new CommunicatingClass(c, sizes[c], closed[c], period[c], firstState[c]);
        }

        int[]? cyclic = null;
        if (anyPeriodic)
        {
            cyclic = level;
            for (int s = 0; s < n; s++)
            {
                int d = period[classOf[s]];
                cyclic[s] = d > 1 ? cyclic[s] % d : 0;
            }
        }

        return new Result(classOf, classes, cyclic);
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
