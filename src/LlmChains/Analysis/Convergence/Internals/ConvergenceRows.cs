using System.Globalization;
using LlmChains.Chains;
using LlmChains.Chains.Internals;
using LlmChains.Internals.Numerics;

namespace LlmChains.Analysis.Convergence.Internals;

/// <summary>
/// The rows of a small chain (n ≤ <see cref="ConvergenceOptions.MaxWorstCaseStates"/>) as a <see cref="CsrMatrix"/>
/// read once through <see cref="IMarkovChain.GetRow"/> (<see cref="int"/> columns ascending within a row, positive
/// values), or their transpose, taken from the chain when it caches one.
/// </summary>
internal static class ConvergenceRows
{
    /// <summary>
    /// Qᵀ in CSR form (Q in CSC form) for the pull-form step: the chain's own cached transpose when it has one
    /// (<see cref="IChainFacts.Transpose"/>; no copy), else a copy of the rows transposed. Both list the same entries
    /// in the same order, so the results are bitwise the same either way.
    /// </summary>
    internal static CsrMatrix CreateTransposed(IMarkovChain chain, CancellationToken cancellationToken)
        => (chain as IChainFacts)?.Transpose ?? Create(chain, cancellationToken).Transpose();

    /// <summary>Reads the rows of <paramref name="chain"/> in two passes (count, then fill); refuses before allocating
    /// when the copy would not fit.</summary>
    internal static CsrMatrix Create(IMarkovChain chain, CancellationToken cancellationToken)
    {
        int n = checked((int)chain.StateCount);
        int width = Math.Max(1, chain.MaxRowNonZeros);
        var columns = new long[width];
        var probabilities = new double[width];
        var rowPointers = new int[n + 1];
        long total = 0;
        for (int i = 0; i < n; i++)
        {
            if ((i & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            total += chain.GetRow(i, columns, probabilities);
            if (total > Array.MaxLength)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"The chain has more than {Array.MaxLength:N0} non-zeros in its first ") +
                    string.Create(CultureInfo.InvariantCulture, $"{i + 1} rows; a row copy cannot hold them."),
                    nameof(chain));
            }

            rowPointers[i + 1] = (int)total;
        }

        double bytes = total * 12.0;
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (bytes > available)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Copying the {total:N0} non-zeros of the chain needs ") +
                string.Create(CultureInfo.InvariantCulture, $"{bytes / (1 << 20):F1} MiB, more than the {available / (1 << 20):N0} MiB ") +
                string.Create(CultureInfo.InvariantCulture, $"available."),
                nameof(chain));
        }

        var cols = new int[total];
        var values = new double[total];
        for (int i = 0; i < n; i++)
        {
            int count = chain.GetRow(i, columns, probabilities);
            int at = rowPointers[i];
            if (count != rowPointers[i + 1] - at)
            {
                throw new InvalidOperationException($"Row {i} of the chain changed its number of non-zeros between two reads.");
            }

            for (int k = 0; k < count; k++)
            {
                cols[at + k] = (int)columns[k];
                values[at + k] = probabilities[k];
            }
        }

        return new CsrMatrix(n, rowPointers, cols, values);
    }
}
