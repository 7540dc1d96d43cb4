namespace LlmChains.Gguf;

/// <summary>Variants of the <see cref="TinyLlama"/> test model.</summary>
public sealed record TinyLlamaOptions
{
    /// <summary>
    /// Replaces the last token "h" by the merged token "10" with a high score, so that llama.cpp's tokenizer merges
    /// "1","0" and prompts of digits need separators. Default <see langword="false"/>.
    /// </summary>
    public bool MergedTen { get; init; }

    /// <summary>
    /// Omits <c>output.weight</c>: the unembedding is the token embedding matrix (tied). Default
    /// <see langword="false"/>.
    /// </summary>
    public bool TiedEmbeddings { get; init; }

    /// <summary>The token embeddings are uniform in ±<see cref="EmbeddingScale"/>. Default 1.</summary>
    public float EmbeddingScale { get; init; } = 1f;

    /// <summary>
    /// Stores every matrix in F32 instead of F16 for the output and attention matrices. ggml multiplies F16 weights by
    /// activations rounded to F16, which makes a batched and an incremental evaluation of the same context differ by
    /// about 1e−4; with F32 weights they agree to about 1e−6. Default <see langword="false"/>.
    /// </summary>
    public bool AllFloat32 { get; init; }
}
