using System.Globalization;
using LlmChains.Gguf;

namespace LlmChains.LlamaSharp.Internals;

/// <summary>
/// Checks the hyper-parameters of a GGUF model against what llama.cpp (the build bundled with LLamaSharp 0.30.0,
/// llama.cpp 815a2a5) can take without aborting the process, before the file is handed to its loader.
/// </summary>
/// <remarks>
/// <para>llama.cpp reports most bad files with a C++ exception, which LLamaSharp turns into a .NET one (missing keys,
/// keys of the wrong GGUF type, per-layer arrays of the wrong length, tensors missing or of the wrong shape). Some
/// values it does not check but asserts on (GGML_ASSERT, which aborts the whole process), divides by, or turns into NaN
/// logits. Those are checked here, and only those: a file that passes can still be refused by llama.cpp, cleanly.</para>
/// <para>Every architecture: <c>block_count</c> 1..<see cref="MaxLayers"/>, the expert counts (≤ <see cref="MaxExperts"/>,
/// used ≤ count, groups), head counts (the key–value heads divide the heads), norm epsilons (finite, ≥ 0), RoPE
/// (base ≥ 1, scaling type, factor, attention factor, even dimension count), <c>context_length</c> (1..2³¹ − 1, the
/// range LLamaSharp reports). The llama architecture (also Mistral's GGUF files) additionally: at least one head and one
/// key–value head and an MLP of width ≥ 1 in every layer, key length = value length, an even rotary dimension. The table
/// in docs/real-models.md gives the failure each check prevents.</para>
/// </remarks>
internal static class LlamaHyperParameters
{
    /// <summary>llama.cpp's LLAMA_MAX_LAYERS: the size of its per-layer arrays.</summary>
    internal const int MaxLayers = 512;

    /// <summary>llama.cpp's LLAMA_MAX_EXPERTS.</summary>
    internal const int MaxExperts = 512;

    /// <summary>The RoPE scaling types llama.cpp knows; any other string aborts its loader.</summary>
    internal static readonly string[] RopeScalingTypes = ["none", "linear", "yarn", "longrope"];

    private const double MinRopeScalingFactor = 1e-3;
    private const double MaxRopeAttentionFactor = 1e3;

    /// <summary>
    /// Throws a <see cref="GgufFormatException"/> naming the file, the key and the allowed range for the first
    /// hyper-parameter llama.cpp cannot take.
    /// </summary>
    /// <param name="file">The parsed file; its architecture is not null.</param>
    /// <param name="path">The path, for the message.</param>
    internal static void Validate(GgufFile file, string path)
    {
        string arch = file.Architecture!;
        var check = new Checker(file, path, arch + ".");

        check.IntegerRange("context_length", 1, int.MaxValue, "LLamaSharp reports the training context as a 32-bit signed integer");
        check.IntegerRange("embedding_length", 1, uint.MaxValue, "llama.cpp sizes every weight by it");
        long layers = check.IntegerRange("block_count", 1, MaxLayers, "llama.cpp's LLAMA_MAX_LAYERS; it asserts") ?? 0;
        if (layers > 0)
        {
            check.IntegerRange("nextn_predict_layers", 0, layers, "at most block_count; llama.cpp asserts");
        }

        CheckExperts(check, layers);
        var heads = check.PerLayer("attention.head_count", layers);
        var kvHeads = check.PerLayer("attention.head_count_kv", layers) ?? heads;
        if (heads is not null && kvHeads is not null)
        {
            for (int layer = 0; layer < Math.Min(heads.Length, kvHeads.Length); layer++)
            {
                if (heads[layer] > 0 && kvHeads[layer] > 0 && (kvHeads[layer] > heads[layer] || heads[layer] % kvHeads[layer] != 0))
                {
                    throw check.Error(
                        "attention.head_count_kv",
                        Layer(kvHeads, layer),
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"a divisor of attention.head_count = {heads[layer]}{LayerSuffix(kvHeads, layer)} " +
                            $"(grouped-query attention shares each key–value head among a whole number of heads; " +
                            $"llama.cpp asserts on the matrix product)"));
                }
            }
        }

