using LlmChains.Chains;
using LlmChains.Chains.Internals;

namespace LlmChains.Analysis.Spectral.Internals;

/// <summary>Classification shortcuts that spare the graph search.</summary>
internal static class StationaryShortcuts
{
    /// <summary>
    /// Whether <paramref name="chain"/> is the full-length block P_ℛ of a model's chain (its
    /// <see cref="LanguageModelChain.RecurrentBlock"/>) with all T successors of every state positive. Then it is
    /// irreducible and aperiodic (Prop. 3.3: any window reaches any other in K steps, and the constant window has a
    /// self-loop), which one vectorised O(T^K·T) pass over the block's table establishes without Tarjan's search.
    /// </summary>
    internal static bool IsPositiveFullLengthBlock(IMarkovChain chain, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return chain is FullLengthBlock block && block.AllTransitionsPositive();
    }
}
