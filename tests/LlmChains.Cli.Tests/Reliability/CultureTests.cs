using System.Globalization;
using System.Text.Json;
using LlmChains.Chains;
using LlmChains.InContext;

namespace LlmChains.Cli.Tests.Reliability;

/// <summary>Runs alone: its tests change the process's default culture, which every thread (and other tests) would see.</summary>
[CollectionDefinition(nameof(ProcessCultureGroup), DisableParallelization = true)]
public sealed class ProcessCultureGroup;

/// <summary>
/// The tool and the library under comma-decimal cultures: numbers are parsed and printed in the invariant culture, so
/// "0.5" is one half and every output (text, JSON, CSV, MatrixMarket) is the same byte for byte as under the invariant culture.
/// </summary>
[Collection(nameof(ProcessCultureGroup))]
public sealed class CultureTests
{
    public static TheoryData<string> CommaCultures => ["de-DE", "fr-FR", "ru-RU", "pt-BR"];

    [Theory]
    [MemberData(nameof(CommaCultures))]
    public void Temperature_PointDecimal_IsOneHalfInEveryCulture(string culture)
    {
        var (code, output, error) = InCulture(culture, () => CliRunner.Run("analyze", "--model", "uniform", "--temperature", "0.5", "--tv-steps", "3", "--json"));

        code.Should().Be(0, error);
        using var json = JsonDocument.Parse(output);
        json.RootElement.GetProperty("decoding").GetProperty("temperature").GetDouble().Should().Be(0.5);
    }

    [Theory]
    [InlineData("de-DE", "--temperature", "1,5")]
    [InlineData("de-DE", "--temperature", "0,5")]
    [InlineData("en-US", "--temperature", "1,5")]
    [InlineData("de-DE", "--top-p", "0,9")]
    [InlineData("en-US", "--tv-steps", "1,000")]
    [InlineData("de-DE", "--tv-steps", "1.000")]
    [InlineData("de-DE", "--logit-scale", "1.000,5")]
    [InlineData("fr-FR", "--min-p", "0,1")]
    public void CommaOrGroupedNumber_IsRefusedNamingTheOption(string culture, string option, string value)
    {
        var (code, output, error) = InCulture(culture, () => CliRunner.Run("analyze", "--model", "uniform", option, value));

        code.Should().Be(2);
        output.Should().BeEmpty();
        error.Should().StartWith($"llmchains: error: {option}: '{value}' is not");
    }

