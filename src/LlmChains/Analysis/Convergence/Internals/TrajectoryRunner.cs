using System.Runtime.ExceptionServices;

namespace LlmChains.Analysis.Convergence.Internals;

/// <summary>
/// Runs trajectories 0..N−1 in batches, in parallel when there is more than one batch and more than one thread is
/// allowed, each worker with its own state (a <see cref="SamplingWalker"/> and accumulators merged at the end).
/// Each trajectory's result depends only on its index, and merges are integer sums, so results are identical for
/// every thread count.
/// </summary>
internal static class TrajectoryRunner
{
    private const int BatchSize = 16;

    internal static void Run<TLocal>(
        int trajectories,
        int? maxDegreeOfParallelism,
        Func<TLocal> createLocal,
        Action<int, TLocal> body,
        Action<TLocal> merge,
        IProgress<Progress>? progress,
        CancellationToken cancellationToken) =>
        Run(0, trajectories, trajectories, maxDegreeOfParallelism, createLocal, body, merge, progress, cancellationToken);

    /// <summary>
    /// Runs trajectories <paramref name="first"/>..<paramref name="first"/> + <paramref name="count"/> − 1 (one pass of
    /// several over <paramref name="total"/> trajectories: progress counts from <paramref name="first"/> out of the total).
    /// </summary>
    internal static void Run<TLocal>(
        int first,
        int count,
        int total,
        int? maxDegreeOfParallelism,
        Func<TLocal> createLocal,
        Action<int, TLocal> body,
        Action<TLocal> merge,
        IProgress<Progress>? progress,
        CancellationToken cancellationToken)
    {
        if (count <= 0)
        {
            return;
        }

        int trajectories = first + count;
        int batches = (count + BatchSize - 1) / BatchSize;
        int every = Math.Max(1, total / 100);
        long done = first;

        void RunBatch(int batch, TLocal local)
        {
            int from = first + (batch * BatchSize);
            int to = Math.Min(trajectories, from + BatchSize);
            for (int i = from; i < to; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                body(i, local);
            }

            if (progress is not null)
            {
                long now = Interlocked.Add(ref done, to - from);
                if ((now / every) != ((now - (to - from)) / every) || now == total)
                {
                    progress.Report(new Progress("sampling", now, total));
                }
            }
        }

        int degree = maxDegreeOfParallelism ?? Environment.ProcessorCount;
        if (batches == 1 || degree == 1)
        {
            var local = createLocal();
            for (int b = 0; b < batches; b++)
            {
                RunBatch(b, local);
            }

            merge(local);
            return;
        }

        var mergeGate = new Lock();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = degree, CancellationToken = cancellationToken };
        try
        {
            Parallel.For(
                0,
                batches,
                parallel,
                createLocal,
                (b, _, local) =>
                {
                    RunBatch(b, local);
                    return local;
                },
                local =>
                {
                    lock (mergeGate)
                    {
                        merge(local);
                    }
                });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            var inner = e.InnerExceptions.FirstOrDefault(x => x is not OperationCanceledException) ?? e.InnerExceptions[0];
            ExceptionDispatchInfo.Capture(inner).Throw();
        }
    }
}
