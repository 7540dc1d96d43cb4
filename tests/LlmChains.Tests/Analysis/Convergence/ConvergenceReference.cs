using LlmChains.Analysis;
using LlmChains.Analysis.Convergence;
using LlmChains.Chains;

namespace LlmChains.Tests.Analysis.Convergence;

/// <summary>Slow dense references for the convergence tests: matrices from GetRow, products, powers, a dense solve for π.</summary>
internal static class ConvergenceReference
{
    public static double[,] Dense(IMarkovChain chain)
    {
        int n = (int)chain.StateCount;
        var q = new double[n, n];
        var columns = new long[Math.Max(1, chain.MaxRowNonZeros)];
        var p = new double[columns.Length];
        for (int i = 0; i < n; i++)
        {
            int count = chain.GetRow(i, columns, p);
            for (int k = 0; k < count; k++)
            {
                q[i, columns[k]] += p[k];
            }
        }

        return q;
    }

    public static double[,] Identity(int n)
    {
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            a[i, i] = 1;
        }

        return a;
    }

    public static double[,] Multiply(double[,] a, double[,] b)
    {
        int n = a.GetLength(0), m = b.GetLength(1), l = a.GetLength(1);
        var c = new double[n, m];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < l; k++)
            {
                double aik = a[i, k];
                if (aik == 0)
                {
                    continue;
                }

                for (int j = 0; j < m; j++)
                {
                    c[i, j] += aik * b[k, j];
                }
            }
        }

        return c;
    }

    /// <summary>Q^0, Q^1, …, Q^steps by repeated multiplication.</summary>
    public static List<double[,]> Powers(double[,] q, int steps)
    {
        var powers = new List<double[,]> { Identity(q.GetLength(0)) };
        for (int t = 1; t <= steps; t++)
        {
            powers.Add(Multiply(powers[^1], q));
        }

        return powers;
    }

    /// <summary>Q^n by repeated squaring.</summary>
    public static double[,] Power(double[,] q, int n)
    {
        var result = Identity(q.GetLength(0));
        var square = q;
        while (n > 0)
        {
            if ((n & 1) == 1)
            {
                result = Multiply(result, square);
            }

            n >>= 1;
            if (n > 0)
            {
                square = Multiply(square, square);
            }
        }

        return result;
    }

    /// <summary>π with πQ = π, Σπ = 1 by Gaussian elimination with partial pivoting on (Qᵀ − I) with the last equation replaced by Σπ = 1 (unichains only).</summary>
    public static double[] Stationary(double[,] q)
    {
        int n = q.GetLength(0);
        var a = new double[n, n + 1];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                a[i, j] = q[j, i] - (i == j ? 1 : 0);
            }
        }

        for (int j = 0; j < n; j++)
        {
            a[n - 1, j] = 1;
        }

        a[n - 1, n] = 1;
        for (int c = 0; c < n; c++)
        {
            int pivot = c;
            for (int r = c + 1; r < n; r++)
            {
                if (Math.Abs(a[r, c]) > Math.Abs(a[pivot, c]))
                {
                    pivot = r;
                }
            }

            for (int j = 0; j <= n; j++)
            {
                (a[c, j], a[pivot, j]) = (a[pivot, j], a[c, j]);
            }

            for (int r = 0; r < n; r++)
            {
                if (r == c || a[r, c] == 0)
                {
                    continue;
                }

                double f = a[r, c] / a[c, c];
                for (int j = c; j <= n; j++)
                {
                    a[r, j] -= f * a[c, j];
                }
            }
        }

        var pi = new double[n];
        for (int i = 0; i < n; i++)
        {
            pi[i] = Math.Max(0, a[i, n] / a[i, i]);
        }

        double sum = pi.Sum();
        return pi.Select(v => v / sum).ToArray();
    }

    /// <summary>max_i ½ Σ_j |A(i, j) − π_j|.</summary>
    public static double WorstCaseTv(double[,] power, double[] pi)
    {
        int n = pi.Length;
        double max = 0;
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int j = 0; j < n; j++)
            {
                sum += Math.Abs(power[i, j] - pi[j]);
            }

            max = Math.Max(max, 0.5 * sum);
        }

        return max;
    }

    /// <summary>max_{i,j} |A(i, j) − π_j| (the quantity Prop. 3.4 bounds).</summary>
    public static double MaxEntryError(double[,] power, double[] pi)
    {
        int n = pi.Length;
        double max = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                max = Math.Max(max, Math.Abs(power[i, j] - pi[j]));
            }
        }

        return max;
    }

    /// <summary>The worst-case curve by n separate Step loops and <see cref="Convergence.TotalVariation"/>, with the smallest maximising start.</summary>
    public static (double[] Distances, long[] Maximizers) PerStartCurve(IMarkovChain chain, double[] pi, int steps)
    {
        int n = (int)chain.StateCount;
        var distances = Enumerable.Repeat(-1.0, steps + 1).ToArray();
        var maximizers = new long[steps + 1];
        var x = new double[n];
        var y = new double[n];
        for (int start = 0; start < n; start++)
        {
            Array.Clear(x);
            x[start] = 1;
            for (int t = 0; t <= steps; t++)
            {
                if (t > 0)
                {
                    chain.Step(x, y);
                    (x, y) = (y, x);
                }

                double tv = TotalVariation.Distance(x, pi);
                if (tv > distances[t])
                {
                    distances[t] = tv;
                    maximizers[t] = start;
                }
            }
        }

        return (distances, maximizers);
    }

    /// <summary>A random row-stochastic matrix with about <paramref name="density"/> of its entries positive, a positive diagonal (aperiodic) and a cycle 0 → 1 → … → n−1 → 0 (irreducible).</summary>
    public static double[,] RandomErgodic(int n, double density, int seed)
    {
        var random = new Random(seed);
        var q = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            q[i, i] = random.NextDouble() + 0.01;
            q[i, (i + 1) % n] += random.NextDouble() + 0.01;
            for (int j = 0; j < n; j++)
            {
                if (random.NextDouble() < density)
                {
                    q[i, j] += random.NextDouble();
                }
            }

            double sum = 0;
            for (int j = 0; j < n; j++)
            {
                sum += q[i, j];
            }

            for (int j = 0; j < n; j++)
            {
                q[i, j] /= sum;
            }
        }

        return q;
    }

    /// <summary>A random row-stochastic matrix with 1..3 positive entries per row at random columns (often reducible or periodic).</summary>
    public static double[,] RandomSparse(int n, int seed)
    {
        var random = new Random(seed);
        var q = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            int count = random.Next(1, 4);
            double sum = 0;
            for (int k = 0; k < count; k++)
            {
                double w = random.NextDouble() + 0.05;
                q[i, random.Next(n)] += w;
                sum += w;
            }

            for (int j = 0; j < n; j++)
            {
                q[i, j] /= sum;
            }
        }

        return q;
    }

    public static double[] Uniform(int n) => Enumerable.Repeat(1.0 / n, n).ToArray();
}
