using System.Globalization;
using LlmChains.Bounds;

namespace LlmChains.Gguf;

/// <summary>
/// The bound constants of the paper computed exactly from a model's weights: the unembedding norm
/// B_U = ‖W_Uᵀ‖_{2,1} = Σ_tokens ‖row_i(W_U)‖₂ (the bounded-unembedding assumption of App. B.2; Theorem 4.2 uses it
/// through log T + 2B_U/τ) and the per-layer max-abs norms of Cor. E.3.
/// </summary>
/// <remarks>
/// W_U is the tensor <c>output.weight</c> (GGML dimensions [r, T]: one row of r values per token), or
/// <c>token_embd.weight</c> when the file has no output tensor (tied embeddings, e.g. Gemma). Rows are dequantized to
/// float32 and accumulated in float64, so the value is the exact norm of the stored (quantized) weights up to rounding.
/// Model-specific scalings outside the weights (Gemma's √r embedding scale, final logit soft-capping) are not included.
/// </remarks>
public static class GgufNorms
{
    private const int ChunkFloats = 1 << 18;

    /// <summary>
    /// Computes B_U = ‖W_Uᵀ‖_{2,1} = Σ_i ‖row_i(W_U)‖₂ over the whole vocabulary, or, given token ids,
    /// Σ_{i ∈ tokens} ‖row_i(W_U)‖₂, the unembedding norm ‖(M W_U)ᵀ‖_{2,1} of the model restricted to a
    /// sub-vocabulary (M selects the rows as in the paper's setting of Thm. 4.3; it is at most the full B_U by Lemma
    /// F.19) — the B_U of the chain on those T tokens.
    /// </summary>
    /// <param name="file">A GGUF model file.</param>
    /// <param name="tokenIds">Token ids of the sub-vocabulary; <see langword="null"/> for every token.</param>
    /// <param name="cancellationToken">Cancels the computation.</param>
    /// <returns>The norm and where it came from.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside the tensor's rows.</exception>
    /// <exception cref="GgufFormatException">The file has neither <c>output.weight</c> nor <c>token_embd.weight</c>.</exception>
    /// <exception cref="NotSupportedException">The tensor's type cannot be dequantized.</exception>
    public static GgufUnembeddingNorm UnembeddingNorm(
        GgufFile file,
        IReadOnlyList<int>? tokenIds = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        var output = file.FindTensor("output.weight");
        bool tied = output is null;
        var tensor = output ?? file.FindTensor("token_embd.weight")
            ?? throw new GgufFormatException(
                "The file has neither output.weight nor token_embd.weight, so it has no unembedding matrix W_U.");
        long width = tensor.RowLength;
        if (width == 0 || width > ChunkFloats)
        {
            throw new GgufFormatException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Tensor {tensor.Name} has rows of {width} values; 1 to {ChunkFloats} are supported."));
        }

        double sum = 0;
        long count;
        float[] buffer = new float[Math.Max(1, Math.Min(ChunkFloats / width, tensor.RowCount)) * width];
        if (tokenIds is null)
        {
            count = tensor.RowCount;
            int rowsPerChunk = (int)(buffer.Length / width);
            for (long row = 0; row < count; row += rowsPerChunk)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int rows = (int)Math.Min(rowsPerChunk, count - row);
                Span<float> chunk = buffer.AsSpan(0, (int)(rows * width));
                file.ReadRows(tensor, row, chunk);
                for (int r = 0; r < rows; r++)
                {
                    sum += Norm2(chunk.Slice((int)(r * width), (int)width));
                }
            }
        }
        else
        {
            count = tokenIds.Count;
            Span<float> row = buffer.AsSpan(0, (int)width);
            foreach (int id in tokenIds)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (id < 0 || id >= tensor.RowCount)
                {
                    throw new ArgumentOutOfRangeException(
                        nameof(tokenIds),
                        id,
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"Token id {id} is outside the {tensor.RowCount} rows of {tensor.Name}."));
                }

