using System.Globalization;
using System.Text.Json;
using LlmChains.Cli.Commands.Icl;

namespace LlmChains.Cli.Tests.Commands.Icl;

public sealed class IclCommandTests
{
    private static (int ExitCode, string Output, string Error) Run(params string[] args) => CliRunner.Run(args);

    private static JsonElement Json(params string[] args)
    {
        var (code, output, error) = Run([.. args, "--json"]);
        code.Should().Be(0, error);
        error.Should().NotContain("error", "stderr holds at most progress for work over a second");
        using var document = JsonDocument.Parse(output);
        return document.RootElement.Clone();
    }

    [Fact]
    public void Json_RandomChain_HasTheContractFields()
    {
        var root = Json("icl", "--length", "200", "--repetitions", "6", "--predictor", "frequentist,bayes", "--seed", "3", "--points", "20");

        root.GetProperty("stateCount").GetInt32().Should().Be(3);
        root.GetProperty("length").GetInt32().Should().Be(200);
        root.GetProperty("repetitions").GetInt32().Should().Be(6);
        root.GetProperty("seed").GetInt32().Should().Be(3);
        root.GetProperty("chainIsFixed").GetBoolean().Should().BeTrue();
        root.GetProperty("chain").GetString().Should().Contain("uniform-normalised");
        var lengths = root.GetProperty("contextLengths");
        lengths[0].GetInt32().Should().Be(1);
        lengths[lengths.GetArrayLength() - 1].GetInt32().Should().Be(200);
        root.GetProperty("predictors").GetArrayLength().Should().Be(2);
        root.GetProperty("predictors")[1].GetProperty("name").GetString().Should().StartWith("Bayes");
        var perPosition = root.GetProperty("predictors")[0].GetProperty("perPosition");
        perPosition.GetProperty("mean").GetArrayLength().Should().Be(lengths.GetArrayLength());
        perPosition.GetProperty("fit").GetProperty("slope").GetDouble().Should().BeInRange(-1.5, 0);
        root.GetProperty("tMin").GetProperty("mean").GetDouble().Should().BeGreaterThanOrEqualTo(4);
        root.GetProperty("theory").GetProperty("values").GetArrayLength().Should().Be(lengths.GetArrayLength());
        root.GetProperty("comparisons").GetArrayLength().Should().Be(1);
    }

    [Fact]
    public void Json_SameSeed_SameNumbers()
    {
        string[] args = ["icl", "--length", "100", "--repetitions", "4", "--seed", "9", "--json"];
        var first = Run(args);
        var second = Run([.. args, "--threads", "1"]);

        using var a = JsonDocument.Parse(first.Output);
        using var b = JsonDocument.Parse(second.Output);
        a.RootElement.GetProperty("predictors").GetRawText().Should().Be(b.RootElement.GetProperty("predictors").GetRawText());
    }

    [Fact]
    public void Text_TrueModel_ZeroRiskAndSummary()
    {
        var (code, output, error) = Run("icl", "--length", "100", "--repetitions", "3", "--predictor", "frequentist", "--predictor", "model:true");

        code.Should().Be(0, error);
        output.Should().StartWith("llmchains icl");
        output.Should().Contain("t_min").And.Contain("Thm. 4.3 gap");
        output.Should().Contain("model:true (the chain itself)  0 [0, 0]");
        output.Should().Contain("paired differences");
    }

