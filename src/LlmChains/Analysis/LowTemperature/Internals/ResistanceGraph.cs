namespace LlmChains.Analysis.LowTemperature.Internals;

/// <summary>
/// The state graph of a regularly perturbed chain: for each state its edges of finite resistance. The graph is
/// implicit where it can be (a language model's full-length block: the T successors of a state are consecutive
/// indices), so nothing of size "edges" beyond the resistances themselves is ever materialised.
/// </summary>
internal abstract class ResistanceGraph
{
    internal abstract int StateCount { get; }

    internal abstract int MaxOutDegree { get; }

    /// <summary>Writes the finite-resistance edges of <paramref name="state"/> and returns their count.</summary>
    internal abstract int GetEdges(int state, Span<int> targets, Span<double> resistances);
}

/// <summary>A <see cref="ResistanceMatrix"/> as a graph.</summary>
internal sealed class MatrixResistanceGraph(ResistanceMatrix matrix) : ResistanceGraph
{
    private readonly long[] _rowPointers = matrix.RowPointers;
    private readonly int[] _columns = matrix.Columns;
    private readonly double[] _resistances = matrix.Resistances;

    internal override int StateCount { get; } = (int)matrix.StateCount;

    internal override int MaxOutDegree { get; } = matrix.MaxRowNonZeros;

    internal override int GetEdges(int state, Span<int> targets, Span<double> resistances)
    {
        int start = (int)_rowPointers[state];
        int count = (int)_rowPointers[state + 1] - start;
        _columns.AsSpan(start, count).CopyTo(targets);
        _resistances.AsSpan(start, count).CopyTo(resistances);
        return count;
    }
}

/// <summary>
/// The full-length block of a language model's chain (the T^K states of length K, index c = base-T code): state c
/// emits token a and moves to (c mod T^{K−1})·T + a. Shorter states are transient and never reached from a loop, so
/// the resistances between loops live entirely in this block. Resistances are stored as float32, one per (state,
/// token), +∞ for a token removed by top-k or with logit −∞.
/// </summary>
internal sealed class TableResistanceGraph : ResistanceGraph
{
    private readonly float[] _resistances;
    private readonly int _tokens;
    private readonly long _suffixCount;

    internal TableResistanceGraph(float[] resistances, int vocabularySize, long suffixCount, int stateCount)
    {
        _resistances = resistances;
        _tokens = vocabularySize;
        _suffixCount = suffixCount;
        StateCount = stateCount;
    }

    internal override int StateCount { get; }

    internal override int MaxOutDegree => _tokens;

    internal float[] Table => _resistances;

    internal override int GetEdges(int state, Span<int> targets, Span<double> resistances)
    {
        int first = (int)(state % _suffixCount * _tokens);
        long row = (long)state * _tokens;
        int count = 0;
        for (int a = 0; a < _tokens; a++)
        {
            float r = _resistances[row + a];
            if (float.IsPositiveInfinity(r))
            {
                continue;
            }

            targets[count] = first + a;
            resistances[count] = r;
            count++;
        }

        return count;
    }
}
