using System.Buffers;
using System.Numerics.Tensors;
using LlmChains.Internals.Numerics;

namespace LlmChains.Analysis.Spectral.Internals;

/// <summary>
/// Vector kernels of the stationary solvers on class-length arrays. Work is split into fixed chunks of
/// <see cref="Chunk"/> entries (independent of the thread count) and reductions add the per-chunk partial sums in
/// chunk order, so every result is bitwise identical for any number of threads. Long vectors run the chunks in
/// parallel and observe the cancellation token between chunks.
/// </summary>
internal static class StationaryVectors
{
    /// <summary>Entries per work item.</summary>
    internal const int Chunk = 1 << 14;

    /// <summary>Vectors shorter than this run on the calling thread.</summary>
    internal const int ParallelThreshold = 1 << 18;

    /// <summary>Entries per block inside a chunk for kernels that need an L1-resident scratch buffer.</summary>
    private const int Block = 512;

    private static int ChunkCount(int n) => (n + Chunk - 1) / Chunk;

    private static void ForChunks(int n, Action<int, int, int> body, CancellationToken cancellationToken)
        => ChunkLoop.Run(
            ChunkCount(n),
            n >= ParallelThreshold,
            c =>
            {
                int lo = c * Chunk;
                body(c, lo, Math.Min(n, lo + Chunk));
            },
            cancellationToken);

    /// <summary>Σ x, summed per chunk and then in chunk order.</summary>
    internal static double Sum(double[] x, int n, CancellationToken cancellationToken = default)
    {
        if (n <= Chunk)
        {
            return TensorPrimitives.Sum(x.AsSpan(0, n));
        }

        double[] partial = ArrayPool<double>.Shared.Rent(ChunkCount(n));
        try
        {
            ForChunks(n, (c, lo, hi) => partial[c] = TensorPrimitives.Sum(x.AsSpan(lo, hi - lo)), cancellationToken);
            return SumInOrder(partial, ChunkCount(n));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(partial);
        }
    }

    /// <summary>a·b, summed per chunk and then in chunk order.</summary>
    internal static double Dot(double[] a, double[] b, int n, CancellationToken cancellationToken = default)
    {
        if (n <= Chunk)
        {
            return TensorPrimitives.Dot(a.AsSpan(0, n), b.AsSpan(0, n));
        }

        double[] partial = ArrayPool<double>.Shared.Rent(ChunkCount(n));
        try
        {
            ForChunks(n, (c, lo, hi) => partial[c] = TensorPrimitives.Dot(a.AsSpan(lo, hi - lo), b.AsSpan(lo, hi - lo)), cancellationToken);
            return SumInOrder(partial, ChunkCount(n));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(partial);
        }
    }

    /// <summary>Returns Σ|y − x| and sets <paramref name="sumY"/> = Σ y (one pass over x and y).</summary>
    internal static double DistanceL1(double[] x, double[] y, int n, out double sumY, CancellationToken cancellationToken = default)
    {
        int chunks = ChunkCount(n);
        double[] partial = ArrayPool<double>.Shared.Rent(2 * chunks);
        try
        {
            ForChunks(n, (c, lo, hi) =>
            {
                Span<double> scratch = stackalloc double[Block];
                double distance = 0, sum = 0;
                for (int b = lo; b < hi; b += Block)
                {
                    int len = Math.Min(Block, hi - b);
                    ReadOnlySpan<double> yb = y.AsSpan(b, len);
                    TensorPrimitives.Subtract(yb, x.AsSpan(b, len), scratch[..len]);
                    distance += TensorPrimitives.SumOfMagnitudes(scratch[..len]);
                    sum += TensorPrimitives.Sum(yb);
                }

                partial[2 * c] = distance;
                partial[(2 * c) + 1] = sum;
            }, cancellationToken);

            double total = 0, totalSum = 0;
            for (int c = 0; c < chunks; c++)
            {
                total += partial[2 * c];
                totalSum += partial[(2 * c) + 1];
            }

            sumY = totalSum;
            return total;
        }
        finally
        {
            ArrayPool<double>.Shared.Return(partial);
        }
    }

