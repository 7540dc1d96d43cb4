using LlmChains.Models;

namespace LlmChains.Tests.Support;

/// <summary>
/// Q_f built by brute force from the paper's definition (Prop. 3.2): for every ordered pair (u, v) of V_K^*,
/// Q(u, v) = f_τ(u)[last token of v] when v is a successor of u by the literal generation–deletion rule,
/// 0 otherwise. Rows are stored sparsely (only the successor columns), with f_τ from <see cref="ReferenceDecoder"/>.
/// Cost O(|V_K^*|²): small chains only.
/// </summary>
internal sealed class BruteForceChain
{
    private readonly List<(int Column, double Probability)>[] _rows;

    public BruteForceChain(ILanguageModel model, DecodingOptions decoding)
    {
        States = new ReferenceStates(model.VocabularySize, model.ContextWindow);
        int n = States.Count;
        int k = model.ContextWindow;
        _rows = new List<(int, double)>[n];
        var logits = new double[model.VocabularySize];
        for (int i = 0; i < n; i++)
        {
            int[] u = States.Sequences[i];
            model.GetNextTokenLogits(u, logits);
            double[] f = ReferenceDecoder.Decode(logits, decoding);
            var row = new List<(int, double)>();
            for (int j = 0; j < n; j++)
            {
                int[] v = States.Sequences[j];
                if (ReferenceStates.IsSuccessor(u, v, k))
                {
                    row.Add((j, f[v[^1]]));
                }
            }

            _rows[i] = row;
        }
    }

    public ReferenceStates States { get; }

    public int Count => _rows.Length;

    /// <summary>The successor columns of row i with their probabilities (zeros included), ascending.</summary>
    public IReadOnlyList<(int Column, double Probability)> Row(int i) => _rows[i];

    public double this[int i, int j]
    {
        get
        {
            foreach (var (column, probability) in _rows[i])
            {
                if (column == j)
                {
                    return probability;
                }
            }

            return 0;
        }
    }

    /// <summary>y = x·Q, summing naively over rows.</summary>
    public double[] Step(IReadOnlyList<double> x)
    {
        var y = new double[_rows.Length];
        for (int i = 0; i < _rows.Length; i++)
        {
            foreach (var (column, probability) in _rows[i])
            {
                y[column] += x[i] * probability;
            }
        }

        return y;
    }
}
