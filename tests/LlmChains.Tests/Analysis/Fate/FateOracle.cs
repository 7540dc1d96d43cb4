using LlmChains.Chains;
using MathNet.Numerics.LinearAlgebra.Double;

namespace LlmChains.Tests.Analysis.Fate;

/// <summary>
/// Slow, obviously correct references for the fate analyses on small dense chains: reachability by graph search,
/// recurrent classes from the reachability closure, dense LU solves of the defining equations, value iteration for
/// hitting probabilities and the series Σ_t P(τ &gt; t) for expected hitting times.
/// </summary>
internal static class FateOracle
{
    public static double[,] Dense(IMarkovChain chain)
    {
        int n = (int)chain.StateCount;
        var p = new double[n, n];
        var columns = new long[Math.Max(1, chain.MaxRowNonZeros)];
        var values = new double[columns.Length];
        for (int i = 0; i < n; i++)
        {
            int count = chain.GetRow(i, columns, values);
            for (int e = 0; e < count; e++)
            {
                p[i, columns[e]] += values[e];
            }
        }

        return p;
    }

    /// <summary>reach[i, j]: j reachable from i in ≥ 0 steps.</summary>
    public static bool[,] Reach(double[,] p)
    {
        int n = p.GetLength(0);
        var reach = new bool[n, n];
        for (int i = 0; i < n; i++)
        {
            var stack = new Stack<int>([i]);
            reach[i, i] = true;
            while (stack.Count > 0)
            {
                int u = stack.Pop();
                for (int v = 0; v < n; v++)
                {
                    if (p[u, v] > 0 && !reach[i, v])
                    {
                        reach[i, v] = true;
                        stack.Push(v);
                    }
                }
            }
        }

        return reach;
    }

    /// <summary>The recurrent classes (i recurrent iff every j reachable from i reaches i), ordered by smallest state.</summary>
    public static List<int[]> RecurrentClasses(double[,] p)
    {
        int n = p.GetLength(0);
        var reach = Reach(p);
        var classes = new List<int[]>();
        var seen = new bool[n];
        for (int i = 0; i < n; i++)
        {
            if (seen[i])
            {
                continue;
            }

            bool recurrent = Enumerable.Range(0, n).All(j => !reach[i, j] || reach[j, i]);
            if (recurrent)
            {
                int[] cls = [.. Enumerable.Range(0, n).Where(j => reach[i, j])];
                foreach (int j in cls)
                {
                    seen[j] = true;
                }

                classes.Add(cls);
            }
        }

        return classes;
    }

