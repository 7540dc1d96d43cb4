using LlmChains.Chains.Internals;
using MathNet.Numerics.LinearAlgebra.Double;
using MathNet.Numerics.LinearAlgebra.Storage;

namespace LlmChains.Chains;

/// <summary>
/// A general finite Markov chain with a row-stochastic transition matrix Q held in compressed sparse row
/// (CSR) form. Distributions are row vectors and one step is x ← x·Q, that is
/// next[j] = Σ_i distribution[i]·Q(i, j).
/// </summary>
/// <remarks>
/// <para>
/// Storage is canonical, as SciPy's COO → CSR conversion followed by <c>sum_duplicates</c> and
/// <c>eliminate_zeros</c>: <see cref="long"/> row pointers (length n + 1), <see cref="int"/> column indices
/// ascending within each row, and only strictly positive values. Duplicate entries given to a factory are
/// summed in input order; explicit zeros are dropped.
/// </para>
/// <para>
/// Every factory validates its input: Q is square with n ≥ 1 states, every entry is finite and ≥ 0, indices are
/// in range, and every row sums to 1 within the tolerance (|Σ_j Q(i, j) − 1| ≤ tolerance, the sum taken in
/// ascending column order); a row with no entries is always rejected. Bad input is an
/// <see cref="ArgumentException"/> naming the parameter and the offending row, column or value.
/// Use <see cref="MatrixMarket"/> to read and write the MatrixMarket format.
/// </para>
/// <para>
/// Instances are immutable and thread-safe. <see cref="Step"/> runs in pull form over a transposed (CSC) copy
/// built once on first use, so each next[j] is a sum in a fixed order (ascending row index): results are
/// bitwise identical for every call and every thread count.
/// </para>
/// </remarks>
public sealed partial class SparseMarkovChain : IMarkovChain, IChainFacts
{
    /// <summary>The largest number of states: the row pointers (n + 1 of them) must fit in one array.</summary>
    internal const long MaxStateCount = 0x7FFFFFC7 - 1; // Array.MaxLength − 1

    /// <summary>The largest number of non-zeros <see cref="ToMatrix"/> converts.</summary>
    internal const long MaxMatrixNonZeros = 50_000_000;

    private readonly long[] _rowPointers;
    private readonly int[] _columns;
    private readonly double[] _values;
    private readonly Lazy<Transposed> _transposed;

