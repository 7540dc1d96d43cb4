using LlmChains.Models.Internals;

namespace LlmChains.Models;

/// <summary>
/// A model that ignores its context: f(v) = q for every state v. Its logits are log q (−∞ where q is 0), so at
/// τ = 1 without truncation the chain's rows are exactly q; then Q_f^K = eπ exactly and ε = (min_x q_x)^K.
/// </summary>
public sealed class ContextFreeModel : ILanguageModel
{
    private readonly double[] _logits;

    /// <summary>Creates the model from a probability vector q (non-negative, summing to 1 within 1e−9).</summary>
    /// <param name="distribution">q, of length T ≥ 1.</param>
    /// <param name="contextWindow">K ≥ 1.</param>
    public ContextFreeModel(ReadOnlySpan<double> distribution, int contextWindow)
    {
        ModelGuard.CheckSizes(distribution.Length, contextWindow, nameof(distribution));
        double sum = 0;
        for (int i = 0; i < distribution.Length; i++)
        {
            double q = distribution[i];
            if (!(q >= 0) || double.IsInfinity(q))
            {
                throw new ArgumentException($"distribution[{i}] = {q}; probabilities must be finite and ≥ 0.", nameof(distribution));
            }

            sum += q;
        }

        if (Math.Abs(sum - 1) > 1e-9)
        {
            throw new ArgumentException($"The distribution sums to {sum:R}, not 1 (tolerance 1e-9).", nameof(distribution));
        }

        Distribution = distribution.ToArray();
        _logits = new double[distribution.Length];
        for (int i = 0; i < _logits.Length; i++)
        {
            _logits[i] = Math.Log(distribution[i]);
        }

        ContextWindow = contextWindow;
    }

    /// <summary>The fixed next-token distribution q.</summary>
    public IReadOnlyList<double> Distribution { get; }

    /// <inheritdoc/>
    public int VocabularySize => _logits.Length;

    /// <inheritdoc/>
    public int ContextWindow { get; }

    /// <inheritdoc/>
    public void GetNextTokenLogits(ReadOnlySpan<int> context, Span<double> logits)
    {
        ModelGuard.CheckCall(context, logits, VocabularySize, ContextWindow);
        _logits.CopyTo(logits);
    }
}
