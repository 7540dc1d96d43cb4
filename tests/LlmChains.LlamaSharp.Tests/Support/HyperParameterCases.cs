using System.Globalization;
using LlmChains.Gguf;

namespace LlmChains.LlamaSharp.Tests.Support;

/// <summary>A named mutation of the tiny llama model's metadata or tensors.</summary>
internal sealed record HyperParameterCase(string Name, Action<GgufWriter> Mutate);

/// <summary>
/// Mutations of <see cref="TinyLlama"/>'s hyper-parameters for the full-path fuzz: every key llama.cpp reads for the
/// llama architecture, set to zero, negative, huge, NaN, ±∞, the wrong type, an array of the wrong length, or removed;
/// tensors reshaped against the hyper-parameters; and hyper-parameters changed together with the tensors so that only
/// llama.cpp's own consistency checks (the asserts) stand between the file and the evaluation.
/// </summary>
internal static class HyperParameterCases
{
    private const string P = "llama.";

    /// <summary>Cases llama.cpp 815a2a5 (LLamaSharp 0.30.0) aborts the process on, or evaluates to NaN, with the key the rejection must name.</summary>
    public static IReadOnlyList<(HyperParameterCase Case, string Key)> Rejected { get; } =
    [
        (U32("block_count", 0), P + "block_count"),
        (U32("block_count", 513), P + "block_count"),
        (U32("block_count", uint.MaxValue), P + "block_count"),
        (F32("attention.layer_norm_rms_epsilon", float.NaN), P + "attention.layer_norm_rms_epsilon"),
        (F32("attention.layer_norm_rms_epsilon", -1e-5f), P + "attention.layer_norm_rms_epsilon"),
        (F32("attention.layer_norm_rms_epsilon", float.NegativeInfinity), P + "attention.layer_norm_rms_epsilon"),
        (Str("rope.scaling.type", "bogus"), P + "rope.scaling.type"),
        (F32("rope.freq_base", float.NaN), P + "rope.freq_base"),
        (F32("rope.freq_base", 0f), P + "rope.freq_base"),
        (F32("rope.freq_base", -10000f), P + "rope.freq_base"),
        (F32("rope.freq_base", float.Epsilon), P + "rope.freq_base"),
        (F32("rope.scaling.factor", float.NaN), P + "rope.scaling.factor"),
        (F32("rope.scaling.factor", float.Epsilon), P + "rope.scaling.factor"),
        (F32("rope.scaling.attn_factor", 1e30f), P + "rope.scaling.attn_factor"),
        (F32("rope.scaling.attn_factor", float.NaN), P + "rope.scaling.attn_factor"),
        (U32("expert_count", 513), P + "expert_count"),
        (U32("expert_count", 1), P + "expert_used_count"),
        (U32("expert_used_count", 1), P + "expert_used_count"),
        (U32("expert_group_count", 1), P + "expert_group_count"),
        (FeedForwardWidthZero(), P + "feed_forward_length"),
        (Consistent("heads 2, kv heads 3", heads: 2, kvHeads: 3, headSize: 16), P + "attention.head_count_kv"),
        (Consistent("heads 2, kv heads 0", heads: 2, kvHeads: 0, headSize: 16), P + "attention.head_count_kv"),
        (Consistent("key length 8, value length 16", heads: 2, kvHeads: 2, headSize: 8, valueSize: 16, rope: 8), P + "attention.value_length"),
        (Consistent("head size 15 (odd rope)", heads: 2, kvHeads: 2, headSize: 15, rope: 15), P + "rope.dimension_count"),
    ];

    /// <summary>Every single mutation (the rejected ones included).</summary>
    public static IReadOnlyList<HyperParameterCase> All { get; } = Build();

