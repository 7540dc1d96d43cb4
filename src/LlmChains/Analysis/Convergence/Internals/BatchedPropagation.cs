using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using LlmChains.Chains;
using LlmChains.Internals.Numerics;

namespace LlmChains.Analysis.Convergence.Internals;

/// <summary>
/// Exact worst-case total-variation curve d(t) = max_x TV(δ_x Q^t, π) of a small chain by batched propagation.
/// </summary>
/// <remarks>
/// <para>The n one-hot starts are split into blocks of <see cref="Width"/>. A block is an n × Width matrix X stored
/// state-major (X[j·Width + l] is the mass at state j of start block·Width + l), and one step X ← X·Q is a single
/// pass over the non-zeros of Q (held transposed, read once through <see cref="IMarkovChain.GetRow"/>):
/// X'[j, :] = Σ_i Q(i, j)·X[i, :], a Width-lane vector sum kept in registers. Each non-zero is read once per step for
/// Width starts, and the TV of every lane is reduced after each step.</para>
/// <para>Blocks are independent, so they run in parallel, each through all its steps, on two per-worker buffers:
/// memory is O(workers·n·Width) besides the row copy. Per-block maxima are merged under a lock with the rule
/// "larger value, then smaller start", so results do not depend on scheduling or the thread count.</para>
/// <para>Every entry of X'[j, :] receives its terms in ascending row order i, starting from 0, with a plain multiply
/// then add per lane (no fused multiply–add; zero terms of the chain's own step change nothing), which is the order of
/// the pull-form <see cref="IMarkovChain.Step"/>
/// of <see cref="LanguageModelChain"/> and <see cref="SparseMarkovChain"/>: the curve equals, bit for bit, n separate
/// Step loops followed by <see cref="Convergence.TotalVariation"/>.</para>
/// <para>With resident state (enough memory for all n·n entries) each block keeps its X between calls, so
/// <see cref="Advance"/> extends the horizon without recomputing; otherwise a longer horizon starts again from t = 0.</para>
/// </remarks>
internal sealed class BatchedPropagation
{
    /// <summary>Starts per block (a multiple of every <see cref="Vector{T}.Count"/> of double).</summary>
    internal const int Width = 16;

    private readonly CsrMatrix _rows;
    private readonly double[] _stationary;
    private readonly int _blockCount;
    private readonly int _parallelism;
    private readonly double[][]? _resident;
    private readonly Lock _gate = new();
    private double[] _distances = [];
    private long[] _maximizers = [];
    private int _horizon = -1;

