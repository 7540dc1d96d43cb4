using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Tests.Analysis.LowTemperature;

/// <summary>
/// Slow, obviously correct references for the low-temperature analysis: dense resistances, loops by transitive
/// closure, R by Floyd–Warshall, γ by enumerating every in-tree, π_τ by GTH, expected hitting times by
/// subtraction-free elimination.
/// </summary>
internal static class LowTemperatureOracle
{
    /// <summary>The dense resistances r(i, j) (+∞ for no edge) of a model's full-length block (index = base-T code), recomputed from the logits.</summary>
    internal static double[,] ModelResistances(ILanguageModel model, int? topK = null)
    {
        var space = new StateSpace(model.VocabularySize, model.ContextWindow);
        int n = (int)space.FullLengthStateCount;
        int t = model.VocabularySize;
        var r = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                r[i, j] = double.PositiveInfinity;
            }
        }

        var logits = new double[t];
        for (int c = 0; c < n; c++)
        {
            long state = space.FullLengthOffset + c;
            model.GetNextTokenLogits(space.Unrank(state), logits);
            double max = logits.Max();
            double kth = topK is { } k && k < t ? logits.OrderByDescending(z => z).ElementAt(k - 1) : double.NegativeInfinity;
            for (int a = 0; a < t; a++)
            {
                if (logits[a] >= kth && !double.IsNegativeInfinity(logits[a]))
                {
                    int to = (int)(space.Successor(state, a) - space.FullLengthOffset);
                    r[c, to] = Math.Min(r[c, to], max - logits[a]);
                }
            }
        }

        return r;
    }

    /// <summary>Recurrent classes of the zero-resistance graph, by transitive closure (a state is recurrent iff everything it reaches reaches it back).</summary>
    internal static List<int[]> Loops(double[,] r)
    {
        int n = r.GetLength(0);
        var reach = new bool[n, n];
        for (int i = 0; i < n; i++)
        {
            reach[i, i] = true;
            for (int j = 0; j < n; j++)
            {
                if (r[i, j] == 0)
                {
                    reach[i, j] = true;
                }
            }
        }

        for (int k = 0; k < n; k++)
        {
            for (int i = 0; i < n; i++)
            {
                if (!reach[i, k])
                {
                    continue;
                }

                for (int j = 0; j < n; j++)
                {
                    reach[i, j] |= reach[k, j];
                }
            }
        }

        var loops = new List<int[]>();
        var assigned = new bool[n];
        for (int i = 0; i < n; i++)
        {
            if (assigned[i])
            {
                continue;
            }

            bool recurrent = Enumerable.Range(0, n).All(j => !reach[i, j] || reach[j, i]);
            if (!recurrent)
            {
                continue;
            }

            var members = Enumerable.Range(0, n).Where(j => reach[i, j] && reach[j, i]).ToArray();
            foreach (int j in members)
            {
                assigned[j] = true;
            }

            loops.Add(members);
        }

        return loops;
    }

    /// <summary>R(i → j) between loops from all-pairs shortest paths (Floyd–Warshall) over the dense state graph.</summary>
    internal static double[,] LoopResistances(double[,] r, List<int[]> loops)
    {
        int n = r.GetLength(0);
        var d = (double[,])r.Clone();
        for (int i = 0; i < n; i++)
        {
            d[i, i] = 0;
        }

        for (int k = 0; k < n; k++)
        {
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    d[i, j] = Math.Min(d[i, j], d[i, k] + d[k, j]);
                }
            }
        }

        int m = loops.Count;
        var result = new double[m, m];
        for (int a = 0; a < m; a++)
        {
            for (int b = 0; b < m; b++)
            {
                result[a, b] = a == b ? 0 : loops[a].Min(i => loops[b].Min(j => d[i, j]));
            }
        }

        return result;
    }

    /// <summary>γ(root): the least Σ R over every in-tree of the loops, by enumerating each loop's choice of parent (m ≤ 7).</summary>
    internal static double PotentialByEnumeration(double[,] big, int root)
    {
        int m = big.GetLength(0);
        var parent = new int[m];
        double best = double.PositiveInfinity;
        long combinations = (long)Math.Pow(m, m - 1);
        for (long code = 0; code < combinations; code++)
        {
            long rest = code;
            double cost = 0;
            for (int v = 0; v < m; v++)
            {
                if (v == root)
                {
                    parent[v] = -1;
                    continue;
                }

                parent[v] = (int)(rest % m);
                rest /= m;
                cost += parent[v] == v ? double.PositiveInfinity : big[v, parent[v]];
            }

            if (!(cost < best))
            {
                continue;
            }

            bool tree = true;
            for (int v = 0; v < m && tree; v++)
            {
                int x = v, steps = 0;
                while (x != root && steps <= m)
                {
                    x = parent[x];
                    steps++;
                }

                tree = x == root;
            }

            if (tree)
            {
                best = cost;
            }
        }

        return best;
    }

    /// <summary>The dense chain at τ: p ∝ exp(−r/τ) over the finite entries of each row.</summary>
    internal static double[,] AtTemperature(double[,] r, double tau)
    {
        int n = r.GetLength(0);
        var p = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            double min = double.PositiveInfinity;
            for (int j = 0; j < n; j++)
            {
                min = Math.Min(min, r[i, j]);
            }

            double sum = 0;
            for (int j = 0; j < n; j++)
            {
                p[i, j] = double.IsPositiveInfinity(r[i, j]) ? 0 : Math.Exp(-(r[i, j] - min) / tau);
                sum += p[i, j];
            }

            for (int j = 0; j < n; j++)
            {
                p[i, j] /= sum;
            }
        }

        return p;
    }

    /// <summary>π by GTH (the library's dense, subtraction-free solver).</summary>
    internal static double[] Stationary(double[,] p) => StationaryDistribution.Gth(p);

    /// <summary>
    /// E[steps to hit <paramref name="target"/> from <paramref name="start"/>] by subtraction-free elimination: every
    /// other non-target state is censored in turn, its "1 − P_kk" taken as the sum of its exit and off-diagonal mass
    /// (GTH's trick), so no cancellation occurs at any temperature.
    /// </summary>
    internal static double ExpectedHittingTime(double[,] p, bool[] target, int start)
    {
        int n = p.GetLength(0);
        var rest = Enumerable.Range(0, n).Where(i => !target[i]).ToList();
        int b = rest.Count;
        var q = new double[b, b];
        var exit = new double[b];
        var rhs = new double[b];
        for (int x = 0; x < b; x++)
        {
            rhs[x] = 1;
            for (int j = 0; j < n; j++)
            {
                if (target[j])
                {
                    exit[x] += p[rest[x], j];
                }
            }

            for (int y = 0; y < b; y++)
            {
                q[x, y] = p[rest[x], rest[y]];
            }
        }

        int s = rest.IndexOf(start);
        var alive = Enumerable.Repeat(true, b).ToArray();
        for (int k = 0; k < b; k++)
        {
            if (k == s)
            {
                continue;
            }

            double pivot = exit[k];
            for (int j = 0; j < b; j++)
            {
                if (alive[j] && j != k)
                {
                    pivot += q[k, j];
                }
            }

            alive[k] = false;
            for (int i = 0; i < b; i++)
            {
                if (!alive[i] || q[i, k] == 0)
                {
                    continue;
                }

                double f = q[i, k] / pivot;
                rhs[i] += f * rhs[k];
                exit[i] += f * exit[k];
                for (int j = 0; j < b; j++)
                {
                    if (alive[j] && j != i)
                    {
                        q[i, j] += f * q[k, j];
                    }
                }
            }
        }

        return rhs[s] / exit[s];
    }

    /// <summary>Least-squares line y = a + b·x; returns the intercept a.</summary>
    internal static double Intercept(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average();
        double sxy = 0, sxx = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }

        return my - (sxy / sxx * mx);
    }
}
