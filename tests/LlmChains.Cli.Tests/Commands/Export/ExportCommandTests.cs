using System.Text.Json;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Cli.Tests.Commands.Export;

public sealed class ExportCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("llmchains-export-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string In(string name) => Path.Combine(_folder, name);

    private static double[] Stationary(params string[] args)
    {
        var (code, output, error) = CliRunner.Run(["analyze", "--json", "--tv-steps", "5", .. args]);
        code.Should().Be(0, error);
        using var document = JsonDocument.Parse(output);
        return [.. document.RootElement.GetProperty("stationary").EnumerateArray().Select(e => e.GetDouble())];
    }

    private static void ShouldBeNear(double[] actual, double[] expected, double tolerance)
    {
        actual.Should().HaveCount(expected.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            actual[i].Should().BeApproximately(expected[i], tolerance, "state {0}", i);
        }
    }

    [Theory]
    [InlineData("toy")]
    [InlineData("random")]
    [InlineData("parity")]
    public void Export_MatrixOut_AnalyzeMatrixGivesTheStationaryDistributionOfTheModel(string name)
    {
        string[] model = name switch
        {
            "random" => ["--model", "random", "--vocab", "3", "--context", "3", "--seed", "4", "--temperature", "0.7", "--top-k", "2"],
            "parity" => ["--model", "parity", "--context", "4", "--temperature", "0.5"],
            _ => [],
        };
        string mtx = In("chain.mtx");
        var (code, output, error) = CliRunner.Run(["export", .. model, "--matrix-out", mtx]);

        code.Should().Be(0, error);
        output.Should().StartWith($"wrote {mtx}: chain Q_f").And.Contain(" states, ").And.Contain(" non-zeros, ").And.Contain(" bytes");
        string[] analyzeModel = [.. model];
        ShouldBeNear(Stationary("--matrix", mtx), Stationary(analyzeModel), 1e-12);
    }

    /// <summary>The matrix is the chain's probabilities bit for bit: the library reads it back equal to the chain it builds.</summary>
    [Fact]
    public void Export_MatrixOut_HoldsTheLibrarysChainBitForBit()
    {
        string mtx = In("chain.mtx");
        CliRunner.Run("export", "--model", "random", "--vocab", "4", "--context", "2", "--seed", "9", "--top-p", "0.8", "--matrix-out", mtx).ExitCode.Should().Be(0);

        var read = MatrixMarket.Read(mtx);
        var built = LanguageModelChain.Build(new RandomLogitsModel(4, 2, 1.0, 9), new DecodingOptions { Temperature = 1, TopP = 0.8 });
        read.StateCount.Should().Be(built.StateCount);
        read.StoredTransitionCount.Should().Be(built.CountNonZeros());
        var (c1, p1, c2, p2) = (new long[4], new double[4], new long[4], new double[4]);
        for (long s = 0; s < built.StateCount; s++)
        {
            int n = built.GetRow(s, c1, p1);
            read.GetRow(s, c2, p2).Should().Be(n);
            c2[..n].Should().Equal(c1[..n]);
            p2[..n].Should().Equal(p1[..n]);
        }
    }

    [Theory]
    [InlineData("float64", 8)]
    [InlineData("float32", 4)]
    public void Export_LogitsOut_TableModelGivesTheSameChain(string precision, int itemSize)
    {
        string npy = In("logits.npy");
        string[] random = ["--model", "random", "--vocab", "3", "--context", "3", "--seed", "2", "--logit-scale", "3"];
        var (code, output, error) = CliRunner.Run(["export", .. random, "--precision", precision, "--logits-out", npy]);

        code.Should().Be(0, error);
        output.Should().Be($"wrote {npy}: logits of T = 3, K = 3, shape (39, 3) {precision}, {new FileInfo(npy).Length:N0} bytes (NumPy .npy; --model table:{npy})" + Environment.NewLine);
        new FileInfo(npy).Length.Should().Be(128 + (39 * 3 * itemSize));
        var table = TabularModel.FromNpy(npy);
        table.IsSinglePrecision.Should().Be(itemSize == 4);

        // the chain of the table: bit for bit the model's (float64), or its float32 rounding
        string fromTable = In("table.mtx");
        string fromModel = In("model.mtx");
        CliRunner.Run("export", "--model", $"table:{npy}", "--temperature", "0.8", "--matrix-out", fromTable).ExitCode.Should().Be(0);
        CliRunner.Run(["export", .. random, "--temperature", "0.8", "--matrix-out", fromModel]).ExitCode.Should().Be(0);
        if (itemSize == 8)
        {
            File.ReadAllBytes(fromTable).Should().Equal(File.ReadAllBytes(fromModel));
        }

        ShouldBeNear(Stationary("--model", $"table:{npy}", "--temperature", "0.8"), Stationary([.. random, "--temperature", "0.8"]), itemSize == 8 ? 1e-13 : 1e-5);
    }

    /// <summary>Both outputs: the chain is built from the captured logits, and is the chain the model gives directly.</summary>
    [Fact]
    public void Export_BothOutputs_MatrixIsTheChainOfTheLogits()
    {
        string[] random = ["--model", "random", "--vocab", "2", "--context", "4", "--seed", "5", "--min-p", "0.2"];
        var (code, output, error) = CliRunner.Run(["export", .. random, "--matrix-out", In("both.mtx"), "--logits-out", In("both.npy"), "--json"]);

        code.Should().Be(0, error);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        root.GetProperty("stateCount").GetInt64().Should().Be(30);
        root.GetProperty("matrix").GetProperty("path").GetString().Should().Be(In("both.mtx"));
        root.GetProperty("matrix").GetProperty("minP").GetDouble().Should().Be(0.2);
        root.GetProperty("matrix").GetProperty("bytes").GetInt64().Should().Be(new FileInfo(In("both.mtx")).Length);
        root.GetProperty("logits").GetProperty("dtype").GetString().Should().Be("<f8");
        root.GetProperty("logits").GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).Should().Equal(30, 2);
        root.GetProperty("logits").GetProperty("bytes").GetInt64().Should().Be(new FileInfo(In("both.npy")).Length);
        int nonZeros = root.GetProperty("matrix").GetProperty("nonZeros").GetInt32();
        MatrixMarket.Read(In("both.mtx")).StoredTransitionCount.Should().Be(nonZeros);

        CliRunner.Run(["export", .. random, "--matrix-out", In("alone.mtx")]).ExitCode.Should().Be(0);
        File.ReadAllBytes(In("both.mtx")).Should().Equal(File.ReadAllBytes(In("alone.mtx")));
    }

    [Theory]
    [InlineData(new[] { "export" }, 2, "--matrix-out")]
    [InlineData(new[] { "export", "--model", "uniform", "--json" }, 2, "--logits-out")]
    [InlineData(new[] { "export", "--precision", "float32", "--matrix-out", "{0}/a.mtx" }, 2, "--precision float32")]
    [InlineData(new[] { "export", "--matrix-out", "{0}/same", "--logits-out", "{0}/same" }, 2, "give two files")]
    [InlineData(new[] { "export", "--model", "uniform", "--vocab", "1000", "--context", "9", "--matrix-out", "{0}/huge.mtx" }, 1, "exporting the chain of T = 1000, K = 9")]
    [InlineData(new[] { "export", "--model", "uniform", "--vocab", "50", "--context", "6", "--logits-out", "{0}/big.npy", "--max-memory", "64M" }, 1, "of --max-memory")]
    [InlineData(new[] { "export", "--matrix-out", "{0}" }, 1, "is a folder")]
    [InlineData(new[] { "export", "--logits-out", "{0}/file.txt/l.npy" }, 1, "could not write the .npy logits")]
    [InlineData(new[] { "export", "--temperature", "-1", "--matrix-out", "{0}/t.mtx" }, 1, "emperature")]
    [InlineData(new[] { "export", "--seed", "3", "--matrix-out", "{0}/t.mtx" }, 2, "--seed applies to --model random")]
    public void Export_Refusals_OneLineNoStdoutNoFile(string[] template, int exitCode, string message)
    {
        File.WriteAllText(In("file.txt"), "a file, not a folder");
        string[] args = [.. template.Select(a => a.Replace("{0}", _folder, StringComparison.Ordinal))];

        var (code, output, error) = CliRunner.Run(args);

        code.Should().Be(exitCode, error);
        output.Should().BeEmpty();
        error.TrimEnd('\n', '\r').Should().NotContain("\n").And.StartWith("llmchains: error: ").And.Contain(message);
        Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName).Should().Equal("file.txt");
    }
}
