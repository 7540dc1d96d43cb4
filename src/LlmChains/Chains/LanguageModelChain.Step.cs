using System.Numerics;
using LlmChains.Chains.Internals;
using LlmChains.Internals.Numerics;

namespace LlmChains.Chains;

public sealed partial class LanguageModelChain
{
    /// <summary>Chains with fewer states run the step on one thread.</summary>
    private const long ParallelThreshold = 1 << 15;

    /// <summary>Targets per parallel work item, at most.</summary>
    private const long MaxStepChunk = 1 << 14;

    /// <summary>Targets per parallel work item, at least.</summary>
    private const long MinStepChunk = 1 << 12;

    private StepJob? _stepJob;

    /// <summary>
    /// One step next = distribution·Q_f in pull form: each entry of <paramref name="next"/> sums over the at most
    /// T + 1 predecessors of its state in a fixed order, in parallel over fixed contiguous target ranges when the
    /// chain is large. Results are bitwise identical for every thread count and schedule, and the step allocates
    /// nothing in steady state.
    /// </summary>
    /// <param name="distribution">Row vector of length |V_K^*|.</param>
    /// <param name="next">Destination of length |V_K^*|, not overlapping <paramref name="distribution"/>.</param>
    public unsafe void Step(ReadOnlySpan<double> distribution, Span<double> next)
    {
        ChainGuard.CheckStepLengths(StateCount, distribution.Length, next.Length);
        fixed (double* x = distribution)
        fixed (double* y = next)
        {
            if (_p64 is not null)
            {
                fixed (double* p = _p64)
                {
                    StepFull(x, p, y, fullLengthOnly: false);
                }
            }
            else
            {
                fixed (float* p = _p32)
                {
                    StepFull(x, p, y, fullLengthOnly: false);
                }
            }
        }
    }

    /// <summary>
    /// The transposed step result = Q_f·values (a column vector): result[i] = Σ_j Q_f(i, j)·values[j], the expected
    /// value of <paramref name="values"/> after one step from state i. Used for right eigenvectors, hitting and
    /// absorption probabilities, and expectations E[f(X₁) | X₀ = i]. Each entry is a dot product over the T
    /// contiguous successors of its state; parallel, deterministic and allocation-free like <see cref="Step"/>.
    /// </summary>
    /// <param name="values">Column vector of length |V_K^*|.</param>
    /// <param name="result">Destination of length |V_K^*|, not overlapping <paramref name="values"/>.</param>
    public unsafe void StepTransposed(ReadOnlySpan<double> values, Span<double> result)
    {
        ChainGuard.CheckTransposedStep(StateCount, values, result);

        fixed (double* v = values)
        fixed (double* y = result)
        {
            if (_p64 is not null)
            {
                fixed (double* p = _p64)
                {
                    RunTransposed(v, p, y);
                }
            }
            else
            {
                fixed (float* p = _p32)
                {
                    RunTransposed(v, p, y);
                }
            }
        }
    }

    /// <summary>The step of the full chain, or of the block P_ℛ alone (x and y then hold T^K entries).</summary>
    internal unsafe void StepFull<TP>(double* x, TP* table, double* y, bool fullLengthOnly)
        where TP : unmanaged, INumberBase<TP>
    {
        int t = VocabularySize;
        int k = ContextWindow;
        long offset = States.FullLengthOffset;
        long stride = States.Indexing.Power(k - 1);
        long fullCount = States.FullLengthStateCount;
        double* fullX = fullLengthOnly ? x : x + offset;
        double* fullY = fullLengthOnly ? y : y + offset;
        TP* fullTable = table + (offset * t);
        double* prefixX = null;
        TP* prefixTable = null;
        long shortTargets = 0;
        if (!fullLengthOnly && k >= 2)
        {
            long prefixOffset = States.Indexing.Offset(k - 1);
            prefixX = x + prefixOffset;
            prefixTable = table + (prefixOffset * t);
            shortTargets = prefixOffset * t; // targets T .. offset(K) − 1, written from parents 0 .. offset(K−1) − 1
            new Span<double>(y, t).Clear();
        }

        long work = shortTargets + fullCount;
        if (work < ParallelThreshold)
        {
            StepKernels.ShortTargets(x, table, y, t, 0, shortTargets);
            StepKernels.FullLengthTargets(fullX, fullTable, prefixX, prefixTable, fullY, t, stride, 0, stride);
            return;
        }

        StepJob job = ParallelJob.Rent(ref _stepJob);
        try
        {
            job.Chunk = ChunkFor(work);
            job.ShortChunks = (shortTargets + job.Chunk - 1) / job.Chunk;
            job.SuffixChunk = Math.Max(1, job.Chunk / t);
            job.IsSingle = typeof(TP) == typeof(float);
            job.Transposed = false;
            job.T = t;
            job.Stride = stride;
            job.ShortTargets = shortTargets;
            job.X = (nint)x;
            job.Y = (nint)y;
            job.Table = (nint)table;
            job.FullX = (nint)fullX;
            job.FullY = (nint)fullY;
            job.FullTable = (nint)fullTable;
            job.PrefixX = (nint)prefixX;
            job.PrefixTable = (nint)prefixTable;
            long fullChunks = (stride + job.SuffixChunk - 1) / job.SuffixChunk;
            job.Run(job.ShortChunks + fullChunks, Environment.ProcessorCount);
        }
        finally
        {
            ParallelJob.Return(ref _stepJob, job);
        }
    }

