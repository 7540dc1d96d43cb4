using LlmChains.Chains;

namespace LlmChains.Analysis.LowTemperature.Internals;

/// <summary>
/// The τ → 0 limit of sampling as an <see cref="IMarkovChain"/>: from each state, uniform over its zero-resistance
/// edges (ties split evenly, unlike the τ = 0 decoder which gives a tie to the lowest token id). Used to classify the
/// zero-resistance chain with <see cref="Spectral.ChainStructure"/> when there are ties, and for the limit
/// distribution inside a loop.
/// </summary>
internal sealed class ZeroResistanceChain : IMarkovChain
{
    private readonly ResistanceGraph _graph;

    internal ZeroResistanceChain(ResistanceGraph graph)
    {
        _graph = graph;
    }

    public long StateCount => _graph.StateCount;

    public int MaxRowNonZeros => _graph.MaxOutDegree;

    public int GetRow(long state, Span<long> columns, Span<double> probabilities)
    {
        int width = _graph.MaxOutDegree;
        Span<int> targets = width <= 256 ? stackalloc int[width] : new int[width];
        Span<double> costs = width <= 256 ? stackalloc double[width] : new double[width];
        int count = _graph.GetEdges((int)state, targets, costs);
        int zeros = 0;
        for (int e = 0; e < count; e++)
        {
            if (costs[e] == 0)
            {
                columns[zeros++] = targets[e];
            }
        }

        probabilities[..zeros].Fill(1.0 / zeros);
        return zeros;
    }

    public void Step(ReadOnlySpan<double> distribution, Span<double> next)
    {
        int width = Math.Max(1, _graph.MaxOutDegree);
        var columns = new long[width];
        var probabilities = new double[width];
        next.Clear();
        for (int s = 0; s < _graph.StateCount; s++)
        {
            double x = distribution[s];
            if (x == 0)
            {
                continue;
            }

            int count = GetRow(s, columns, probabilities);
            for (int e = 0; e < count; e++)
            {
                next[(int)columns[e]] += x * probabilities[e];
            }
        }
    }
}
