using System.Globalization;
using System.Text.Json;
using LlmChains.Analysis.LowTemperature;

namespace LlmChains.Cli.Tests.Commands.LowTemp;

public sealed class LowTempCommandTests
{
    [Fact]
    public void LowTemp_ParityJson_FollowsTheContract()
    {
        var (code, output, error) = CliRunner.Run("lowtemp", "--model", "parity", "--json", "--temperature", "0.1");

        code.Should().Be(0, error);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        var loops = root.GetProperty("loops").EnumerateArray().ToArray();
        loops.Should().HaveCount(4);
        loops.Select(l => l.GetProperty("states")[0].GetInt64()).Should().Equal(6, 7, 8, 13);
        loops.Select(l => l.GetProperty("tokens").GetString()).Should().Equal("0", "1100", "01", "1");
        loops.Select(l => l.GetProperty("period").GetInt32()).Should().Equal(1, 4, 2, 1);
        loops.Should().OnlyContain(l => l.GetProperty("potential").GetDouble() == 6 && l.GetProperty("radius").GetDouble() == 2 && l.GetProperty("stable").GetBoolean());
        loops.Should().OnlyContain(l => l.GetProperty("basinSize").ValueKind == JsonValueKind.Number);
        root.GetProperty("resistance")[0][1].GetDouble().Should().Be(2);
        root.GetProperty("resistance")[0][0].GetDouble().Should().Be(0);
        root.GetProperty("stable").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(0, 1, 2, 3);
        root.GetProperty("coradius").GetDouble().Should().Be(0);
        root.GetProperty("modifiedCoradius").GetDouble().Should().Be(0);
        loops[0].GetProperty("predictedExitTime").GetDouble().Should().BeApproximately(Math.Exp(20), 1e-3);
    }

    [Fact]
    public void LowTemp_Matrix_KeepsExplicitZerosAndWritesNullForUnreachable()
    {
        // Two absorbing loops that cannot reach each other: R = ∞ both ways, two closed classes.
        using var file = CliRunner.File(".mtx", "%%MatrixMarket matrix coordinate real general\n3 3 5\n1 1 0\n2 1 0\n2 3 0\n3 3 0\n2 2 1\n");
        var (code, output, error) = CliRunner.Run("lowtemp", "--matrix", file.Path, "--json");

        code.Should().Be(0, error);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        root.GetProperty("resistance")[0][1].ValueKind.Should().Be(JsonValueKind.Null);
        root.GetProperty("closedClassCount").GetInt32().Should().Be(2);
        root.GetProperty("loops")[0].GetProperty("radius").ValueKind.Should().Be(JsonValueKind.Null);
        root.GetProperty("loops")[0].TryGetProperty("tokens", out _).Should().BeFalse();
        root.GetProperty("unresolvedStateCount").GetInt64().Should().Be(1);
    }

    [Fact]
    public void LowTemp_Text_ShowsTheTableAndTheMatrix()
    {
        var (code, output, error) = CliRunner.Run("lowtemp", "--model", "random", "--vocab", "3", "--context", "4", "--logit-scale", "3", "--seed", "5");

        code.Should().Be(0, error);
        output.Should().Contain("llmchains lowtemp").And.Contain("potential γ").And.Contain("R(i → j)").And.Contain("stable       loop 0");
    }