    [Theory]
    [MemberData(nameof(CommaCultures))]
    public void EveryCommandOutput_IsTheSameAsUnderTheInvariantCulture(string culture)
    {
        string[][] runs =
        [
            ["analyze", "--tv-steps", "12"],
            ["analyze", "--model", "random", "--vocab", "3", "--context", "3", "--temperature", "0.7", "--json"],
            ["analyze", "--model", "random", "--vocab", "3", "--context", "9", "--sample", "200", "--tv-steps", "20"],
            ["sweep", "--temperatures", "0.25,0.5,1.5"],
            ["sweep", "--temperatures", "0.25,0.5,1.5", "--json"],
            ["bounds", "pretrain", "--vocab", "32000", "--embedding-dim", "4096", "--tokens", "1.5e12", "--min-prob", "1e-7"],
            ["bounds", "icl", "--states", "3", "--unembedding-norm", "1.5", "--min-prob", "0.05", "--t-min", "4.6", "--tokens", "100", "--epsilon", "0.5", "--json"],
            ["bounds", "catalog", "--delta", "0.05"],
            ["icl", "--states", "3", "--length", "200", "--repetitions", "4", "--predictor", "frequentist,bayes:0.5"],
            ["icl", "--states", "3", "--length", "200", "--repetitions", "4", "--json"],
            ["export", "--model", "random", "--vocab", "3", "--context", "3", "--temperature", "0.7", "--top-p", "0.9", "--matrix-out", "{0}/c.mtx", "--logits-out", "{0}/l.npy"],
            ["export", "--model", "random", "--vocab", "3", "--context", "3", "--temperature", "0.7", "--top-p", "0.9", "--matrix-out", "{0}/c.mtx", "--logits-out", "{0}/l.npy", "--json"],
            ["gguf", "tiny", "{0}/t.gguf", "--seed", "4"],
            ["gguf", "tiny", "{0}/t.gguf", "--seed", "4", "--json"],
        ];

        string folder = Directory.CreateTempSubdirectory("llmchains-culture-").FullName;
        try
        {
            foreach (string[] template in runs)
            {
                string[] args = [.. template.Select(a => a.Replace("{0}", folder, StringComparison.Ordinal))];
                var invariant = InCulture("", () => CliRunner.Run(args));
                var invariantFiles = Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
                var local = InCulture(culture, () => CliRunner.Run(args));
                var localFiles = Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();

                invariant.ExitCode.Should().Be(0, invariant.Error);
                local.ExitCode.Should().Be(0, local.Error);
                WithoutTimings(local.Output).Should().Be(WithoutTimings(invariant.Output), $"'{string.Join(' ', args)}' prints the same in {culture}");
                localFiles.Should().HaveSameCount(invariantFiles);
                for (int i = 0; i < localFiles.Count; i++)
                {
                    localFiles[i].Should().Equal(invariantFiles[i], $"'{string.Join(' ', args)}' writes the same files in {culture}");
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(CommaCultures))]
    public void LibraryFiles_AreWrittenAndReadInvariantly(string culture)
    {
        var chain = SparseMarkovChain.FromDense(new[,] { { 0.25, 0.75 }, { 0.5, 0.5 } });
        string InvariantMtx() => Write(writer => MatrixMarket.Write(chain, writer));
        string expected = InCulture("", InvariantMtx);
        string written = InCulture(culture, InvariantMtx);

        written.Should().Be(expected).And.Contain("0.25").And.Contain("0.75");
        var read = InCulture(culture, () => MatrixMarket.Read(new StringReader(written), "c.mtx"));
        var columns = new long[2];
        var values = new double[2];
        read.GetRow(0, columns, values).Should().Be(2);
        values.Should().Equal(0.25, 0.75);

        var source = ChainSource.Fixed(ChainGenerators.UniformRows(3, new Random(1)), 0);
        var options = new InContextExperimentOptions { Length = 100, Repetitions = 3, Seed = 2, MaxDegreeOfParallelism = 1 };
        var result = InCulture("", () => InContextExperiment.Run(source, [new FrequentistEstimator()], options));
        InCulture(culture, () => result.ToJson()).Should().Be(InCulture("", () => result.ToJson()));
        InCulture(culture, () => Write(result.WriteCsv)).Should().Be(InCulture("", () => Write(result.WriteCsv)));
    }

    [Fact]
    public void NGramFile_WithDecimalCommaCulture_ReadsTheSameTokens()
    {
        using var file = CliRunner.File(".txt", "0 1 1 0 1 0 0 1 1 1 0 1");
        var invariant = InCulture("", () => CliRunner.Run("analyze", "--model", $"ngram:{file.Path}", "--json", "--tv-steps", "5"));
        var german = InCulture("de-DE", () => CliRunner.Run("analyze", "--model", $"ngram:{file.Path}", "--json", "--tv-steps", "5"));

        german.ExitCode.Should().Be(0, german.Error);
        german.Output.Should().Be(invariant.Output);
    }

    /// <summary>The output without its wall-clock lines (elapsedSeconds), which differ from run to run.</summary>
    private static string WithoutTimings(string output)
        => string.Join('\n', output.Split('\n').Where(line => !line.Contains("elapsed", StringComparison.OrdinalIgnoreCase)));

    private static string Write(Action<TextWriter> write)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        write(writer);
        return writer.ToString();
    }

    /// <summary>Runs <paramref name="action"/> with <paramref name="name"/> as the current and default culture (UI culture too).</summary>
    internal static T InCulture<T>(string name, Func<T> action)
    {
        var culture = CultureInfo.GetCultureInfo(name);
        var (current, ui, defaultCulture, defaultUi) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture, CultureInfo.DefaultThreadCurrentCulture, CultureInfo.DefaultThreadCurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = culture;
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = culture;
        try
        {
            return action();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (current, ui);
            (CultureInfo.DefaultThreadCurrentCulture, CultureInfo.DefaultThreadCurrentUICulture) = (defaultCulture, defaultUi);
        }
    }
}
