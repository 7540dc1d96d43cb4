using System.Globalization;
using LlmChains.Chains;

namespace LlmChains.Analysis.Convergence.Internals;

/// <summary>
/// A compressed-sparse-row copy of a small chain (n ≤ <see cref="ConvergenceOptions.MaxWorstCaseStates"/>) read once
/// through <see cref="IMarkovChain.GetRow"/>: <see cref="int"/> columns ascending within a row, positive values.
/// </summary>
internal sealed class ConvergenceRows
{
    private ConvergenceRows(int stateCount, int[] rowPointers, int[] columns, double[] values)
    {
        StateCount = stateCount;
        RowPointers = rowPointers;
        Columns = columns;
        Values = values;
    }

    internal int StateCount { get; }

    internal int[] RowPointers { get; }

    internal int[] Columns { get; }

    internal double[] Values { get; }

    internal long StoredTransitionCount => Columns.LongLength;

    /// <summary>
    /// The transpose in compressed sparse column form: column j lists the rows i with Q(i, j) &gt; 0 in ascending i, so a
    /// pull over it sums every entry of x·Q in the same order as a push over the rows.
    /// </summary>
    internal ConvergenceRows Transpose()
    {
        int n = StateCount;
        var pointers = new int[n + 1];
        foreach (int j in Columns)
        {
            pointers[j + 1]++;
        }

        for (int j = 0; j < n; j++)
        {
            pointers[j + 1] += pointers[j];
        }

        var cursor = pointers.AsSpan(0, n).ToArray();
        var rows = new int[Columns.Length];
        var values = new double[Columns.Length];
        for (int i = 0; i < n; i++)
        {
            for (int k = RowPointers[i]; k < RowPointers[i + 1]; k++)
            {
                int at = cursor[Columns[k]]++;
                rows[at] = i;
                values[at] = Values[k];
            }
        }

        return new ConvergenceRows(n, pointers, rows, values);
    }

    /// <summary>Reads the rows of <paramref name="chain"/> in two passes (count, then fill); refuses before allocating when the copy would not fit.</summary>
    internal static ConvergenceRows Create(IMarkovChain chain, CancellationToken cancellationToken)
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
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The chain has more than {Array.MaxLength:N0} non-zeros in its first {i + 1} rows; a row copy cannot hold them."), nameof(chain));
            }

            rowPointers[i + 1] = (int)total;
        }

        double bytes = total * 12.0;
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (bytes > available)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Copying the {total:N0} non-zeros of the chain needs {bytes / (1 << 20):F1} MiB, more than the {available / (1 << 20):N0} MiB available."), nameof(chain));
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

        return new ConvergenceRows(n, rowPointers, cols, values);
    }
}
