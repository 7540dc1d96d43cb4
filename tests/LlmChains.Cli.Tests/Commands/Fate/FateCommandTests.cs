using System.Text.Json;

namespace LlmChains.Cli.Tests.Commands.Fate;

public sealed class FateCommandTests
{
    // Gambler's ruin on 0..4 (p = 1/2), absorbing ends: P(reach 4 | i) = i/4, E[duration] = i(4 − i).
    private const string Ruin = """
        %%MatrixMarket matrix coordinate real general
        5 5 8
        1 1 1
        2 1 0.5
        2 3 0.5
        3 2 0.5
        3 4 0.5
        4 3 0.5
        4 5 0.5
        5 5 1
        """;

    [Fact]
    public void Json_GamblersRuinMatrix_HasTheContractFieldsAndTheClosedForms()
    {
        using var file = CliRunner.File(".mtx", Ruin);

        var (code, output, error) = CliRunner.Run("fate", "--matrix", file.Path, "--target", "4", "--avoid", "0", "--json");

        code.Should().Be(0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        root.GetProperty("states").GetInt32().Should().Be(5);
        root.GetProperty("recurrentClasses").GetArrayLength().Should().Be(2);
        root.GetProperty("recurrentClasses")[1].GetProperty("states").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(4);
        root.GetProperty("recurrentClasses")[1].GetProperty("cyclicClasses").GetArrayLength().Should().Be(1);
        root.GetProperty("from").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(0, 1, 2, 3, 4);
        var absorption = root.GetProperty("absorption");
        for (int i = 0; i < 5; i++)
        {
            absorption[i].EnumerateArray().Sum(e => e.GetDouble()).Should().BeApproximately(1, 1e-14);
            absorption[i][1].GetDouble().Should().BeApproximately(i / 4.0, 1e-14);
            root.GetProperty("expectedStepsToAbsorption")[i].GetDouble().Should().BeApproximately(i * (4 - i), 1e-13);
        }

        var hitting = root.GetProperty("hitting");
        hitting.GetProperty("target").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(4);
        hitting.GetProperty("probability")[2].GetDouble().Should().BeApproximately(0.5, 1e-14);
        hitting.GetProperty("probability")[0].GetDouble().Should().Be(0, "from 0 the target cannot be reached: probability 0, not an error");
        hitting.GetProperty("expectedSteps")[0].ValueKind.Should().Be(JsonValueKind.Null);
        hitting.GetProperty("expectedSteps")[2].ValueKind.Should().Be(JsonValueKind.Null, "P < 1");
        hitting.GetProperty("expectedSteps")[4].GetDouble().Should().Be(0);
        hitting.GetProperty("reason")[0].GetString().Should().Contain("cannot be reached");
        var committor = root.GetProperty("committor");
        committor.GetProperty("avoid").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(0);
        committor.GetProperty("forward").EnumerateArray().Select(e => e.GetDouble()).Should().Equal([0, 0.25, 0.5, 0.75, 1], (a, b) => Math.Abs(a - b) < 1e-14);
        root.GetProperty("kemenyConstant").ValueKind.Should().Be(JsonValueKind.Null);
        root.GetProperty("kemenyReason").GetString().Should().Contain("2 recurrent classes");
        root.GetProperty("meanFirstPassage").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public void Json_GreedyParity_FourLoopsWithTheirCyclicClassesAndPromptStarts()
    {
        var (code, output, error) = CliRunner.Run("fate", "--model", "parity", "--temperature", "0", "--from", "1;0,1;1,1,1", "--json");

        code.Should().Be(0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        var classes = root.GetProperty("recurrentClasses");
        classes.EnumerateArray().Select(c => c.GetProperty("period").GetInt32()).Should().Equal(1, 4, 2, 1);
        classes[1].GetProperty("cyclicClasses").GetArrayLength().Should().Be(4);
        root.GetProperty("fromPrompts").EnumerateArray().Select(e => e.GetString()).Should().Equal("1", "01", "111");
        root.GetProperty("absorption")[0][1].GetDouble().Should().Be(1, "1 → 10 → 100, in the 4-cycle");
        root.GetProperty("expectedStepsToAbsorption").EnumerateArray().Select(e => e.GetDouble()).Should().Equal(2, 1, 0);
    }

    [Fact]
    public void Json_Toy_KemenyAndTheMeanFirstPassageMatrixOfTheRecurrentClass()
    {
        var (code, output, error) = CliRunner.Run("fate", "--target", "ends:1,1,1", "--json");

        code.Should().Be(0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        root.GetProperty("from").GetArrayLength().Should().Be(14, "every state by default");
        root.GetProperty("kemenyConstant").GetDouble().Should().BeGreaterThan(0);
        var m = root.GetProperty("meanFirstPassage");
        m.GetArrayLength().Should().Be(8);
        m[3][3].GetDouble().Should().Be(0);
        root.GetProperty("hitting").GetProperty("expectedSteps").EnumerateArray().Should().OnlyContain(e => e.ValueKind == JsonValueKind.Number);
    }

    [Theory]
    [InlineData(new[] { "fate", "--avoid", "0" }, 2, "--avoid*needs --target*")]
    [InlineData(new[] { "fate", "--target", "loop:3" }, 2, "--target loop:3*1 recurrent class*")]
    [InlineData(new[] { "fate", "--target", "ends:1,2" }, 2, "--target ends:1,2*Token 2*")]
    [InlineData(new[] { "fate", "--target", "0,1", "--avoid", "0,1;1" }, 2, "*overlap*")]
    [InlineData(new[] { "fate", "--from", "0,1,0,1" }, 2, "*4 tokens*K is 3*")]
    [InlineData(new[] { "fate", "--from", "0,x" }, 2, "--from*'x' is not a number*")]
    [InlineData(new[] { "fate", "--model", "uniform", "--vocab", "2", "--context", "14" }, 2, "*32,766 states*--from*")]
    public void BadInput_OneLineOnStderrAndNothingOnStdout(string[] args, int exitCode, string message)
    {
        var (code, output, error) = CliRunner.Run([.. args, "--json"]);

        code.Should().Be(exitCode);
        output.Should().BeEmpty();
        error.Trim().Should().Match("llmchains: error: " + message);
        error.Trim().Split('\n').Should().ContainSingle();
    }

    [Fact]
    public void MatrixStateOutOfRange_IsAUsageError()
    {
        using var file = CliRunner.File(".mtx", Ruin);

        var (code, _, error) = CliRunner.Run("fate", "--matrix", file.Path, "--from", "7");

        code.Should().Be(2);
        error.Should().Contain("--from 7: state 7 is outside the chain's states 0..4");
    }

    [Fact]
    public void Plot_WritesAPng()
    {
        string path = Path.Combine(Path.GetTempPath(), $"llmchains-fate-{Guid.NewGuid():N}.png");
        try
        {
            var (code, _, error) = CliRunner.Run("fate", "--model", "parity", "--temperature", "0", "--plot", path);

            code.Should().Be(0, error);
            File.ReadAllBytes(path).Take(4).Should().Equal(0x89, (byte)'P', (byte)'N', (byte)'G');
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AnalyzeJson_GreedyParity_RecurrentClassesCarryTheirCyclicClasses()
    {
        var (code, output, error) = CliRunner.Run("analyze", "--model", "parity", "--temperature", "0", "--json", "--tv-steps", "2");

        code.Should().Be(0, error);
        using var json = JsonDocument.Parse(output);
        var recurrent = json.RootElement.GetProperty("classes").EnumerateArray().Where(c => c.GetProperty("recurrent").GetBoolean()).ToList();
        recurrent.Should().HaveCount(4);
        recurrent.Select(c => c.GetProperty("cyclicClasses").GetArrayLength()).Should().Equal(recurrent.Select(c => c.GetProperty("period").GetInt32()));
    }
}