                file.ReadRows(tensor, id, row);
                sum += Norm2(row);
            }
        }

        return new GgufUnembeddingNorm(sum, tensor.Name, tied, count, width);
    }

    /// <summary>
    /// Computes the weight norms of Cor. E.3 from the file: per layer the largest absolute entry of W_V
    /// (<c>attn_v</c>), W_O (<c>attn_output</c>), W_1 (<c>ffn_up</c> and, for gated MLPs, <c>ffn_gate</c>) and W_2
    /// (<c>ffn_down</c>); B_tok, the largest ℓ1 norm of a token embedding (a row of <c>token_embd.weight</c>); and B_U.
    /// </summary>
    /// <param name="file">A GGUF model file.</param>
    /// <param name="cancellationToken">Cancels the computation.</param>
    /// <returns>The norms; a tensor the file lacks (e.g. fused <c>attn_qkv</c>) gives <see langword="null"/> for that entry.</returns>
    /// <exception cref="GgufFormatException">The file lacks the unembedding or the block count.</exception>
    /// <exception cref="NotSupportedException">A tensor's type cannot be dequantized.</exception>
    public static GgufWeightNorms WeightNorms(GgufFile file, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        long layerCount = file.BlockCount ?? throw new GgufFormatException(
            "The file has no {arch}.block_count, so its layers are unknown.");
        if (layerCount > 100_000)
        {
            throw new GgufFormatException(string.Create(CultureInfo.InvariantCulture, $"The file claims {layerCount} layers."));
        }

        var layers = new GgufLayerNorms[layerCount];
        for (int l = 0; l < layerCount; l++)
        {
            double? up = MaxAbs(file, $"blk.{l}.ffn_up.weight", cancellationToken);
            double? gate = MaxAbs(file, $"blk.{l}.ffn_gate.weight", cancellationToken);
            layers[l] = new GgufLayerNorms(
                l,
                MaxAbs(file, $"blk.{l}.attn_v.weight", cancellationToken),
                MaxAbs(file, $"blk.{l}.attn_output.weight", cancellationToken),
                up is null && gate is null ? null : Math.Max(up ?? 0, gate ?? 0),
                MaxAbs(file, $"blk.{l}.ffn_down.weight", cancellationToken));
        }

        double? tokenNorm = null;
        if (file.FindTensor("token_embd.weight") is { } embedding && embedding.RowLength is > 0 and <= ChunkFloats)
        {
            tokenNorm = ReduceRows(
                embedding,
                file,
                static row => (double)System.Numerics.Tensors.TensorPrimitives.SumOfMagnitudes(row),
                cancellationToken);
        }

        return new GgufWeightNorms(file, layers, tokenNorm, UnembeddingNorm(file, null, cancellationToken));
    }

    private static double? MaxAbs(GgufFile file, string name, CancellationToken cancellationToken)
    {
        if (file.FindTensor(name) is not { } tensor || tensor.RowLength is 0 or > ChunkFloats)
        {
            return null;
        }

        return ReduceRows(
            tensor,
            file,
            static row => row.IsEmpty ? 0 : System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(row) is var m ? Math.Abs((double)m) : 0,
            cancellationToken);
    }

    private delegate double RowReducer(ReadOnlySpan<float> row);

    /// <summary>The largest value of <paramref name="reduce"/> over the rows of a tensor (NaN propagates).</summary>
    private static double ReduceRows(GgufTensorInfo tensor, GgufFile file, RowReducer reduce, CancellationToken cancellationToken)
    {
        long width = tensor.RowLength;
        float[] buffer = new float[Math.Max(1, Math.Min(ChunkFloats / width, tensor.RowCount)) * width];
        int rowsPerChunk = (int)(buffer.Length / width);
        double max = 0;
        for (long row = 0; row < tensor.RowCount; row += rowsPerChunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int rows = (int)Math.Min(rowsPerChunk, tensor.RowCount - row);
            Span<float> chunk = buffer.AsSpan(0, (int)(rows * width));
            file.ReadRows(tensor, row, chunk);
            for (int r = 0; r < rows; r++)
            {
                double value = reduce(chunk.Slice((int)(r * width), (int)width));
                max = double.IsNaN(value) ? double.NaN : Math.Max(max, value);
            }
        }

        return max;
    }

    private static double Norm2(ReadOnlySpan<float> row)
    {
        double sum = 0;
        foreach (float x in row)
        {
            sum += (double)x * x;
        }

        return Math.Sqrt(sum);
    }
}

/// <summary>The unembedding norm B_U = ‖W_Uᵀ‖_{2,1} read from a GGUF file.</summary>
/// <param name="Value">Σ over the tokens of the ℓ2 norm of the token's row of W_U.</param>
/// <param name="TensorName"><c>output.weight</c>, or <c>token_embd.weight</c> when the embeddings are tied.</param>
/// <param name="IsTiedToEmbeddings">Whether W_U is the token-embedding matrix (no <c>output.weight</c> in the file).</param>
/// <param name="TokenCount">The number of rows summed (T, or the size of the sub-vocabulary).</param>
/// <param name="EmbeddingLength">The row length r.</param>
public readonly record struct GgufUnembeddingNorm(
    double Value,
    string TensorName,
    bool IsTiedToEmbeddings,
    long TokenCount,
    long EmbeddingLength);

