using System.Text.Json;
using LlmChains.Gguf;

namespace LlmChains.Cli.Tests.Commands.Gguf;

public sealed class GgufTinyCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("llmchains-gguf-tiny-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void GgufTiny_WritesALabelledTestModel_ThatAnalyzeAndBoundsRead()
    {
        string path = Path.Combine(_folder, "tiny.gguf");

        var (code, output, error) = CliRunner.Run("gguf", "tiny", path);

        code.Should().Be(0, error);
        output.Should().StartWith($"wrote {path}: tiny-llama-test, a TEST model with random weights (seed 0), not a trained model");
        var file = GgufFile.Read(path);
        file.Name.Should().Be(TinyLlama.Name);
        file.Metadata["general.description"].AsString().Should().Contain("random weights").And.Contain("not trained");

        var analyze = CliRunner.Run("analyze", "--model", $"gguf:{path}", "--tokens", "digits:2", "--context", "2", "--threads", "1", "--json");
        analyze.ExitCode.Should().Be(0, analyze.Error);
        using var document = JsonDocument.Parse(analyze.Output);
        document.RootElement.GetProperty("stateCount").GetInt64().Should().Be(6);
        document.RootElement.GetProperty("isErgodicUnichain").GetBoolean().Should().BeTrue();

        var bounds = CliRunner.Run("bounds", "pretrain", "--gguf", path);
        bounds.ExitCode.Should().Be(0, bounds.Error);
        bounds.Output.Should().Contain("embedding dimension r     32");
    }

    /// <summary>The file is the tests' model (<see cref="TinyLlama.Build"/>) with its description added: the same seed gives the same bytes.</summary>
    [Theory]
    [InlineData(7, false)]
    [InlineData(3, true)]
    public void GgufTiny_Seed_GivesTheLibrarysTinyLlamaWithADescription(int seed, bool mergedTen)
    {
        string path = Path.Combine(_folder, "m.gguf");
        string[] merged = mergedTen ? ["--merged-ten"] : [];

        var (code, output, error) = CliRunner.Run(["gguf", "tiny", path, "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json", .. merged]);

        code.Should().Be(0, error);
        var expected = TinyLlama.Build(seed, new TinyLlamaOptions { MergedTen = mergedTen });
        expected.Add("general.description", GgufDescription(seed, mergedTen));
        File.ReadAllBytes(path).Should().Equal(expected.ToBytes());
        using var document = JsonDocument.Parse(output);
        document.RootElement.GetProperty("randomWeights").GetBoolean().Should().BeTrue();
        document.RootElement.GetProperty("seed").GetInt32().Should().Be(seed);
        document.RootElement.GetProperty("bytes").GetInt64().Should().Be(new FileInfo(path).Length);
        GgufFile.Read(path).Tokens![^1].Should().Be(mergedTen ? "10" : "h");
    }

    [Fact]
    public void GgufTiny_Help_SaysRandomWeightsForTesting()
    {
        var (code, output, _) = CliRunner.Run("gguf", "tiny", "--help");

        code.Should().Be(0);
        output.Should().Contain("RANDOM WEIGHTS, for testing only (not a trained model)");
    }

    [Theory]
    [InlineData(new[] { "gguf", "tiny" }, 2)]
    [InlineData(new[] { "gguf" }, 2)]
    [InlineData(new[] { "gguf", "tiny", "{0}" }, 1)]
    [InlineData(new[] { "gguf", "tiny", "{0}/file.txt/m.gguf" }, 1)]
    [InlineData(new[] { "gguf", "tiny", "{0}/m.gguf", "--seed", "x" }, 2)]
    public void GgufTiny_BadUsageOrUnwritablePath_OneLineNoFile(string[] template, int exitCode)
    {
        File.WriteAllText(Path.Combine(_folder, "file.txt"), "a file");
        string[] args = [.. template.Select(a => a.Replace("{0}", _folder, StringComparison.Ordinal))];

        var (code, output, error) = CliRunner.Run(args);

        code.Should().Be(exitCode, error);
        output.Should().BeEmpty();
        error.TrimEnd('\n', '\r').Should().NotContain("\n").And.StartWith("llmchains: error: ");
        Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName).Should().Equal("file.txt");
    }

    private static string GgufDescription(int seed, bool mergedTen) => LlmChains.Cli.Commands.Gguf.GgufCommand.Description(seed, mergedTen);
}
