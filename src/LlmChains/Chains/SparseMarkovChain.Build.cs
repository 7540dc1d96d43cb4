using System.Buffers;
using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Storage;

namespace LlmChains.Chains;

public sealed partial class SparseMarkovChain
{
    /// <summary>The default tolerance on |row sum − 1| used by every factory.</summary>
    private const double DefaultTolerance = 1e-10;

    /// <summary>
    /// Creates a chain from compressed sparse row (CSR) arrays. The arrays are copied; within a row, columns may
    /// come in any order, duplicates are summed (in array order) and explicit zeros are dropped.
    /// </summary>
    /// <param name="rowPointers">Length n + 1 ≥ 2, non-decreasing, starting at 0 and ending at the entry count: row i
    /// holds entries rowPointers[i] .. rowPointers[i + 1] − 1.</param>
    /// <param name="columns">Column index (0..n−1) of each entry.</param>
    /// <param name="values">Value Q(i, j) ≥ 0 of each entry, finite.</param>
    /// <param name="tolerance">Largest accepted |Σ_j Q(i, j) − 1| of a row; finite, ≥ 0.</param>
    /// <returns>The validated chain.</returns>
    /// <exception cref="ArgumentNullException">An array is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The arrays are inconsistent, an index is out of range, an entry is negative
    /// or not finite, or a row does not sum to 1 within <paramref name="tolerance"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tolerance"/> is negative or not finite.</exception>
    public static SparseMarkovChain FromCsr(long[] rowPointers, int[] columns, double[] values, double tolerance = DefaultTolerance)
    {
        ValidateCsr(rowPointers, columns, values, tolerance);
        return CreateValidated((long[])rowPointers.Clone(), (int[])columns.Clone(), (double[])values.Clone(), tolerance, nameof(values));
    }

    /// <summary>
    /// As <see cref="FromCsr"/>, with the same checks and exceptions, but the new chain takes ownership of the arrays
    /// instead of copying them: the caller must not use them afterwards (they may be rewritten in place).
    /// </summary>
    internal static SparseMarkovChain FromOwnedCsr(long[] rowPointers, int[] columns, double[] values, double tolerance = DefaultTolerance)
    {
        ValidateCsr(rowPointers, columns, values, tolerance);
        return CreateValidated(rowPointers, columns, values, tolerance, nameof(values));
    }

    private static void ValidateCsr(long[] rowPointers, int[] columns, double[] values, double tolerance)
    {
        ArgumentNullException.ThrowIfNull(rowPointers);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(values);
        CheckTolerance(tolerance);
        if (rowPointers.Length < 2)
        {
            throw new ArgumentException(
                $"The row pointers have length {rowPointers.Length}; they need length n + 1 ≥ 2 for n ≥ 1 states.",
                nameof(rowPointers));
        }

        if (columns.Length != values.Length)
        {
            throw new ArgumentException(
                $"There are {columns.Length} column indices but {values.Length} values; the counts must match.",
                nameof(values));
        }

        if (rowPointers[0] != 0)
        {
            throw new ArgumentException($"The row pointers start at {rowPointers[0]}; they must start at 0.", nameof(rowPointers));
        }

        int n = rowPointers.Length - 1;
        for (int i = 0; i < n; i++)
        {
            if (rowPointers[i + 1] < rowPointers[i])
            {
                throw new ArgumentException(
                    $"The row pointers decrease at row {i}: {rowPointers[i]} then {rowPointers[i + 1]}; they must be non-decreasing.",
                    nameof(rowPointers));
            }
        }

        if (rowPointers[n] != columns.Length)
        {
            throw new ArgumentException(
                $"The last row pointer is {rowPointers[n]} but there are {columns.Length} entries; they must be equal.",
                nameof(rowPointers));
        }

        for (int i = 0; i < n; i++)
        {
            for (long k = rowPointers[i]; k < rowPointers[i + 1]; k++)
            {
                int j = columns[k];
                if ((uint)j >= (uint)n)
                {
                    throw new ArgumentException($"Entry ({i}, {j}) has column {j} outside 0..{n - 1}.", nameof(columns));
                }

                CheckValue(i, j, values[k], nameof(values));
            }
        }
    }

