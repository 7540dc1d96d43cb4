namespace LlmChains.Analysis.Convergence.Internals;

/// <summary>
/// Follows trajectories for <see cref="SampledConvergence.EstimateRepetition"/>:
/// keeps the last P + 1 states and, for each p ≤ P, the number of consecutive steps with X_s = X_{s−p}; O(P) work and no
/// allocation per step. One per worker; <see cref="InLoop"/> accumulates that worker's counts per t.
/// </summary>
internal sealed class RepetitionWorker
{
    private readonly long[] _history;
    private readonly int[] _run;
    private readonly int _maxPeriod;
    private readonly int _horizon;

    internal RepetitionWorker(SamplingWalker walker, int maxPeriod, int horizon)
    {
        Walker = walker;
        _maxPeriod = maxPeriod;
        _horizon = horizon;
        _history = new long[maxPeriod + 1];
        _run = new int[maxPeriod + 1];
        InLoop = new int[horizon + 1];
    }

    internal SamplingWalker Walker { get; }

    /// <summary>For each t, the number of this worker's trajectories in a loop at time t.</summary>
    internal int[] InLoop { get; }

    /// <summary>Runs one trajectory from X_0 = <paramref name="state"/>; returns the entry time of its first loop (−1
    /// if none) and its loop at the horizon (canonical rotation; null if none).</summary>
    internal (int Entry, long[]? FinalLoop) Follow(long state, int repeats, ref TrajectoryRandom random)
    {
        int size = _maxPeriod + 1;
        Array.Clear(_run);
        int entry = -1;
        int period = 0;
        long x = state;
        for (int t = 0; t <= _horizon; t++)
        {
            if (t > 0)
            {
                x = Walker.Step(x, ref random);
            }

            _history[t % size] = x;
            period = 0;
            int limit = Math.Min(_maxPeriod, t);
            for (int p = 1; p <= limit; p++)
            {
                if (_history[(t - p) % size] == x)
                {
                    _run[p]++;
                    if (period == 0 && _run[p] >= repeats * p)
                    {
                        period = p;
                    }
                }
                else
                {
                    _run[p] = 0;
                }
            }

            if (period > 0)
            {
                InLoop[t]++;
                if (entry < 0)
                {
                    entry = t - _run[period] - period + 1;
                }
            }
        }

        if (period == 0)
        {
            return (entry, null);
        }

        var loop = new long[period];
        for (int k = 0; k < period; k++)
        {
            loop[k] = _history[(_horizon - period + 1 + k) % size];
        }

        return (entry, CanonicalRotation(loop));
    }

    /// <summary>The lexicographically smallest rotation (the same cycle always gets the same key).</summary>
    internal static long[] CanonicalRotation(long[] cycle)
    {
        int n = cycle.Length;
        int best = 0;
        for (int r = 1; r < n; r++)
        {
            for (int k = 0; k < n; k++)
            {
                long a = cycle[(r + k) % n];
                long b = cycle[(best + k) % n];
                if (a != b)
                {
                    if (a < b)
                    {
                        best = r;
                    }

                    break;
                }
            }
        }

        var rotated = new long[n];
        for (int k = 0; k < n; k++)
        {
            rotated[k] = cycle[(best + k) % n];
        }

        return rotated;
    }
}