        foreach (string key in new[] { "attention.layer_norm_rms_epsilon", "attention.layer_norm_epsilon", "attention.group_norm_epsilon" })
        {
            check.Real(key, 0, double.PositiveInfinity, "finite and ≥ 0: ggml's norm kernels assert eps ≥ 0, which NaN fails too");
        }

        foreach (string key in new[] { "rope.freq_base", "rope.freq_base_swa" })
        {
            check.Real(
                key,
                1,
                double.MaxValue,
                "finite and ≥ 1: below 1 the rotary frequencies base^(−2i/d) grow with i and overflow to NaN logits");
        }

        if (check.Value("rope.scaling.factor") is { } factor && check.AsReal("rope.scaling.factor", factor) != 0)
        {
            check.Real(
                "rope.scaling.factor",
                MinRopeScalingFactor,
                double.MaxValue,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"0 (no scaling) or finite and ≥ {MinRopeScalingFactor}: llama.cpp divides by it, and the " +
                    $"frequencies overflow to NaN logits"));
        }

        check.Real(
            "rope.scaling.attn_factor",
            double.Epsilon,
            MaxRopeAttentionFactor,
            string.Create(
                CultureInfo.InvariantCulture,
                $"finite, > 0 and ≤ {MaxRopeAttentionFactor}: it multiplies every rotated query and key, and large " +
                $"values give NaN logits"));
        if (check.Value("rope.scaling.type") is { } type)
        {
            string name = type.Value as string ?? throw check.Error("rope.scaling.type", type, "a string");
            if (Array.IndexOf(RopeScalingTypes, name) < 0)
            {
                throw check.Error(
                    "rope.scaling.type",
                    type,
                    $"one of {string.Join(", ", RopeScalingTypes)} (lower case; llama.cpp asserts on any other)");
            }
        }

        foreach (string key in new[] { "rope.dimension_count", "rope.dimension_count_swa" })
        {
            if (check.IntegerRange(key, 0, uint.MaxValue, "an unsigned integer") is { } rope && rope % 2 != 0)
            {
                throw check.Error(key, check.Value(key)!, "even (ggml's rotary kernel asserts it)");
            }
        }

        if (arch == "llama")
        {
            CheckLlama(check, file, layers, heads, kvHeads);
        }
    }

    private static void CheckExperts(Checker check, long layers)
    {
        long experts = check.IntegerRange("expert_count", 0, MaxExperts, "llama.cpp's LLAMA_MAX_EXPERTS; it asserts") ?? 0;
        long[] used = check.PerLayer("expert_used_count", layers) ?? [0];
        long groups = check.IntegerRange("expert_group_count", 0, uint.MaxValue, "an unsigned integer") ?? 0;
        long groupsUsed = check.IntegerRange("expert_group_used_count", 0, uint.MaxValue, "an unsigned integer") ?? 0;
        for (int i = 0; i < used.Length; i++)
        {
            if (experts == 0 && used[i] != 0)
            {
                throw check.Error(
                    "expert_used_count",
                    Layer(used, i),
                    "0 when the model has no experts (expert_count is 0 or absent; llama.cpp asserts)");
            }

            if (experts > 0 && (used[i] < 1 || used[i] > experts))
            {
                throw check.Error(
                    "expert_used_count",
                    Layer(used, i),
                    string.Create(CultureInfo.InvariantCulture, $"1..expert_count = {experts} (llama.cpp asserts)"));
            }
        }

        if (experts == 0 && groups != 0)
        {
            throw check.Error(
                "expert_group_count",
                check.Value("expert_group_count")!,
                "0 when the model has no experts (llama.cpp asserts)");
        }

        if (experts > 0 && groups >= experts)
        {
            throw check.Error(
                "expert_group_count",
                check.Value("expert_group_count")!,
                string.Create(CultureInfo.InvariantCulture, $"less than expert_count = {experts} (llama.cpp asserts)"));
        }

        if (groups > 1)
        {
            if (experts % groups != 0)
            {
                throw check.Error(
                    "expert_group_count",
                    check.Value("expert_group_count")!,
                    string.Create(CultureInfo.InvariantCulture, $"a divisor of expert_count = {experts} (llama.cpp asserts)"));
            }

            if (groupsUsed < 1 || groupsUsed >= groups)
            {
                throw check.Error(
                    "expert_group_used_count",
                    check.Value("expert_group_used_count"),
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"1..{groups - 1}, less than expert_group_count = {groups} (llama.cpp asserts)"));
            }
        }
    }

    /// <summary>
    /// The llama architecture's graph: n_head ≥ 1, n_head_kv ≥ 1, n_ff ≥ 1, key length = value length = rotary
    /// dimension (even).
    /// </summary>
    private static void CheckLlama(Checker check, GgufFile file, long layers, long[]? heads, long[]? kvHeads)
    {
        const string Why = " in every layer of a llama model (attention and MLP have no zero-width form; llama.cpp divides by it)";
        for (int layer = 0; heads is not null && layer < heads.Length; layer++)
        {
            if (heads[layer] < 1)
            {
                throw check.Error("attention.head_count", Layer(heads, layer), "≥ 1" + Why);
            }
        }

        for (int layer = 0; kvHeads is not null && layer < kvHeads.Length; layer++)
        {
            if (kvHeads[layer] < 1)
            {
                throw check.Error("attention.head_count_kv", Layer(kvHeads, layer), "≥ 1" + Why);
            }
        }

        long[]? widths = check.PerLayer("feed_forward_length", layers);
        for (int layer = 0; widths is not null && layer < widths.Length; layer++)
        {
            if (widths[layer] < 1)
            {
                throw check.Error("feed_forward_length", Layer(widths, layer), "≥ 1" + Why);
            }
        }

        long? keyLength = check.IntegerRange("attention.key_length", 0, uint.MaxValue, "an unsigned integer");
        long? valueLength = check.IntegerRange("attention.value_length", 0, uint.MaxValue, "an unsigned integer");
        long? headSize = heads is { Length: > 0 } && heads[0] > 0 && file.EmbeddingLength is { } embedding ? embedding / heads[0] : null;
        long? k = keyLength ?? headSize;
        long? v = valueLength ?? headSize;
        if (k is not null && v is not null && k != v)
        {
            throw valueLength is null
                ? check.Error(
                    "attention.key_length",
                    check.Value("attention.key_length")!,
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"equal to the value length {v} (embedding_length / attention.head_count) in a llama model " +
                        $"(its graph asserts that keys, values and the rotary dimension have one size)"))
                : check.Error(
                    "attention.value_length",
                    check.Value("attention.value_length")!,
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"equal to the key length {k} in a llama model (its graph asserts that keys, values and the " +
                        $"rotary dimension have one size)"));
        }

        long? rope = check.IntegerRange("rope.dimension_count", 0, uint.MaxValue, "an unsigned integer") ?? k;
        if (rope is { } r && r % 2 != 0)
        {
            throw check.Error(
                "rope.dimension_count",
                check.Value("rope.dimension_count") ?? check.Value("attention.key_length") ?? check.Value("embedding_length")!,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"even: the rotary dimension of a llama model is its head size, {r} here (ggml's rotary kernel asserts it is even)"));
        }
    }

    /// <summary>One layer's entry of a per-layer value, shown as the message shows an integer.</summary>
    private static string Layer(long[] values, int layer) => values[layer].ToString(CultureInfo.InvariantCulture);

    private static string LayerSuffix(long[] values, int layer) => values.Length > 1 ? string.Create(
        CultureInfo.InvariantCulture,
        $" in layer {layer}") : string.Empty;

    /// <summary>Reads the keys of one file and builds the messages.</summary>
    private sealed class Checker(GgufFile file, string path, string prefix)
    {
        public GgufValue? Value(string key) => file.Metadata.GetValueOrDefault(prefix + key);

        /// <summary>The error for <paramref name="key"/>; a null <paramref name="value"/> is shown as "absent".</summary>
        public GgufFormatException Error(string key, GgufValue? value, string allowed) => Error(key, Show(value), allowed);

        public GgufFormatException Error(string key, string shown, string allowed)
            => new($"{path}: {prefix}{key} = {shown} is out of range: it must be {allowed}.");

        /// <summary>The integer value of <paramref name="key"/> checked against [min, max], or null when absent.</summary>
        public long? IntegerRange(string key, long min, long max, string why)
        {
            if (Value(key) is not { } value)
            {
                return null;
            }

            if (!value.TryGetInt64(out long x))
            {
                throw Error(
                    key,
                    value,
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"an integer in {min}..{max}, not {(value.IsArray ? "an array" : "a " + value.Type)}"));
            }

            if (x < min || x > max)
            {
                throw Error(key, value, string.Create(CultureInfo.InvariantCulture, $"in {min}..{max} ({why})"));
            }

            return x;
        }

        /// <summary>A per-layer integer (a scalar for every layer, or an array of one entry a layer), or null when absent.</summary>
        public long[]? PerLayer(string key, long layers)
        {
            if (Value(key) is not { } value)
            {
                return null;
            }

            if (value.TryGetInt64(out long x))
            {
                return x >= 0 && x <= uint.MaxValue ? [x] : throw Error(
                    key,
                    value,
                    "an unsigned 32-bit integer, or an array of one a layer");
            }

            if (!value.IsArray
                || value.ElementType is GgufValueType.String or GgufValueType.Bool or GgufValueType.Float32 or GgufValueType.Float64)
            {
                throw Error(key, value, "an unsigned integer, or an array of one a layer");
            }

            long[] values;
            try
            {
                values = value.AsInt64Array();
            }
            catch (InvalidOperationException)
            {
                throw Error(key, value, "an array of unsigned 32-bit integers");
            }

            if (layers > 0 && values.Length != layers)
            {
                throw Error(
                    key,
                    value,
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"a single value or an array of one value a layer (block_count = {layers})"));
            }

            int bad = Array.FindIndex(values, v => v < 0 || v > uint.MaxValue);
            return bad < 0 ? values : throw Error(
                key,
                value,
                string.Create(CultureInfo.InvariantCulture, $"an array of unsigned 32-bit integers (entry {bad} is {values[bad]})"));
        }

        public double AsReal(string key, GgufValue value)
            => value.IsArray || !value.TryGetDouble(out double x) ? throw Error(
                key,
                value,
                $"a number, not {(value.IsArray ? "an array" : "a " + value.Type)}") : x;

        /// <summary>Checks that the value of <paramref name="key"/>, when present, is a finite number in [min, max].</summary>
        public void Real(string key, double min, double max, string allowed)
        {
            if (Value(key) is not { } value)
            {
                return;
            }

            double x = AsReal(key, value);
            if (!double.IsFinite(x) || x < min || x > max)
            {
                throw Error(key, value, allowed);
            }
        }

        private static string Show(GgufValue? value) => value?.Value switch
        {
            null => "\"absent\"",
            string s => $"\"{s}\"",
            float f => f.ToString("R", CultureInfo.InvariantCulture),
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            Array a when a.Length <= 8 && value.ElementType is not (
                GgufValueType.String or GgufValueType.Bool or GgufValueType.Float32 or GgufValueType.Float64)
                => $"[{string.Join(", ", a.Cast<IFormattable>().Select(x => x.ToString(null, CultureInfo.InvariantCulture)))}]",
            _ => value.ToString(),
        };
    }
}
