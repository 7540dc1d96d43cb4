using System.Text.Json;

namespace LlmChains.Cli.Tests.Commands.Analyze;

public sealed class AnalyzeCommandTests
{
    [Fact]
    public void Analyze_NoArguments_ReportsThePaperToyChain()
    {
        var (code, output, error) = CliRunner.Run("analyze");

        code.Should().Be(0, error);
        output.Should().Contain("toy example").And.Contain("37 examples");
        output.Should().MatchRegex(@"states\s+14\b");
        output.Should().MatchRegex(@"recurrent\s+8 in 1 class");
        output.Should().MatchRegex(@"transient\s+6\b");
        output.Should().MatchRegex(@"non-zeros\s+28\b");
        // 14 transition lines, one per state, 8 recurrent (R) and 6 transient (T)
        output.Split('\n').Count(l => l.TrimStart().StartsWith("R ", StringComparison.Ordinal)).Should().Be(8);
        output.Split('\n').Count(l => l.TrimStart().StartsWith("T ", StringComparison.Ordinal) && l.Contains('→', StringComparison.Ordinal)).Should().Be(6);
        error.Should().BeEmpty();
        output.Should().Contain("mass on the windows seen in training");
        output.Should().Contain("temperature (paper Fig. 5)");
        File.Exists(Path.Combine(Environment.CurrentDirectory, "llmchains-analyze.png")).Should().BeTrue("the main job draws its plot by default");
    }

    [Fact]
    public void Analyze_ToyJson_CarriesTheAnalysisFieldsWithConsistentValues()
    {
        var (code, output, error) = CliRunner.Run("analyze", "--json", "--tv-steps", "30");

        code.Should().Be(0, error);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        var pi = root.GetProperty("stationary").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        pi.Should().HaveCount(14);
        pi.Take(6).Should().OnlyContain(p => p == 0, "π vanishes on the transient states (Prop. 3.3)");
        pi.Sum().Should().BeApproximately(1, 1e-12);
        // the four windows of the training sequence (001, 011, 100, 110) carry most of the mass (Fig. 4b)
        (pi[7] + pi[9] + pi[10] + pi[12]).Should().BeGreaterThan(0.8);
        root.GetProperty("stationaryResidual").GetDouble().Should().BeLessThan(1e-12);
        root.GetProperty("stationaryMethod").GetString().Should().NotBeNullOrEmpty();
        root.GetProperty("slem").GetDouble().Should().BeInRange(0, 1);
        root.GetProperty("spectralGap").GetDouble().Should().BeApproximately(1 - root.GetProperty("slem").GetDouble(), 1e-12);
        double epsilon = root.GetProperty("epsilon").GetDouble();
        root.GetProperty("log10Epsilon").GetDouble().Should().BeApproximately(Math.Log10(epsilon), 1e-9);
        // first n with (1 − 2ε)^(⌊n/3⌋ − 1) ≤ 1/4
        double m = Math.Ceiling(Math.Log(0.25) / Math.Log(1 - (2 * epsilon)));
        root.GetProperty("boundSteps").GetDouble().Should().Be(3 * (m + 1));
        var tv = root.GetProperty("tvDistance").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        tv.Should().HaveCount(31);
        tv.Should().BeInDescendingOrder();
        root.GetProperty("tvDistanceStart").GetString().Should().Be("worst-case");
        double tMix = root.GetProperty("tMix").GetDouble();
        tv[(int)tMix].Should().BeLessThanOrEqualTo(0.25);
        tv[(int)tMix - 1].Should().BeGreaterThan(0.25);
        root.GetProperty("tMin").GetDouble().Should().BeGreaterThanOrEqualTo(4);
        var temperatures = root.GetProperty("temperatures").EnumerateArray().ToArray();
        temperatures.Select(t => t.GetProperty("temperature").GetDouble()).Should().Equal(0.2, 0.5, 1, 2);
        temperatures.Select(t => t.GetProperty("epsilon").GetDouble()).Should().BeInAscendingOrder("ε grows with τ");
        temperatures[2].GetProperty("epsilon").GetDouble().Should().BeApproximately(epsilon, 1e-15);
        root.TryGetProperty("plot", out _).Should().BeFalse("--json alone writes no plot");
    }

