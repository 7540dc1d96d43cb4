using System.Globalization;
using System.Text;
using LlmChains.Analysis.LowTemperature.Internals;
using LlmChains.Chains;
using LlmChains.Internals;

namespace LlmChains.Analysis.LowTemperature;

/// <summary>
/// A chain given by its resistances (costs) r(i → j) ≥ 0 rather than by probabilities: the family of chains
/// p_τ(i, j) = exp(−r(i, j)/τ) / Σ_k exp(−r(i, k)/τ) over the stored edges, for every temperature τ &gt; 0 (a regularly
/// perturbed Markov chain in the sense of Young 1993). A stored 0 is an edge of the zero-resistance (τ → 0) chain; an
/// absent entry is no edge at any τ.
/// </summary>
/// <remarks>
/// <para>This is the input of
/// <see cref="LowTemperatureAnalysis.Analyze(ResistanceMatrix, LowTemperatureOptions?, IProgress{Progress}?, CancellationToken)"/>
/// for chains that are not language models. It is not an <see cref="IMarkovChain"/> (its rows are costs, not
/// probabilities); <see cref="AtTemperature"/> gives the chain at a temperature.</para>
/// <para>Each row is normalised on input so that its smallest resistance is 0 (r(i, ·) − min_k r(i, k)): the
/// probabilities at every τ are unchanged by that shift, and the zero-resistance chain is then defined on every row.
/// A language model's resistances are its logit gaps max_b z_b(v) − z_a(v), already of this form.</para>
/// </remarks>
public sealed class ResistanceMatrix
{
    private readonly long[] _rowPointers;
    private readonly int[] _columns;
    private readonly double[] _resistances;

    private ResistanceMatrix(long[] rowPointers, int[] columns, double[] resistances)
    {
        _rowPointers = rowPointers;
        _columns = columns;
        _resistances = resistances;
        int width = 0;
        for (int i = 0; i + 1 < rowPointers.Length; i++)
        {
            width = Math.Max(width, (int)(rowPointers[i + 1] - rowPointers[i]));
        }

        MaxRowNonZeros = width;
    }

    /// <summary>The number of states n.</summary>
    public long StateCount => _rowPointers.Length - 1;

    /// <summary>The number of stored edges (finite resistances).</summary>
    public long EdgeCount => _columns.Length;

    /// <summary>The largest number of edges out of one state.</summary>
    public int MaxRowNonZeros { get; }

    internal long[] RowPointers => _rowPointers;

    internal int[] Columns => _columns;

    internal double[] Resistances => _resistances;

    /// <summary>Writes the edges of <paramref name="state"/> (targets ascending) and returns their count.</summary>
    /// <param name="state">0..n−1.</param>
    /// <param name="targets">Destination of at least <see cref="MaxRowNonZeros"/> entries.</param>
    /// <param name="resistances">Destination of the same length: the (row-normalised) resistances.</param>
    /// <returns>The number of edges written.</returns>
    public int GetRow(long state, Span<long> targets, Span<double> resistances)
    {
        if (state < 0 || state >= StateCount)
        {
            throw Invalid.OutOfRange(string.Create(CultureInfo.InvariantCulture, $"state must lie in 0..{StateCount - 1}; got {state}."));
        }

        int start = (int)_rowPointers[state];
        int count = (int)(_rowPointers[state + 1] - start);
        if (targets.Length < count || resistances.Length < count)
        {
            throw Invalid.Argument(
                string.Create(CultureInfo.InvariantCulture, $"The destinations hold {Math.Min(targets.Length, resistances.Length)} ") +
                string.Create(CultureInfo.InvariantCulture, $"entries but state {state} has {count} edges."));
        }

        for (int e = 0; e < count; e++)
        {
            targets[e] = _columns[start + e];
            resistances[e] = _resistances[start + e];
        }

        return count;
    }

    /// <summary>
    /// The chain at temperature τ: p_τ(i, j) = exp(−r(i, j)/τ) / Σ_k exp(−r(i, k)/τ), computed with the row minimum 0
    /// as the log-sum-exp shift (no overflow; probabilities below the double range become 0 and the edge is dropped).
    /// </summary>
    /// <param name="temperature">τ &gt; 0, finite.</param>
    /// <returns>The row-stochastic chain.</returns>
    public SparseMarkovChain AtTemperature(double temperature)
    {
        if (!(temperature > 0) || double.IsInfinity(temperature))
        {
            throw Invalid.OutOfRange($"temperature must be a finite number > 0; got {Invalid.Format(temperature)}.");
        }

        int n = (int)StateCount;
        var triplets = new List<(long Row, long Column, double Value)>(_columns.Length);
        for (int i = 0; i < n; i++)
        {
            int start = (int)_rowPointers[i];
            int end = (int)_rowPointers[i + 1];
            double sum = 0;
            for (int e = start; e < end; e++)
            {
                sum += Math.Exp(-_resistances[e] / temperature);
            }

            for (int e = start; e < end; e++)
            {
                double p = Math.Exp(-_resistances[e] / temperature) / sum;
                if (p > 0)
                {
                    triplets.Add((i, _columns[e], p));
                }
            }
        }

        return SparseMarkovChain.FromTriplets(n, triplets);
    }

