using LlmChains.Chains;
using LlmChains.Chains.Internals;

namespace LlmChains.Analysis.Internals;

/// <summary>Classification shortcuts that spare the graph search.</summary>
internal static class StationaryShortcuts
{
    /// <summary>
    /// Whether <paramref name="chain"/> is the full-length block P_ℛ of a model's chain (its
    /// <see cref="LanguageModelChain.RecurrentBlock"/>) with all T successors of every state positive. Then it is
    /// irreducible and aperiodic (Prop. 3.3: any window reaches any other in K steps, and the constant window has a
    /// self-loop), which an O(T^K·T) scan of the rows establishes without Tarjan's search.
    /// </summary>
    internal static bool IsPositiveFullLengthBlock(IMarkovChain chain, CancellationToken cancellationToken)
    {
        if (chain is not FullLengthBlock)
        {
            return false;
        }

        int width = chain.MaxRowNonZeros;
        var columns = new long[width];
        var probabilities = new double[width];
        long n = chain.StateCount;
        for (long s = 0; s < n; s++)
        {
            if ((s & 0xFFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (chain.GetRow(s, columns, probabilities) != width)
            {
                return false;
            }
        }

        return true;
    }
}
