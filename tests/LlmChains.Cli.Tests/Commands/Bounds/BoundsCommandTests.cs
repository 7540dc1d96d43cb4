using System.Globalization;
using System.Text.Json;
using LlmChains.Cli.Commands.Bounds;

namespace LlmChains.Cli.Tests.Commands.Bounds;

public sealed class BoundsCommandTests
{
    private static (int ExitCode, string Output, string Error) Run(params string[] args) => CliRunner.Run(args);

    private static JsonElement Json(params string[] args)
    {
        var (code, output, error) = Run([.. args, "--json"]);
        code.Should().Be(0, error);
        error.Should().BeEmpty();
        using var document = JsonDocument.Parse(output);
        return document.RootElement.Clone();
    }

    [Fact]
    public void Pretrain_Json_HasTheContractFieldsAndEchoesEveryInput()
    {
        var root = Json("bounds", "pretrain", "--vocab", "10", "--unembedding-norm", "1", "--min-prob", "0.01", "--tokens", "10000", "--epsilon", "0.1");

        root.GetProperty("bound").GetString().Should().Be("pretrain");
        root.GetProperty("constant").GetDouble().Should().BeApproximately(4.2919321, 5e-8);
        double sqrtLog40 = Math.Sqrt(Math.Log(40));
        root.GetProperty("gap").GetDouble().Should().BeApproximately(4.2919321 / 100 * sqrtLog40, 1e-8);
        root.GetProperty("approximationError").GetDouble().Should().BeApproximately(2 * 4.2919321 / 100 * sqrtLog40, 1e-8);
        root.GetProperty("sampleComplexity").GetDouble().Should().Be(Math.Ceiling(4 * 4.6051702 * 4 / 0.01 * Math.Log(40)));
        root.GetProperty("vocabularySize").GetInt32().Should().Be(10);
        root.GetProperty("unembeddingNorm").GetDouble().Should().Be(1);
        root.GetProperty("temperature").GetDouble().Should().Be(1);
        root.GetProperty("minProbability").GetDouble().Should().Be(0.01);
        root.GetProperty("gammaNorm").GetDouble().Should().Be(1);
        root.GetProperty("tokens").GetDouble().Should().Be(10000);
        root.GetProperty("delta").GetDouble().Should().Be(0.05);
        root.GetProperty("epsilon").GetDouble().Should().Be(0.1);
        root.GetProperty("languageTermIncluded").GetBoolean().Should().BeTrue();
        root.GetProperty("assumptions").GetArrayLength().Should().BeGreaterThan(3);
    }

    [Fact]
    public void Pretrain_O8SampleComplexity_Is5903()
    {
        // T = 1, B_U = 0.5, τ = 1 ⇒ M = 1, B̄ = 2
        var root = Json("bounds", "pretrain", "--vocab", "1", "--unembedding-norm", "0.5", "--epsilon", "0.1", "--delta", "0.05", "--tokens", "10000");

        root.GetProperty("constant").GetDouble().Should().Be(2);
        root.GetProperty("sampleComplexity").GetDouble().Should().Be(5903);
        root.GetProperty("gap").GetDouble().Should().BeApproximately(0.0384129, 5e-8);
    }

