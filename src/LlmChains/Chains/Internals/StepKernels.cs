using System.Numerics;

namespace LlmChains.Chains.Internals;

/// <summary>
/// The pull-form kernels of x·Q_f on the implicit layout of <see cref="LanguageModelChain"/>. Each target
/// entry is written by exactly one thread with a fixed summation order, so results do not depend on the
/// number of threads.
/// </summary>
/// <remarks>
/// Layout facts (paper-spec §1.6): a state i shorter than K has its T successors at T(i+1) .. T(i+1)+T−1, and
/// is their only predecessor, so next[T + m] = x[m / T]·P[m] for targets shorter than K. A full-length target
/// with code c = s·T + a (suffix s ∈ [0, T^{K−1}), last token a) is reached from the length-(K−1) prefix
/// offset(K−1) + s (when K ≥ 2) and from the T full-length states offset(K) + b·T^{K−1} + s, b ∈ [0, T).
/// </remarks>
internal static unsafe class StepKernels
{
    /// <summary>Targets [T + mLo, T + mHi) of length 2..K−1 (m indexes the table of the parents of length 1..K−2).</summary>
    internal static void ShortTargets<TP>(double* x, TP* table, double* next, int t, long mLo, long mHi)
        where TP : unmanaged, INumberBase<TP>
    {
        double* destination = next + t;
        for (long m = mLo; m < mHi; m++)
        {
            destination[m] = x[m / t] * double.CreateTruncating(table[m]);
        }
    }

    /// <summary>
    /// Full-length targets with suffix s ∈ [sLo, sHi): next[s·T + a] (relative to <paramref name="next"/>).
    /// <paramref name="x"/> and <paramref name="table"/> point at the first full-length state;
    /// <paramref name="prefixX"/> and <paramref name="prefixTable"/> at the first length-(K−1) state, or are null
    /// when there is no transient contribution (K = 1, or the block P_ℛ alone).
    /// </summary>
    internal static void FullLengthTargets<TP>(double* x, TP* table, double* prefixX, TP* prefixTable, double* next, int t, long stride, long sLo, long sHi)
        where TP : unmanaged, INumberBase<TP>
    {
        if (t == 2)
        {
            FullLengthTargetsBinary(x, table, prefixX, prefixTable, next, stride, sLo, sHi);
            return;
        }

        // Initialise the block of targets with the transient contribution, then add the T full-length sources in the
        // order b = 0..T−1. Looping b outside s streams x and the table contiguously while the target block stays in
        // cache; the summation order of every target is the same as a per-target loop's.
        if (prefixX is not null)
        {
            for (long s = sLo; s < sHi; s++)
            {
                double w = prefixX[s];
                TP* row = prefixTable + (s * t);
                double* target = next + (s * t);
                for (int a = 0; a < t; a++)
                {
                    target[a] = w * double.CreateTruncating(row[a]);
                }
            }
        }
        else
        {
            new Span<double>(next + (sLo * t), checked((int)((sHi - sLo) * t))).Clear();
        }

        for (int b = 0; b < t; b++)
        {
            long sourceBase = b * stride;
            for (long s = sLo; s < sHi; s++)
            {
                long source = sourceBase + s;
                double w = x[source];
                TP* row = table + (source * t);
                double* target = next + (s * t);
                for (int a = 0; a < t; a++)
                {
                    target[a] += w * double.CreateTruncating(row[a]);
                }
            }
        }
    }

    private static void FullLengthTargetsBinary<TP>(double* x, TP* table, double* prefixX, TP* prefixTable, double* next, long stride, long sLo, long sHi)
        where TP : unmanaged, INumberBase<TP>
    {
        for (long s = sLo; s < sHi; s++)
        {
            double a0 = 0, a1 = 0;
            if (prefixX is not null)
            {
                double w = prefixX[s];
                a0 = w * double.CreateTruncating(prefixTable[2 * s]);
                a1 = w * double.CreateTruncating(prefixTable[(2 * s) + 1]);
            }

            long s0 = s;
            long s1 = stride + s;
            double w0 = x[s0];
            double w1 = x[s1];
            a0 += w0 * double.CreateTruncating(table[2 * s0]);
            a1 += w0 * double.CreateTruncating(table[(2 * s0) + 1]);
            a0 += w1 * double.CreateTruncating(table[2 * s1]);
            a1 += w1 * double.CreateTruncating(table[(2 * s1) + 1]);
            next[2 * s] = a0;
            next[(2 * s) + 1] = a1;
        }
    }
}