    /// <summary>
    /// Targets per work item for <paramref name="work"/> targets: a power of two giving 32 to 64 items (at least 16 a
    /// core on two cores, so that a late pool thread or an uneven split costs little), within <see cref="MinStepChunk"/>
    /// and <see cref="MaxStepChunk"/>. Any partition gives the same bits: every target is written by one item.
    /// </summary>
    private static long ChunkFor(long work) => Math.Clamp(
        (long)BitOperations.RoundUpToPowerOf2((ulong)Math.Max(1, work / 32)) / 2,
        MinStepChunk,
        MaxStepChunk);

    private unsafe void RunTransposed<TP>(double* v, TP* table, double* y)
        where TP : unmanaged, INumberBase<TP>
    {
        int t = VocabularySize;
        long stride = States.Indexing.Power(ContextWindow - 1);
        long offset = States.FullLengthOffset;
        long n = StateCount;
        if (n < ParallelThreshold)
        {
            StepKernels.RowProducts(v, table, y, t, offset, stride, 0, n);
            return;
        }

        StepJob job = ParallelJob.Rent(ref _stepJob);
        try
        {
            job.IsSingle = typeof(TP) == typeof(float);
            job.Transposed = true;
            job.T = t;
            job.Stride = stride;
            job.Offset = offset;
            job.States = n;
            job.X = (nint)v;
            job.Y = (nint)y;
            job.Table = (nint)table;
            job.Chunk = ChunkFor(n);
            job.Run((n + job.Chunk - 1) / job.Chunk, Environment.ProcessorCount);
        }
        finally
        {
            ParallelJob.Return(ref _stepJob, job);
        }
    }

    /// <summary>
    /// The parallel work of one step: fixed chunks of short targets, then of suffixes (T full-length targets each), or
    /// row ranges of the transposed step.
    /// </summary>
    private sealed unsafe class StepJob : ParallelJob
    {
        internal bool IsSingle;
        internal bool Transposed;
        internal int T;
        internal long Stride;
        internal long Offset;
        internal long States;
        internal long ShortTargets;
        internal long Chunk;
        internal long ShortChunks;
        internal long SuffixChunk;
        internal nint X;
        internal nint Y;
        internal nint Table;
        internal nint FullX;
        internal nint FullY;
        internal nint FullTable;
        internal nint PrefixX;
        internal nint PrefixTable;

        protected override void Execute(long item)
        {
            if (IsSingle)
            {
                Execute<float>(item);
            }
            else
            {
                Execute<double>(item);
            }
        }

        private void Execute<TP>(long item)
            where TP : unmanaged, INumberBase<TP>
        {
            if (Transposed)
            {
                long lo = item * Chunk;
                StepKernels.RowProducts((double*)X, (TP*)Table, (double*)Y, T, Offset, Stride, lo, Math.Min(States, lo + Chunk));
            }
            else if (item < ShortChunks)
            {
                long lo = item * Chunk;
                StepKernels.ShortTargets((double*)X, (TP*)Table, (double*)Y, T, lo, Math.Min(ShortTargets, lo + Chunk));
            }
            else
            {
                long lo = (item - ShortChunks) * SuffixChunk;
                StepKernels.FullLengthTargets(
                    (double*)FullX, (TP*)FullTable, (double*)PrefixX, (TP*)PrefixTable, (double*)FullY, T, Stride, lo,
                    Math.Min(Stride, lo + SuffixChunk));
            }
        }
    }
}
