using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LlmChains.Internals.Numerics;

/// <summary>
/// Grassmann–Taksar–Heyman (GTH) elimination on a dense row-major n×n transition matrix, in a blocked,
/// row-oriented form. Every operation adds, multiplies or divides non-negative numbers, so no cancellation can
/// occur and every component of π has small relative error (O'Cinneide 1993; the blocked form is the block-GTH of
/// O'Leary and Wu 1993).
/// </summary>
/// <remarks>
/// <para>Step k censors state k: s_k = Σ_{j&gt;k} A[k, j] (the diagonal is never read, so the pivot is a sum of
/// non-negative numbers, never 1 − A[k, k]); every later row i takes the multiplier l_ik = A[i, k]/s_k and the
/// update A[i, j] += l_ik·A[k, j] for j &gt; k. Back substitution x_{n−1} = 1, x_k = Σ_{i&gt;k} x_i·l_ik, then
/// π = x/Σx.</para>
/// <para>Blocking: the pivot rows of a block of <see cref="BlockSize"/> steps are first brought up to date among
/// themselves; then every later row applies the whole block at once (its panel part step by step, its trailing
/// part as one fused update with four pivot rows per pass), so each row is read from memory once per block rather
/// than once per step. Rows are processed in parallel; each row's arithmetic is independent of the split, so the
/// result does not depend on the thread count.</para>
/// </remarks>
internal static class GthKernel
{
    internal const int BlockSize = 32;

    /// <summary>Rows per parallel work item of the trailing update.</summary>
    private const int RowsPerItem = 8;

    /// <summary>
    /// Eliminates and back-substitutes. <paramref name="a"/> (row-major, n×n, off-diagonal entries ≥ 0) is
    /// overwritten. Returns −1 on success, or the step whose pivot s_k was 0 (the censored state k cannot leave
    /// towards later states: the matrix is reducible, or its probabilities underflowed).
    /// </summary>
    internal static int Solve(double[] a, int n, Span<double> pi, CancellationToken cancellationToken)
    {
        if (n == 1)
        {
            pi[0] = 1;
            return -1;
        }

        var pivots = new double[n];
        for (int k0 = 0; k0 < n - 1; k0 += BlockSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int k1 = Math.Min(k0 + BlockSize, n - 1);
            int failed = FactorPivotRows(a, n, k0, k1, pivots);
            if (failed >= 0)
            {
                return failed;
            }

            UpdateLaterRows(a, n, k0, k1, pivots, cancellationToken);
        }

        BackSubstitute(a, n, pi);
        return -1;
    }

    /// <summary>Brings pivot rows k0..k1−1 up to date with the earlier steps of the block and computes their pivots.</summary>
    private static int FactorPivotRows(double[] a, int n, int k0, int k1, double[] pivots)
    {
        for (int k = k0; k < k1; k++)
        {
            Span<double> row = a.AsSpan(k * n, n);
            for (int q = k0; q < k; q++)
            {
                double l = row[q] / pivots[q];
                row[q] = l;
                if (l != 0)
                {
                    ReadOnlySpan<double> pivotRow = a.AsSpan((q * n) + q + 1, n - q - 1);
                    Span<double> target = row[(q + 1)..];
                    TensorPrimitives.MultiplyAdd(pivotRow, l, target, target);
                }
            }

            double s = TensorPrimitives.Sum(row[(k + 1)..]);
            if (!(s > 0))
            {
                return k;
            }

            pivots[k] = s;
        }

        return -1;
    }

    /// <summary>Applies steps k0..k1−1 to every row i ≥ k1.</summary>
    private static void UpdateLaterRows(double[] a, int n, int k0, int k1, double[] pivots, CancellationToken cancellationToken)
    {
        int rows = n - k1;
        int items = (rows + RowsPerItem - 1) / RowsPerItem;
        long work = (long)rows * (n - k0);
        if (work < (1 << 16) || items == 1)
        {
            Span<double> multipliers = stackalloc double[BlockSize];
            for (int i = k1; i < n; i++)
            {
                UpdateRow(a, n, i, k0, k1, pivots, multipliers);
            }

            return;
        }

        var options = new ParallelOptions { CancellationToken = cancellationToken };
        Parallel.For(0, items, options, item =>
        {
            Span<double> multipliers = stackalloc double[BlockSize];
            int first = k1 + (item * RowsPerItem);
            int last = Math.Min(n, first + RowsPerItem);
            for (int i = first; i < last; i++)
            {
                UpdateRow(a, n, i, k0, k1, pivots, multipliers);
            }
        });
    }

