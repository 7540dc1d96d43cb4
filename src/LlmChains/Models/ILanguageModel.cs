namespace LlmChains.Models;

/// <summary>
/// A generic autoregressive language model f : V_K^* → Δ(V) (paper-spec §1.1): given a context of
/// 1 to <see cref="ContextWindow"/> token ids it produces one logit per vocabulary token.
/// </summary>
/// <remarks>
/// Tokens are the integers 0..T−1. Logits may be −∞ (probability 0 under every decoding setting) but
/// never NaN or +∞. Implementations used by <see cref="Chains.LanguageModelChain"/> are called from
/// several threads at once unless the build options restrict parallelism to one thread; a model that
/// is not safe for concurrent calls should say so in its documentation.
/// </remarks>
public interface ILanguageModel
{
    /// <summary>The vocabulary size T (number of distinct tokens), at least 1.</summary>
    int VocabularySize { get; }

    /// <summary>The context window K: the largest number of tokens the model reads, at least 1.</summary>
    int ContextWindow { get; }

    /// <summary>Writes the next-token logits z(context) ∈ R^T into <paramref name="logits"/>.</summary>
    /// <param name="context">The context, oldest token first; 1 ≤ length ≤ K, tokens in 0..T−1.</param>
    /// <param name="logits">Destination of length T.</param>
    void GetNextTokenLogits(ReadOnlySpan<int> context, Span<double> logits);
}