    /// <summary>Writes each case to a file and loads it in a child process.</summary>
    public static IReadOnlyList<(HyperParameterCase Case, ProbeOutcome Outcome)> Probe(IReadOnlyList<HyperParameterCase> cases, string tag)
    {
        string directory = Path.Combine(Path.GetTempPath(), "llmchains-llamasharp-tests", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), tag);
        Directory.CreateDirectory(directory);
        var paths = new string[cases.Count];
        for (int i = 0; i < cases.Count; i++)
        {
            var writer = TinyLlama.Build(11, new TinyLlamaOptions { AllFloat32 = true });
            cases[i].Mutate(writer);
            paths[i] = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"case-{i:D3}.gguf"));
            writer.Write(paths[i]);
        }

        try
        {
            var outcomes = LoadProbe.LoadAll(paths, TimeSpan.FromSeconds(30));
            return cases.Zip(outcomes).ToArray();
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static List<HyperParameterCase> Build()
    {
        var all = new List<HyperParameterCase>(Rejected.Select(r => r.Case));
        string[] sizes = ["context_length", "embedding_length", "block_count", "feed_forward_length", "attention.head_count", "attention.head_count_kv", "rope.dimension_count", "attention.key_length", "attention.value_length", "expert_count", "expert_used_count", "expert_group_count", "expert_group_used_count", "nextn_predict_layers", "rope.scaling.original_context_length", "vocab_size"];
        foreach (string key in sizes)
        {
            all.Add(U32(key, 0));
            all.Add(U32(key, 1));
            all.Add(U32(key, 3));
            all.Add(U32(key, 1u << 31));
            all.Add(I32(key, -1));
            all.Add(Str(key, "x"));
            all.Add(F32(key, 2f));
            all.Add(Missing(key));
        }

        foreach (string key in new[] { "feed_forward_length", "attention.head_count", "attention.head_count_kv" })
        {
            all.Add(Array(key, [64, 64]));
            all.Add(Array(key, [2, 2, 2]));
            all.Add(Array(key, [0, 2]));
        }

        string[] floats = ["attention.layer_norm_rms_epsilon", "rope.freq_base", "rope.scaling.factor", "rope.scaling.attn_factor", "attention.layer_norm_epsilon", "rope.scaling.yarn_log_multiplier"];
        foreach (string key in floats)
        {
            foreach (float value in new[] { 0f, -1f, 1e30f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon })
            {
                all.Add(F32(key, value));
            }

            all.Add(new HyperParameterCase($"{key} = 1e-5 as F64", w => w.Set(P + key, GgufValueType.Float64, null, 1e-5)));
            all.Add(U32(key, 1));
            all.Add(Missing(key));
        }

        foreach (string type in new[] { "none", "linear", "yarn", "longrope", "", "YARN" })
        {
            all.Add(Str("rope.scaling.type", type));
        }

        all.Add(new HyperParameterCase("tokenizer.ggml.scores shorter than the vocabulary", w => w.Set("tokenizer.ggml.scores", GgufValueType.Array, GgufValueType.Float32, new float[3])));
        all.Add(new HyperParameterCase("tokenizer.ggml.token_type shorter than the vocabulary", w => w.Set("tokenizer.ggml.token_type", GgufValueType.Array, GgufValueType.Int32, new int[3])));
        all.Add(new HyperParameterCase("tokenizer.ggml.token_type = 99", w => w.Set("tokenizer.ggml.token_type", GgufValueType.Array, GgufValueType.Int32, Enumerable.Repeat(99, 24).ToArray())));
        all.Add(new HyperParameterCase("tokenizer.ggml.scores NaN", w => w.Set("tokenizer.ggml.scores", GgufValueType.Array, GgufValueType.Float32, Enumerable.Repeat(float.NaN, 24).ToArray())));
        all.Add(new HyperParameterCase("tokenizer.ggml.bos_token_id = 1000", w => w.Set("tokenizer.ggml.bos_token_id", GgufValueType.UInt32, null, 1000u)));
        all.Add(new HyperParameterCase("tokenizer.ggml.model = bogus", w => w.Set("tokenizer.ggml.model", GgufValueType.String, null, "bogus")));

        all.Add(new HyperParameterCase("token_embd rows fewer than the vocabulary", w => w.ReshapeTensor("token_embd.weight", [TinyLlama.EmbeddingLength, 10])));
        all.Add(new HyperParameterCase("output rows fewer than the vocabulary", w => w.ReshapeTensor("output.weight", [TinyLlama.EmbeddingLength, 10])));
        all.Add(new HyperParameterCase("attn_q narrower", w => w.ReshapeTensor("blk.0.attn_q.weight", [TinyLlama.EmbeddingLength, 16])));
        all.Add(new HyperParameterCase("ffn_down transposed", w => w.ReshapeTensor("blk.1.ffn_down.weight", [TinyLlama.EmbeddingLength, TinyLlama.FeedForwardLength])));
        all.Add(new HyperParameterCase("attn_norm 3-D", w => w.ReshapeTensor("blk.0.attn_norm.weight", [TinyLlama.EmbeddingLength, 1, 1])));
        all.Add(new HyperParameterCase("output_norm missing", w => w.RemoveTensor("output_norm.weight")));
        all.Add(new HyperParameterCase("blk.1 missing", w => w.RemoveTensor("blk.1.attn_q.weight")));
        all.Add(F32("rope.freq_base", float.PositiveInfinity)); // finite logits in llama.cpp, rejected as meaningless
        all.Add(F32("rope.scaling.factor", float.PositiveInfinity));

        all.Add(Consistent("heads 4 of 8, kv heads 2", heads: 4, kvHeads: 2, headSize: 8));
        all.Add(Consistent("heads 4 of 8, kv heads 1", heads: 4, kvHeads: 1, headSize: 8));
        all.Add(Consistent("key and value length 8", heads: 2, kvHeads: 2, headSize: 8, rope: 8));
        all.Add(Consistent("heads 1 of 32", heads: 1, kvHeads: 1, headSize: 32));
        all.Add(Consistent("rope 8 of head size 16", heads: 2, kvHeads: 2, headSize: 16, rope: 8));
        return all;
    }

    /// <summary>An MLP of width 0 with tensors to match: llama.cpp divides by zero (SIGFPE) in the first evaluation.</summary>
    private static HyperParameterCase FeedForwardWidthZero() => new("ffn widths 0", w =>
    {
        w.Set(P + "feed_forward_length", GgufValueType.UInt32, null, 0u);
        for (int l = 0; l < TinyLlama.BlockCount; l++)
        {
            w.ReshapeTensor($"blk.{l}.ffn_gate.weight", [TinyLlama.EmbeddingLength, 0]).ReshapeTensor($"blk.{l}.ffn_up.weight", [TinyLlama.EmbeddingLength, 0]).ReshapeTensor($"blk.{l}.ffn_down.weight", [0, TinyLlama.EmbeddingLength]);
        }
    });

    private static HyperParameterCase U32(string key, uint value) => new($"{key} = {value}", w => w.Set(P + key, GgufValueType.UInt32, null, value));

    private static HyperParameterCase I32(string key, int value) => new($"{key} = {value} (int32)", w => w.Set(P + key, GgufValueType.Int32, null, value));

    private static HyperParameterCase F32(string key, float value) => new(string.Create(CultureInfo.InvariantCulture, $"{key} = {value}"), w => w.Set(P + key, GgufValueType.Float32, null, value));

    private static HyperParameterCase Str(string key, string value) => new($"{key} = \"{value}\"", w => w.Set(P + key, GgufValueType.String, null, value));

    private static HyperParameterCase Missing(string key) => new($"{key} missing", w => w.Remove(P + key));

    private static HyperParameterCase Array(string key, int[] values) => new($"{key} = [{string.Join(",", values)}]", w => w.Set(P + key, GgufValueType.Array, GgufValueType.Int32, values));

    /// <summary>
    /// Attention hyper-parameters changed together with the attention tensors (q, k, v, output), so llama.cpp's shape
    /// checks pass and only its later asserts remain.
    /// </summary>
    private static HyperParameterCase Consistent(string name, int heads, int kvHeads, int headSize, int? valueSize = null, int? rope = null)
        => new(name, w =>
        {
            int value = valueSize ?? headSize;
            w.Set(P + "attention.head_count", GgufValueType.UInt32, null, (uint)heads)
                .Set(P + "attention.head_count_kv", GgufValueType.UInt32, null, (uint)kvHeads)
                .Set(P + "attention.key_length", GgufValueType.UInt32, null, (uint)headSize)
                .Set(P + "attention.value_length", GgufValueType.UInt32, null, (uint)value)
                .Set(P + "rope.dimension_count", GgufValueType.UInt32, null, (uint)(rope ?? headSize));
            for (int l = 0; l < TinyLlama.BlockCount; l++)
            {
                w.ReshapeTensor($"blk.{l}.attn_q.weight", [TinyLlama.EmbeddingLength, heads * headSize])
                    .ReshapeTensor($"blk.{l}.attn_k.weight", [TinyLlama.EmbeddingLength, kvHeads * headSize])
                    .ReshapeTensor($"blk.{l}.attn_v.weight", [TinyLlama.EmbeddingLength, kvHeads * value])
                    .ReshapeTensor($"blk.{l}.attn_output.weight", [heads * headSize, TinyLlama.EmbeddingLength]); // llama.cpp sizes it by the key length
            }
        });
}
