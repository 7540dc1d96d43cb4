using LlmChains.Chains.Internals;
using LlmChains.Internals.Numerics;

namespace LlmChains.Chains;

public sealed partial class SparseMarkovChain
{
    /// <summary>Chains with fewer states run the step on one thread.</summary>
    internal const int ParallelThreshold = 1 << 15;

    /// <summary>The fewest columns in one parallel work item.</summary>
    private const int MinChunkColumns = 1 << 12;

    /// <summary>
    /// One step of the chain: next = distribution·Q (row vector times matrix),
    /// next[j] = Σ_i distribution[i]·Q(i, j).
    /// </summary>
    /// <remarks>
    /// Pull form over a transposed (CSC) copy of Q built once on first use (O(nnz) extra memory): each next[j] is
    /// summed over the non-zeros of column j in ascending row order, so results are bitwise identical across calls
    /// and thread counts. Chains with at least 32,768 states run over column ranges of balanced work in parallel.
    /// NaN or infinite inputs propagate as IEEE arithmetic dictates. The sequential path does not allocate.
    /// </remarks>
    /// <param name="distribution">A row vector of length n (need not be a probability vector).</param>
    /// <param name="next">Destination of length n; must not overlap <paramref name="distribution"/>.</param>
    /// <exception cref="ArgumentException">A length differs from n, or the spans overlap.</exception>
    public unsafe void Step(ReadOnlySpan<double> distribution, Span<double> next)
    {
        ChainGuard.CheckStepLengths(StateCount, distribution.Length, next.Length);
        if (distribution.Overlaps(next))
        {
            throw new ArgumentException("The destination overlaps the distribution; Step needs separate buffers.", nameof(next));
        }

        Transposed t = _transposed.Value;
        int[] chunkStarts = t.ChunkStarts;
        fixed (double* x = distribution)
        fixed (double* y = next)
        {
            if (chunkStarts.Length == 2)
            {
                StepColumns(t, x, y, 0, (int)StateCount);
                return;
            }

            StepParallel(t, x, y);
        }
    }

    /// <summary>
    /// The transposed step result = Q·values: result[i] = Σ_j Q(i, j)·values[j] over the non-zeros of row i in
    /// ascending column order (rows in parallel on large chains; results independent of the thread count).
    /// </summary>
    /// <param name="values">A column vector of length n.</param>
    /// <param name="result">Destination of length n; must not overlap <paramref name="values"/>.</param>
    /// <exception cref="ArgumentException">A length differs from n, or the spans overlap.</exception>
    public unsafe void StepTransposed(ReadOnlySpan<double> values, Span<double> result)
    {
        ChainGuard.CheckTransposedStep(StateCount, values, result);

        fixed (double* v = values)
        fixed (double* y = result)
        {
            int n = (int)StateCount;
            if (n < ParallelThreshold)
            {
                RowProducts(v, y, 0, n);
                return;
            }

            nint va = (nint)v, ya = (nint)y;
            int chunk = MinChunkColumns * 4;
            Parallel.For(0, (n + chunk - 1) / chunk, c => RowProducts((double*)va, (double*)ya, c * chunk, Math.Min(n, (c + 1) * chunk)));
        }
    }

    private unsafe void RowProducts(double* v, double* y, int first, int end)
    {
        for (int i = first; i < end; i++)
        {
            double sum = 0;
            for (long k = _rowPointers[i]; k < _rowPointers[i + 1]; k++)
            {
                sum += _values[k] * v[_columns[k]];
            }

            y[i] = sum;
        }
    }

    /// <summary>
    /// The step over the work items of <see cref="Transposed.ChunkStarts"/> in parallel (kept apart so the sequential
    /// path allocates no closure).
    /// </summary>
    private static unsafe void StepParallel(Transposed t, double* x, double* y)
    {
        int[] chunkStarts = t.ChunkStarts;
        nint xa = (nint)x, ya = (nint)y;
        Parallel.For(0, chunkStarts.Length - 1, c => StepColumns(t, (double*)xa, (double*)ya, chunkStarts[c], chunkStarts[c + 1]));
    }

    /// <summary>y[j] = Σ_k x[rows[k]]·values[k] over the non-zeros k of column j, for j in [first, end).</summary>
    private static unsafe void StepColumns(Transposed t, double* x, double* y, int first, int end)
    {
        fixed (int* pointers = t.ColumnPointers)
        fixed (int* rows = t.Rows)
        fixed (double* values = t.Values)
        {
            int k = pointers[first];
            for (int j = first; j < end; j++)
            {
                int stop = pointers[j + 1];
                double sum = 0;
                for (; k < stop; k++)
                {
                    sum += x[rows[k]] * values[k];
                }

                y[j] = sum;
            }
        }
    }

    /// <summary>Q in compressed sparse column form (rows ascending within a column) and the parallel work split.</summary>
    private sealed class Transposed
    {
        private Transposed(CsrMatrix matrix, int[] chunkStarts)
        {
            Matrix = matrix;
            ChunkStarts = chunkStarts;
        }

        /// <summary>Qᵀ in CSR form, that is Q in CSC form: column j of Q occupies ColumnPointers[j] .. ColumnPointers[j + 1] − 1.</summary>
        internal CsrMatrix Matrix { get; }

        internal int[] ColumnPointers => Matrix.RowPointers;

        internal int[] Rows => Matrix.Columns;

        internal double[] Values => Matrix.Values;

        /// <summary>Column boundaries of the work items: item c covers ChunkStarts[c] .. ChunkStarts[c + 1] − 1.</summary>
        internal int[] ChunkStarts { get; }

        internal static Transposed Create(long[] rowPointers, int[] columns, double[] values)
        {
            var columnsOfQ = CsrMatrix.Transpose(rowPointers, columns, values);
            return new Transposed(columnsOfQ, SplitWork(columnsOfQ.RowPointers));
        }

        /// <summary>
        /// Contiguous column ranges of about equal work (non-zeros read plus entries written); one range below
        /// <see cref="ParallelThreshold"/> states.
        /// </summary>
        private static int[] SplitWork(int[] columnPointers)
        {
            int n = columnPointers.Length - 1;
            if (n < ParallelThreshold)
            {
                return [0, n];
            }

            int chunks = Math.Clamp(Environment.ProcessorCount * 4, 2, n / MinChunkColumns);
            long total = (long)columnPointers[n] + n;
            var starts = new int[chunks + 1];
            starts[chunks] = n;
            for (int c = 1; c < chunks; c++)
            {
                // smallest j with work(j) = columnPointers[j] + j ≥ target; work is strictly increasing in j
                long target = total * c / chunks;
                int lo = starts[c - 1], hi = n;
                while (lo < hi)
                {
                    int mid = lo + ((hi - lo) / 2);
                    if ((long)columnPointers[mid] + mid < target)
                    {
                        lo = mid + 1;
                    }
                    else
                    {
                        hi = mid;
                    }
                }

                starts[c] = lo;
            }

            return starts;
        }
    }
}
