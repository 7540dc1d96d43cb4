using LlmChains.Models.Internals;

namespace LlmChains.Models;

/// <summary>The uniform model: every context gets the same logits (all zero), so f(v) is uniform on V
/// (at τ &gt; 0 then Qⁿ = eπ exactly for n ≥ K, π uniform on the full-length states).</summary>
public sealed class UniformModel : ILanguageModel
{
    /// <summary>Creates the uniform model on T tokens with context window K.</summary>
    /// <param name="vocabularySize">T ≥ 1.</param>
    /// <param name="contextWindow">K ≥ 1.</param>
    public UniformModel(int vocabularySize, int contextWindow)
    {
        ModelGuard.CheckSizes(vocabularySize, contextWindow);
        VocabularySize = vocabularySize;
        ContextWindow = contextWindow;
    }

    /// <inheritdoc/>
    public int VocabularySize { get; }

    /// <inheritdoc/>
    public int ContextWindow { get; }

    /// <inheritdoc/>
    public void GetNextTokenLogits(ReadOnlySpan<int> context, Span<double> logits)
    {
        ModelGuard.CheckCall(context, logits, VocabularySize, ContextWindow);
        logits.Clear();
    }
}
