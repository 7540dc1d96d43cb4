namespace LlmChains.Benchmarks.Baselines;

/// <summary>
/// The textbook way to get π of a dense row-stochastic P: solve (I − P)ᵀ·πᵀ = 0 with the last equation replaced by
/// Σπ = 1, by Gaussian elimination with partial pivoting (LU), written plainly (scalar loops, row-major, no blocking,
/// one thread). The baseline of <see cref="GthBenchmarks"/>; unlike GTH it subtracts, so tiny components of π lose
/// relative accuracy on badly conditioned chains (docs/stationary.md).
/// </summary>
internal static class NaiveLuStationary
{
    /// <summary>π of <paramref name="p"/> (n × n, rows summing to 1, one recurrent class).</summary>
    /// <param name="p">The transition matrix.</param>
    /// <returns>π, of length n.</returns>
    public static double[] Solve(double[,] p)
    {
        int n = p.GetLength(0);
        double[] a = BuildSystem(p, out double[] b);

        // LU with partial pivoting, applied to b as we go (row-oriented: the inner loop runs along a row)
        for (int k = 0; k < n; k++)
        {
            int pivot = k;
            double largest = Math.Abs(a[((long)k * n) + k]);
            for (int i = k + 1; i < n; i++)
            {
                double v = Math.Abs(a[((long)i * n) + k]);
                if (v > largest)
                {
                    largest = v;
                    pivot = i;
                }
            }

            if (largest == 0)
            {
                throw new InvalidOperationException($"The system is singular at column {k}.");
            }

            if (pivot != k)
            {
                for (int j = 0; j < n; j++)
                {
                    (a[((long)k * n) + j], a[((long)pivot * n) + j]) = (a[((long)pivot * n) + j], a[((long)k * n) + j]);
                }

                (b[k], b[pivot]) = (b[pivot], b[k]);
            }

            double diagonal = a[((long)k * n) + k];
            for (int i = k + 1; i < n; i++)
            {
                long row = (long)i * n;
                double factor = a[row + k] / diagonal;
                if (factor == 0)
                {
                    continue;
                }

                a[row + k] = factor;
                long pivotRow = (long)k * n;
                for (int j = k + 1; j < n; j++)
                {
                    a[row + j] -= factor * a[pivotRow + j];
                }

                b[i] -= factor * b[k];
            }
        }

        // back substitution
        var x = new double[n];
        for (int i = n - 1; i >= 0; i--)
        {
            long row = (long)i * n;
            double sum = b[i];
            for (int j = i + 1; j < n; j++)
            {
                sum -= a[row + j] * x[j];
            }

            x[i] = sum / a[row + i];
        }

        return x;
    }

    /// <summary>
    /// The system A·πᵀ = b: A = (I − P)ᵀ (row i is the balance equation of state i) with its last row replaced by
    /// ones, b = e_{n−1}. Row-major, n² doubles.
    /// </summary>
    /// <param name="p">The transition matrix.</param>
    /// <param name="b">The right-hand side.</param>
    /// <returns>A, row-major.</returns>
    public static double[] BuildSystem(double[,] p, out double[] b)
    {
        int n = p.GetLength(0);
        var a = new double[(long)n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                a[((long)j * n) + i] = (i == j ? 1.0 : 0.0) - p[i, j];
            }
        }

        for (int j = 0; j < n; j++)
        {
            a[((long)(n - 1) * n) + j] = 1.0;
        }

        b = new double[n];
        b[n - 1] = 1.0;
        return a;
    }
}
