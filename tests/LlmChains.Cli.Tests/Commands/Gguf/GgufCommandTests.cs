using System.Text.Json;
using LlmChains.Gguf;

namespace LlmChains.Cli.Tests.Commands.Gguf;

/// <summary>The GGUF paths of the tool, on the tiny llama-architecture fixture written by <see cref="TinyLlama"/>.</summary>
public sealed class GgufCommandTests
{
    private static readonly Lazy<string> Fixture = new(() => WriteTemp(TinyLlama.Build(7, new TinyLlamaOptions { AllFloat32 = true }), "cli-tiny.gguf"));

    [Fact]
    public void Analyze_GgufModel_BuildsAndAnalysesTheChainOfADigitSubset()
    {
        var (code, output, error) = CliRunner.Run("analyze", "--json", "--model", $"gguf:{Fixture.Value}", "--tokens", "0,1", "--context", "3", "--threads", "1");

        code.Should().Be(0, error);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        root.GetProperty("stateCount").GetInt64().Should().Be(14);
        root.GetProperty("vocabularySize").GetInt32().Should().Be(2);
        root.GetProperty("isErgodicUnichain").GetBoolean().Should().BeTrue("softmax at τ = 1 keeps every token (Prop. 3.3)");
        root.GetProperty("stationaryResidual").GetDouble().Should().BeLessThan(1e-12);
        root.GetProperty("stationary").EnumerateArray().Sum(e => e.GetDouble()).Should().BeApproximately(1, 1e-12);
        root.GetProperty("epsilon").GetDouble().Should().BeInRange(0, 1.0 / 8);
    }

    [Fact]
    public void BoundsPretrain_Gguf_ReadsTheVocabularyAndTheExactUnembeddingNorm()
    {
        var file = GgufFile.Read(Fixture.Value);
        double expected = GgufNorms.UnembeddingNorm(file).Value;

        var (code, output, error) = CliRunner.Run("bounds", "pretrain", "--json", "--gguf", Fixture.Value, "--tokens", "1000000");

        code.Should().Be(0, error);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        string json = root.ToString();
        json.Should().Contain(file.VocabularySize!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // B̄ = 2·√(log T + 2·B_U/τ) with the language term dropped, τ = 1, ‖Γ‖ = 1
        root.GetProperty("constant").GetDouble().Should().BeApproximately(2 * Math.Sqrt(Math.Log(file.VocabularySize.Value) + (2 * expected)), 1e-9);
    }

    [Fact]
    public void BoundsPretrain_GgufWithVocab_IsAUsageError()
    {
        var (code, _, error) = CliRunner.Run("bounds", "pretrain", "--gguf", Fixture.Value, "--vocab", "10");

        code.Should().Be(2);
        error.Should().Contain("--gguf");
    }

    [Fact]
    public void Icl_GgufPredictor_ProducesRisksForEveryContextLength()
    {
        var (code, output, error) = CliRunner.Run("icl", "--json", "--chain", "random", "--states", "3", "--length", "24", "--repetitions", "2", "--predictor", $"gguf:{Fixture.Value}", "--seed", "1");

        code.Should().Be(0, error);
        using var document = JsonDocument.Parse(output);
        document.RootElement.ToString().Should().Contain("gguf:");
    }

    [Fact]
    public void Analyze_CorruptGguf_FailsWithOneLine()
    {
        using var file = CliRunner.File(".gguf", "GGUF this is not a model");
        var (code, output, error) = CliRunner.Run("analyze", "--json", "--model", $"gguf:{file.Path}");

        code.Should().Be(1);
        output.Should().BeEmpty();
        error.TrimEnd('\n', '\r').Should().NotContain("\n").And.StartWith("llmchains: error: ");
    }

    private static string WriteTemp(GgufWriter writer, string name)
    {
        string directory = Directory.CreateTempSubdirectory("llmchains-cli-gguf-").FullName;
        string path = Path.Combine(directory, name);
        writer.Write(path);
        return path;
    }
}
