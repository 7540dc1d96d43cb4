using System.Text.Json;
using LlmChains.Cli.Parsing;

namespace LlmChains.Cli.Tests.Reliability;

/// <summary>One test per item of the input contract (docs/errors.md): misread inputs, sizes, messages, output files.</summary>
public sealed class InputContractTests
{
    [Theory]
    [InlineData("0.5", 0.5)]
    [InlineData("-2", -2)]
    [InlineData("+3", 3)]
    [InlineData("1e-6", 1e-6)]
    [InlineData(".25", 0.25)]
    [InlineData("2.", 2)]
    [InlineData("1E3", 1000)]
    public void InvariantNumber_AcceptsCompleteNumbers(string text, double expected)
    {
        InvariantNumber.TryParseDouble(text, out double value, out _).Should().BeTrue();
        value.Should().Be(expected);
    }

    [Theory]
    [InlineData("1,5")]
    [InlineData("1,000")]
    [InlineData("1 000")]
    [InlineData("1_000")]
    [InlineData("0x10")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("∞")]
    [InlineData("1e400")]
    [InlineData("")]
    [InlineData(" 1")]
    [InlineData("1\n")]
    [InlineData("٣")]
    [InlineData("−1")]
    [InlineData("1e")]
    [InlineData(".")]
    [InlineData("0.5.5")]
    [InlineData("5%")]
    public void InvariantNumber_RefusesAnythingElse(string text)
    {
        InvariantNumber.TryParseDouble(text, out _, out string? problem).Should().BeFalse();
        problem.Should().Contain($"'{text}'");
    }

    [Theory]
    [InlineData("1e6", 1_000_000)]
    [InlineData("2147483647", int.MaxValue)]
    [InlineData("-5", -5)]
    public void InvariantNumber_Integers(string text, long expected)
    {
        InvariantNumber.TryParseInteger(text, int.MinValue, int.MaxValue, out long value, out _).Should().BeTrue();
        value.Should().Be(expected);
    }

    [Theory]
    [InlineData("2.5")]
    [InlineData("1.000")]
    [InlineData("2147483648")]
    [InlineData("1e10")]
    [InlineData("1e-3")]
    [InlineData("99999999999999999999999")]
    public void InvariantNumber_RefusesNonIntegersAndOutOfRange(string text)
    {
        InvariantNumber.TryParseInteger(text, int.MinValue, int.MaxValue, out _, out _).Should().BeFalse();
    }

    [Fact]
    public void NGramFile_SeparatedMultiDigitTokens_AreNeverSplitIntoDigits()
    {
        using var file = CliRunner.File(".txt", "0 12 5 12 0 5 12");
        var (code, output, error) = CliRunner.Run("analyze", "--model", $"ngram:{file.Path}", "--context", "1", "--json", "--tv-steps", "2");

        code.Should().Be(0, error);
        using var json = JsonDocument.Parse(output);
        json.RootElement.GetProperty("vocabularySize").GetInt32().Should().Be(13, "the tokens are 0, 12 and 5: T = 12 + 1");
    }

    [Fact]
    public void NGramFile_SeparatedMultiDigitTokensWithSmallVocabulary_IsRefusedNotSplit()
    {
        using var file = CliRunner.File(".txt", "0 12 5 12 0 5 12");
        var (code, _, error) = CliRunner.Run("analyze", "--model", $"ngram:{file.Path}", "--vocab", "10");

        code.Should().Be(1);
        error.Should().Contain("token 12 is outside the vocabulary 0..9");
    }

    [Fact]
    public void NGramFile_DigitRun_IsOneDigitAToken()
    {
        using var file = CliRunner.File(".txt", "0110100110010110\n");
        var (code, output, error) = CliRunner.Run("analyze", "--model", $"ngram:{file.Path}", "--json", "--tv-steps", "2");

        code.Should().Be(0, error);
        using var json = JsonDocument.Parse(output);
        json.RootElement.GetProperty("vocabularySize").GetInt32().Should().Be(2);
    }

    [Fact]
    public void NGramFile_OneMultiDigitWordALine_IsAmbiguousWithoutVocab()
    {
        using var file = CliRunner.File(".txt", "12\n5\n0\n12\n");
        var (code, output, error) = CliRunner.Run("analyze", "--model", $"ngram:{file.Path}");

        code.Should().Be(1);
        output.Should().BeEmpty();
        error.Should().Contain("give --vocab");
        CliRunner.Run("analyze", "--model", $"ngram:{file.Path}", "--vocab", "13", "--context", "1", "--tv-steps", "2").ExitCode.Should().Be(0);
    }