    /// <summary>Wraps canonical, validated CSR arrays (owned by the new instance).</summary>
    private SparseMarkovChain(long[] rowPointers, int[] columns, double[] values)
    {
        _rowPointers = rowPointers;
        _columns = columns;
        _values = values;
        StateCount = rowPointers.Length - 1;
        int max = 0;
        for (long i = 0; i < StateCount; i++)
        {
            max = Math.Max(max, (int)(rowPointers[i + 1] - rowPointers[i]));
        }

        MaxRowNonZeros = max;
        _transposed = new Lazy<Transposed>(() => Transposed.Create(_rowPointers, _columns, _values), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The number of states n.</summary>
    public long StateCount { get; }

    /// <summary>The number of stored (strictly positive) entries of Q.</summary>
    public long StoredTransitionCount => _columns.LongLength;

    IMarkovChain? IChainFacts.ClosedBlock => null;

    long IChainFacts.ClosedBlockOffset => 0;

    bool IChainFacts.KnownErgodic => false;

    bool IChainFacts.RowsValidated => true;

    long? IChainFacts.KnownNonZeroCount => StoredTransitionCount;

    /// <summary>The largest number of non-zeros in one row of Q.</summary>
    public int MaxRowNonZeros { get; }

    /// <summary>The CSR row pointers (length n + 1): row i occupies positions RowPointers[i] .. RowPointers[i + 1] − 1.</summary>
    internal ReadOnlySpan<long> RowPointers => _rowPointers;

    /// <summary>The CSR column indices, ascending within each row.</summary>
    internal ReadOnlySpan<int> Columns => _columns;

    /// <summary>The CSR values, all strictly positive.</summary>
    internal ReadOnlySpan<double> Values => _values;

    /// <summary>
    /// Writes the non-zeros of row <paramref name="state"/> of Q, ascending by column, and returns their count.
    /// </summary>
    /// <param name="state">A state index in 0..n−1.</param>
    /// <param name="columns">Destination of at least <see cref="MaxRowNonZeros"/> column indices.</param>
    /// <param name="probabilities">Destination of at least <see cref="MaxRowNonZeros"/> probabilities Q(state, column) &gt; 0.</param>
    /// <returns>The number of non-zeros written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="state"/> is outside 0..n−1.</exception>
    /// <exception cref="ArgumentException">A destination is shorter than <see cref="MaxRowNonZeros"/>.</exception>
    public int GetRow(long state, Span<long> columns, Span<double> probabilities)
    {
        ChainGuard.CheckState(state, StateCount);
        ChainGuard.CheckRowDestinations(MaxRowNonZeros, columns.Length, probabilities.Length);
        int start = (int)_rowPointers[state];
        int count = (int)(_rowPointers[state + 1] - start);
        ReadOnlySpan<int> rowColumns = _columns.AsSpan(start, count);
        for (int k = 0; k < rowColumns.Length; k++)
        {
            columns[k] = rowColumns[k];
        }

        _values.AsSpan(start, count).CopyTo(probabilities);
        return count;
    }

    /// <summary>The transition probability Q(<paramref name="from"/>, <paramref name="to"/>), 0 when the entry is not stored.</summary>
    /// <remarks>A binary search in row <paramref name="from"/>: O(log MaxRowNonZeros).</remarks>
    /// <param name="from">The current state, in 0..n−1.</param>
    /// <param name="to">The next state, in 0..n−1.</param>
    /// <returns>P(X_{t+1} = to | X_t = from).</returns>
    /// <exception cref="ArgumentOutOfRangeException">A state index is outside 0..n−1.</exception>
    public double GetTransitionProbability(long from, long to)
    {
        ChainGuard.CheckState(from, StateCount, nameof(from));
        ChainGuard.CheckState(to, StateCount, nameof(to));
        int start = (int)_rowPointers[from];
        int count = (int)(_rowPointers[from + 1] - start);
        int k = Array.BinarySearch(_columns, start, count, (int)to);
        return k >= 0 ? _values[k] : 0.0;
    }

    /// <summary>Copies Q into a new MathNet.Numerics <see cref="SparseMatrix"/> (n × n, CSR storage, no densification).</summary>
    /// <returns>A sparse matrix equal to Q, independent of this chain.</returns>
    /// <exception cref="InvalidOperationException">
    /// n exceeds <see cref="int.MaxValue"/> or Q has more than 50,000,000 non-zeros (MathNet's <see cref="int"/>-indexed
    /// storage and its memory use make larger copies impractical).
    /// </exception>
    public SparseMatrix ToMatrix()
    {
        if (StateCount > int.MaxValue)
        {
            throw new InvalidOperationException($"The chain has {StateCount} states; a MathNet SparseMatrix holds at most {int.MaxValue} rows.");
        }

        if (StoredTransitionCount > MaxMatrixNonZeros)
        {
            throw new InvalidOperationException($"The chain has {StoredTransitionCount} non-zeros; ToMatrix converts at most {MaxMatrixNonZeros:N0} (about {StoredTransitionCount * 12L / (1 << 20)} MiB would be copied into MathNet's storage). Work with the chain through IMarkovChain instead.");
        }

        int n = (int)StateCount;
        var rowPointers = new int[n + 1];
        for (int i = 0; i <= n; i++)
        {
            rowPointers[i] = (int)_rowPointers[i];
        }

        var storage = SparseCompressedRowMatrixStorage<double>.OfCompressedSparseRowFormat(n, n, _columns.Length, rowPointers, _columns, _values);
        return new SparseMatrix(storage);
    }
}