/// <summary>
/// The largest absolute weight of each matrix of one layer (Cor. E.3); <see langword="null"/> when the file lacks the
/// tensor.
/// </summary>
/// <param name="Layer">The layer index, 0-based.</param>
/// <param name="AttentionValue">max |W_V| (<c>attn_v</c>).</param>
/// <param name="AttentionOutput">max |W_O| (<c>attn_output</c>).</param>
/// <param name="FeedForwardInput">max |W_1| (<c>ffn_up</c>, and <c>ffn_gate</c> when present).</param>
/// <param name="FeedForwardOutput">max |W_2| (<c>ffn_down</c>).</param>
public readonly record struct GgufLayerNorms(
    int Layer,
    double? AttentionValue,
    double? AttentionOutput,
    double? FeedForwardInput,
    double? FeedForwardOutput);

/// <summary>
/// The weight norms of a GGUF model that the depth-aware bound (Cor. E.3, <see cref="DepthAwarePretrainingBound"/>)
/// needs, with the architecture sizes.
/// </summary>
public sealed class GgufWeightNorms
{
    internal GgufWeightNorms(GgufFile file, GgufLayerNorms[] layers, double? tokenNorm, GgufUnembeddingNorm unembedding)
    {
        EmbeddingLength = file.EmbeddingLength;
        FeedForwardLength = file.FeedForwardLength;
        HeadCount = file.HeadCount;
        Layers = layers;
        TokenNorm = tokenNorm;
        Unembedding = unembedding;
        AttentionValue = Max(layers, l => l.AttentionValue);
        AttentionOutput = Max(layers, l => l.AttentionOutput);
        FeedForwardInput = Max(layers, l => l.FeedForwardInput);
        FeedForwardOutput = Max(layers, l => l.FeedForwardOutput);
    }

    /// <summary>r, from the metadata.</summary>
    public long? EmbeddingLength { get; }

    /// <summary>m, from the metadata.</summary>
    public long? FeedForwardLength { get; }

    /// <summary>H, from the metadata.</summary>
    public long? HeadCount { get; }

    /// <summary>The norms of every layer.</summary>
    public IReadOnlyList<GgufLayerNorms> Layers { get; }

    /// <summary>B_V = max over layers of max |W_V|.</summary>
    public double? AttentionValue { get; }

    /// <summary>B_O = max over layers of max |W_O|.</summary>
    public double? AttentionOutput { get; }

    /// <summary>B_1 = max over layers of max |W_1|.</summary>
    public double? FeedForwardInput { get; }

    /// <summary>B_2 = max over layers of max |W_2|.</summary>
    public double? FeedForwardOutput { get; }

    /// <summary>B_tok = the largest ℓ1 norm of a token embedding (a row of <c>token_embd.weight</c>).</summary>
    public double? TokenNorm { get; }

    /// <summary>B_U = ‖W_Uᵀ‖_{2,1}.</summary>
    public GgufUnembeddingNorm Unembedding { get; }

    /// <summary>
    /// The constants as <see cref="TransformerNormBounds"/> for <see cref="DepthAwarePretrainingBound"/> (Cor. E.3).
    /// </summary>
    /// <exception cref="InvalidOperationException">A size or a norm is missing from the file (the message names it).</exception>
    public TransformerNormBounds ToTransformerNormBounds()
    {
        return new TransformerNormBounds(
            EmbeddingDimension: Need(EmbeddingLength, "the embedding length r"),
            FeedForwardWidth: Need(FeedForwardLength, "the feed-forward length m"),
            HeadCount: Need(HeadCount, "the head count H"),
            LayerCount: Layers.Count,
            FeedForwardInputNorm: Need(FeedForwardInput, "ffn_up/ffn_gate (B_1)"),
            FeedForwardOutputNorm: Need(FeedForwardOutput, "ffn_down (B_2)"),
            AttentionOutputNorm: Need(AttentionOutput, "attn_output (B_O)"),
            AttentionValueNorm: Need(AttentionValue, "attn_v (B_V)"),
            TokenNorm: Need(TokenNorm, "token_embd (B_tok)"),
            UnembeddingNorm: Unembedding.Value);
    }

    private static int Need(long? value, string what)
        => value is { } v and > 0 and <= int.MaxValue ? (int)v : throw new InvalidOperationException($"The file does not give {what}.");

    private static double Need(double? value, string what)
        => value ?? throw new InvalidOperationException($"The file has no tensor for {what} in some layer (fused or missing).");

    private static double? Max(GgufLayerNorms[] layers, Func<GgufLayerNorms, double?> select)
    {
        double? max = null;
        foreach (var layer in layers)
        {
            if (select(layer) is not { } value)
            {
                return null;
            }

            max = max is null ? value : Math.Max(max.Value, value);
        }

        return max;
    }
}