    private static void UpdateRow(double[] a, int n, int i, int k0, int k1, double[] pivots, Span<double> multipliers)
    {
        Span<double> row = a.AsSpan(i * n, n);
        int width = k1 - k0;
        bool any = false;
        for (int q = k0; q < k1; q++)
        {
            double l = row[q] / pivots[q];
            row[q] = l;
            multipliers[q - k0] = l;
            if (l != 0)
            {
                any = true;
                int panelEnd = k1 - q - 1;
                if (panelEnd > 0)
                {
                    ReadOnlySpan<double> pivotPanel = a.AsSpan((q * n) + q + 1, panelEnd);
                    Span<double> target = row.Slice(q + 1, panelEnd);
                    TensorPrimitives.MultiplyAdd(pivotPanel, l, target, target);
                }
            }
        }

        if (!any)
        {
            return;
        }

        // trailing part: row[k1..n) += Σ_q l_q · a[q, k1..n), four pivot rows per pass
        int length = n - k1;
        Span<double> trailing = row.Slice(k1, length);
        int t = 0;
        for (; t + 4 <= width; t += 4)
        {
            double l0 = multipliers[t], l1 = multipliers[t + 1], l2 = multipliers[t + 2], l3 = multipliers[t + 3];
            if (l0 == 0 && l1 == 0 && l2 == 0 && l3 == 0)
            {
                continue;
            }

            int q = k0 + t;
            FusedUpdate4(
                trailing, a.AsSpan((q * n) + k1, length), a.AsSpan(((q + 1) * n) + k1, length),
                a.AsSpan(((q + 2) * n) + k1, length), a.AsSpan(((q + 3) * n) + k1, length), l0, l1, l2, l3);
        }

        for (; t < width; t++)
        {
            double l = multipliers[t];
            if (l != 0)
            {
                ReadOnlySpan<double> pivotRow = a.AsSpan(((k0 + t) * n) + k1, length);
                TensorPrimitives.MultiplyAdd(pivotRow, l, trailing, trailing);
            }
        }
    }

    /// <summary>y += l0·r0 + l1·r1 + l2·r2 + l3·r3 (one load and store of y per four products).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FusedUpdate4(
        Span<double> y,
        ReadOnlySpan<double> r0,
        ReadOnlySpan<double> r1,
        ReadOnlySpan<double> r2,
        ReadOnlySpan<double> r3,
        double l0,
        double l1,
        double l2,
        double l3)
    {
        int length = y.Length;
        int j = 0;
        if (Vector.IsHardwareAccelerated && length >= Vector<double>.Count)
        {
            var v0 = new Vector<double>(l0);
            var v1 = new Vector<double>(l1);
            var v2 = new Vector<double>(l2);
            var v3 = new Vector<double>(l3);
            Span<Vector<double>> yv = MemoryMarshal.Cast<double, Vector<double>>(y);
            ReadOnlySpan<Vector<double>> a0 = MemoryMarshal.Cast<double, Vector<double>>(r0);
            ReadOnlySpan<Vector<double>> a1 = MemoryMarshal.Cast<double, Vector<double>>(r1);
            ReadOnlySpan<Vector<double>> a2 = MemoryMarshal.Cast<double, Vector<double>>(r2);
            ReadOnlySpan<Vector<double>> a3 = MemoryMarshal.Cast<double, Vector<double>>(r3);
            for (int v = 0; v < yv.Length; v++)
            {
                yv[v] += (a0[v] * v0) + (a1[v] * v1) + (a2[v] * v2) + (a3[v] * v3);
            }

            j = yv.Length * Vector<double>.Count;
        }

        for (; j < length; j++)
        {
            y[j] += (r0[j] * l0) + (r1[j] * l1) + (r2[j] * l2) + (r3[j] * l3);
        }
    }

    /// <summary>x_{n−1} = 1, x_k = Σ_{i&gt;k} x_i·l_ik (row by row, accumulating), then π = x/Σx.</summary>
    private static void BackSubstitute(double[] a, int n, Span<double> pi)
    {
        var accumulator = new double[n];
        pi[n - 1] = 1;
        for (int i = n - 1; i >= 1; i--)
        {
            double xi = i == n - 1 ? 1 : accumulator[i];
            if (xi > 1e250)
            {
                // keep the unnormalised solution in range: rescale what is known so far
                const double shrink = 1e-250;
                xi *= shrink;
                TensorPrimitives.Multiply(pi[(i + 1)..], shrink, pi[(i + 1)..]);
                TensorPrimitives.Multiply(accumulator.AsSpan(0, i), shrink, accumulator.AsSpan(0, i));
            }

            pi[i] = xi;
            if (xi != 0)
            {
                Span<double> target = accumulator.AsSpan(0, i);
                TensorPrimitives.MultiplyAdd(a.AsSpan(i * n, i), xi, target, target);
            }
        }

        pi[0] = accumulator[0];
        double sum = TensorPrimitives.Sum(pi[..n]);
        TensorPrimitives.Divide(pi[..n], sum, pi[..n]);
    }
}
