using System.Runtime.ExceptionServices;

namespace LlmChains.Internals.Numerics;

/// <summary>
/// A reusable parallel loop over work items 0..count−1 that allocates nothing in steady state: the calling thread
/// and up to <c>workers − 1</c> thread-pool threads claim items from an atomic counter until none is left.
/// </summary>
/// <remarks>
/// <para>
/// The partition into items is fixed by the caller; only which thread runs which item varies. Kernels that write
/// every output entry from exactly one item, with a fixed summation order, therefore give bitwise identical results
/// for every thread count and schedule.
/// </para>
/// <para>
/// The same object is queued to the pool at every run (<see cref="IThreadPoolWorkItem"/>, no delegate or closure).
/// A pool thread joins the run that is open when it starts, or returns at once when none is; the caller waits only
/// for threads that joined, so a starved pool (e.g. a step called from inside a parallel loop) cannot block it: the
/// caller then simply runs every item itself. A job serves one run at a time; see <see cref="Rent{TJob}"/>.
/// </para>
/// </remarks>
internal abstract class ParallelJob : IThreadPoolWorkItem
{
    private long _count;
    private long _next;
    private int _active; // threads inside the current run (the caller counts one); 0 = no open run
    private ExceptionDispatchInfo? _error;

    /// <summary>Runs work item <paramref name="item"/>.</summary>
    /// <param name="item">An index in 0..count−1.</param>
    protected abstract void Execute(long item);

    /// <summary>
    /// Takes the job cached in <paramref name="slot"/>, or creates one when the slot is empty (first use or a
    /// concurrent run).
    /// </summary>
    /// <typeparam name="TJob">The job type.</typeparam>
    /// <param name="slot">The cache field.</param>
    /// <returns>A job no other thread is using.</returns>
    internal static TJob Rent<TJob>(ref TJob? slot)
        where TJob : ParallelJob, new() => Interlocked.Exchange(ref slot, null) ?? new TJob();

    /// <summary>Puts <paramref name="job"/> back into <paramref name="slot"/> for the next run.</summary>
    /// <typeparam name="TJob">The job type.</typeparam>
    /// <param name="slot">The cache field.</param>
    /// <param name="job">A job whose run has completed.</param>
    internal static void Return<TJob>(ref TJob? slot, TJob job)
        where TJob : ParallelJob => Volatile.Write(ref slot, job);

    /// <summary>
    /// Runs items 0..<paramref name="count"/>−1 on the calling thread and up to <paramref name="workers"/> − 1 pool
    /// threads.
    /// </summary>
    /// <param name="count">Number of work items.</param>
    /// <param name="workers">Threads to use, counting the caller (1 runs everything on the caller).</param>
    internal void Run(long count, int workers)
    {
        _count = count;
        Volatile.Write(ref _next, 0);
        _error = null;
        Volatile.Write(ref _active, 1);
        int helpers = (int)Math.Min(workers - 1, count - 1);
        for (int i = 0; i < helpers; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        Work();
        if (Interlocked.Decrement(ref _active) != 0)
        {
            // Only threads that joined are waited for, and each is running an item: the wait is short.
            var spin = default(SpinWait);
            while (Volatile.Read(ref _active) != 0)
            {
                spin.SpinOnce();
            }
        }

        _error?.Throw();
    }

    /// <inheritdoc />
    void IThreadPoolWorkItem.Execute()
    {
        int active = Volatile.Read(ref _active);
        while (true)
        {
            if (active <= 0)
            {
                return; // no open run: a late helper of a finished run
            }

            int seen = Interlocked.CompareExchange(ref _active, active + 1, active);
            if (seen == active)
            {
                break;
            }

            active = seen;
        }

        Work();
        Interlocked.Decrement(ref _active);
    }

    private void Work()
    {
        long count = _count;
        while (true)
        {
            long item = Interlocked.Increment(ref _next) - 1;
            if (item >= count)
            {
                return;
            }

            try
            {
                Execute(item);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null);
                Volatile.Write(ref _next, count); // stop handing out items
            }
        }
    }
}