    /// <summary>
    /// The lazy step: given z = x·Q, returns Σ|z − x|, replaces z by (x + z)/2 and sets <paramref name="sumLazy"/> to
    /// the sum of the new z (one pass).
    /// </summary>
    internal static double LazyAverage(double[] x, double[] z, int n, out double sumLazy, CancellationToken cancellationToken = default)
    {
        int chunks = ChunkCount(n);
        double[] partial = ArrayPool<double>.Shared.Rent(2 * chunks);
        try
        {
            ForChunks(n, (c, lo, hi) =>
            {
                Span<double> scratch = stackalloc double[Block];
                double distance = 0, sum = 0;
                for (int b = lo; b < hi; b += Block)
                {
                    int len = Math.Min(Block, hi - b);
                    Span<double> zb = z.AsSpan(b, len);
                    ReadOnlySpan<double> xb = x.AsSpan(b, len);
                    TensorPrimitives.Subtract(zb, xb, scratch[..len]);
                    distance += TensorPrimitives.SumOfMagnitudes(scratch[..len]);
                    TensorPrimitives.Add(zb, xb, zb);
                    TensorPrimitives.Multiply(zb, 0.5, zb);
                    sum += TensorPrimitives.Sum(zb);
                }

                partial[2 * c] = distance;
                partial[(2 * c) + 1] = sum;
            }, cancellationToken);

            double total = 0, totalSum = 0;
            for (int c = 0; c < chunks; c++)
            {
                total += partial[2 * c];
                totalSum += partial[(2 * c) + 1];
            }

            sumLazy = totalSum;
            return total;
        }
        finally
        {
            ArrayPool<double>.Shared.Return(partial);
        }
    }

    /// <summary>y ← (x + y)/2: turns y = x·Q into one step of the lazy chain (I + Q)/2.</summary>
    internal static void Average(double[] x, double[] y, int n, CancellationToken cancellationToken = default) =>
        ForChunks(n, (_, lo, hi) =>
        {
            Span<double> yb = y.AsSpan(lo, hi - lo);
            TensorPrimitives.Add(yb, x.AsSpan(lo, hi - lo), yb);
            TensorPrimitives.Multiply(yb, 0.5, yb);
        }, cancellationToken);

    /// <summary>x ← a·x.</summary>
    internal static void Scale(double[] x, int n, double a, CancellationToken cancellationToken = default) =>
        ForChunks(n, (_, lo, hi) => TensorPrimitives.Multiply(x.AsSpan(lo, hi - lo), a, x.AsSpan(lo, hi - lo)), cancellationToken);

    /// <summary>
    /// The GMRES operator w = v·(I − Q + 1uᵀ) with u uniform: w = v − z + (Σv)/n, given z = v·Q.
    /// Returns nothing; <paramref name="sumV"/> is Σv.
    /// </summary>
    internal static void ShiftedDifference(
        double[] v, double[] z, double[] w, int n, double sumV, CancellationToken cancellationToken = default)
    {
        double shift = sumV / n;
        ForChunks(n, (_, lo, hi) =>
        {
            Span<double> wb = w.AsSpan(lo, hi - lo);
            TensorPrimitives.Subtract(v.AsSpan(lo, hi - lo), z.AsSpan(lo, hi - lo), wb);
            TensorPrimitives.Add(wb, shift, wb);
        }, cancellationToken);
    }

    /// <summary>
    /// The explicit GMRES residual r = u − x·(I − Q + 1uᵀ) = z − x + (1 − Σx)/n for z = x·Q (u uniform). Returns
    /// ‖r‖₂ and sets ‖r‖₁, Σ|z − x| and Σz, all in one pass.
    /// </summary>
    internal static double ExplicitResidual(
        double[] x,
        double[] z,
        double[] r,
        int n,
        double sumX,
        out double normL1,
        out double distanceL1,
        out double sumZ,
        CancellationToken cancellationToken = default)
    {
        double shift = (1 - sumX) / n;
        int chunks = ChunkCount(n);
        double[] partial = ArrayPool<double>.Shared.Rent(4 * chunks);
        try
        {
            ForChunks(n, (c, lo, hi) =>
            {
                Span<double> rb = r.AsSpan(lo, hi - lo);
                ReadOnlySpan<double> zb = z.AsSpan(lo, hi - lo);
                TensorPrimitives.Subtract(zb, x.AsSpan(lo, hi - lo), rb);
                partial[4 * c] = TensorPrimitives.SumOfMagnitudes(rb);
                partial[(4 * c) + 1] = TensorPrimitives.Sum(zb);
                TensorPrimitives.Add(rb, shift, rb);
                partial[(4 * c) + 2] = TensorPrimitives.SumOfMagnitudes(rb);
                partial[(4 * c) + 3] = TensorPrimitives.Dot(rb, rb);
            }, cancellationToken);

            double distance = 0, sum = 0, l1 = 0, l2 = 0;
            for (int c = 0; c < chunks; c++)
            {
                distance += partial[4 * c];
                sum += partial[(4 * c) + 1];
                l1 += partial[(4 * c) + 2];
                l2 += partial[(4 * c) + 3];
            }

            distanceL1 = distance;
            sumZ = sum;
            normL1 = l1;
            return Math.Sqrt(l2);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(partial);
        }
    }

