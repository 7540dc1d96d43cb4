namespace LlmChains.Analysis.Fate.Internals;

/// <summary>
/// Exact solution of (I − M)·X = B for substochastic M by state reduction, the GTH idea applied to absorbing chains
/// (Grassmann, Taksar and Heyman 1985; Kohlas 1986): eliminating unknown k censors it, with pivot
/// s_k = e_k + Σ_{j&gt;k} A[k, j] (the exit mass plus the transitions to states not yet eliminated, never 1 − A[k, k]),
/// row updates A[i, j] += A[i, k]·A[k, j]/s_k, b_i += A[i, k]·b_k/s_k, e_i += A[i, k]·e_k/s_k, then back substitution
/// x_k = (b_k + Σ_{j&gt;k} A[k, j]·x_j)/s_k. With B ≥ 0 every operation adds, multiplies or divides non-negative numbers,
/// so every entry of X has a small relative error however close M is to stochastic.
/// </summary>
internal static class StateReduction
{
    /// <summary>Bytes of the dense matrix for <paramref name="m"/> unknowns.</summary>
    public static long BytesFor(long m) => m * m * sizeof(double);

    /// <summary>Solves every right-hand side of <paramref name="system"/>; returns the solutions (one per right-hand side).</summary>
    public static double[][] Solve(SubstochasticSystem system, CancellationToken cancellationToken)
    {
        int m = system.Count;
        int c = system.RightHandSides.Length;
        var a = new double[(long)m * m];
        for (int i = 0; i < m; i++)
        {
            for (long e = system.RowStarts[i]; e < system.RowStarts[i + 1]; e++)
            {
                a[((long)i * m) + system.Columns[e]] += system.Values[e];
            }
        }

        var b = new double[(long)m * c]; // row-major: unknown i, right-hand side r
        for (int r = 0; r < c; r++)
        {
            for (int i = 0; i < m; i++)
            {
                b[((long)i * c) + r] = system.RightHandSides[r][i];
            }
        }

        double[] exit = (double[])system.Exit.Clone();
        var pivots = new double[m];
        for (int k = 0; k < m; k++)
        {
            if ((k & 63) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            Span<double> rowK = a.AsSpan((int)((long)k * m), m);
            double s = exit[k];
            for (int j = k + 1; j < m; j++)
            {
                s += rowK[j];
            }

            if (!(s > 0))
            {
                throw new InvalidOperationException(
                    $"State reduction met a zero pivot at unknown {k}: it cannot leave the unknown set (a closed set among the unknowns, " +
                    "or probabilities that underflowed).");
            }

            pivots[k] = s;
            double inverse = 1 / s;
            for (int j = k + 1; j < m; j++)
            {
                rowK[j] *= inverse;
            }

            for (int r = 0; r < c; r++)
            {
                b[((long)k * c) + r] *= inverse;
            }

            double exitK = exit[k] * inverse;
            for (int i = k + 1; i < m; i++)
            {
                long rowI = (long)i * m;
                double l = a[rowI + k];
                if (l == 0)
                {
                    continue;
                }

                Span<double> target = a.AsSpan((int)(rowI + k + 1), m - k - 1);
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(rowK[(k + 1)..], l, target, target);
                for (int r = 0; r < c; r++)
                {
                    b[(i * (long)c) + r] += l * b[((long)k * c) + r];
                }

                exit[i] += l * exitK;
            }
        }

        // Back substitution: rows are normalised, x_k = b_k/s_k + Σ_{j>k} (A[k, j]/s_k)·x_j.
        var x = new double[c][];
        for (int r = 0; r < c; r++)
        {
            x[r] = new double[m];
        }

        for (int k = m - 1; k >= 0; k--)
        {
            long rowK = (long)k * m;
            for (int r = 0; r < c; r++)
            {
                double sum = b[((long)k * c) + r];
                double[] xr = x[r];
                for (int j = k + 1; j < m; j++)
                {
                    double u = a[rowK + j];
                    if (u != 0)
                    {
                        sum += u * xr[j];
                    }
                }

                xr[k] = sum;
            }
        }

        return x;
    }
}
