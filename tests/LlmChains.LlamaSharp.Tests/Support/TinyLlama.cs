using LlmChains.Gguf;

namespace LlmChains.LlamaSharp.Tests.Support;

/// <summary>
/// Generates the tiny llama-architecture GGUF models the tests load through LLamaSharp: embedding 32, 2 layers, 2 heads,
/// MLP width 64, training context 64, a SentencePiece-style vocabulary of 24 tokens (unknown, BOS, EOS, a newline byte
/// token, "▁", ",", the digits, a few letters, optionally the merged token "10"), seeded random weights stored in F32
/// and F16 (token embeddings F32, output F16, attention F16, MLP F32, norms F32).
/// </summary>
internal static class TinyLlama
{
    public const int Embedding = 32;
    public const int Layers = 2;
    public const int Heads = 2;
    public const int FeedForward = 64;
    public const int TrainingContext = 64;

    /// <summary>The vocabulary: index = token id.</summary>
    public static string[] Vocabulary(bool mergedTen)
    {
        var tokens = new List<string> { "<unk>", "<s>", "</s>", "<0x0A>", "▁", "," };
        tokens.AddRange(Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        tokens.AddRange(["a", "b", "c", "d", "e", "f", "g"]);
        tokens.Add(mergedTen ? "10" : "h");
        return [.. tokens];
    }

    /// <summary>The token id of digit <paramref name="digit"/>.</summary>
    public static int DigitId(int digit) => 6 + digit;

    /// <summary>
    /// Builds the model; <paramref name="tied"/> omits output.weight (W_U = token embeddings); <paramref name="allFloat32"/>
    /// stores every matrix in F32 (ggml multiplies F16 weights by activations rounded to F16, which makes a batched and
    /// an incremental evaluation of the same context differ by ~1e−4; with F32 weights they agree to ~1e−6).
    /// </summary>
    public static GgufWriter Build(int seed, bool mergedTen = false, bool tied = false, float embeddingScale = 1f, bool allFloat32 = false)
    {
        var random = new Random(seed);
        string[] vocabulary = Vocabulary(mergedTen);
        int n = vocabulary.Length;
        var half = allFloat32 ? GgmlType.F32 : GgmlType.F16;
        var writer = new GgufWriter();
        writer.Add("general.architecture", "llama")
            .Add("general.name", "tiny-llama-test")
            .Add("llama.context_length", (uint)TrainingContext)
            .Add("llama.embedding_length", (uint)Embedding)
            .Add("llama.block_count", (uint)Layers)
            .Add("llama.feed_forward_length", (uint)FeedForward)
            .Add("llama.attention.head_count", (uint)Heads)
            .Add("llama.attention.head_count_kv", (uint)Heads)
            .Add("llama.attention.layer_norm_rms_epsilon", 1e-5f)
            .Add("llama.rope.dimension_count", (uint)(Embedding / Heads))
            .Add("tokenizer.ggml.model", "llama")
            .Add("tokenizer.ggml.tokens", vocabulary)
            .Add("tokenizer.ggml.scores", Enumerable.Range(0, n).Select(i => vocabulary[i] == "10" ? 10f : -i).ToArray())
            .Add("tokenizer.ggml.token_type", Enumerable.Range(0, n).Select(i => i switch { 0 => 2, 1 or 2 => 3, 3 => 6, _ => 1 }).ToArray())
            .Add("tokenizer.ggml.bos_token_id", 1u)
            .Add("tokenizer.ggml.eos_token_id", 2u)
            .Add("tokenizer.ggml.unknown_token_id", 0u)
            .Add("tokenizer.ggml.add_bos_token", true);

        float[] Random(long count, double scale) => Enumerable.Range(0, (int)count).Select(_ => (float)(((random.NextDouble() * 2) - 1) * scale)).ToArray();
        float[] Ones(long count) => Enumerable.Repeat(1f, (int)count).ToArray();

        writer.AddTensor("token_embd.weight", [Embedding, n], GgmlType.F32, Random(Embedding * n, embeddingScale));
        writer.AddTensor("output_norm.weight", [Embedding], GgmlType.F32, Ones(Embedding));
        if (!tied)
        {
            writer.AddTensor("output.weight", [Embedding, n], half, Random(Embedding * n, 0.5));
        }

        for (int l = 0; l < Layers; l++)
        {
            writer.AddTensor($"blk.{l}.attn_norm.weight", [Embedding], GgmlType.F32, Ones(Embedding));
            foreach (string part in new[] { "attn_q", "attn_k", "attn_v", "attn_output" })
            {
                writer.AddTensor($"blk.{l}.{part}.weight", [Embedding, Embedding], half, Random(Embedding * Embedding, 0.3));
            }

            writer.AddTensor($"blk.{l}.ffn_norm.weight", [Embedding], GgmlType.F32, Ones(Embedding));
            writer.AddTensor($"blk.{l}.ffn_gate.weight", [Embedding, FeedForward], GgmlType.F32, Random(Embedding * FeedForward, 0.3));
            writer.AddTensor($"blk.{l}.ffn_up.weight", [Embedding, FeedForward], GgmlType.F32, Random(Embedding * FeedForward, 0.3));
            writer.AddTensor($"blk.{l}.ffn_down.weight", [FeedForward, Embedding], GgmlType.F32, Random(Embedding * FeedForward, 0.3));
        }

        return writer;
    }

    /// <summary>Writes a model to a fresh temporary file and returns the path.</summary>
    public static string WriteTemp(GgufWriter writer, string name)
    {
        string directory = Path.Combine(Path.GetTempPath(), "llmchains-llamasharp-tests", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(directory);
        return writer.WriteTo(Path.Combine(directory, name));
    }
}