    [Theory]
    [InlineData("tmin:-5-10", "got -5")]
    [InlineData("tmin:10-5", "LO = 10 above HI = 5")]
    [InlineData("tmin:5", "is not a range")]
    [InlineData("tmin:5-1,0", "is not a range")]
    public void IclTminRange_SignsAndOrderAreRead(string spec, string expected)
    {
        var (code, output, error) = CliRunner.Run("icl", "--chain", spec, "--length", "50", "--repetitions", "2");

        code.Should().NotBe(0);
        output.Should().BeEmpty();
        error.Should().StartWith("llmchains: error: --chain").And.Contain(expected);
    }

    [Theory]
    [InlineData("3", "0.5")]
    [InlineData("10", "0.2")]
    public void BoundsIcl_MinProbAboveOneOverD_IsRefused(string states, string pMin)
    {
        var (code, output, error) = CliRunner.Run("bounds", "icl", "--states", states, "--min-prob", pMin, "--unembedding-norm", "1", "--t-min", "5");

        code.Should().Be(1);
        output.Should().BeEmpty();
        error.Should().StartWith("llmchains: error: --min-prob:").And.Contain("exceeds 1/d");
    }

    [Theory]
    [InlineData(new[] { "analyse" }, "did you mean 'analyze'?")]
    [InlineData(new[] { "sweeep" }, "did you mean 'sweep'?")]
    [InlineData(new[] { "bounds", "pretrian" }, "did you mean 'pretrain'?")]
    [InlineData(new[] { "analyze", "--temprature", "1" }, "did you mean '--temperature'?")]
    [InlineData(new[] { "icl", "--lenght", "10" }, "did you mean '--length'?")]
    [InlineData(new[] { "frobnicate" }, "the commands are analyze, sweep, bounds, icl")]
    [InlineData(new string[0], "give a command: analyze, sweep, bounds, icl")]
    public void UnknownCommandOrOption_SuggestsTheClosest(string[] args, string expected)
    {
        var (code, output, error) = CliRunner.Run(args);

        code.Should().Be(2);
        output.Should().BeEmpty();
        error.Should().Contain(expected);
        error.TrimEnd('\n').Should().NotContain("\n");
    }

    [Theory]
    [InlineData(new[] { "analyze", "--model", "uniform", "--top-k", "0" }, "--top-k")]
    [InlineData(new[] { "analyze", "--model", "uniform", "--top-p", "1.5" }, "--top-p")]
    [InlineData(new[] { "analyze", "--model", "uniform", "--min-p", "-0.1" }, "--min-p")]
    [InlineData(new[] { "analyze", "--model", "uniform", "--temperature", "-1" }, "--temperature")]
    [InlineData(new[] { "analyze", "--precision", "float16" }, "--precision")]
    [InlineData(new[] { "analyze", "--tv-steps", "2e9x" }, "--tv-steps")]
    [InlineData(new[] { "analyze", "--model", "gguf:/nonexistent.gguf", "--threads", "100000" }, "--threads")]
    [InlineData(new[] { "analyze", "--model", "gguf:/nonexistent.gguf", "--threads", "0" }, "--threads")]
    [InlineData(new[] { "icl", "--states", "1" }, "--states")]
    [InlineData(new[] { "icl", "--repetitions", "0" }, "--repetitions")]
    [InlineData(new[] { "bounds", "pretrain", "--vocab", "0", "--embedding-dim", "4" }, "--vocab")]
    [InlineData(new[] { "analyze", "--max-memory", "lots" }, "--max-memory")]
    [InlineData(new[] { "analyze", "--model", "random", "--logit-scale", "-1" }, "--logit-scale: ")]
    [InlineData(new[] { "analyze", "--model", "uniform", "--top-k", "0" }, "--top-k: k must be ≥ 1; got 0.")]
    [InlineData(new[] { "icl", "--points", "1" }, "--points: ")]
    [InlineData(new[] { "icl", "--threads", "0" }, "--threads: ")]
    [InlineData(new[] { "icl", "--predictor", "frequentist:-1" }, "--predictor frequentist:-1: ")]
    [InlineData(new[] { "icl", "--chain", "clique", "--labels", "0101" }, "--labels: ")]
    [InlineData(new[] { "icl", "--start", "5" }, "--start: ")]
    [InlineData(
        new[]
        {
            "bounds", "depth", "--vocab", "10", "--embedding-dim", "2000", "--mlp-width", "2000000", "--layers", "2000", "--w1-norm", "1000",
            "--w2-norm", "1000", "--wo-norm", "1000", "--wv-norm", "1000", "--token-norm", "1000", "--unembedding-norm", "1000",
        },
        "--layers: ")]
    public void ErrorMessages_NameTheOptionAsTyped_WithoutDotNetText(string[] args, string option)
    {
        var (code, output, error) = CliRunner.Run(args);

        code.Should().BeOneOf(1, 2);
        output.Should().BeEmpty();
        error.Should().StartWith("llmchains: error: ").And.Contain(option);
        FuzzOracle.ShouldBeCleanOneLine(error);
    }

