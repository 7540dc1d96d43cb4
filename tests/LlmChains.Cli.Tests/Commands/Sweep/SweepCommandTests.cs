using System.Text.Json;

namespace LlmChains.Cli.Tests.Commands.Sweep;

public sealed class SweepCommandTests
{
    [Fact]
    public void Sweep_Parity_EpsilonFollowsTheClosedForm()
    {
        var (code, output, error) = CliRunner.Run("sweep", "--json", "--model", "parity", "--temperatures", "0.5,1,2");

        code.Should().Be(0, error);
        using var document = JsonDocument.Parse(output);
        var points = document.RootElement.GetProperty("points").EnumerateArray().ToArray();
        points.Should().HaveCount(3);
        foreach (var point in points)
        {
            double tau = point.GetProperty("temperature").GetDouble();
            point.GetProperty("epsilon").GetDouble().Should().BeApproximately(Math.Pow(1 + Math.Exp(2 / tau), -3), 1e-14);
            point.GetProperty("isErgodicUnichain").GetBoolean().Should().BeTrue();
            // π is uniform on the 8 full-length states at every τ (P_ℛ is doubly stochastic): entropy log 8
            point.GetProperty("stationaryEntropy").GetDouble().Should().BeApproximately(Math.Log(8), 1e-10);
        }

        points.Select(p => p.GetProperty("tMix").GetDouble()).Should().BeInDescendingOrder("higher τ mixes faster");
    }

    [Fact]
    public void Sweep_Text_PrintsOneRowPerTemperature()
    {
        var (code, output, error) = CliRunner.Run("sweep", "--model", "uniform", "--vocab", "3", "--context", "2", "--temperatures", "0.3, 3");

        code.Should().Be(0, error);
        output.Should().Contain("llmchains sweep");
        // the uniform model ignores τ: ε = T^−K = 1/9 in both rows
        output.Split('\n').Count(l => l.Contains("0.1111", StringComparison.Ordinal)).Should().Be(2);
    }

    [Fact]
    public void Sweep_GreedyInTheGrid_ReportsSeveralRecurrentClasses()
    {
        var (code, output, error) = CliRunner.Run("sweep", "--json", "--model", "parity", "--temperatures", "0,1");

        code.Should().Be(0, error);
        using var document = JsonDocument.Parse(output);
        var points = document.RootElement.GetProperty("points").EnumerateArray().ToArray();
        points[0].GetProperty("recurrentClassCount").GetInt32().Should().Be(4);
        points[0].GetProperty("tMix").ValueKind.Should().Be(JsonValueKind.Null);
        points[1].GetProperty("recurrentClassCount").GetInt32().Should().Be(1);
    }

    [Fact]
    public void Sweep_Plot_WritesAPng()
    {
        string path = Path.Combine(Path.GetTempPath(), $"llmchains-{Guid.NewGuid():N}.png");
        try
        {
            var (code, _, error) = CliRunner.Run("sweep", "--model", "parity", "--temperatures", "0.5,1,2", "--plot", path);

            code.Should().Be(0, error);
            File.ReadAllBytes(path).Take(4).Should().Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 });
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("--temperatures", "a,b")]
    [InlineData("--temperatures", "-1")]
    [InlineData("--temperatures", ",")]
    [InlineData("--temperatures", "1", "--top-k", "0")]
    public void Sweep_BadInput_FailsWithOneLine(params string[] arguments)
    {
        var (code, output, error) = CliRunner.Run(["sweep", "--json", "--model", "parity", .. arguments]);

        code.Should().NotBe(0);
        output.Should().BeEmpty();
        error.TrimEnd('\n', '\r').Should().NotContain("\n").And.StartWith("llmchains: error: ");
    }
}
