namespace LlmChains.Internals.Numerics;

/// <summary>
/// The chunked-parallel loop of the vector kernels (the stationary solvers' and the Arnoldi basis' dot products,
/// sums and updates): chunk indices 0..count−1, on the calling thread when the work is short or there is one chunk,
/// otherwise by <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/>, observing the cancellation token
/// between chunks. Chunks have a fixed size independent of the thread count and callers reduce per chunk in chunk
/// order, so results are bitwise identical for any number of threads. (The step kernels use <see cref="ParallelJob"/>
/// instead: a pooled, allocation-free work item per step, with one fixed partition per thread.)
/// </summary>
internal static class ChunkLoop
{
    /// <summary>Runs <paramref name="body"/> for every chunk index.</summary>
    /// <param name="count">The number of chunks.</param>
    /// <param name="parallel">Whether the work is long enough to be worth other threads.</param>
    /// <param name="body">The work of one chunk.</param>
    /// <param name="cancellationToken">Observed between chunks.</param>
    internal static void Run(int count, bool parallel, Action<int> body, CancellationToken cancellationToken = default)
    {
        if (!parallel || count <= 1)
        {
            for (int c = 0; c < count; c++)
            {
                body(c);
            }

            return;
        }

        Parallel.For(0, count, new ParallelOptions { CancellationToken = cancellationToken }, body);
    }
}