    [Theory]
    [InlineData(new[] { "analyze", "--context", "2147483647" }, "10^")]
    [InlineData(new[] { "analyze", "--model", "uniform", "--context", "40" }, "2,199,023,255,550 states")]
    [InlineData(new[] { "analyze", "--model", "uniform", "--vocab", "1", "--context", "1000000000" }, "1,000,000,000 states")]
    [InlineData(new[] { "analyze", "--model", "uniform", "--sample", "2e9" }, "--sample 2000000000")]
    [InlineData(new[] { "analyze", "--model", "uniform", "--burn-in", "0", "--sample", "10", "--max-loop-period", "2e9" }, "--max-loop-period 2000000000")]
    [InlineData(new[] { "analyze", "--model", "uniform", "--tv-steps", "2e9" }, "--tv-steps 2000000000")]
    [InlineData(new[] { "icl", "--states", "46000" }, "d = 46000")]
    [InlineData(new[] { "icl", "--states", "100000" }, "d = 100000")]
    [InlineData(new[] { "icl", "--repetitions", "2e9" }, "--repetitions 2000000000")]
    [InlineData(new[] { "icl", "--length", "2e9" }, "--length 2000000000")]
    [InlineData(new[] { "analyze", "--model", "uniform", "--context", "20", "--max-memory", "16M" }, "of --max-memory")]
    public void HugeSizes_AreRefusedWithTheEstimateBeforeAllocating(string[] args, string expected)
    {
        // a fixed budget, so that the result does not depend on the machine's memory
        string[] full = args.Contains("--max-memory") ? args : [.. args, "--max-memory", "8G"];
        long before = GC.GetAllocatedBytesForCurrentThread();
        var (code, output, error) = CliRunner.Run(full);

        code.Should().Be(1, error);
        output.Should().BeEmpty();
        error.Should().Contain(expected).And.Contain("needs about").And.Contain("more than");
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(256L << 20, "the size is refused before it is allocated");
    }

    [Fact]
    public void MatrixMarketHeader_DeclaringHugeChain_IsRefusedFromTheHeader()
    {
        using var file = CliRunner.File(".mtx", "%%MatrixMarket matrix coordinate real general\n2000000000 2000000000 1\n1 1 1\n");
        long before = GC.GetAllocatedBytesForCurrentThread();
        var (code, output, error) = CliRunner.Run("analyze", "--matrix", file.Path);

        code.Should().Be(1);
        output.Should().BeEmpty();
        error.Should().Contain("line 2").And.Contain("declares only 1 entries");
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(64L << 20);
    }

    [Fact]
    public void OutputFile_IsReplacedWholeAndNoTemporaryIsLeft()
    {
        string folder = Directory.CreateTempSubdirectory("llmchains-out-").FullName;
        try
        {
            string plot = Path.Combine(folder, "d.png");
            File.WriteAllText(plot, "old");
            var (code, _, error) = CliRunner.Run("analyze", "--model", "uniform", "--tv-steps", "5", "--plot", plot);

            code.Should().Be(0, error);
            File.ReadAllBytes(plot).Take(4).Should().Equal(0x89, (byte)'P', (byte)'N', (byte)'G');
            Directory.GetFiles(folder).Should().Equal(plot);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void OutputFile_ThatCannotBeWritten_KeepsTheOldFileAndPrintsNothing()
    {
        string folder = Directory.CreateTempSubdirectory("llmchains-out-").FullName;
        try
        {
            // the target is a folder: the rename fails after the temporary file is complete
            string target = Path.Combine(folder, "taken");
            Directory.CreateDirectory(target);
            var (code, output, error) = CliRunner.Run("icl", "--length", "50", "--repetitions", "2", "--csv", target);

            code.Should().Be(1);
            output.Should().BeEmpty();
            error.Should().Contain("is a folder");
            Directory.GetFiles(folder).Should().BeEmpty("no temporary file is left behind");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
