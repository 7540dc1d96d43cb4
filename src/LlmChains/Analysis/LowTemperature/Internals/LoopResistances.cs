using System.Globalization;

namespace LlmChains.Analysis.LowTemperature.Internals;

/// <summary>
/// The inter-loop resistances R(i → j) (Young 1993): the least total resistance of a path from a state of loop i to
/// a state of loop j, the path allowed to pass through other loops. One multi-source Dijkstra search per loop over
/// the implicit state graph, started from all the loop's states at distance 0; zero-resistance edges are settled
/// through a stack without touching the heap (most edges the search follows are greedy ones); a search stops as soon
/// as every other loop has been reached.
/// </summary>
internal static class LoopResistances
{
    internal static double[,] Compute(
        ResistanceGraph graph,
        ZeroLoopSet loops,
        int maxDegreeOfParallelism,
        IProgress<Progress>? progress,
        CancellationToken cancellationToken,
        int[]? spare = null)
    {
        int m = loops.Loops.Length;
        var result = new double[m, m];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < m; j++)
            {
                result[i, j] = i == j ? 0 : double.PositiveInfinity;
            }
        }

        if (m == 1)
        {
            return result;
        }

        long done = 0;
        var throttle = new ProgressThrottle(progress, "resistances", m);
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = Math.Max(1, Math.Min(maxDegreeOfParallelism, m)),
            CancellationToken = cancellationToken,
        };
        // One set of state-sized buffers per concurrent search, rented per source: Parallel.For's thread-local init runs
        // once per task replica, and replicas are replaced over a long loop, which would allocate the buffers again.
        var pool = new System.Collections.Concurrent.ConcurrentBag<Search>();
        if (spare is not null && spare.Length == graph.StateCount)
        {
            pool.Add(new Search(graph, spare)); // a state-sized int array the caller no longer needs: the heap positions
        }
        Parallel.For(0, m, options, source =>
        {
            if (!pool.TryTake(out var search))
            {
                search = new Search(graph);
            }

            search.Run(loops, source, result, cancellationToken);
            pool.Add(search);
            throttle.Report(Interlocked.Increment(ref done));
        });
        throttle.Finish();
        return result;
    }

    /// <summary>The per-thread buffers of one search: distances, heap positions (which also mark settled states) and the heap.</summary>
    private sealed class Search
    {
        private readonly ResistanceGraph _graph;
        private readonly double[] _distance;
        private readonly int[] _position;
        private readonly IndexedHeap _heap;
        private readonly Stack<int> _zeroStack = new();
        private readonly int[] _targets;
        private readonly double[] _costs;

        internal Search(ResistanceGraph graph, int[]? position = null)
        {
            _graph = graph;
            _distance = new double[graph.StateCount];
            _position = position ?? new int[graph.StateCount];
            _heap = new IndexedHeap(_distance, _position);
            _targets = new int[Math.Max(1, graph.MaxOutDegree)];
            _costs = new double[Math.Max(1, graph.MaxOutDegree)];
        }

        internal void Run(ZeroLoopSet loops, int source, double[,] result, CancellationToken cancellationToken)
        {
            int m = loops.Loops.Length;
            Array.Fill(_distance, double.PositiveInfinity);
            Array.Fill(_position, IndexedHeap.Unseen);
            _heap.Clear();
            _zeroStack.Clear();
            foreach (int s in loops.Loops[source])
            {
                _distance[s] = 0;
                _zeroStack.Push(s);
            }

            var loopOf = loops.LoopOf;
            int found = 0;
            long pops = 0;
            while (true)
            {
                int u;
                if (_zeroStack.Count > 0)
                {
                    // Reached through a zero-resistance edge from a state settled at the current least distance: it is
                    // settled at that distance too, without going through the heap.
                    u = _zeroStack.Pop();
                    if (_position[u] == IndexedHeap.Settled)
                    {
                        continue;
                    }

                    _position[u] = IndexedHeap.Settled;
                }
                else if (_heap.Count > 0)
                {
                    u = _heap.PopMin();
                }
                else
                {
                    break;
                }

                if ((++pops & 0xFFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                double d = _distance[u];
                int j = loopOf[u];
                if (j >= 0 && j != source && double.IsPositiveInfinity(result[source, j]))
                {
                    result[source, j] = d;
                    if (++found == m - 1)
                    {
                        break;
                    }
                }

                int count = _graph.GetEdges(u, _targets, _costs);
                for (int e = 0; e < count; e++)
                {
                    int v = _targets[e];
                    double candidate = d + _costs[e];
                    if (candidate < _distance[v] && _position[v] != IndexedHeap.Settled)
                    {
                        _distance[v] = candidate;
                        if (_costs[e] == 0 && _position[v] == IndexedHeap.Unseen)
                        {
                            _zeroStack.Push(v);
                        }
                        else
                        {
                            _heap.InsertOrDecrease(v);
                        }
                    }
                }
            }
        }
    }
}

/// <summary>Thread-safe progress reports at most every 200 ms.</summary>
internal sealed class ProgressThrottle(IProgress<Progress>? progress, string stage, long total)
{
    private long _lastTicks = Environment.TickCount64;

    internal void Report(long done, string? detail = null)
    {
        if (progress is null)
        {
            return;
        }

        long now = Environment.TickCount64;
        long last = Interlocked.Read(ref _lastTicks);
        if (now - last >= 200 && Interlocked.CompareExchange(ref _lastTicks, now, last) == last)
        {
            progress.Report(new Progress(stage, done, total) { Detail = detail });
        }
    }

    internal void Finish(string? detail = null) =>
        progress?.Report(new Progress(stage, total, total) { Detail = detail ?? string.Create(CultureInfo.InvariantCulture, $"done") });
}