    [Fact]
    public void LowTemp_Plot_WritesThePng()
    {
        string path = Path.Combine(Path.GetTempPath(), $"lowtemp-{Guid.NewGuid():N}.png");
        try
        {
            var (code, output, error) = CliRunner.Run("lowtemp", "--model", "parity", "--plot", path, "--json");
            code.Should().Be(0, error);
            File.Exists(path).Should().BeTrue();
            using var document = JsonDocument.Parse(output);
            var exact = document.RootElement.GetProperty("exact").EnumerateArray().ToArray();
            exact.Should().NotBeEmpty();
            // parity: π_τ is uniform on the 8 full-length states at every τ, so −τ·log π_τ(000) = τ·log 8
            foreach (var point in exact)
            {
                double tau = point.GetProperty("temperature").GetDouble();
                point.GetProperty("minusTauLogMass")[0].GetDouble().Should().BeApproximately(tau * Math.Log(8), 1e-9);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("--top-p", "0.9", "--top-p: TopP is 0.9")]
    [InlineData("--min-p", "0.05", "--min-p: MinP is 0.05")]
    public void LowTemp_TopPOrMinP_IsRefused(string option, string value, string expected)
    {
        var (code, _, error) = CliRunner.Run("lowtemp", "--model", "parity", option, value);

        code.Should().NotBe(0);
        error.Should().Contain(expected).And.Contain("greedy");
    }

    [Theory]
    [InlineData("--temperature", "0")]
    [InlineData("--max-loops", "0")]
    public void LowTemp_BadNumbers_AreUsageErrors(string option, string value)
    {
        var (code, _, error) = CliRunner.Run("lowtemp", option, value);

        code.Should().Be(2, error);
        error.Should().Contain(option);
    }

    [Fact]
    public void LowTemp_TooManyLoops_NamesTheOption()
    {
        var (code, _, error) = CliRunner.Run("lowtemp", "--model", "random", "--vocab", "2", "--context", "12", "--max-loops", "2");

        code.Should().NotBe(0);
        error.Should().Contain("--max-loops: MaxLoops is 2, but the zero-resistance chain has 3 loops");
    }

    [Fact]
    public void LowTemp_TightMemory_RunsFewerSearchesWithTheSameResult()
    {
        // T = 2, K = 16: one search needs 1.75 MiB by the library's estimate, one per processor more.
        double one = LowTemperatureAnalysis.EstimateMemoryBytes(2, 16, new LowTemperatureOptions { MaxDegreeOfParallelism = 1 });
        string budget = Math.Ceiling(one).ToString("R", CultureInfo.InvariantCulture);
        string tooSmall = Math.Floor(one - 65536).ToString("R", CultureInfo.InvariantCulture);
        string[] args = ["lowtemp", "--model", "random", "--vocab", "2", "--context", "16", "--seed", "3", "--json"];

        var (freeCode, expected, _) = CliRunner.Run(args);
        var (code, output, error) = CliRunner.Run([.. args, "--max-memory", budget]);
        var (refusedCode, _, refusal) = CliRunner.Run([.. args, "--max-memory", tooSmall]);

        freeCode.Should().Be(0);
        code.Should().Be(0, error);
        output.Should().Be(expected, "the number of concurrent searches does not change the result");
        if (Environment.ProcessorCount > 1)
        {
            error.Should().Contain($"1 concurrent search instead of {Environment.ProcessorCount} to stay within --max-memory");
        }

        refusedCode.Should().NotBe(0);
        refusal.Should().Contain("needs about 1.75 MiB, more than").And.Contain("--max-memory");
    }

    [Fact]
    public void LowTemp_MatrixWithModel_IsRefused()
    {
        var (code, _, error) = CliRunner.Run("lowtemp", "--matrix", "x.mtx", "--model", "parity");

        code.Should().NotBe(0);
        error.Should().Contain("--matrix");
    }

    [Fact]
    public void AnalyzeGreedy_WithSeveralLoops_PointsToLowTemp()
    {
        var (code, output, error) = CliRunner.Run("analyze", "--model", "parity", "--temperature", "0");

        code.Should().Be(0, error);
        output.Should().Contain("llmchains lowtemp");
    }

    [Fact]
    public void LowTemp_SampleCosts_GiveTheNumbersTheFileStates()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "LlmChains.sln")))
        {
            directory = directory.Parent;
        }

        directory.Should().NotBeNull();
        string path = Path.Combine(directory!.FullName, "samples", "two-loops-costs.mtx");
        var (code, output, error) = CliRunner.Run("lowtemp", "--matrix", path, "--json");

        code.Should().Be(0, error);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        root.GetProperty("resistance")[0][1].GetDouble().Should().Be(1);
        root.GetProperty("resistance")[1][0].GetDouble().Should().Be(3);
        root.GetProperty("loops").EnumerateArray().Select(l => l.GetProperty("potential").GetDouble()).Should().Equal(3, 1);
        root.GetProperty("stable").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(1);
        root.GetProperty("coradius").GetDouble().Should().Be(1);
        root.GetProperty("modifiedCoradius").GetDouble().Should().Be(1);
    }
}
