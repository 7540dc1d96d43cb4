using LlmChains.Analysis;
using LlmChains.Analysis.Convergence;
using LlmChains.Chains;

namespace LlmChains.Tests.Analysis.Convergence;

/// <summary>
/// Slow exact counterparts of the sampled diagnostics, written from the definitions: the law of the coupled pair
/// propagated over all n² pairs, laws propagated by <see cref="IMarkovChain.Step"/>, and deterministic maps followed
/// state by state.
/// </summary>
internal static class SampledConvergenceReference
{
    /// <summary>
    /// P(T &gt; t), t = 0..steps, for the maximal coupling of move laws (same move a with probability min(p_a, q_a), else
    /// residual moves by inverse CDF of p − min(p, q) and q − min(p, q) from one common uniform read from α on), with
    /// X_0 ~ μ, Y_0 ~ ν independent. Moves are tokens for a model's chain, next states otherwise.
    /// </summary>
    public static double[] CouplingTail(IMarkovChain chain, double[] mu, double[] nu, int steps)
    {
        int n = (int)chain.StateCount;
        var moves = new (long Label, double P, int Next)[n][];
        for (int x = 0; x < n; x++)
        {
            moves[x] = Moves(chain, x);
        }

        var w = new double[n, n];
        for (int x = 0; x < n; x++)
        {
            for (int y = 0; y < n; y++)
            {
                w[x, y] = x == y ? 0 : mu[x] * nu[y]; // mass on the diagonal has coupled at t = 0
            }
        }

        var tail = new double[steps + 1];
        for (int t = 0; ; t++)
        {
            double sum = 0;
            foreach (double v in w)
            {
                sum += v;
            }

            tail[t] = sum;
            if (t == steps)
            {
                return tail;
            }

            var next = new double[n, n];
            for (int x = 0; x < n; x++)
            {
                for (int y = 0; y < n; y++)
                {
                    double mass = w[x, y];
                    if (mass == 0)
                    {
                        continue;
                    }

                    var a = moves[x];
                    var b = moves[y];
                    double alpha = 0;
                    foreach (var ma in a)
                    {
                        foreach (var mb in b)
                        {
                            if (ma.Label == mb.Label)
                            {
                                double m = Math.Min(ma.P, mb.P);
                                alpha += m;
                                next[ma.Next, mb.Next] += mass * m;
                            }
                        }
                    }

                    var ia = Residual(a, b, alpha);
                    var ib = Residual(b, a, alpha);
                    foreach (var ra in ia)
                    {
                        foreach (var rb in ib)
                        {
                            double overlap = Math.Min(ra.Hi, rb.Hi) - Math.Max(ra.Lo, rb.Lo);
                            if (overlap > 0)
                            {
                                next[ra.Next, rb.Next] += mass * overlap;
                            }
                        }
                    }
                }
            }

            for (int x = 0; x < n; x++)
            {
                next[x, x] = 0; // met: coupled from now on
            }

            w = next;
        }
    }

    /// <summary>μQ^t for t = 0..steps.</summary>
    public static double[][] Laws(IMarkovChain chain, double[] mu, int steps)
    {
        var laws = new double[steps + 1][];
        laws[0] = (double[])mu.Clone();
        for (int t = 1; t <= steps; t++)
        {
            laws[t] = new double[mu.Length];
            chain.Step(laws[t - 1], laws[t]);
        }

        return laws;
    }

    public static double[] PointMass(long n, long state)
    {
        var v = new double[n];
        v[state] = 1;
        return v;
    }

    public static double[] Uniform(long n)
    {
        var v = new double[n];
        Array.Fill(v, 1.0 / n);
        return v;
    }

    /// <summary>TV(μQ^t, νQ^t), t = 0..steps.</summary>
    public static double[] DistanceBetween(IMarkovChain chain, double[] mu, double[] nu, int steps)
    {
        var a = Laws(chain, mu, steps);
        var b = Laws(chain, nu, steps);
        return [.. Enumerable.Range(0, steps + 1).Select(t => TotalVariation.Distance(a[t], b[t]))];
    }

    /// <summary>For a deterministic chain: the time e at which the path from x first reaches its cycle, and the cycle length c.</summary>
    public static (int Entry, int Cycle) EntryAndCycle(IMarkovChain chain, long x)
    {
        var seen = new Dictionary<long, int>();
        var columns = new long[Math.Max(1, chain.MaxRowNonZeros)];
        var p = new double[columns.Length];
        long s = x;
        for (int t = 0; ; t++)
        {
            if (seen.TryGetValue(s, out int first))
            {
                return (first, t - first);
            }

            seen[s] = t;
            int count = chain.GetRow(s, columns, p);
            s = columns[Enumerable.Range(0, count).First(i => p[i] > 0)];
        }
    }

    private static (long Label, double P, int Next)[] Moves(IMarkovChain chain, int x)
    {
        if (chain is LanguageModelChain lm)
        {
            var probabilities = new double[lm.VocabularySize];
            lm.GetNextTokenProbabilities(x, probabilities);
            return [.. Enumerable.Range(0, probabilities.Length).Where(a => probabilities[a] > 0).Select(a => ((long)a, probabilities[a], (int)lm.States.Successor(x, a)))];
        }

        var columns = new long[chain.MaxRowNonZeros];
        var p = new double[columns.Length];
        int count = chain.GetRow(x, columns, p);
        return [.. Enumerable.Range(0, count).Where(i => p[i] > 0).Select(i => (columns[i], p[i], (int)columns[i]))];
    }

    private static List<(double Lo, double Hi, int Next)> Residual((long Label, double P, int Next)[] own, (long Label, double P, int Next)[] other, double alpha)
    {
        var intervals = new List<(double Lo, double Hi, int Next)>();
        double cumulative = alpha;
        foreach (var m in own)
        {
            double q = other.Where(o => o.Label == m.Label).Select(o => o.P).FirstOrDefault();
            double r = m.P - Math.Min(m.P, q);
            if (r > 0)
            {
                intervals.Add((cumulative, cumulative + r, m.Next));
                cumulative += r;
            }
        }

        return intervals;
    }
}
