using LlmChains.Models.Internals;

namespace LlmChains.Models;

/// <summary>
/// A d-state Markov chain seen as a language model with T = d and K = 1: the logits after token x are
/// log P(x, ·) (−∞ where P is 0), so at τ = 1 without truncation the chain Q_f equals P.
/// </summary>
public sealed class MarkovSourceModel : ILanguageModel
{
    private readonly double[,] _logits;

    /// <summary>Creates the model from a row-stochastic matrix (rows sum to 1 within <paramref name="tolerance"/>).</summary>
    /// <param name="transitionMatrix">P, d × d with d ≥ 1, entries finite and ≥ 0.</param>
    /// <param name="tolerance">Largest accepted |row sum − 1| (default 1e−9).</param>
    public MarkovSourceModel(double[,] transitionMatrix, double tolerance = 1e-9)
    {
        ArgumentNullException.ThrowIfNull(transitionMatrix);
        if (!(tolerance >= 0) || double.IsInfinity(tolerance))
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, $"tolerance must be finite and ≥ 0; got {tolerance}.");
        }

        int d = transitionMatrix.GetLength(0);
        if (d < 1 || transitionMatrix.GetLength(1) != d)
        {
            throw new ArgumentException(
                $"The transition matrix must be square and non-empty; it is {d} × {transitionMatrix.GetLength(1)}.",
                nameof(transitionMatrix));
        }

        _logits = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            double sum = 0;
            for (int j = 0; j < d; j++)
            {
                double p = transitionMatrix[i, j];
                if (!(p >= 0) || double.IsInfinity(p))
                {
                    throw new ArgumentException(
                        $"Entry ({i}, {j}) is {p}; transition probabilities must be finite and ≥ 0.",
                        nameof(transitionMatrix));
                }

                sum += p;
                _logits[i, j] = Math.Log(p);
            }

            if (Math.Abs(sum - 1) > tolerance)
            {
                throw new ArgumentException($"Row {i} sums to {sum:R}, not 1 (tolerance {tolerance:G3}).", nameof(transitionMatrix));
            }
        }
    }

    /// <inheritdoc/>
    public int VocabularySize => _logits.GetLength(0);

    /// <inheritdoc/>
    public int ContextWindow => 1;

    /// <inheritdoc/>
    public void GetNextTokenLogits(ReadOnlySpan<int> context, Span<double> logits)
    {
        ModelGuard.CheckCall(context, logits, VocabularySize, 1);
        int row = context[0];
        for (int j = 0; j < logits.Length; j++)
        {
            logits[j] = _logits[row, j];
        }
    }
}
