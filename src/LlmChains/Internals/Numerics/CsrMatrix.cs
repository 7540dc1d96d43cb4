using System.Numerics;

namespace LlmChains.Internals.Numerics;

/// <summary>
/// A square n × n matrix in compressed sparse row form with <see cref="int"/> indices: row i occupies
/// <see cref="RowPointers"/>[i] .. [i + 1] − 1 of <see cref="Columns"/> and <see cref="Values"/>, columns ascending
/// within a row. The transpose of a CSR matrix in this form is its compressed sparse column (CSC) form, which the
/// pull-form steps y = x·Q read. Immutable by convention (the arrays are shared, never written after creation).
/// </summary>
internal sealed class CsrMatrix
{
    internal CsrMatrix(int dimension, int[] rowPointers, int[] columns, double[] values)
    {
        Dimension = dimension;
        RowPointers = rowPointers;
        Columns = columns;
        Values = values;
    }

    /// <summary>n.</summary>
    internal int Dimension { get; }

    /// <summary>Length n + 1.</summary>
    internal int[] RowPointers { get; }

    internal int[] Columns { get; }

    internal double[] Values { get; }

    /// <summary>The number of stored entries.</summary>
    internal long StoredCount => Columns.LongLength;

    /// <summary>
    /// The transpose (equivalently, this matrix in CSC form): row j of the result lists the i with an entry (i, j) in
    /// ascending i, so a pull over it sums every entry of x·A in the same order as a push over the rows of A.
    /// </summary>
    internal CsrMatrix Transpose() => Transpose(RowPointers, Columns, Values);

    /// <summary>
    /// The transpose of the n × n CSR matrix (<paramref name="rowPointers"/> of length n + 1, <see cref="int"/> or
    /// <see cref="long"/>, with <paramref name="columns"/> and <paramref name="values"/>) by a counting sort on the
    /// columns: O(n + nnz), rows ascending within each column.
    /// </summary>
    internal static CsrMatrix Transpose<TPointer>(TPointer[] rowPointers, int[] columns, double[] values)
        where TPointer : IBinaryInteger<TPointer>
    {
        int n = rowPointers.Length - 1;
        int nonZeros = columns.Length;
        var pointers = new int[n + 1];
        foreach (int j in columns)
        {
            pointers[j + 1]++;
        }

        for (int j = 0; j < n; j++)
        {
            pointers[j + 1] += pointers[j];
        }

        var cursor = pointers.AsSpan(0, n).ToArray();
        var rows = new int[nonZeros];
        var transposedValues = new double[nonZeros];
        for (int i = 0; i < n; i++)
        {
            int end = int.CreateTruncating(rowPointers[i + 1]);
            for (int k = int.CreateTruncating(rowPointers[i]); k < end; k++)
            {
                int at = cursor[columns[k]]++;
                rows[at] = i;
                transposedValues[at] = values[k];
            }
        }

        return new CsrMatrix(n, pointers, rows, transposedValues);
    }
}