    [Fact]
    public void Analyze_Plot_WritesAPng()
    {
        string path = Path.Combine(Path.GetTempPath(), $"llmchains-{Guid.NewGuid():N}.png");
        try
        {
            var (code, output, error) = CliRunner.Run("analyze", "--model", "parity", "--plot", path);

            code.Should().Be(0, error);
            output.Should().Contain(path);
            var bytes = File.ReadAllBytes(path);
            bytes.Length.Should().BeGreaterThan(10_000);
            bytes.Take(8).Should().Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Analyze_ParityJson_MatchesTheClosedForms()
    {
        // O-6: ε(τ) = (1 + e^{2/τ})^{−3}; π uniform (1/8) on the length-3 states.
        var (code, output, error) = CliRunner.Run("analyze", "--json", "--model", "parity", "--temperature", "0.5");

        code.Should().Be(0, error);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        root.GetProperty("epsilon").GetDouble().Should().BeApproximately(Math.Pow(1 + Math.Exp(4), -3), 1e-15);
        root.GetProperty("stationary").EnumerateArray().Skip(6).Should().OnlyContain(e => Math.Abs(e.GetDouble() - 0.125) < 1e-12);
    }

    [Fact]
    public void Analyze_Json_PrintsOnlyOneObjectWithTheContractFields()
    {
        var (code, output, error) = CliRunner.Run("analyze", "--json");

        code.Should().Be(0, error);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        root.GetProperty("stateCount").GetInt64().Should().Be(14);
        root.GetProperty("recurrentStateCount").GetInt64().Should().Be(8);
        root.GetProperty("transientStateCount").GetInt64().Should().Be(6);
        root.GetProperty("nonZeroCount").GetInt64().Should().Be(28);
        root.GetProperty("isErgodicUnichain").GetBoolean().Should().BeTrue();
        root.GetProperty("vocabularySize").GetInt32().Should().Be(2);
        root.GetProperty("contextWindow").GetInt32().Should().Be(3);
    }

    [Theory]
    [InlineData("uniform", 3, 2, 12, 9)]
    [InlineData("uniform", 2, 4, 30, 16)]
    [InlineData("random", 10, 2, 110, 100)]
    public void Analyze_UntruncatedModels_FollowProposition33(string model, int t, int k, long states, long recurrent)
    {
        var (code, output, error) = CliRunner.Run("analyze", "--json", "--model", model, "--vocab", $"{t}", "--context", $"{k}");

        code.Should().Be(0, error);
        using var document = JsonDocument.Parse(output);
        document.RootElement.GetProperty("stateCount").GetInt64().Should().Be(states);
        document.RootElement.GetProperty("recurrentStateCount").GetInt64().Should().Be(recurrent);
        document.RootElement.GetProperty("transientStateCount").GetInt64().Should().Be(states - recurrent);
        document.RootElement.GetProperty("nonZeroCount").GetInt64().Should().Be(states * t);
    }

    [Fact]
    public void Analyze_GreedyParity_FindsTheRepetitionLoops()
    {
        // Greedy parity chain, K = 3: every full-length state has one successor (its parity), so the recurrent
        // states are the cycles of x ↦ (x2, x3, x1 ⊕ x2 ⊕ x3); the chain is not an ergodic unichain.
        var (code, output, error) = CliRunner.Run("analyze", "--json", "--model", "parity", "--temperature", "0");

        code.Should().Be(0, error);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        root.GetProperty("nonZeroCount").GetInt64().Should().Be(14);
        // the map on {0,1}^3: 000→000 (fixed point), and the 7 others form cycles of the shift register x_t = x_{t-1}+x_{t-2}+x_{t-3}
        root.GetProperty("recurrentStateCount").GetInt64().Should().Be(8);
        // cycles {000}, {111}, {010, 101} and {001, 011, 110, 100}
        root.GetProperty("recurrentClassCount").GetInt32().Should().Be(4);
        root.GetProperty("isAperiodic").GetBoolean().Should().BeFalse();
        root.GetProperty("isErgodicUnichain").GetBoolean().Should().BeFalse();
        root.GetProperty("stationary").ValueKind.Should().Be(JsonValueKind.Null, "π is not unique");
        root.GetProperty("stationaryByClass").GetArrayLength().Should().Be(4);
        root.GetProperty("tMix").ValueKind.Should().Be(JsonValueKind.Null, "t_mix is infinite");
        root.GetProperty("tMixStatus").GetString().Should().Be("NotErgodicUnichain");
        root.GetProperty("slem").GetDouble().Should().Be(1);
        root.GetProperty("classes").EnumerateArray().Count(c => c.GetProperty("recurrent").GetBoolean()).Should().Be(4);
    }

    [Fact]
    public void Analyze_Matrix_ReadsAMatrixMarketChain()
    {
        using var file = CliRunner.File(".mtx", "%%MatrixMarket matrix coordinate real general\n3 3 4\n1 2 1.0\n2 1 0.5\n2 3 0.5\n3 3 1.0\n");
        var (code, output, error) = CliRunner.Run("analyze", "--json", "--matrix", file.Path);

        code.Should().Be(0, error);
        using var document = JsonDocument.Parse(output);
        document.RootElement.GetProperty("stateCount").GetInt64().Should().Be(3);
        document.RootElement.GetProperty("recurrentStateCount").GetInt64().Should().Be(1);
        document.RootElement.GetProperty("transientStateCount").GetInt64().Should().Be(2);
        document.RootElement.GetProperty("nonZeroCount").GetInt64().Should().Be(4);
    }

    [Theory]
    [InlineData(1, "--temperature", "-1")]
    [InlineData(2, "--temperature", "NaN")]
    [InlineData(1, "--top-k", "0")]
    [InlineData(1, "--top-p", "1.5")]
    [InlineData(2, "--model", "uniform", "--vocab", "0")]
    [InlineData(2, "--model", "uniform", "--context", "0")]
    [InlineData(1, "--model", "random", "--vocab", "50257", "--context", "2048")]
    [InlineData(1, "--model", "table:/nonexistent/logits.npy")]
    [InlineData(1, "--model", "ngram:/nonexistent/tokens.txt")]
    [InlineData(1, "--model", "gguf:/nonexistent/model.gguf")]
    [InlineData(1, "--matrix", "/nonexistent/chain.mtx")]
    [InlineData(2, "--model", "bogus")]
    [InlineData(2, "--no-such-option")]
    [InlineData(2, "--temperature", "warm")]
    [InlineData(2, "--precision", "float16")]
    public void Analyze_BadInput_FailsWithOneLineAndNoJson(int expectedCode, params string[] arguments)
    {
        var (code, output, error) = CliRunner.Run(["analyze", "--json", .. arguments]);

        code.Should().Be(expectedCode);
        output.Should().BeEmpty();
        error.TrimEnd('\n', '\r').Should().NotContain("\n").And.StartWith("llmchains: error: ");
        error.Should().NotContain("   at ");
    }

    [Fact]
    public void Analyze_MatrixWithNegativeEntry_NamesTheFileAndLine()
    {
        using var file = CliRunner.File(".mtx", "%%MatrixMarket matrix coordinate real general\n2 2 3\n1 1 1.0\n2 1 1.5\n2 2 -0.5\n");
        var (code, output, error) = CliRunner.Run("analyze", "--matrix", file.Path);

        code.Should().Be(1);
        output.Should().BeEmpty();
        error.Should().Contain(Path.GetFileName(file.Path)).And.Contain("line 5");
    }

    [Fact]
    public void Analyze_NGramFile_TrainsOnTheTokens()
    {
        using var file = CliRunner.File(".txt", "0110100110010110\n");
        var (code, output, error) = CliRunner.Run("analyze", "--json", "--model", $"ngram:{file.Path}", "--context", "2");

        code.Should().Be(0, error);
        using var document = JsonDocument.Parse(output);
        document.RootElement.GetProperty("stateCount").GetInt64().Should().Be(6);
        document.RootElement.GetProperty("source").GetString().Should().Contain("16 tokens");
    }

    [Fact]
    public void Analyze_MatrixCombinedWithModel_IsAUsageError()
    {
        using var file = CliRunner.File(".mtx", "%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 1.0\n");
        var (code, _, error) = CliRunner.Run("analyze", "--matrix", file.Path, "--model", "uniform");

        code.Should().Be(2);
        error.Should().Contain("--matrix");
    }
}
