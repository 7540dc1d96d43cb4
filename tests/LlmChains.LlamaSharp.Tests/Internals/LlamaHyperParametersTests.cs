using FluentAssertions;
using LlmChains.Gguf;
using LlmChains.LlamaSharp.Internals;
using LlmChains.LlamaSharp.Tests.Support;

namespace LlmChains.LlamaSharp.Tests.Internals;

/// <summary>
/// The validation in process, on metadata only (no llama.cpp): real models' hyper-parameters pass, and every rejection
/// names the file, the key and the allowed range. The native consequences of each rejected value are tested through a
/// child process in <c>GgufFuzzTests</c>.
/// </summary>
public sealed class LlamaHyperParametersTests
{
    private const string Path = "/models/m.gguf";

    private static GgufFile File(string arch, Action<GgufWriter> setup)
    {
        var writer = new GgufWriter().Add("general.architecture", arch);
        setup(writer);
        return GgufFile.Read(new MemoryStream(writer.ToBytes(), writable: false));
    }

    private static Action Validate(GgufFile file) => () => LlamaHyperParameters.Validate(file, Path);

    public static TheoryData<string, string> RealModels() => new()
    {
        { "llama 3 8B", "llama" },
        { "mixtral 8x7B", "llama" },
        { "qwen2 with yarn", "qwen2" },
        { "per-layer heads", "llama" },
        { "a state-space model without heads", "mamba" },
    };

    [Theory]
    [MemberData(nameof(RealModels))]
    public void Validate_RealModelsHyperParameters_Pass(string name, string arch)
    {
        var file = File(arch, w =>
        {
            string p = arch + ".";
            w.Add(p + "context_length", 8192u).Add(p + "embedding_length", 4096u).Add(p + "block_count", 32u);
            switch (name)
            {
                case "llama 3 8B":
                    w.Add(p + "feed_forward_length", 14336u).Add(p + "attention.head_count", 32u).Add(p + "attention.head_count_kv", 8u)
                        .Add(p + "rope.freq_base", 500000f).Add(p + "attention.layer_norm_rms_epsilon", 1e-5f).Add(p + "rope.dimension_count", 128u);
                    break;
                case "mixtral 8x7B":
                    w.Add(p + "feed_forward_length", 14336u).Add(p + "attention.head_count", 32u).Add(p + "attention.head_count_kv", 8u)
                        .Add(p + "expert_count", 8u).Add(p + "expert_used_count", 2u).Add(p + "rope.freq_base", 1e6f).Add(p + "attention.layer_norm_rms_epsilon", 1e-5f);
                    break;
                case "qwen2 with yarn":
                    w.Add(p + "attention.head_count", 28u).Add(p + "attention.head_count_kv", 4u).Add(p + "rope.scaling.type", "yarn")
                        .Add(p + "rope.scaling.factor", 4f).Add(p + "rope.scaling.original_context_length", 32768u).Add(p + "attention.layer_norm_rms_epsilon", 1e-6f);
                    break;
                case "per-layer heads":
                    w.Add(p + "attention.head_count", Enumerable.Repeat(32, 32).ToArray()).Add(p + "attention.head_count_kv", Enumerable.Range(0, 32).Select(l => l % 2 == 0 ? 8 : 4).ToArray())
                        .Add(p + "feed_forward_length", Enumerable.Repeat(11008, 32).ToArray()).Add(p + "attention.layer_norm_rms_epsilon", 0f);
                    break;
                default:
                    w.Add(p + "attention.head_count", 0u).Add(p + "attention.head_count_kv", 0u).Add(p + "attention.layer_norm_rms_epsilon", 1e-5f);
                    break;
            }
        });

        Validate(file).Should().NotThrow();
    }

    [Theory]
    [InlineData("llama.block_count", 0u, "*1..512*")]
    [InlineData("llama.block_count", 513u, "*1..512*")]
    [InlineData("llama.context_length", 0u, "*1..2147483647*")]
    [InlineData("llama.expert_count", 600u, "*0..512*")]
    [InlineData("llama.expert_used_count", 3u, "*0 when the model has no experts*")]
    [InlineData("llama.expert_group_count", 2u, "*0 when the model has no experts*")]
    [InlineData("llama.attention.head_count_kv", 3u, "*divisor of attention.head_count = 2*")]
    [InlineData("llama.attention.head_count_kv", 0u, "*≥ 1*")]
    [InlineData("llama.attention.head_count", 0u, "*≥ 1*")]
    [InlineData("llama.feed_forward_length", 0u, "*≥ 1*")]
    [InlineData("llama.attention.value_length", 8u, "*equal to the key length 16*")]
    [InlineData("llama.rope.dimension_count", 15u, "*even*")]
    public void Validate_OutOfRangeInteger_NamesFileKeyAndRange(string key, uint value, string range)
    {
        var file = File("llama", w => TinyMetadata(w).Set(key, GgufValueType.UInt32, null, value));

        Validate(file).Should().Throw<GgufFormatException>().WithMessage($"{Path}: {key} = {value} is out of range: it must be {range}")
            .Which.Message.Should().NotContain("\n");
    }

