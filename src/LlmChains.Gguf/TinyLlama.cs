using System.Globalization;

namespace LlmChains.Gguf;

/// <summary>
/// A tiny llama-architecture GGUF model with <b>random weights, for testing</b>: it is not trained and its predictions
/// mean nothing. It loads in llama.cpp (LlmChains.LlamaSharp) and in <see cref="GgufFile"/>, so code that handles GGUF
/// models can be tried without downloading one. Embedding 32, 2 layers, 2 heads, MLP width 64, training context 64,
/// a SentencePiece-style vocabulary of 24 tokens (<c>&lt;unk&gt;</c>, BOS, EOS, a newline byte token, "▁", ",", the
/// digits 0–9, the letters a–h or the merged token "10"); weights uniform from a seeded <see cref="Random"/>, stored in
/// F32 and F16 (token embeddings F32, output F16, attention F16, MLP F32, norms F32 and equal to 1).
/// </summary>
/// <remarks>
/// <c>general.name</c> is <see cref="Name"/>. The bytes depend only on the seed and the options: the same arguments
/// give the same file on every machine and runtime (<see cref="Random(int)"/> with a seed is a fixed algorithm).
/// </remarks>
public static class TinyLlama
{
    /// <summary>The value of <c>general.name</c>: "tiny-llama-test".</summary>
    public const string Name = "tiny-llama-test";

    /// <summary>The embedding dimension r (<c>llama.embedding_length</c>): 32.</summary>
    public const int EmbeddingLength = 32;

    /// <summary>The number of layers (<c>llama.block_count</c>): 2.</summary>
    public const int BlockCount = 2;

    /// <summary>The number of attention heads, and of key–value heads: 2.</summary>
    public const int HeadCount = 2;

    /// <summary>The MLP width (<c>llama.feed_forward_length</c>): 64.</summary>
    public const int FeedForwardLength = 64;

    /// <summary>The training context (<c>llama.context_length</c>): 64.</summary>
    public const int ContextLength = 64;

    /// <summary>The vocabulary size: 24.</summary>
    public const int VocabularySize = 24;

    /// <summary>The vocabulary, index = token id.</summary>
    /// <param name="mergedTen">Whether the last token is "10" rather than "h" (<see cref="TinyLlamaOptions.MergedTen"/>).</param>
    /// <returns>The 24 token pieces.</returns>
    public static IReadOnlyList<string> Vocabulary(bool mergedTen = false)
    {
        var tokens = new List<string>(VocabularySize) { "<unk>", "<s>", "</s>", "<0x0A>", "▁", "," };
        for (int d = 0; d < 10; d++)
        {
            tokens.Add(d.ToString(CultureInfo.InvariantCulture));
        }

        tokens.AddRange(["a", "b", "c", "d", "e", "f", "g"]);
        tokens.Add(mergedTen ? "10" : "h");
        return tokens;
    }

    /// <summary>The token id of the digit <paramref name="digit"/> (6 + digit).</summary>
    /// <param name="digit">0 to 9.</param>
    /// <returns>The token id.</returns>
    public static int DigitId(int digit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(digit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digit, 9);
        return 6 + digit;
    }

    /// <summary>Builds the model (not yet written: add metadata or call <see cref="GgufWriter.Write(string)"/>).</summary>
    /// <param name="seed">The seed of the random weights.</param>
    /// <param name="options">The variant (default: <see cref="TinyLlamaOptions"/>'s defaults).</param>
    /// <returns>A writer holding the model's metadata and tensors.</returns>
    public static GgufWriter Build(int seed, TinyLlamaOptions? options = null)
    {
        options ??= new TinyLlamaOptions();
        var random = new Random(seed);
        var vocabulary = Vocabulary(options.MergedTen);
        int n = vocabulary.Count;
        var half = options.AllFloat32 ? GgmlType.F32 : GgmlType.F16;
        var scores = new float[n];
        var types = new int[n];
        for (int i = 0; i < n; i++)
        {
            scores[i] = vocabulary[i] == "10" ? 10f : -i;
            types[i] = i switch { 0 => 2, 1 or 2 => 3, 3 => 6, _ => 1 };  // unknown, control, byte, normal
        }

        var writer = new GgufWriter();
        writer.Add("general.architecture", "llama")
            .Add("general.name", Name)
            .Add("llama.context_length", (uint)ContextLength)
            .Add("llama.embedding_length", (uint)EmbeddingLength)
            .Add("llama.block_count", (uint)BlockCount)
            .Add("llama.feed_forward_length", (uint)FeedForwardLength)
            .Add("llama.attention.head_count", (uint)HeadCount)
            .Add("llama.attention.head_count_kv", (uint)HeadCount)
            .Add("llama.attention.layer_norm_rms_epsilon", 1e-5f)
            .Add("llama.rope.dimension_count", (uint)(EmbeddingLength / HeadCount))
            .Add("tokenizer.ggml.model", "llama")
            .Add("tokenizer.ggml.tokens", vocabulary)
            .Add("tokenizer.ggml.scores", scores)
            .Add("tokenizer.ggml.token_type", types)
            .Add("tokenizer.ggml.bos_token_id", 1u)
            .Add("tokenizer.ggml.eos_token_id", 2u)
            .Add("tokenizer.ggml.unknown_token_id", 0u)
            .Add("tokenizer.ggml.add_bos_token", true);

        float[] Uniform(int count, double scale)
        {
            var values = new float[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = (float)(((random.NextDouble() * 2) - 1) * scale);
            }

            return values;
        }

        float[] Ones(int count) => Enumerable.Repeat(1f, count).ToArray();

        const int r = EmbeddingLength;
        writer.AddTensor("token_embd.weight", [r, n], GgmlType.F32, Uniform(r * n, options.EmbeddingScale));
        writer.AddTensor("output_norm.weight", [r], GgmlType.F32, Ones(r));
        if (!options.TiedEmbeddings)
        {
            writer.AddTensor("output.weight", [r, n], half, Uniform(r * n, 0.5));
        }

        for (int l = 0; l < BlockCount; l++)
        {
            writer.AddTensor($"blk.{l}.attn_norm.weight", [r], GgmlType.F32, Ones(r));
            foreach (string part in (ReadOnlySpan<string>)["attn_q", "attn_k", "attn_v", "attn_output"])
            {
                writer.AddTensor($"blk.{l}.{part}.weight", [r, r], half, Uniform(r * r, 0.3));
            }

            writer.AddTensor($"blk.{l}.ffn_norm.weight", [r], GgmlType.F32, Ones(r));
            writer.AddTensor($"blk.{l}.ffn_gate.weight", [r, FeedForwardLength], GgmlType.F32, Uniform(r * FeedForwardLength, 0.3));
            writer.AddTensor($"blk.{l}.ffn_up.weight", [r, FeedForwardLength], GgmlType.F32, Uniform(r * FeedForwardLength, 0.3));
            writer.AddTensor($"blk.{l}.ffn_down.weight", [FeedForwardLength, r], GgmlType.F32, Uniform(r * FeedForwardLength, 0.3));
        }

        return writer;
    }
}
