using LlmChains.Models;

namespace LlmChains.Benchmarks.Baselines;

/// <summary>
/// The bar the low-temperature analysis is measured against (issue 17): one plain multi-source Dijkstra search over
/// the implicit full-length state graph of a model, from every greedy fixed point and cycle state at distance 0, with
/// .NET's <see cref="PriorityQueue{TElement, TPriority}"/> (duplicate entries, no decrease-key) and the resistances
/// recomputed from a float32 logit table. It answers only "distance to the nearest loop" — one of the m searches the
/// exact analysis needs.
/// </summary>
internal static class PlainMultiSourceDijkstra
{
    internal static double Run(TabularModel table)
    {
        int t = table.VocabularySize;
        int k = table.ContextWindow;
        long offset = (long)(Math.Pow(t, k) - 1) / (t - 1) - 1;
        int n = (int)Math.Pow(t, k);
        long suffixes = n / t;
        var logits = new double[t];
        var r = new float[(long)n * t];
        var greedy = new int[n];
        for (int c = 0; c < n; c++)
        {
            table.GetLogitsOfState(offset + c, logits);
            double max = logits.Max();
            for (int a = 0; a < t; a++)
            {
                r[((long)c * t) + a] = (float)(max - logits[a]);
                if (logits[a] == max)
                {
                    greedy[c] = (int)((c % suffixes * t) + a);
                }
            }
        }

        // Sources: the states on greedy cycles (found by walking from every state with a visited stamp).
        var stamp = new int[n];
        var distance = new double[n];
        Array.Fill(distance, double.PositiveInfinity);
        var queue = new PriorityQueue<int, double>();
        for (int s = 0; s < n; s++)
        {
            int u = s;
            while (stamp[u] == 0)
            {
                stamp[u] = s + 1;
                u = greedy[u];
            }

            if (stamp[u] == s + 1)
            {
                int v = u;
                do
                {
                    distance[v] = 0;
                    queue.Enqueue(v, 0);
                    v = greedy[v];
                }
                while (v != u);
            }
        }

        double farthest = 0;
        while (queue.TryDequeue(out int u, out double d))
        {
            if (d > distance[u])
            {
                continue;
            }

            farthest = d;
            int first = (int)(u % suffixes * t);
            for (int a = 0; a < t; a++)
            {
                double candidate = d + r[((long)u * t) + a];
                int v = first + a;
                if (candidate < distance[v])
                {
                    distance[v] = candidate;
                    queue.Enqueue(v, candidate);
                }
            }
        }

        return farthest;
    }
}