    [Fact]
    public void Pretrain_EmbeddingDimension_DefaultsTheNormToTSqrtR()
    {
        var root = Json("bounds", "pretrain", "--vocab", "32000", "--embedding-dim", "4096", "--tokens", "1e12");

        root.GetProperty("unembeddingNorm").GetDouble().Should().Be(32000 * 64);
        root.GetProperty("embeddingDimension").GetInt32().Should().Be(4096);
        root.GetProperty("minProbability").ValueKind.Should().Be(JsonValueKind.Null);
        root.GetProperty("languageTermIncluded").GetBoolean().Should().BeFalse();
        Math.Round(root.GetProperty("approximationError").GetDouble() * 100, 4).Should().Be(1.5548);
        root.GetProperty("sampleComplexity").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public void PretrainKl_Json_HasConstantAndNoSampleComplexity()
    {
        var root = Json("bounds", "pretrain-kl", "--vocab", "10", "--unembedding-norm", "1", "--min-prob", "0.01", "--tokens", "10000", "--epsilon", "0.1");

        root.GetProperty("constant").GetDouble().Should().BeApproximately(6.5126941, 5e-8);
        root.GetProperty("gap").GetDouble().Should().BeApproximately(6.5126941 / 100 * Math.Sqrt(Math.Log(40)), 1e-8);
        root.GetProperty("sampleComplexity").ValueKind.Should().Be(JsonValueKind.Null);
        root.GetProperty("approximationError").ValueKind.Should().Be(JsonValueKind.Null);
        root.GetProperty("sampleComplexityUnavailable").GetString().Should().Contain("not a metric");
        root.GetProperty("sampleCountForGap").GetDouble().Should().BeGreaterThan(1);
    }

    [Fact]
    public void Depth_O13_MatchesTheOracle()
    {
        var root = Json(
            "bounds", "depth", "--vocab", "10", "--min-prob", "0.01", "--embedding-dim", "2", "--mlp-width", "2", "--heads", "1", "--layers", "2",
            "--w1-norm", "0.1", "--w2-norm", "0.1", "--wo-norm", "0.1", "--wv-norm", "0.1", "--token-norm", "1", "--unembedding-norm", "1", "--tokens", "1000");

        root.GetProperty("thetaNorm").GetDouble().Should().BeApproximately(1.1232, 1e-12);
        root.GetProperty("thetaNormToDepth").GetDouble().Should().BeApproximately(1.2615782, 5e-8);
        root.GetProperty("constant").GetDouble().Should().BeApproximately(4.3935141, 5e-8);
        root.GetProperty("layers").GetInt32().Should().Be(2);
        root.GetProperty("gap").ValueKind.Should().Be(JsonValueKind.Number);
    }

    [Fact]
    public void Icl_O10_GivesBothSampleComplexities()
    {
        var root = Json("bounds", "icl", "--states", "3", "--unembedding-norm", "1", "--min-prob", "0.05", "--t-min", "4.6", "--tokens", "100", "--epsilon", "0.5");

        root.GetProperty("constant").GetDouble().Should().BeApproximately(3.5205751, 5e-8);
        root.GetProperty("gap").GetDouble().Should().BeApproximately(1.4502396, 5e-8);
        root.GetProperty("approximationError").GetDouble().Should().BeApproximately(2 * 1.4502396, 1e-7);
        double withMixing = root.GetProperty("sampleComplexity").GetDouble();
        double printed = root.GetProperty("sampleComplexityAsPrinted").GetDouble();
        (withMixing / printed).Should().BeApproximately(4.6, 0.01);
        root.GetProperty("states").GetInt32().Should().Be(3);
        root.GetProperty("tMin").GetDouble().Should().Be(4.6);
        root.GetProperty("minProbability").GetDouble().Should().Be(0.05);
    }

    [Fact]
    public void Icl_Matrix_ComputesStatesMinimumProbabilityAndTMin()
    {
        // O-11: P = [[.5,.3,.2],[.2,.6,.2],[.3,.3,.4]] has t_min = 6.530864
        using var file = CliRunner.File(".mtx", "%%MatrixMarket matrix coordinate real general\n3 3 9\n1 1 .5\n1 2 .3\n1 3 .2\n2 1 .2\n2 2 .6\n2 3 .2\n3 1 .3\n3 2 .3\n3 3 .4\n");

        var root = Json("bounds", "icl", "--matrix", file.Path, "--unembedding-norm", "1", "--tokens", "100");

        root.GetProperty("states").GetInt32().Should().Be(3);
        root.GetProperty("minProbability").GetDouble().Should().Be(0.2);
        root.GetProperty("tMin").GetDouble().Should().BeApproximately(6.530864, 1e-6);
        root.GetProperty("matrix").GetString().Should().Be(file.Path);
        root.GetProperty("gap").GetDouble().Should().BeGreaterThan(0);
    }

    [Fact]
    public void Icl_MatrixWithZeroTransition_FailsNamingTheFile()
    {
        using var file = CliRunner.File(".mtx", "%%MatrixMarket matrix coordinate real general\n3 3 4\n1 2 1.0\n2 1 0.5\n2 3 0.5\n3 2 1.0\n");

        var (code, output, error) = Run("bounds", "icl", "--matrix", file.Path, "--unembedding-norm", "1");

        code.Should().Be(1);
        output.Should().BeEmpty();
        error.Should().Contain(Path.GetFileName(file.Path)).And.Contain("p_min");
    }

    [Fact]
    public void Icl_MatrixWithTMin_IsAUsageError()
    {
        using var file = CliRunner.File(".mtx", "%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 1.0\n");

        var (code, _, error) = Run("bounds", "icl", "--matrix", file.Path, "--unembedding-norm", "1", "--t-min", "5");

        code.Should().Be(2);
        error.Should().Contain("--matrix");
    }

    [Fact]
    public void Catalog_Text_PrintsTableTwoWithFigureOneErrors()
    {
        var (code, output, error) = Run("bounds", "catalog");

        code.Should().Be(0, error);
        output.Should().Contain("Llama 7B").And.Contain("Gemma2 27B").And.Contain("1.5548").And.Contain("0.8095").And.Contain("2.1356");
        output.Split('\n').Count(l => l.TrimStart().StartsWith("Llama", StringComparison.Ordinal) || l.TrimStart().StartsWith("Gemma", StringComparison.Ordinal)).Should().Be(8);
    }

    [Fact]
    public void Catalog_Json_HasEightModelsWithContractFields()
    {
        var root = Json("bounds", "catalog", "--epsilon", "0.005");

        var models = root.GetProperty("models").EnumerateArray().ToArray();
        models.Should().HaveCount(8);
        models[0].GetProperty("name").GetString().Should().Be("Llama 7B");
        models[0].GetProperty("constant").GetDouble().Should().BeApproximately(4047.72, 0.01);
        Math.Round(models[4].GetProperty("approximationError").GetDouble() * 100, 4).Should().Be(2.1356);
        Math.Round(models[4].GetProperty("approximationErrorUnitConfidence").GetDouble() * 100, 4).Should().Be(1.1119);
        models.Should().AllSatisfy(m =>
        {
            m.GetProperty("gap").GetDouble().Should().BeApproximately(m.GetProperty("approximationError").GetDouble() / 2, 1e-15);
            m.GetProperty("sampleComplexity").GetDouble().Should().BeGreaterThan(m.GetProperty("trainingTokens").GetDouble());
        });
        root.GetProperty("delta").GetDouble().Should().Be(0.05);
    }

    [Fact]
    public void Catalog_Plot_WritesAPng()
    {
        string path = Path.Combine(Path.GetTempPath(), $"llmchains-catalog-{Guid.NewGuid():N}.png");
        try
        {
            var (code, _, error) = Run("bounds", "catalog", "--plot", path);

            code.Should().Be(0, error);
            var bytes = File.ReadAllBytes(path);
            bytes.Length.Should().BeGreaterThan(10_000);
            bytes.Take(4).Should().Equal(0x89, (byte)'P', (byte)'N', (byte)'G');
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Pretrain_GammaMatrix_ComputesTheMixingNorm()
    {
        using var file = CliRunner.File(".mtx", "%%MatrixMarket matrix coordinate real general\n2 2 4\n1 1 0.95\n1 2 0.05\n2 1 0.05\n2 2 0.95\n");

        var root = Json("bounds", "pretrain", "--vocab", "10", "--unembedding-norm", "1", "--gamma-matrix", file.Path);

        // two-state chain with λ = 0.9: ‖Γ‖ ≤ 1/(1 − 0.9) = 10
        root.GetProperty("gammaNorm").GetDouble().Should().BeApproximately(10, 1e-8);
        root.GetProperty("constant").GetDouble().Should().BeApproximately(20 * Math.Sqrt(Math.Log(10) + 2), 1e-7);
        root.GetProperty("gammaMatrix").GetString().Should().Be(file.Path);
    }

    [Theory]
    [InlineData(1, "--vocab", "0", "--unembedding-norm", "1")]
    [InlineData(1, "--vocab", "10", "--unembedding-norm", "-1")]
    [InlineData(2, "--vocab", "10", "--unembedding-norm", "NaN")]
    [InlineData(1, "--vocab", "10", "--unembedding-norm", "1", "--temperature", "0")]
    [InlineData(1, "--vocab", "10", "--unembedding-norm", "1", "--min-prob", "0")]
    [InlineData(1, "--vocab", "10", "--unembedding-norm", "1", "--min-prob", "1.5")]
    [InlineData(1, "--vocab", "10", "--unembedding-norm", "1", "--gamma-norm", "0.5")]
    [InlineData(1, "--vocab", "10", "--unembedding-norm", "1", "--delta", "1")]
    [InlineData(1, "--vocab", "10", "--unembedding-norm", "1", "--delta", "0")]
    [InlineData(1, "--vocab", "10", "--unembedding-norm", "1", "--epsilon", "0")]
    [InlineData(1, "--vocab", "10", "--unembedding-norm", "1", "--tokens", "0.5")]
    [InlineData(1, "--vocab", "10", "--embedding-dim", "0")]
    [InlineData(1, "--vocab", "10", "--unembedding-norm", "1", "--gamma-matrix", "/nonexistent/chain.mtx")]
    [InlineData(2, "--vocab", "10")]
    [InlineData(2, "--unembedding-norm", "1")]
    [InlineData(2, "--vocab", "ten", "--unembedding-norm", "1")]
    public void Pretrain_BadInput_FailsWithOneLineAndNoOutput(int expectedCode, params string[] arguments)
    {
        var (code, output, error) = Run(["bounds", "pretrain", "--json", .. arguments]);

        code.Should().Be(expectedCode);
        output.Should().BeEmpty();
        error.TrimEnd('\n', '\r').Should().NotContain("\n").And.StartWith("llmchains: error: ");
        error.Should().NotContain("   at ");
    }

    [Theory]
    [InlineData("--temperature", "-1", "--temperature: ", "-1")]
    [InlineData("--min-prob", "0", "--min-prob: ", "c_0")]
    [InlineData("--delta", "1.5", "--delta: ", "δ")]
    [InlineData("--tokens", "0", "--tokens: ", "N")]
    public void Pretrain_BadValue_NamesTheOptionAndTheValue(string option, string value, string prefix, string symbol)
    {
        var (code, _, error) = Run("bounds", "pretrain", "--vocab", "10", "--unembedding-norm", "1", "--epsilon", "0.1", option, value);

        code.Should().Be(1);
        error.Should().StartWith($"llmchains: error: {prefix}").And.Contain(symbol).And.Contain(value).And.NotContain("(Parameter");
    }

    [Theory]
    [InlineData("icl", "--states", "0", "--unembedding-norm", "1", "--min-prob", "0.05", "--t-min", "4.6")]
    [InlineData("icl", "--states", "3", "--unembedding-norm", "1", "--min-prob", "0", "--t-min", "4.6")]
    [InlineData("icl", "--states", "3", "--unembedding-norm", "1", "--min-prob", "0.05", "--t-min", "0")]
    [InlineData("icl", "--states", "3", "--unembedding-norm", "1", "--min-prob", "0.05", "--t-min", "NaN")]
    [InlineData("icl", "--states", "3", "--unembedding-norm", "1", "--t-min", "4.6")]
    [InlineData("depth", "--vocab", "10", "--embedding-dim", "2", "--mlp-width", "2", "--layers", "0", "--w1-norm", "0.1", "--w2-norm", "0.1", "--wo-norm", "0.1", "--wv-norm", "0.1", "--token-norm", "1", "--unembedding-norm", "1")]
    [InlineData("depth", "--vocab", "10", "--embedding-dim", "2", "--mlp-width", "2", "--layers", "2", "--w1-norm", "-0.1", "--w2-norm", "0.1", "--wo-norm", "0.1", "--wv-norm", "0.1", "--token-norm", "1", "--unembedding-norm", "1")]
    [InlineData("catalog", "--delta", "0")]
    [InlineData("catalog", "--temperature", "-2")]
    [InlineData("catalog", "--epsilon", "-1")]
    [InlineData("pretrain-kl", "--vocab", "10", "--unembedding-norm", "1", "--gamma-norm", "NaN")]
    public void Subcommands_BadInput_FailWithOneLine(params string[] arguments)
    {
        var (code, output, error) = Run(["bounds", .. arguments, "--json"]);

        code.Should().BeOneOf(1, 2);
        output.Should().BeEmpty();
        error.TrimEnd('\n', '\r').Should().NotContain("\n").And.StartWith("llmchains: error: ");
    }

    [Fact]
    public void Pretrain_Text_ListsResultsAndAssumptions()
    {
        var (code, output, error) = Run("bounds", "pretrain", "--vocab", "10", "--unembedding-norm", "1", "--tokens", "1e4", "--epsilon", "0.1");

        code.Should().Be(0, error);
        output.Should().Contain("Thm. 4.2").And.Contain("constant B̄").And.Contain("assumptions").And.Contain("c_0 not given");
    }
}
