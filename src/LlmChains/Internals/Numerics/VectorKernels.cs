using System.Numerics.Tensors;

namespace LlmChains.Internals.Numerics;

/// <summary>
/// Reductions on probability vectors shared by every namespace: the total variation distance in two documented
/// summation orders.
/// </summary>
internal static unsafe class VectorKernels
{
    /// <summary>Entries per partial sum of a long reduction; vectors up to this length are summed on one thread.</summary>
    internal const int ReductionChunk = 1 << 16;

    /// <summary>
    /// TV(p, q) = ½ Σ_i |p_i − q_i|. Up to <see cref="ReductionChunk"/> entries the sum runs in ascending i on one
    /// thread; longer vectors are split into fixed chunks of that size, each summed in ascending order (in parallel),
    /// and the partial sums added in chunk order: the result depends neither on the thread count nor on scheduling.
    /// </summary>
    internal static double TotalVariation(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        int n = p.Length;
        if (n <= ReductionChunk)
        {
            return 0.5 * SumOfAbsoluteDifferences(p, q);
        }

        int chunks = (int)(((long)n + ReductionChunk - 1) / ReductionChunk);
        var partial = new double[chunks];
        fixed (double* pp = p)
        fixed (double* qp = q)
        {
            nint pa = (nint)pp, qa = (nint)qp;
            ChunkLoop.Run(chunks, parallel: true, c =>
            {
                int first = c * ReductionChunk;
                int length = Math.Min(ReductionChunk, n - first);
                partial[c] = SumOfAbsoluteDifferences(
                    new ReadOnlySpan<double>((double*)pa + first, length),
                    new ReadOnlySpan<double>((double*)qa + first, length));
            });
        }

        double sum = 0;
        foreach (double s in partial)
        {
            sum += s;
        }

        return 0.5 * sum;
    }

    /// <summary>
    /// TV(p, q) = ½ Σ_i |p_i − q_i| through TensorPrimitives (SIMD order, so equal to
    /// <see cref="TotalVariation(ReadOnlySpan{double}, ReadOnlySpan{double})"/> to rounding only), for the inner loops
    /// of the dense O(n³) pair maxima; <paramref name="scratch"/> (length ≥ n) receives p − q.
    /// </summary>
    internal static double TotalVariation(ReadOnlySpan<double> p, ReadOnlySpan<double> q, Span<double> scratch)
    {
        var difference = scratch[..p.Length];
        TensorPrimitives.Subtract(p, q, difference);
        return 0.5 * TensorPrimitives.SumOfMagnitudes(difference);
    }

    /// <summary>Σ_i |p_i − q_i| in ascending i (the order the batched convergence kernel uses per start).</summary>
    internal static double SumOfAbsoluteDifferences(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        double sum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            sum += Math.Abs(p[i] - q[i]);
        }

        return sum;
    }
}