    [Fact]
    public void PlotAndCsv_AreWritten()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"llmchains-icl-{Guid.NewGuid():N}");
        string png = Path.Combine(folder, "icl.png");
        string csv = Path.Combine(folder, "icl.csv");
        try
        {
            var (code, output, error) = Run("icl", "--length", "300", "--repetitions", "8", "--predictor", "frequentist,bayes,model:uniform", "--plot", png, "--csv", csv, "--json");

            code.Should().Be(0, error);
            error.Should().BeEmpty();
            JsonDocument.Parse(output).Dispose();
            File.ReadAllBytes(png).Take(8).Should().Equal(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A);
            string[] lines = File.ReadAllLines(csv);
            lines[0].Should().Be("series,metric,n,n_over_tmin,mean,lower,upper,sd,theory,reference");
            lines.Skip(1).Select(l => l.Split(',')[0]).Distinct().Should().HaveCount(5, "3 predictors and 2 comparisons");
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public void Chains_StructuredAndProcess_Run()
    {
        Json("icl", "--chain", "clique", "--length", "60", "--repetitions", "2").GetProperty("stateCount").GetInt32().Should().Be(9);
        var constrained = Json("icl", "--chain", "constrained", "--states", "4", "--length", "60", "--repetitions", "2");
        constrained.GetProperty("theory").ValueKind.Should().Be(JsonValueKind.Null);
        constrained.GetProperty("tMin").GetProperty("chains")[0].GetProperty("isFinite").GetBoolean().Should().BeFalse();
        var brownian = Json("icl", "--chain", "brownian", "--length", "40", "--repetitions", "2");
        brownian.GetProperty("stateCount").GetInt32().Should().Be(700);
        brownian.GetProperty("chainIsFixed").GetBoolean().Should().BeFalse();
        Json("icl", "--chain", "dirichlet", "--alpha", "0.5", "--resample-chain", "--length", "40", "--repetitions", "3", "--predictor", "bayes")
            .GetProperty("predictors")[0].GetProperty("name").GetString().Should().Be("Bayes (Dirichlet α = 0.5)");
        Json("icl", "--chain", "tmin:14-16", "--length", "40", "--repetitions", "2").GetProperty("tMin").GetProperty("mean").GetDouble().Should().BeInRange(14, 16);
    }

    [Theory]
    [InlineData("--states 1", "--states: The number of states d must be ≥ 2; got 1.")]
    [InlineData("--length 1", "--length: The context length N must be ≥ 2 (one observed transition at least); got 1.")]
    [InlineData("--chain dirichlet --alpha 0", "--alpha: The Dirichlet concentration α must be finite and > 0; got 0.")]
    [InlineData("--chain clique --eta 0.9", "--eta: η must lie in (0, 3/4]")]
    [InlineData("--chain clique --eta -1", "--eta: η must lie in (0, 3/4]")]
    [InlineData("--predictor bayes:0", "--predictor bayes:0: The Dirichlet concentration α must be finite and > 0; got 0.")]
    [InlineData("--predictor gguf:/nonexistent/model.gguf", "/nonexistent/model.gguf: no such file")]
    [InlineData("--predictor model:true --resample-chain", "model:true needs a fixed chain")]
    [InlineData("--chain brownian --states 3", "--states 3: the discretised processes have 700 states")]
    [InlineData("--chain nonsense", "--chain 'nonsense' is not one of")]
    [InlineData("--repetitions 0", "--repetitions: The number of repetitions must be ≥ 1; got 0.")]
    [InlineData("--chain constrained --x-axis n-over-tmin", "--x-axis n-over-tmin needs a finite t_min")]
    public void BadInput_OneLineErrorAndNonZeroExit(string arguments, string message)
    {
        string[] given = arguments.Split(' ');
        var defaults = new List<string>();
        foreach (var (option, value) in new[] { ("--length", "20"), ("--repetitions", "2") })
        {
            if (!given.Contains(option))
            {
                defaults.AddRange([option, value]);
            }
        }

        var (code, output, error) = Run(["icl", .. defaults, .. given, "--json"]);

        code.Should().NotBe(0);
        output.Should().BeEmpty("stdout holds only JSON, and there is none on error");
        error.Should().StartWith("llmchains: error: ").And.Contain(message);
        error.TrimEnd().Split('\n').Should().HaveCount(1);
    }

    [Fact]
    public void TablePredictor_VocabularyLacksAStateToken_ClearError()
    {
        // a .npy logit table with T = 2 columns for a 3-state chain
        string path = Path.Combine(Path.GetTempPath(), $"llmchains-{Guid.NewGuid():N}.npy");
        try
        {
            WriteNpy(path, rows: 2, columns: 2);
            var (code, _, error) = Run("icl", "--length", "20", "--repetitions", "2", "--predictor", $"model:table:{path}");

            code.Should().NotBe(0);
            error.Should().Contain("lacks the token of state 2 (id 2)");
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A float64 .npy array of zeros (rows = |V_1^*| = T for K = 1).</summary>
    private static void WriteNpy(string path, int rows, int columns)
    {
        string header = $"{{'descr': '<f8', 'fortran_order': False, 'shape': ({rows}, {columns}), }}";
        int total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + ((64 - (total % 64)) % 64)) + "\n";
        using var stream = File.Create(path);
        using var writer = new BinaryWriter(stream);
        writer.Write((byte)0x93);
        writer.Write("NUMPY"u8.ToArray());
        writer.Write((byte)1);
        writer.Write((byte)0);
        writer.Write((ushort)header.Length);
        writer.Write(System.Text.Encoding.ASCII.GetBytes(header));
        for (int i = 0; i < rows * columns; i++)
        {
            writer.Write(0.0);
        }
    }
}