    /// <summary>
    /// Creates a chain from (row, column, value) entries, as SciPy's <c>coo_matrix((v, (i, j))).tocsr()</c>:
    /// duplicates are summed in input order and explicit zeros are dropped.
    /// </summary>
    /// <param name="stateCount">n ≥ 1.</param>
    /// <param name="entries">The entries Q(Row, Column) = Value, indices 0-based, values finite and ≥ 0, in any order.
    /// Enumerated once.</param>
    /// <param name="tolerance">Largest accepted |Σ_j Q(i, j) − 1| of a row; finite, ≥ 0.</param>
    /// <returns>The validated chain.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entries"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An index is out of range, an entry is negative or not finite, or a row does
    /// not sum to 1 within <paramref name="tolerance"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stateCount"/> is outside 1..2,147,483,590, or
    /// <paramref name="tolerance"/> is negative or not finite.</exception>
    public static SparseMarkovChain FromTriplets(
        long stateCount,
        IEnumerable<(long Row, long Column, double Value)> entries,
        double tolerance = DefaultTolerance)
    {
        CheckStateCount(stateCount, nameof(stateCount));
        ArgumentNullException.ThrowIfNull(entries);
        CheckTolerance(tolerance);
        var buffer = new TripletBuffer((int)stateCount, entries.TryGetNonEnumeratedCount(out int count) ? count : 0);
        foreach (var (row, column, value) in entries)
        {
            if ((ulong)row >= (ulong)stateCount)
            {
                throw new ArgumentException($"Entry ({row}, {column}) has row {row} outside 0..{stateCount - 1}.", nameof(entries));
            }

            if ((ulong)column >= (ulong)stateCount)
            {
                throw new ArgumentException($"Entry ({row}, {column}) has column {column} outside 0..{stateCount - 1}.", nameof(entries));
            }

            CheckValue(row, column, value, nameof(entries));
            buffer.Add((int)row, (int)column, value);
        }

        var (rowPointers, columns, values) = buffer.ToCsr();
        return CreateValidated(rowPointers, columns, values, tolerance, nameof(entries));
    }

