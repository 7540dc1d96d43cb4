using System.Numerics;
using LlmChains.Chains.Internals;

namespace LlmChains.Chains;

public sealed partial class LanguageModelChain
{
    /// <summary>Chains with fewer states run the step on one thread.</summary>
    private const long ParallelThreshold = 1 << 15;

    /// <summary>Targets per parallel work item.</summary>
    private const long StepChunk = 1 << 14;

    /// <summary>
    /// One step next = distribution·Q_f in pull form: each entry of <paramref name="next"/> sums over the at most
    /// T + 1 predecessors of its state in a fixed order, in parallel over contiguous target ranges when the chain
    /// is large. Results are identical for every thread count.
    /// </summary>
    /// <param name="distribution">Row vector of length |V_K^*|.</param>
    /// <param name="next">Destination of length |V_K^*|, not overlapping <paramref name="distribution"/>.</param>
    public unsafe void Step(ReadOnlySpan<double> distribution, Span<double> next)
    {
        ChainGuard.CheckStepLengths(StateCount, distribution.Length, next.Length);
        fixed (double* x = distribution)
        fixed (double* y = next)
        {
            if (_p64 is not null)
            {
                fixed (double* p = _p64)
                {
                    StepFull(x, p, y, fullLengthOnly: false);
                }
            }
            else
            {
                fixed (float* p = _p32)
                {
                    StepFull(x, p, y, fullLengthOnly: false);
                }
            }
        }
    }

    /// <summary>The step of the full chain, or of the block P_ℛ alone (x and y then hold T^K entries).</summary>
    internal unsafe void StepFull<TP>(double* x, TP* table, double* y, bool fullLengthOnly)
        where TP : unmanaged, INumberBase<TP>
    {
        int t = VocabularySize;
        int k = ContextWindow;
        long offset = States.FullLengthOffset;
        long stride = States.Indexing.Power(k - 1);
        long fullCount = States.FullLengthStateCount;
        double* fullX = fullLengthOnly ? x : x + offset;
        double* fullY = fullLengthOnly ? y : y + offset;
        TP* fullTable = table + (offset * t);
        double* prefixX = null;
        TP* prefixTable = null;
        long shortTargets = 0;
        if (!fullLengthOnly && k >= 2)
        {
            long prefixOffset = States.Indexing.Offset(k - 1);
            prefixX = x + prefixOffset;
            prefixTable = table + (prefixOffset * t);
            shortTargets = prefixOffset * t; // targets T .. offset(K) − 1, written from parents 0 .. offset(K−1) − 1
            new Span<double>(y, t).Clear();
        }

        long work = shortTargets + fullCount;
        if (work < ParallelThreshold)
        {
            StepKernels.ShortTargets(x, table, y, t, 0, shortTargets);
            StepKernels.FullLengthTargets(fullX, fullTable, prefixX, prefixTable, fullY, t, stride, 0, stride);
            return;
        }

        // Work items: chunks of short targets, then chunks of suffixes s (each s covers T full-length targets).
        long shortChunks = (shortTargets + StepChunk - 1) / StepChunk;
        long suffixChunk = Math.Max(1, StepChunk / t);
        long fullChunks = (stride + suffixChunk - 1) / suffixChunk;
        nint xa = (nint)x, ya = (nint)y, ta = (nint)table, fxa = (nint)fullX, fya = (nint)fullY, fta = (nint)fullTable, pxa = (nint)prefixX, pta = (nint)prefixTable;
        Parallel.For(0L, shortChunks + fullChunks, item =>
        {
            if (item < shortChunks)
            {
                long lo = item * StepChunk;
                StepKernels.ShortTargets((double*)xa, (TP*)ta, (double*)ya, t, lo, Math.Min(shortTargets, lo + StepChunk));
            }
            else
            {
                long lo = (item - shortChunks) * suffixChunk;
                StepKernels.FullLengthTargets((double*)fxa, (TP*)fta, (double*)pxa, (TP*)pta, (double*)fya, t, stride, lo, Math.Min(stride, lo + suffixChunk));
            }
        });
    }
}