    [Theory]
    [InlineData("llama.attention.layer_norm_rms_epsilon", float.NaN)]
    [InlineData("llama.attention.layer_norm_rms_epsilon", -1e-6f)]
    [InlineData("llama.attention.layer_norm_rms_epsilon", float.PositiveInfinity)]
    [InlineData("llama.attention.layer_norm_epsilon", -1f)]
    [InlineData("llama.rope.freq_base", 0f)]
    [InlineData("llama.rope.freq_base", 0.5f)]
    [InlineData("llama.rope.freq_base", float.NaN)]
    [InlineData("llama.rope.scaling.factor", 1e-45f)]
    [InlineData("llama.rope.scaling.factor", -2f)]
    [InlineData("llama.rope.scaling.attn_factor", 1e30f)]
    [InlineData("llama.rope.scaling.attn_factor", 0f)]
    public void Validate_OutOfRangeReal_NamesFileKeyAndRange(string key, float value)
    {
        var file = File("llama", w => TinyMetadata(w).Set(key, GgufValueType.Float32, null, value));

        Validate(file).Should().Throw<GgufFormatException>().WithMessage($"{Path}: {key} = * is out of range: it must be *finite*");
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("YARN")]
    [InlineData("")]
    public void Validate_UnknownRopeScalingType_ListsTheKnownOnes(string type)
    {
        var file = File("llama", w => TinyMetadata(w).Set("llama.rope.scaling.type", GgufValueType.String, null, type));

        Validate(file).Should().Throw<GgufFormatException>().WithMessage($"*llama.rope.scaling.type = \"{type}\"*one of none, linear, yarn, longrope*");
    }

    [Fact]
    public void Validate_ExpertGroups_FollowLlamaCppsRules()
    {
        static GgufFile Experts(uint count, uint used, uint groups, uint groupsUsed) => File("llama", w => TinyMetadata(w)
            .Set("llama.expert_count", GgufValueType.UInt32, null, count).Set("llama.expert_used_count", GgufValueType.UInt32, null, used)
            .Set("llama.expert_group_count", GgufValueType.UInt32, null, groups).Set("llama.expert_group_used_count", GgufValueType.UInt32, null, groupsUsed));

        Validate(Experts(256, 8, 8, 4)).Should().NotThrow("DeepSeek V3's 256 experts in 8 groups, 4 used");
        Validate(Experts(8, 0, 0, 0)).Should().Throw<GgufFormatException>().WithMessage("*expert_used_count = 0*1..expert_count = 8*");
        Validate(Experts(8, 9, 0, 0)).Should().Throw<GgufFormatException>().WithMessage("*expert_used_count = 9*");
        Validate(Experts(8, 2, 8, 1)).Should().Throw<GgufFormatException>().WithMessage("*expert_group_count = 8*less than expert_count = 8*");
        Validate(Experts(9, 2, 2, 1)).Should().Throw<GgufFormatException>().WithMessage("*expert_group_count = 2*divisor of expert_count = 9*");
        Validate(Experts(8, 2, 4, 4)).Should().Throw<GgufFormatException>().WithMessage("*expert_group_used_count = 4*1..3*");
    }

    [Fact]
    public void Validate_PerLayerArrayOfTheWrongLength_IsRejected()
    {
        var file = File("llama", w => TinyMetadata(w).Set("llama.attention.head_count", GgufValueType.Array, GgufValueType.Int32, new[] { 2, 2, 2 }));

        Validate(file).Should().Throw<GgufFormatException>().WithMessage("*llama.attention.head_count = [2, 2, 2]*one value a layer (block_count = 2)*");
    }

    private static GgufWriter TinyMetadata(GgufWriter w) => w.Add("llama.context_length", 64u).Add("llama.embedding_length", 32u).Add("llama.block_count", 2u)
        .Add("llama.feed_forward_length", 64u).Add("llama.attention.head_count", 2u).Add("llama.attention.head_count_kv", 2u)
        .Add("llama.attention.layer_norm_rms_epsilon", 1e-5f).Add("llama.rope.dimension_count", 16u);
}
