using System.Numerics;
using LlmChains.Chains.Internals;

namespace LlmChains.Analysis.Convergence.Internals;

/// <summary>The log-probabilities log f(w)_x of the full-length windows w ∈ [0, T^K) (local codes) and tokens x.</summary>
internal interface IEpsilonTransitions
{
    /// <summary>log f(w)_x (−∞ for a removed token).</summary>
    double LogProbability(long window, int token);

    /// <summary>f(w)_x.</summary>
    double Probability(long window, int token);
}

/// <summary>The stored probabilities of a chain (float64 or float32), window w being the state firstFullLength + w.</summary>
internal readonly struct StoredTransitions<TP>(TP[] table, TableLayout layout, long firstFullLength) : IEpsilonTransitions
    where TP : unmanaged, INumberBase<TP>
{
    public double Probability(long window, int token) => double.CreateTruncating(table[layout.EntryOf(firstFullLength + window) + token]);

    public double LogProbability(long window, int token) => Math.Log(Probability(window, token));
}

/// <summary>A table of log-probabilities of the full-length windows (T per window).</summary>
internal readonly struct LogTableTransitions(double[] logs, int vocabularySize) : IEpsilonTransitions
{
    public double LogProbability(long window, int token) => logs[(window * vocabularySize) + token];

    public double Probability(long window, int token) => Math.Exp(LogProbability(window, token));
}

/// <summary>
/// ε = min_{i, j ∈ ℛ} (Q_f^K)_{ij} (Prop. 3.4) by a min-sum dynamic program in log space over the T^K full-length
/// windows, O(K·T^{K+1}) work and three vectors of T^K entries.
/// </summary>
/// <remarks>
/// Between full-length states there is exactly one K-step path (from the transitions of Prop. 3.2): from i the walk
/// emits j_1..j_K and
/// passes through the windows w_k = (i_{k+1..K}, j_{1..k}), so (Q^K)_{ij} = Π_k f(w_k)_{j_{k+1}} and the pairs (i, j)
/// are in one-to-one correspondence with the K-step walks of the de Bruijn graph on ℛ. Hence
/// ε = min over K-step walks of the product of their transition probabilities, and in logs
/// m_0(w) = 0, m_{k+1}(w') = min_{w → w'} m_k(w) + log f(w)_{last token of w'}, log ε = min_w m_K(w).
/// The predecessors of w' = s·T + a are b·T^{K−1} + s, b ∈ [0, T). Work is pulled per target suffix s in parallel;
/// each target takes the smallest value in the order b = 0..T−1 (strictly smaller wins), so results and the minimising
/// pair do not depend on the thread count. A zero probability is log 0 = −∞, which the minimum propagates.
/// </remarks>
internal static class EpsilonDynamicProgram
{
    /// <summary>Transitions per parallel work item.</summary>
    private const long Chunk = 1 << 14;

    /// <summary>Runs the program; returns log ε and the minimising pair (i, j) as local codes of full-length states.</summary>
    internal static (double LogEpsilon, long From, long To) Run<TS>(
        TS source, int vocabularySize, int contextWindow, int parallelism, CancellationToken cancellationToken)
        where TS : struct, IEpsilonTransitions
    {
        int t = vocabularySize;
        long stride = 1;
        for (int i = 1; i < contextWindow; i++)
        {
            stride *= t;
        }

        long count = stride * t;
        var current = new double[count];
        var next = new double[count];
        var origin = new int[count];
        var nextOrigin = new int[count];
        for (int w = 0; w < count; w++)
        {
            origin[w] = w;
        }

        long suffixChunk = Math.Max(1, Chunk / ((long)t * t));
        long items = (stride + suffixChunk - 1) / suffixChunk;
        var parallel = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = parallelism };
        for (int step = 0; step < contextWindow; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double[] m = current, mNext = next;
            int[] o = origin, oNext = nextOrigin;
            if (items == 1 || parallelism == 1)
            {
                Pass(source, t, stride, 0, stride, m, o, mNext, oNext);
            }
            else
            {
                Parallel.For(0L, items, parallel, item =>
                {
                    long lo = item * suffixChunk;
                    Pass(source, t, stride, lo, Math.Min(stride, lo + suffixChunk), m, o, mNext, oNext);
                });
            }

            (current, next) = (next, current);
            (origin, nextOrigin) = (nextOrigin, origin);
        }

        long best = 0;
        for (long w = 1; w < count; w++)
        {
            if (current[w] < current[best])
            {
                best = w;
            }
        }

        return (current[best], origin[best], best);
    }

    private static void Pass<TS>(TS source, int t, long stride, long sLo, long sHi, double[] m, int[] o, double[] mNext, int[] oNext)
        where TS : struct, IEpsilonTransitions
    {
        for (long s = sLo; s < sHi; s++)
        {
            long targets = s * t;
            for (int b = 0; b < t; b++)
            {
                long predecessor = (b * stride) + s;
                double value = m[predecessor];
                int from = o[predecessor];
                for (int a = 0; a < t; a++)
                {
                    double candidate = value + source.LogProbability(predecessor, a);
                    long target = targets + a;
                    if (b == 0 || candidate < mNext[target])
                    {
                        mNext[target] = candidate;
                        oNext[target] = from;
                    }
                }
            }
        }
    }

    /// <summary>
    /// (Q^K)_{ij} along the unique path, as a product in path order (no logarithms), and its log as the sum of the
    /// logs in the same order (equal to the program's value).
    /// </summary>
    internal static (double Product, double LogProduct) PathProduct<TS>(
        TS source, int vocabularySize, int contextWindow, long from, long to)
        where TS : struct, IEpsilonTransitions
    {
        long t = vocabularySize;
        int k = contextWindow;
        var powers = new long[k + 1];
        powers[0] = 1;
        for (int i = 1; i <= k; i++)
        {
            powers[i] = powers[i - 1] * t;
        }

        double product = 1, log = 0;
        for (int step = 0; step < k; step++)
        {
            // w_k = (i_{k+1..K}, j_{1..k}); the emitted token is j_{k+1}
            long window = ((from % powers[k - step]) * powers[step]) + (to / powers[k - step]);
            int token = (int)(to / powers[k - step - 1] % t);
            product *= source.Probability(window, token);
            log += source.LogProbability(window, token);
        }

        return (product, log);
    }
}
