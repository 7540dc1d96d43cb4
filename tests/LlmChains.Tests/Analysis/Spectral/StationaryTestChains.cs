using LlmChains.Chains;
using Microsoft.Extensions.Logging;

namespace LlmChains.Tests.Analysis.Spectral;

/// <summary>Chain generators and helpers of the stationary-distribution tests.</summary>
internal static class StationaryTestChains
{
    /// <summary>A random sparse chain: each row has 1..<paramref name="maxPerRow"/> distinct random successors (often reducible).</summary>
    public static SparseMarkovChain RandomSparse(int n, int maxPerRow, int seed)
    {
        var random = new Random(seed);
        var entries = new List<(long, long, double)>();
        for (int i = 0; i < n; i++)
        {
            // at most n distinct successors exist: without the cap the loop below never ends when maxPerRow > n
            int count = Math.Min(n, random.Next(1, maxPerRow + 1));
            var columns = new HashSet<int>();
            while (columns.Count < count)
            {
                columns.Add(random.Next(n));
            }

            var weights = columns.Select(_ => 0.05 + random.NextDouble()).ToArray();
            double sum = weights.Sum();
            int q = 0;
            foreach (int column in columns.Order())
            {
                entries.Add((i, column, weights[q++] / sum));
            }
        }

        return SparseMarkovChain.FromTriplets(n, entries);
    }

    /// <summary>
    /// A random irreducible chain: a random cyclic permutation (so every state reaches every other) plus up to
    /// <paramref name="extraPerRow"/> random successors. With <paramref name="bipartite"/> the states alternate
    /// between two halves (period 2 when n is even).
    /// </summary>
    public static SparseMarkovChain RandomIrreducible(int n, int extraPerRow, int seed, bool bipartite = false)
    {
        var random = new Random(seed);
        var order = Enumerable.Range(0, n).OrderBy(_ => random.Next()).ToArray();
        if (bipartite)
        {
            // interleave halves so that the cycle alternates between even and odd states
            var evens = Enumerable.Range(0, n).Where(s => s % 2 == 0).OrderBy(_ => random.Next()).ToArray();
            var odds = Enumerable.Range(0, n).Where(s => s % 2 == 1).OrderBy(_ => random.Next()).ToArray();
            order = [.. evens.Zip(odds, (e, o) => new[] { e, o }).SelectMany(p => p)];
        }

        var rows = new Dictionary<int, double>[n];
        for (int i = 0; i < n; i++)
        {
            rows[i] = [];
        }

        for (int k = 0; k < order.Length; k++)
        {
            rows[order[k]][order[(k + 1) % order.Length]] = 0.05 + random.NextDouble();
        }

        for (int i = 0; i < n; i++)
        {
            int extra = random.Next(0, extraPerRow + 1);
            for (int e = 0; e < extra; e++)
            {
                int column = random.Next(n);
                if (bipartite && (column % 2) == (i % 2))
                {
                    column = (column + 1) % n;
                }

                rows[i][column] = 0.05 + random.NextDouble();
            }
        }

        var entries = new List<(long, long, double)>();
        for (int i = 0; i < n; i++)
        {
            double sum = rows[i].Values.Sum();
            foreach (var (column, weight) in rows[i].OrderBy(p => p.Key))
            {
                entries.Add((i, column, weight / sum));
            }
        }

        return SparseMarkovChain.FromTriplets(n, entries);
    }

    /// <summary>‖a − b‖₁.</summary>
    public static double L1(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += Math.Abs(a[i] - b[i]);
        }

        return sum;
    }

    /// <summary>‖x·Q − x‖₁ by a fresh step.</summary>
    public static double Residual(IMarkovChain chain, double[] x)
    {
        var y = new double[x.Length];
        chain.Step(x, y);
        return L1(x, y);
    }
}

/// <summary>Hides the concrete type of a chain (forces the general code paths).</summary>
internal sealed class StationaryOpaqueChain(IMarkovChain inner) : IMarkovChain
{
    public long StateCount => inner.StateCount;

    public int MaxRowNonZeros => inner.MaxRowNonZeros;

    public void Step(ReadOnlySpan<double> distribution, Span<double> next) => inner.Step(distribution, next);

    public int GetRow(long state, Span<long> columns, Span<double> probabilities) => inner.GetRow(state, columns, probabilities);
}

/// <summary>A logger factory that records (level, message) pairs.</summary>
internal sealed class StationaryRecordingLoggerFactory : ILoggerFactory
{
    private readonly Lock _gate = new();
    private readonly List<(LogLevel Level, string Message)> _entries = [];

    public IReadOnlyList<(LogLevel Level, string Message)> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(StationaryRecordingLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner._gate)
            {
                owner._entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
