using FluentAssertions;
using LlmChains.Bounds;

namespace LlmChains.Gguf.Tests;

public sealed class GgufNormsTests
{
    private static GgufFile Read(GgufWriter writer) => GgufFile.Read(new MemoryStream(writer.ToBytes(), writable: false));

    /// <summary>‖W_Uᵀ‖_{2,1} = Σ_i ‖row_i‖₂, computed directly from the values the writer stored.</summary>
    private static double Expected(GgufWriterTensor tensor, IEnumerable<int>? rows = null)
    {
        int width = (int)tensor.Dimensions[0];
        int count = tensor.Decoded.Length / width;
        return (rows ?? Enumerable.Range(0, count)).Sum(r => Math.Sqrt(tensor.Decoded.Slice(r * width, width).ToArray().Sum(x => (double)x * x)));
    }

    [Fact]
    public void UnembeddingNorm_OutputTensor_EqualsTheNormOfTheWrittenWeights()
    {
        var writer = TinyLlama.Build(11);
        var output = writer.Tensors.Single(t => t.Name == "output.weight");
        var norm = GgufNorms.UnembeddingNorm(Read(writer));

        norm.TensorName.Should().Be("output.weight");
        norm.IsTiedToEmbeddings.Should().BeFalse();
        norm.TokenCount.Should().Be(24);
        norm.EmbeddingLength.Should().Be(TinyLlama.EmbeddingLength);
        norm.Value.Should().BeApproximately(Expected(output), 1e-9 * Expected(output));
    }

    [Fact]
    public void UnembeddingNorm_TiedEmbeddings_UsesTokenEmbeddings()
    {
        var writer = TinyLlama.Build(12, new TinyLlamaOptions { TiedEmbeddings = true });
        var embedding = writer.Tensors.Single(t => t.Name == "token_embd.weight");
        var norm = GgufNorms.UnembeddingNorm(Read(writer));

        norm.TensorName.Should().Be("token_embd.weight");
        norm.IsTiedToEmbeddings.Should().BeTrue();
        norm.Value.Should().BeApproximately(Expected(embedding), 1e-9 * Expected(embedding));
    }

    [Fact]
    public void UnembeddingNorm_SubVocabulary_SumsTheSelectedRowsAndIsAtMostTheFullNorm()
    {
        var writer = TinyLlama.Build(13);
        var output = writer.Tensors.Single(t => t.Name == "output.weight");
        var file = Read(writer);
        int[] digits = [TinyLlama.DigitId(0), TinyLlama.DigitId(1), TinyLlama.DigitId(2)];

        var restricted = GgufNorms.UnembeddingNorm(file, digits);
        restricted.TokenCount.Should().Be(3);
        restricted.Value.Should().BeApproximately(Expected(output, digits), 1e-12);
        restricted.Value.Should().BeLessThan(GgufNorms.UnembeddingNorm(file).Value);
        ((Action)(() => GgufNorms.UnembeddingNorm(file, [24]))).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Theory]
    [InlineData(GgmlType.F32)]
    [InlineData(GgmlType.F16)]
    [InlineData(GgmlType.BF16)]
    [InlineData(GgmlType.Q8_0)]
    public void UnembeddingNorm_EveryStorageType_MatchesTheDecodedWeights(GgmlType type)
    {
        var random = new Random((int)type + 100);
        var writer = new GgufWriter().Add("general.architecture", "llama");
        var output = writer.AddTensor("output.weight", [64, 40], type, Enumerable.Range(0, 64 * 40).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray());
        var norm = GgufNorms.UnembeddingNorm(Read(writer));
        norm.Value.Should().BeApproximately(Expected(output), 1e-9 * Expected(output));
    }

    [Fact]
    public void WeightNorms_TinyLlama_GivesPerLayerMaxAbsAndTheDepthAwareConstants()
    {
        var writer = TinyLlama.Build(14);
        var norms = GgufNorms.WeightNorms(Read(writer));
        double MaxAbs(string name) => writer.Tensors.Single(t => t.Name == name).Decoded.ToArray().Max(x => Math.Abs((double)x));

        norms.Layers.Should().HaveCount(TinyLlama.BlockCount);
        for (int l = 0; l < TinyLlama.BlockCount; l++)
        {
            norms.Layers[l].AttentionValue.Should().Be(MaxAbs($"blk.{l}.attn_v.weight"));
            norms.Layers[l].AttentionOutput.Should().Be(MaxAbs($"blk.{l}.attn_output.weight"));
            norms.Layers[l].FeedForwardInput.Should().Be(Math.Max(MaxAbs($"blk.{l}.ffn_up.weight"), MaxAbs($"blk.{l}.ffn_gate.weight")));
            norms.Layers[l].FeedForwardOutput.Should().Be(MaxAbs($"blk.{l}.ffn_down.weight"));
        }

        norms.AttentionValue.Should().Be(Enumerable.Range(0, TinyLlama.BlockCount).Max(l => MaxAbs($"blk.{l}.attn_v.weight")));
        var embedding = writer.Tensors.Single(t => t.Name == "token_embd.weight");
        double tokenNorm = Enumerable.Range(0, 24).Max(r => embedding.Decoded.Slice(r * 32, 32).ToArray().Sum(x => Math.Abs((double)x)));
        norms.TokenNorm.Should().BeApproximately(tokenNorm, 1e-5);

        TransformerNormBounds bounds = norms.ToTransformerNormBounds();
        bounds.EmbeddingDimension.Should().Be(TinyLlama.EmbeddingLength);
        bounds.FeedForwardWidth.Should().Be(TinyLlama.FeedForwardLength);
        bounds.HeadCount.Should().Be(TinyLlama.HeadCount);
        bounds.LayerCount.Should().Be(TinyLlama.BlockCount);
        bounds.UnembeddingNorm.Should().Be(norms.Unembedding.Value);
        bounds.Validate();
    }

    [Fact]
    public void WeightNorms_MissingTensors_AreNullAndNamedWhenNeeded()
    {
        var writer = new GgufWriter().Add("general.architecture", "llama").Add("llama.block_count", 1u);
        writer.AddTensor("output.weight", [4, 2], GgmlType.F32, [1, 0, 0, 0, 0, 3, 4, 0]);
        var norms = GgufNorms.WeightNorms(Read(writer));
        norms.Unembedding.Value.Should().Be(6);
        norms.Layers[0].AttentionValue.Should().BeNull();
        norms.AttentionValue.Should().BeNull();
        ((Action)(() => norms.ToTransformerNormBounds())).Should().Throw<InvalidOperationException>();
    }
}