    /// <summary>Creates a chain from a dense n × n array Q[i, j] (row i, column j); zeros are not stored.</summary>
    /// <param name="matrix">A square, row-stochastic array with n ≥ 1.</param>
    /// <param name="tolerance">Largest accepted |Σ_j Q(i, j) − 1| of a row; finite, ≥ 0.</param>
    /// <returns>The validated chain.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="matrix"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The array is empty or not square, an entry is negative or not finite, or a
    /// row does not sum to 1 within <paramref name="tolerance"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tolerance"/> is negative or not finite.</exception>
#pragma warning disable CA1814 // a dense n × n matrix is the natural argument here
    public static SparseMarkovChain FromDense(double[,] matrix, double tolerance = DefaultTolerance)
#pragma warning restore CA1814
    {
        ArgumentNullException.ThrowIfNull(matrix);
        CheckTolerance(tolerance);
        int n = matrix.GetLength(0);
        CheckSquare(n, matrix.GetLength(1), nameof(matrix));
        long nonZeros = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double v = matrix[i, j];
                CheckValue(i, j, v, nameof(matrix));
                if (v != 0)
                {
                    nonZeros++;
                }
            }
        }

        var rowPointers = new long[n + 1];
        var columns = new int[nonZeros];
        var values = new double[nonZeros];
        long k = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double v = matrix[i, j];
                if (v != 0)
                {
                    columns[k] = j;
                    values[k] = v;
                    k++;
                }
            }

            rowPointers[i + 1] = k;
        }

        return CreateValidated(rowPointers, columns, values, tolerance, nameof(matrix));
    }

    /// <summary>
    /// Creates a chain from a MathNet.Numerics matrix. A sparse (CSR) matrix is read through its storage arrays and
    /// any other matrix through its non-zeros; a sparse input is never densified.
    /// </summary>
    /// <param name="matrix">A square, row-stochastic matrix with n ≥ 1.</param>
    /// <param name="tolerance">Largest accepted |Σ_j Q(i, j) − 1| of a row; finite, ≥ 0.</param>
    /// <returns>The validated chain.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="matrix"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The matrix is not square, an entry is negative or not finite, or a row does
    /// not sum to 1 within <paramref name="tolerance"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tolerance"/> is negative or not finite.</exception>
    public static SparseMarkovChain FromMatrix(Matrix<double> matrix, double tolerance = DefaultTolerance)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        CheckTolerance(tolerance);
        int n = matrix.RowCount;
        CheckSquare(n, matrix.ColumnCount, nameof(matrix));
        if (matrix.Storage is SparseCompressedRowMatrixStorage<double> csr)
        {
            int count = csr.ValueCount;
            var rowPointers = new long[n + 1];
            for (int i = 0; i <= n; i++)
            {
                rowPointers[i] = csr.RowPointers[i];
            }

            var columns = csr.ColumnIndices.AsSpan(0, count).ToArray();
            var values = csr.Values.AsSpan(0, count).ToArray();
            for (int i = 0; i < n; i++)
            {
                for (long k = rowPointers[i]; k < rowPointers[i + 1]; k++)
                {
                    CheckValue(i, columns[k], values[k], nameof(matrix));
                }
            }

            return CreateValidated(rowPointers, columns, values, tolerance, nameof(matrix));
        }

        var buffer = new TripletBuffer(n, 0);
        // dense (or diagonal) storage: every stored value once, in storage order; zeros are skipped by the buffer
        foreach (var entry in matrix.EnumerateIndexed(Zeros.AllowSkip))
        {
            CheckValue(entry.Item1, entry.Item2, entry.Item3, nameof(matrix));
            buffer.Add(entry.Item1, entry.Item2, entry.Item3);
        }

        var (p, c, v) = buffer.ToCsr();
        return CreateValidated(p, c, v, tolerance, nameof(matrix));
    }

    /// <summary>Canonicalises CSR arrays it owns (any column order, duplicates, zeros) and checks the row sums.</summary>
    private static SparseMarkovChain CreateValidated(
        long[] rowPointers,
        int[] columns,
        double[] values,
        double tolerance,
        string parameterName)
    {
        var (p, c, v) = Canonicalize(rowPointers, columns, values);
        long bad = FindNonStochasticRow(p, v, tolerance, out double sum);
        if (bad >= 0)
        {
            throw new ArgumentException(RowSumMessage(bad, sum, tolerance), parameterName);
        }

        return new SparseMarkovChain(p, c, v);
    }

    /// <summary>
    /// The chain of the entries collected in <paramref name="buffer"/> (already checked for range and sign), or
    /// <see langword="null"/> with the first row that is empty or does not sum to 1 within <paramref name="tolerance"/>.
    /// </summary>
    internal static SparseMarkovChain? TryCreate(TripletBuffer buffer, double tolerance, out long badRow, out double badSum)
    {
        var (rowPointers, columns, values) = buffer.ToCsr();
        var (p, c, v) = Canonicalize(rowPointers, columns, values);
        badRow = FindNonStochasticRow(p, v, tolerance, out badSum);
        return badRow >= 0 ? null : new SparseMarkovChain(p, c, v);
    }

    internal static void CheckTolerance(double tolerance, string name = "tolerance")
    {
        if (!(tolerance >= 0) || double.IsPositiveInfinity(tolerance))
        {
            throw new ArgumentOutOfRangeException(
                name,
                tolerance,
                $"The row-sum tolerance must be finite and ≥ 0; got {tolerance.ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    private static void CheckStateCount(long stateCount, string name)
    {
        if (stateCount < 1 || stateCount > MaxStateCount)
        {
            throw new ArgumentOutOfRangeException(name, stateCount, $"The state count must be in 1..{MaxStateCount}; got {stateCount}.");
        }
    }

    private static void CheckSquare(int rows, int columns, string name)
    {
        if (rows != columns)
        {
            throw new ArgumentException($"The matrix is {rows} × {columns}; a transition matrix must be square.", name);
        }

        if (rows == 0)
        {
            throw new ArgumentException("The matrix is 0 × 0; a chain needs at least one state.", name);
        }
    }

    private static void CheckValue(long row, long column, double value, string name)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException(
                $"Entry ({row}, {column}) is {value.ToString(CultureInfo.InvariantCulture)}; entries of Q must be finite and ≥ 0.",
                name);
        }

        if (value < 0)
        {
            throw new ArgumentException(
                $"Entry ({row}, {column}) has negative value {value.ToString("R", CultureInfo.InvariantCulture)}; " +
                $"entries of Q must be ≥ 0.",
                name);
        }
    }

    /// <summary>
    /// The first row whose sum (in ascending column order) is not within <paramref name="tolerance"/> of 1, or
    /// whose row is empty; −1 when every row is stochastic.
    /// </summary>
    internal static long FindNonStochasticRow(long[] rowPointers, double[] values, double tolerance, out double sum)
    {
        long n = rowPointers.LongLength - 1;
        for (long i = 0; i < n; i++)
        {
            long start = rowPointers[i], end = rowPointers[i + 1];
            double s = 0;
            for (long k = start; k < end; k++)
            {
                s += values[k];
            }

            if (end == start || !(Math.Abs(s - 1.0) <= tolerance))
            {
                sum = s;
                return i;
            }
        }

        sum = 1.0;
        return -1;
    }

    /// <summary>The message for a row that does not sum to 1.</summary>
    private static string RowSumMessage(long row, double sum, double tolerance)
    {
        var inv = CultureInfo.InvariantCulture;
        return sum == 0
            ? $"Row {row} has no non-zero entries (it sums to 0); every row of a transition matrix must sum to 1."
            : $"Row {row} sums to {sum.ToString("R", inv)} (|sum − 1| = {Math.Abs(sum - 1).ToString("G3", inv)} > " +
              $"tolerance {tolerance.ToString("G3", inv)}); every row of a transition matrix must sum to 1.";
    }

    /// <summary>
    /// Brings CSR arrays into canonical form in place: ascending columns in every row, duplicates summed in their
    /// original order, zeros dropped. Returns the (possibly shortened) arrays.
    /// </summary>
    private static (long[] RowPointers, int[] Columns, double[] Values) Canonicalize(long[] rowPointers, int[] columns, double[] values)
    {
        int n = rowPointers.Length - 1;
        long write = 0;
        long readStart = rowPointers[0];
        long[]? keys = null;
        double[]? scratch = null;
        try
        {
            for (int i = 0; i < n; i++)
            {
                long readEnd = rowPointers[i + 1];
                int length = (int)(readEnd - readStart);
                if (IsCanonicalRow(columns.AsSpan((int)readStart, length), values.AsSpan((int)readStart, length)))
                {
                    if (write != readStart)
                    {
                        Array.Copy(columns, readStart, columns, write, length);
                        Array.Copy(values, readStart, values, write, length);
                    }

                    write += length;
                }
                else
                {
                    if (keys is null || keys.Length < length)
                    {
                        ReturnScratch(keys, scratch);
                        keys = ArrayPool<long>.Shared.Rent(length);
                        scratch = ArrayPool<double>.Shared.Rent(length);
                    }

                    // key = column·2^31 + position: sorting by key is a stable sort by column
                    Span<long> rowKeys = keys.AsSpan(0, length);
                    Span<double> rowValues = scratch.AsSpan(0, length);
                    for (int k = 0; k < length; k++)
                    {
                        rowKeys[k] = ((long)columns[readStart + k] << 31) | (uint)k;
                        rowValues[k] = values[readStart + k];
                    }

                    rowKeys.Sort(rowValues);
                    int k0 = 0;
                    while (k0 < length)
                    {
                        int column = (int)(rowKeys[k0] >> 31);
                        double sum = rowValues[k0];
                        int k1 = k0 + 1;
                        while (k1 < length && (int)(rowKeys[k1] >> 31) == column)
                        {
                            sum += rowValues[k1];
                            k1++;
                        }

                        if (sum != 0)
                        {
                            columns[write] = column;
                            values[write] = sum;
                            write++;
                        }

                        k0 = k1;
                    }
                }

                readStart = readEnd;
                rowPointers[i + 1] = write;
            }
        }
        finally
        {
            ReturnScratch(keys, scratch);
        }

        if (write != columns.LongLength)
        {
            Array.Resize(ref columns, (int)write);
            Array.Resize(ref values, (int)write);
        }

        return (rowPointers, columns, values);
    }

    private static bool IsCanonicalRow(ReadOnlySpan<int> columns, ReadOnlySpan<double> values)
    {
        for (int k = 0; k < columns.Length; k++)
        {
            if (values[k] == 0 || (k > 0 && columns[k] <= columns[k - 1]))
            {
                return false;
            }
        }

        return true;
    }

    private static void ReturnScratch(long[]? keys, double[]? scratch)
    {
        if (keys is not null)
        {
            ArrayPool<long>.Shared.Return(keys);
        }

        if (scratch is not null)
        {
            ArrayPool<double>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// Collects validated (row, column, value) entries and groups them by row (a stable counting sort), ready for
    /// canonicalisation. Zero values are skipped as they are added.
    /// </summary>
    internal sealed class TripletBuffer
    {
        private readonly int _stateCount;
        private int[] _rows;
        private int[] _columns;
        private double[] _values;
        private int _count;

        internal TripletBuffer(int stateCount, long capacityHint)
        {
            _stateCount = stateCount;
            int capacity = (int)Math.Clamp(capacityHint, 16, 1 << 20);
            _rows = new int[capacity];
            _columns = new int[capacity];
            _values = new double[capacity];
        }

        /// <summary>The number of stored (non-zero) entries so far.</summary>
        internal int Count => _count;

        /// <summary>Adds Q(row, column) += value; indices must be in range and the value finite and ≥ 0.</summary>
        internal void Add(int row, int column, double value)
        {
            if (value == 0)
            {
                return;
            }

            if (_count == _rows.Length)
            {
                Grow();
            }

            _rows[_count] = row;
            _columns[_count] = column;
            _values[_count] = value;
            _count++;
        }

        /// <summary>CSR arrays grouped by row, entries of a row in input order (not yet canonical); empties the buffer.</summary>
        internal (long[] RowPointers, int[] Columns, double[] Values) ToCsr()
        {
            var rowPointers = new long[_stateCount + 1];
            for (int k = 0; k < _count; k++)
            {
                rowPointers[_rows[k] + 1]++;
            }

            for (int i = 0; i < _stateCount; i++)
            {
                rowPointers[i + 1] += rowPointers[i];
            }

            var cursor = new long[_stateCount];
            Array.Copy(rowPointers, cursor, _stateCount);
            var columns = new int[_count];
            var values = new double[_count];
            for (int k = 0; k < _count; k++)
            {
                long at = cursor[_rows[k]]++;
                columns[at] = _columns[k];
                values[at] = _values[k];
            }

            _rows = [];
            _columns = [];
            _values = [];
            _count = 0;
            return (rowPointers, columns, values);
        }

        private void Grow()
        {
            if (_rows.Length >= Array.MaxLength)
            {
                throw new InvalidOperationException($"A sparse chain holds at most {Array.MaxLength} stored entries.");
            }

            int capacity = (int)Math.Min(Array.MaxLength, 2L * _rows.Length);
            Array.Resize(ref _rows, capacity);
            Array.Resize(ref _columns, capacity);
            Array.Resize(ref _values, capacity);
        }
    }
}
