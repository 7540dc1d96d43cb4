namespace LlmChains.Chains;

/// <summary>
/// A finite Markov chain with a row-stochastic transition matrix Q, as every analysis consumes it.
/// Distributions are row vectors and one step is x ← x·Q, as in the paper.
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

    /// <summary>
    /// The transposed step result = Q·values (matrix times column vector): result[i] = Σ_j Q(i, j)·values[j], the
    /// expected value of <paramref name="values"/> one step after state i (right eigenvectors, hitting and
    /// absorption probabilities). The default implementation reads every row through <see cref="GetRow"/>;
    /// <see cref="LanguageModelChain"/> and <see cref="SparseMarkovChain"/> provide fast ones.
    /// </summary>
    /// <param name="values">A column vector of length n.</param>
    /// <param name="result">Destination of length n; must not overlap <paramref name="values"/>.</param>
    /// <exception cref="ArgumentException">A length differs from n, or the spans overlap.</exception>
    void StepTransposed(ReadOnlySpan<double> values, Span<double> result)
    {
        Internals.ChainGuard.CheckTransposedStep(StateCount, values, result);

        var columns = new long[Math.Max(1, MaxRowNonZeros)];
        var probabilities = new double[columns.Length];
        for (long i = 0; i < result.Length; i++)
        {
            int count = GetRow(i, columns, probabilities);
            double sum = 0;
            for (int k = 0; k < count; k++)
            {
                sum += probabilities[k] * values[(int)columns[k]];
            }

            result[(int)i] = sum;
        }
    }
}
