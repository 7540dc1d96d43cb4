using LlmChains.Bounds.Internals;

namespace LlmChains.Bounds;

/// <summary>
/// The architecture sizes and weight-norm bounds of the stricter parameter class W̃ of Cor. E.3 (transformer without
/// LayerNorm): for every layer ‖W_V‖_∞ ≤ B_V, ‖W_O‖_∞ ≤ B_O, ‖W_1‖_∞ ≤ B_1, ‖W_2‖_∞ ≤ B_2 (‖·‖_∞ is the
/// largest absolute entry), every input token has ℓ1 norm ≤ B_tok, and ‖W_U^⊤‖_{2,1} ≤ B_U.
/// </summary>
/// <param name="EmbeddingDimension">The embedding dimension r ≥ 1.</param>
/// <param name="FeedForwardWidth">The MLP width m ≥ 1.</param>
/// <param name="HeadCount">The number of attention heads H ≥ 1.</param>
/// <param name="LayerCount">The number of layers L ≥ 1.</param>
/// <param name="FeedForwardInputNorm">B_1 ≥ max |W_1 entry| (W_1 ∈ R^{m×r}), finite and ≥ 0.</param>
/// <param name="FeedForwardOutputNorm">B_2 ≥ max |W_2 entry| (W_2 ∈ R^{r×m}), finite and ≥ 0.</param>
/// <param name="AttentionOutputNorm">B_O ≥ max |W_O entry|, finite and ≥ 0.</param>
/// <param name="AttentionValueNorm">B_V ≥ max |W_V entry|, finite and ≥ 0.</param>
/// <param name="TokenNorm">B_tok ≥ the ℓ1 norm of every input token, finite and ≥ 0.</param>
/// <param name="UnembeddingNorm">B_U ≥ ‖W_U^⊤‖_{2,1}, finite and ≥ 0.</param>
public readonly record struct TransformerNormBounds(
    int EmbeddingDimension,
    int FeedForwardWidth,
    int HeadCount,
    int LayerCount,
    double FeedForwardInputNorm,
    double FeedForwardOutputNorm,
    double AttentionOutputNorm,
    double AttentionValueNorm,
    double TokenNorm,
    double UnembeddingNorm)
{
    /// <summary>
    /// The per-layer growth factor (1 + r·m·B_1·B_2)·(1 + (r³/H)·B_O·B_V) of ‖S^(ℓ)‖_{1,1} (Lemmas F.12–F.15).
    /// </summary>
    public double LayerFactor
        => (1 + ((double)EmbeddingDimension * FeedForwardWidth * FeedForwardInputNorm * FeedForwardOutputNorm))
         * (1 + ((double)EmbeddingDimension * EmbeddingDimension * EmbeddingDimension / HeadCount
            * AttentionOutputNorm * AttentionValueNorm));

    /// <summary>Checks every field; the exception names the field and the value.</summary>
    /// <exception cref="ArgumentException">A size &lt; 1, or a norm negative, NaN or infinite.</exception>
    public void Validate()
    {
        BoundGuard.Count(EmbeddingDimension, nameof(EmbeddingDimension), "embedding dimension r");
        BoundGuard.Count(FeedForwardWidth, nameof(FeedForwardWidth), "MLP width m");
        BoundGuard.Count(HeadCount, nameof(HeadCount), "number of heads H");
        BoundGuard.Count(LayerCount, nameof(LayerCount), "number of layers L");
        BoundGuard.NonNegative(FeedForwardInputNorm, nameof(FeedForwardInputNorm), "MLP input-weight norm B_1");
        BoundGuard.NonNegative(FeedForwardOutputNorm, nameof(FeedForwardOutputNorm), "MLP output-weight norm B_2");
        BoundGuard.NonNegative(AttentionOutputNorm, nameof(AttentionOutputNorm), "attention output-weight norm B_O");
        BoundGuard.NonNegative(AttentionValueNorm, nameof(AttentionValueNorm), "attention value-weight norm B_V");
        BoundGuard.NonNegative(TokenNorm, nameof(TokenNorm), "token ℓ1 norm B_tok");
        BoundGuard.NonNegative(UnembeddingNorm, nameof(UnembeddingNorm), "unembedding norm B_U");
    }
}