    /// <summary>
    /// h[i] = V[i]·w for i &lt; count, and returns w·w, reading w once per chunk.
    /// </summary>
    internal static double MultiDot(
        double[][] basis, int count, double[] w, int n, Span<double> h, CancellationToken cancellationToken = default)
    {
        int chunks = ChunkCount(n);
        int stride = count + 1;
        double[] partial = ArrayPool<double>.Shared.Rent(stride * chunks);
        try
        {
            ForChunks(n, (c, lo, hi) =>
            {
                ReadOnlySpan<double> wb = w.AsSpan(lo, hi - lo);
                for (int i = 0; i < count; i++)
                {
                    partial[(c * stride) + i] = TensorPrimitives.Dot(basis[i].AsSpan(lo, hi - lo), wb);
                }

                partial[(c * stride) + count] = TensorPrimitives.Dot(wb, wb);
            }, cancellationToken);

            double norm = 0;
            h[..count].Clear();
            for (int c = 0; c < chunks; c++)
            {
                for (int i = 0; i < count; i++)
                {
                    h[i] += partial[(c * stride) + i];
                }

                norm += partial[(c * stride) + count];
            }

            return norm;
        }
        finally
        {
            ArrayPool<double>.Shared.Return(partial);
        }
    }

    /// <summary>w ← w + Σ_{i&lt;count} a[i]·V[i], chunk by chunk, and returns the new w·w.</summary>
    internal static double AddCombination(
        double[][] basis, int count, ReadOnlySpan<double> a, double[] w, int n, CancellationToken cancellationToken = default)
    {
        double[] coefficients = a[..count].ToArray();
        int chunks = ChunkCount(n);
        double[] partial = ArrayPool<double>.Shared.Rent(chunks);
        try
        {
            ForChunks(n, (c, lo, hi) =>
            {
                Span<double> wb = w.AsSpan(lo, hi - lo);
                for (int i = 0; i < coefficients.Length; i++)
                {
                    if (coefficients[i] != 0)
                    {
                        TensorPrimitives.MultiplyAdd(basis[i].AsSpan(lo, hi - lo), coefficients[i], wb, wb);
                    }
                }

                partial[c] = TensorPrimitives.Dot(wb, wb);
            }, cancellationToken);

            return SumInOrder(partial, chunks);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(partial);
        }
    }

    /// <summary>
    /// In-place change of basis: V[j] ← Σ_{i&lt;rows} P[i, j]·V[i] for j &lt; columns (P column-major with leading
    /// dimension <paramref name="rows"/>), computed chunk by chunk through a scratch buffer.
    /// </summary>
    internal static void ChangeBasis(
        double[][] basis, int rows, int columns, double[] p, int n, CancellationToken cancellationToken = default)
    {
        ForChunks(n, (_, lo, hi) =>
        {
            int len = hi - lo;
            double[] scratch = ArrayPool<double>.Shared.Rent(columns * len);
            try
            {
                for (int j = 0; j < columns; j++)
                {
                    Span<double> target = scratch.AsSpan(j * len, len);
                    target.Clear();
                    for (int i = 0; i < rows; i++)
                    {
                        double pij = p[(j * rows) + i];
                        if (pij != 0)
                        {
                            TensorPrimitives.MultiplyAdd(basis[i].AsSpan(lo, len), pij, target, target);
                        }
                    }
                }

                for (int j = 0; j < columns; j++)
                {
                    scratch.AsSpan(j * len, len).CopyTo(basis[j].AsSpan(lo, len));
                }
            }
            finally
            {
                ArrayPool<double>.Shared.Return(scratch);
            }
        }, cancellationToken);
    }

    /// <summary>Sets negative entries to 0; returns their count and sets their total magnitude.</summary>
    internal static int ClampNegatives(double[] x, int n, out double clampedMass)
    {
        int count = 0;
        double mass = 0;
        Span<double> span = x.AsSpan(0, n);
        if (TensorPrimitives.Min(span) >= 0)
        {
            clampedMass = 0;
            return 0;
        }

        for (int i = 0; i < span.Length; i++)
        {
            if (span[i] < 0)
            {
                mass -= span[i];
                span[i] = 0;
                count++;
            }
        }

        clampedMass = mass;
        return count;
    }

    private static double SumInOrder(double[] partial, int count)
    {
        double sum = 0;
        for (int c = 0; c < count; c++)
        {
            sum += partial[c];
        }

        return sum;
    }
}