    internal BatchedPropagation(
        IMarkovChain chain, ReadOnlySpan<double> stationary, int parallelism, long residentBudgetBytes, CancellationToken cancellationToken)
    {
        _rows = ConvergenceRows.CreateTransposed(chain, cancellationToken);
        _stationary = stationary.ToArray();
        int n = _rows.Dimension;
        _blockCount = (n + Width - 1) / Width;
        _parallelism = Math.Max(1, Math.Min(parallelism, _blockCount));
        double blockBytes = (double)n * Width * sizeof(double);
        double workerBytes = 2 * blockBytes * _parallelism;
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (workerBytes > available)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Batched propagation of {n:N0} states on {_parallelism} workers needs ") +
                string.Create(CultureInfo.InvariantCulture, $"{workerBytes / (1 << 20):F1} MiB, more than the ") +
                string.Create(CultureInfo.InvariantCulture, $"{available / (1 << 20):N0} MiB available."),
                nameof(chain));
        }

        if (blockBytes * _blockCount <= Math.Min(residentBudgetBytes, available / 4))
        {
            _resident = new double[_blockCount][];
        }
    }

    /// <summary>Whether block states persist between calls to <see cref="Advance"/>.</summary>
    internal bool IsResident => _resident is not null;

    /// <summary>The number of states n.</summary>
    internal int StateCount => _rows.Dimension;

    /// <summary>The number of blocks of <see cref="Width"/> starts.</summary>
    internal int BlockCount => _blockCount;

    /// <summary>d(Horizon), NaN before the first call.</summary>
    internal double LastDistance => _horizon < 0 ? double.NaN : _distances[_horizon];

    /// <summary>The largest t with d(t) computed, −1 before the first call.</summary>
    internal int Horizon => _horizon;

    /// <summary>d(0..Horizon).</summary>
    internal double[] Distances => _distances.AsSpan(0, _horizon + 1).ToArray();

    /// <summary>For each t ≤ Horizon, the smallest start attaining d(t).</summary>
    internal long[] Maximizers => _maximizers.AsSpan(0, _horizon + 1).ToArray();

    /// <summary>Computes d(t) up to t = <paramref name="steps"/> (nothing when already known).</summary>
    internal void Advance(int steps, IProgress<Progress>? progress, CancellationToken cancellationToken)
    {
        if (steps <= _horizon)
        {
            return;
        }

        int from = _resident is not null ? _horizon : -1; // −1: start afresh at t = 0 (included)
        int firstNew = from + 1;
        var distances = new double[steps + 1];
        var maximizers = new long[steps + 1];
        _distances.AsSpan(0, firstNew).CopyTo(distances);
        _maximizers.AsSpan(0, firstNew).CopyTo(maximizers);
        distances.AsSpan(firstNew).Fill(-1);
        maximizers.AsSpan(firstNew).Fill(-1);

        var reporter = new Reporter(progress, (long)_blockCount * (steps - Math.Max(from, 0)));
        var parallel = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = _parallelism };
        int n = _rows.Dimension;
        try
        {
            Parallel.For(
                0,
                _blockCount,
                parallel,
                () => new Worker(n, steps - firstNew + 1),
                (block, _, worker) =>
                {
                    RunBlock(block, from, steps, worker, cancellationToken);
                    Merge(worker, firstNew, steps, distances, maximizers);
                    reporter.Add(steps - Math.Max(from, 0));
                    return worker;
                },
                _ => { });
        }
        catch (AggregateException aggregate) when (aggregate.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(aggregate.InnerExceptions[0]).Throw();
            throw;
        }

        _distances = distances;
        _maximizers = maximizers;
        _horizon = steps;
        progress?.Report(new Progress("distances", reporter.Total, reporter.Total));
    }

    /// <summary>Runs block <paramref name="block"/> from step <paramref name="from"/> (−1: fresh) to
    /// <paramref name="to"/>, leaving the per-step block maxima in the worker.</summary>
    private void RunBlock(int block, int from, int to, Worker worker, CancellationToken cancellationToken)
    {
        int n = _rows.Dimension;
        int firstStart = block * Width;
        int lanes = Math.Min(Width, n - firstStart);
        double[] x;
        int t;
        if (from < 0)
        {
            // fresh start at t = 0; in resident mode the block gets its own array, kept after the run
            x = _resident is not null ? new double[n * Width] : worker.Current;
            Array.Clear(x);
            for (int l = 0; l < lanes; l++)
            {
                x[((firstStart + l) * Width) + l] = 1;
            }

            t = 0;
            worker.Record(0, Evaluate(x, lanes, worker.Lanes), firstStart);
        }
        else
        {
            x = _resident![block];
            t = from;
        }

        double[] y = worker.Next;
        int firstNew = from + 1;
        while (t < to)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Propagate(_rows, x, y);
            (x, y) = (y, x);
            t++;
            worker.Record(t - firstNew, Evaluate(x, lanes, worker.Lanes), firstStart);
        }

        // x holds the state at t = to and y the other buffer of the pair {block array, worker scratch}
        if (_resident is not null)
        {
            _resident[block] = x;
            worker.Next = y;
        }
        else
        {
            worker.Current = x;
            worker.Next = y;
        }
    }

    /// <summary>Merges the worker's block maxima for steps firstNew..to into the shared curve.</summary>
    private void Merge(Worker worker, int firstNew, int to, double[] distances, long[] maximizers)
    {
        lock (_gate)
        {
            for (int t = firstNew; t <= to; t++)
            {
                double value = worker.Maxima[t - firstNew];
                long start = worker.Arguments[t - firstNew];
                if (value > distances[t] || (value == distances[t] && start < maximizers[t]))
                {
                    distances[t] = value;
                    maximizers[t] = start;
                }
            }
        }
    }

    /// <summary>TV of each of the first <paramref name="lanes"/> lanes to π; returns the maximum and its lane (the
    /// smallest on ties).</summary>
    private (double Max, int Lane) Evaluate(double[] x, int lanes, double[] tv)
    {
        int n = _rows.Dimension;
        ref double xr = ref MemoryMarshal.GetArrayDataReference(x);
        ref double tr = ref MemoryMarshal.GetArrayDataReference(tv);
        int count = Vector<double>.Count;
        double[] stationary = _stationary;
        if (count * 4 == Width)
        {
            Vector<double> a0 = Vector<double>.Zero, a1 = Vector<double>.Zero, a2 = Vector<double>.Zero, a3 = Vector<double>.Zero;
            for (int j = 0; j < n; j++)
            {
                var p = new Vector<double>(stationary[j]);
                nuint at = (nuint)(j * Width);
                a0 += Vector.Abs(Vector.LoadUnsafe(ref xr, at) - p);
                a1 += Vector.Abs(Vector.LoadUnsafe(ref xr, at + (nuint)count) - p);
                a2 += Vector.Abs(Vector.LoadUnsafe(ref xr, at + (nuint)(2 * count)) - p);
                a3 += Vector.Abs(Vector.LoadUnsafe(ref xr, at + (nuint)(3 * count)) - p);
            }

            a0.StoreUnsafe(ref tr, 0);
            a1.StoreUnsafe(ref tr, (nuint)count);
            a2.StoreUnsafe(ref tr, (nuint)(2 * count));
            a3.StoreUnsafe(ref tr, (nuint)(3 * count));
        }
        else
        {
            for (int l = 0; l < Width; l += count)
            {
                var sum = Vector<double>.Zero;
                for (int j = 0; j < n; j++)
                {
                    var v = Vector.LoadUnsafe(ref xr, (nuint)((j * Width) + l));
                    sum += Vector.Abs(v - new Vector<double>(stationary[j]));
                }

                sum.StoreUnsafe(ref tr, (nuint)l);
            }
        }

        double max = -1;
        int lane = -1;
        for (int l = 0; l < lanes; l++)
        {
            double value = 0.5 * tv[l];
            if (value > max || double.IsNaN(value))
            {
                max = value;
                lane = l;
                if (double.IsNaN(value))
                {
                    break;
                }
            }
        }

        return (max, lane);
    }

    /// <summary>
    /// y = x·Q for the Width lanes of a block, in pull form over the transpose: y[j, :] = Σ_i Q(i, j)·x[i, :] with the
    /// rows i of column j ascending, accumulated in registers from 0 (a plain multiply, then add, per lane).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Propagate(CsrMatrix columns, double[] x, double[] y)
    {
        int n = columns.Dimension;
        int[] pointers = columns.RowPointers;
        int[] rows = columns.Columns;
        double[] values = columns.Values;
        ref double xr = ref MemoryMarshal.GetArrayDataReference(x);
        ref double yr = ref MemoryMarshal.GetArrayDataReference(y);
        int count = Vector<double>.Count;
        if (count * 4 == Width)
        {
            // four accumulators cover the 16 lanes (256-bit vectors)
            for (int j = 0; j < n; j++)
            {
                Vector<double> a0 = Vector<double>.Zero, a1 = Vector<double>.Zero, a2 = Vector<double>.Zero, a3 = Vector<double>.Zero;
                int end = pointers[j + 1];
                for (int k = pointers[j]; k < end; k++)
                {
                    var p = new Vector<double>(values[k]);
                    nuint at = (nuint)(rows[k] * Width);
                    a0 += p * Vector.LoadUnsafe(ref xr, at);
                    a1 += p * Vector.LoadUnsafe(ref xr, at + (nuint)count);
                    a2 += p * Vector.LoadUnsafe(ref xr, at + (nuint)(2 * count));
                    a3 += p * Vector.LoadUnsafe(ref xr, at + (nuint)(3 * count));
                }

                nuint to = (nuint)(j * Width);
                a0.StoreUnsafe(ref yr, to);
                a1.StoreUnsafe(ref yr, to + (nuint)count);
                a2.StoreUnsafe(ref yr, to + (nuint)(2 * count));
                a3.StoreUnsafe(ref yr, to + (nuint)(3 * count));
            }

            return;
        }

        for (int j = 0; j < n; j++)
        {
            int first = pointers[j];
            int end = pointers[j + 1];
            for (int l = 0; l < Width; l += count)
            {
                var sum = Vector<double>.Zero;
                for (int k = first; k < end; k++)
                {
                    sum += new Vector<double>(values[k]) * Vector.LoadUnsafe(ref xr, (nuint)((rows[k] * Width) + l));
                }

                sum.StoreUnsafe(ref yr, (nuint)((j * Width) + l));
            }
        }
    }

    /// <summary>Per-worker buffers: the two block matrices and the block maxima of the current run.</summary>
    private sealed class Worker(int stateCount, int recordCount)
    {
        public double[] Current { get; set; } = new double[stateCount * Width];

        public double[] Next { get; set; } = new double[stateCount * Width];

        public double[] Lanes { get; } = new double[Width];

        public double[] Maxima { get; } = new double[Math.Max(1, recordCount)];

        public long[] Arguments { get; } = new long[Math.Max(1, recordCount)];

        public void Record(int at, (double Max, int Lane) value, int firstStart)
        {
            Maxima[at] = value.Max;
            Arguments[at] = firstStart + value.Lane;
        }
    }

    /// <summary>Throttled progress over block-steps (about every 1%).</summary>
    private sealed class Reporter(IProgress<Progress>? progress, long total)
    {
        public long Total => total;

        private readonly long _step = Math.Max(1, total / 100);
        private long _done;
        private long _next;

        public void Add(long work)
        {
            if (progress is null)
            {
                return;
            }

            long done = Interlocked.Add(ref _done, work);
            long next = Interlocked.Read(ref _next);
            if (done >= next && Interlocked.CompareExchange(ref _next, done + _step, next) == next)
            {
                progress.Report(new Progress("distances", done, total));
            }
        }
    }
}