    /// <summary>Solves (I − P_UU)·x = b for the states U by dense LU.</summary>
    public static double[] SolveOn(double[,] p, int[] unknowns, double[] b)
    {
        int m = unknowns.Length;
        if (m == 0)
        {
            return [];
        }

        var a = DenseMatrix.Create(m, m, 0);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < m; j++)
            {
                a[i, j] = (i == j ? 1 : 0) - p[unknowns[i], unknowns[j]];
            }
        }

        return a.Solve(DenseVector.OfArray(b)).ToArray();
    }

    /// <summary>B = (I − Q_TT)^{-1}·R and t = (I − Q_TT)^{-1}·𝟙 by dense LU, per state (recurrent states: indicator, 0).</summary>
    public static (double[][] Probabilities, double[] Steps) Absorption(double[,] p)
    {
        int n = p.GetLength(0);
        var classes = RecurrentClasses(p);
        var classOf = Enumerable.Repeat(-1, n).ToArray();
        for (int k = 0; k < classes.Count; k++)
        {
            foreach (int s in classes[k])
            {
                classOf[s] = k;
            }
        }

        int[] transient = [.. Enumerable.Range(0, n).Where(s => classOf[s] < 0)];
        var probabilities = new double[n][];
        var steps = new double[n];
        for (int s = 0; s < n; s++)
        {
            probabilities[s] = new double[classes.Count];
            if (classOf[s] >= 0)
            {
                probabilities[s][classOf[s]] = 1;
            }
        }

        for (int k = 0; k < classes.Count; k++)
        {
            double[] r = [.. transient.Select(i => classes[k].Sum(j => p[i, j]))];
            double[] x = SolveOn(p, transient, r);
            for (int i = 0; i < transient.Length; i++)
            {
                probabilities[transient[i]][k] = x[i];
            }
        }

        double[] t = SolveOn(p, transient, [.. transient.Select(_ => 1.0)]);
        for (int i = 0; i < transient.Length; i++)
        {
            steps[transient[i]] = t[i];
        }

        return (probabilities, steps);
    }

    /// <summary>The minimal non-negative solution of h = 1 on B, h = P·h off B, by value iteration from h = 1_B.</summary>
    public static double[] HittingProbabilityByIteration(double[,] p, ISet<int> target, int iterations = 200_000)
    {
        int n = p.GetLength(0);
        var h = new double[n];
        var next = new double[n];
        foreach (int b in target)
        {
            h[b] = 1;
        }

        for (int it = 0; it < iterations; it++)
        {
            double change = 0;
            for (int i = 0; i < n; i++)
            {
                if (target.Contains(i))
                {
                    next[i] = 1;
                    continue;
                }

                double sum = 0;
                for (int j = 0; j < n; j++)
                {
                    sum += p[i, j] * h[j];
                }

                next[i] = sum;
                change = Math.Max(change, Math.Abs(sum - h[i]));
            }

            (h, next) = (next, h);
            if (change < 1e-17)
            {
                break;
            }
        }

        return h;
    }

    /// <summary>E_start[τ_B] = Σ_{t ≥ 0} P(τ_B &gt; t), by pushing the mass killed at B; +∞ when the surviving mass does not vanish.</summary>
    public static double HittingTimeBySeries(double[,] p, ISet<int> target, int start, int maxSteps = 1_000_000)
    {
        int n = p.GetLength(0);
        if (target.Contains(start))
        {
            return 0;
        }

        var x = new double[n];
        var y = new double[n];
        x[start] = 1;
        double total = 0;
        for (int t = 0; t < maxSteps; t++)
        {
            double alive = x.Sum();
            if (alive < 1e-16)
            {
                return total;
            }

            total += alive;
            Array.Clear(y);
            for (int i = 0; i < n; i++)
            {
                if (x[i] == 0)
                {
                    continue;
                }

                for (int j = 0; j < n; j++)
                {
                    if (!target.Contains(j))
                    {
                        y[j] += x[i] * p[i, j];
                    }
                }
            }

            (x, y) = (y, x);
        }

        return double.PositiveInfinity;
    }

    /// <summary>A random reducible chain: r closed classes (some pure cycles, hence periodic) and transient states that can leave, states shuffled.</summary>
    public static double[,] RandomReducible(int seed, int n, int classes, bool periodic)
    {
        var rng = new Random(seed);
        var p = new double[n, n];
        int[] order = [.. Enumerable.Range(0, n).OrderBy(_ => rng.Next())];
        int next = 0;
        var recurrent = new List<int>();
        for (int k = 0; k < classes; k++)
        {
            int size = 1 + rng.Next(4);
            int[] members = [.. order.Skip(next).Take(size)];
            next += size;
            bool cycle = periodic && k % 2 == 0 && size > 1;
            for (int i = 0; i < size; i++)
            {
                int from = members[i];
                p[from, members[(i + 1) % size]] += cycle ? 1 : 0.2 + rng.NextDouble();
                if (!cycle)
                {
                    for (int e = 0; e < 2; e++)
                    {
                        p[from, members[rng.Next(size)]] += rng.NextDouble();
                    }
                }
            }

            recurrent.AddRange(members);
        }

        foreach (int s in order.Skip(next))
        {
            p[s, recurrent[rng.Next(recurrent.Count)]] += 0.05 + (0.3 * rng.NextDouble());
            for (int e = 0; e < 3; e++)
            {
                p[s, rng.Next(n)] += rng.NextDouble();
            }
        }

        Normalise(p);
        return p;
    }

    /// <summary>A random irreducible chain (a cycle plus random edges), optionally a pure d-periodic structure.</summary>
    public static double[,] RandomIrreducible(int seed, int n, int extraPerRow = 3)
    {
        var rng = new Random(seed);
        var p = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            p[i, (i + 1) % n] += 0.1 + rng.NextDouble();
            for (int e = 0; e < extraPerRow; e++)
            {
                p[i, rng.Next(n)] += rng.NextDouble();
            }
        }

        Normalise(p);
        return p;
    }

    public static void Normalise(double[,] p)
    {
        int n = p.GetLength(0);
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int j = 0; j < n; j++)
            {
                sum += p[i, j];
            }

            for (int j = 0; j < n; j++)
            {
                p[i, j] /= sum;
            }
        }
    }

    public static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "fate", name);
}
