namespace LlmChains.Chains;

/// <summary>
/// A finite Markov chain with a row-stochastic transition matrix Q, as every analysis consumes it.
/// Distributions are row vectors and one step is x ← x·Q (paper-spec §1.1).
/// </summary>
public interface IMarkovChain
{
    /// <summary>The number of states n.</summary>
    long StateCount { get; }

    /// <summary>The largest number of non-zeros in one row.</summary>
    int MaxRowNonZeros { get; }

    /// <summary>One step of the chain: next = distribution · Q (row vector times matrix).</summary>
    /// <param name="distribution">A row vector of length n (need not be a probability vector).</param>
    /// <param name="next">Destination of length n; must not overlap <paramref name="distribution"/>.</param>
    void Step(ReadOnlySpan<double> distribution, Span<double> next);

    /// <summary>Writes the non-zeros of row <paramref name="state"/> and returns their count.</summary>
    /// <param name="state">A state index in 0..n−1.</param>
    /// <param name="columns">Destination of at least <see cref="MaxRowNonZeros"/> column indices, ascending.</param>
    /// <param name="probabilities">Destination of the matching probabilities (all &gt; 0).</param>
    int GetRow(long state, Span<long> columns, Span<double> probabilities);
}