    /// <summary>Creates the matrix from its edges.</summary>
    /// <param name="stateCount">n ≥ 1 (at most <see cref="int.MaxValue"/> − 1).</param>
    /// <param name="edges">The edges (from, to, r) with 0-based states and r finite and ≥ 0; each (from, to) at most once.</param>
    /// <returns>The matrix, each row shifted so that its minimum is 0.</returns>
    /// <exception cref="ArgumentException">A state out of range, a negative, NaN or infinite resistance, a duplicate
    /// edge, or a state without edges.</exception>
    public static ResistanceMatrix FromEdges(long stateCount, IEnumerable<(long From, long To, double Resistance)> edges)
    {
        ArgumentNullException.ThrowIfNull(edges);
        if (stateCount < 1 || stateCount >= int.MaxValue)
        {
            throw Invalid.OutOfRange(
                string.Create(CultureInfo.InvariantCulture, $"stateCount must lie in 1..{int.MaxValue - 1}; got {stateCount}."));
        }

        var list = new List<(long From, long To, double Resistance)>();
        foreach (var edge in edges)
        {
            string? problem = CheckEdge(stateCount, edge.From, edge.To, edge.Resistance);
            if (problem is not null)
            {
                throw Invalid.Argument(problem);
            }

            list.Add(edge);
        }

        return Create(stateCount, list, source: null);
    }

    /// <summary>Creates the matrix from a dense n×n array in which +∞ means "no edge".</summary>
    /// <param name="resistances">r(i, j) ≥ 0, or +∞ for no edge; NaN and −∞ are rejected.</param>
    /// <returns>The matrix, each row shifted so that its minimum is 0.</returns>
    public static ResistanceMatrix FromDense(double[,] resistances)
    {
        ArgumentNullException.ThrowIfNull(resistances);
        int n = resistances.GetLength(0);
        if (n != resistances.GetLength(1) || n == 0)
        {
            throw Invalid.Argument(
                string.Create(CultureInfo.InvariantCulture, $"resistances must be a non-empty square array; got ") +
                string.Create(CultureInfo.InvariantCulture, $"{n}×{resistances.GetLength(1)}."));
        }

        var edges = new List<(long, long, double)>();
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double r = resistances[i, j];
                if (double.IsPositiveInfinity(r))
                {
                    continue;
                }

                edges.Add((i, j, r));
            }
        }

        return FromEdges(n, edges);
    }

    /// <summary>
    /// Reads a resistance (cost) matrix in MatrixMarket coordinate format (<c>%%MatrixMarket matrix coordinate real|integer general</c>,
    /// 1-based indices, invariant culture): entry (i, j) = r(i → j) ≥ 0; an explicit stored 0 is a greedy
    /// (zero-resistance) edge and is kept; an absent entry is no edge. Duplicate entries are an error (costs do not add).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>The matrix, each row shifted so that its minimum is 0.</returns>
    /// <exception cref="InvalidDataException">The file is not such a matrix; the message names the line.</exception>
    public static ResistanceMatrix ReadMatrixMarket(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return ReadMatrixMarket(reader, path);
    }

    /// <summary>Reads a resistance matrix in MatrixMarket coordinate format from a reader (see
    /// <see cref="ReadMatrixMarket(string)"/>).</summary>
    /// <param name="reader">The text.</param>
    /// <param name="sourceName">The name used in error messages.</param>
    /// <returns>The matrix, each row shifted so that its minimum is 0.</returns>
    public static ResistanceMatrix ReadMatrixMarket(TextReader reader, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sourceName);
        var (n, edges) = CostMatrixReader.Read(reader, sourceName);
        return Create(n, edges, sourceName);
    }

    internal static string? CheckEdge(long n, long from, long to, double r)
    {
        if (from < 0 || from >= n || to < 0 || to >= n)
        {
            return string.Create(CultureInfo.InvariantCulture, $"Edge ({from}, {to}) has a state outside 0..{n - 1}.");
        }

        if (!(r >= 0) || double.IsInfinity(r))
        {
            return string.Create(CultureInfo.InvariantCulture, $"Edge ({from}, {to}) has resistance {Invalid.Format(r)}; resistances ") +
                string.Create(CultureInfo.InvariantCulture, $"must be finite and ≥ 0 (leave an edge out for 'no edge').");
        }

        return null;
    }

    private static ResistanceMatrix Create(long stateCount, List<(long From, long To, double Resistance)> edges, string? source)
    {
        int n = (int)stateCount;
        edges.Sort((a, b) => a.From != b.From ? a.From.CompareTo(b.From) : a.To.CompareTo(b.To));
        var rowPointers = new long[n + 1];
        var columns = new int[edges.Count];
        var values = new double[edges.Count];
        string prefix = source is null ? string.Empty : source + ": ";
        for (int e = 0; e < edges.Count; e++)
        {
            var (from, to, r) = edges[e];
            if (e > 0 && edges[e - 1].From == from && edges[e - 1].To == to)
            {
                string message = string.Create(CultureInfo.InvariantCulture, $"{prefix}edge ({from}, {to}) is given twice; each ") +
                    string.Create(CultureInfo.InvariantCulture, $"resistance must be given once.");
                throw source is null ? Invalid.Argument(message) : new InvalidDataException(message);
            }

            rowPointers[from + 1]++;
            columns[e] = (int)to;
            values[e] = r;
        }

        for (int i = 0; i < n; i++)
        {
            rowPointers[i + 1] += rowPointers[i];
            int start = (int)rowPointers[i];
            int end = (int)rowPointers[i + 1];
            if (start == end)
            {
                string message = string.Create(CultureInfo.InvariantCulture, $"{prefix}state {i} has no edges; every state needs at ") +
                    string.Create(CultureInfo.InvariantCulture, $"least one (a self-loop of resistance 0 makes it absorbing).");
                throw source is null ? Invalid.Argument(message) : new InvalidDataException(message);
            }

            double min = double.PositiveInfinity;
            for (int e = start; e < end; e++)
            {
                min = Math.Min(min, values[e]);
            }

            for (int e = start; e < end; e++)
            {
                values[e] -= min;
            }
        }

        return new ResistanceMatrix(rowPointers, columns, values);
    }
}
