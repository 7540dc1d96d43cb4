using System.Text.Json;
using LlmChains.Cli.Output;

namespace LlmChains.Cli.Tests.Reliability;

/// <summary>What the tool prints never passes one quantity off as another: no uniform-start figure as t_mix, d(t) of periodic chains in full.</summary>
public sealed class HonestOutputTests
{
    [Fact]
    public void ChainAboveTheWorstCaseLimit_ReportsNoMixingTimeAndLabelsTheUniformCurve()
    {
        // 65,534 states: above the exact worst case's default limit (n² doubles in a quarter of the memory) on any machine under 128 GiB
        string[] args = ["analyze", "--model", "random", "--context", "15", "--tv-steps", "5", "--sample", "50"];
        var (code, output, error) = CliRunner.Run(args);
        code.Should().Be(0, error);
        output.Should().Contain("t_mix and t_min not computed").And.Contain("TV(uniform)").And.NotContain("worst case over all starts");

        var json = CliRunner.Run([.. args, "--json"]);
        using var document = JsonDocument.Parse(json.Output);
        var root = document.RootElement;
        root.GetProperty("tMix").ValueKind.Should().Be(JsonValueKind.Null);
        root.GetProperty("tMixStatus").GetString().Should().Be("TooLargeForWorstCase");
        root.GetProperty("tvDistanceStart").GetString().Should().Be("uniform");
    }

    [Fact]
    public void PeriodicChain_ReportsTheWholeWorstCaseCurve()
    {
        using var file = CliRunner.File(".mtx", "%%MatrixMarket matrix coordinate real general\n3 3 3\n1 2 1\n2 3 1\n3 1 1\n");
        var (code, output, error) = CliRunner.Run("analyze", "--matrix", file.Path, "--tv-steps", "12", "--json");

        code.Should().Be(0, error);
        using var document = JsonDocument.Parse(output);
        var tv = document.RootElement.GetProperty("tvDistance").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        tv.Should().HaveCount(13, "d(0..12) as --tv-steps asks");
        // a 3-cycle: from any state the law is a point mass on one of 3 states, π uniform: d(t) = 2/3 for every t
        tv.Should().OnlyContain(d => Math.Abs(d - (2.0 / 3)) < 1e-12);
        document.RootElement.GetProperty("tMixStatus").GetString().Should().Be("Periodic");

        var text = CliRunner.Run("analyze", "--matrix", file.Path, "--tv-steps", "12");
        text.Output.Should().Contain("periodic").And.Contain("12: 0.667");
    }

    [Fact]
    public void Progress_AppearsAfterASecondEvenWithoutReports_AndEndsWithANewline()
    {
        using var inner = new StringWriter();
        using var error = TextWriter.Synchronized(inner);
        using (var progress = new StderrProgress<double>(error, "working", f => f))
        {
            // the heartbeat is due after about a second; a loaded machine (the suite runs in parallel) may delay it
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(20) && !ReadLocked(error, inner).Contains("working", StringComparison.Ordinal))
            {
                Thread.Sleep(100);
            }
        }

        string text = inner.ToString();
        text.Should().Contain("working:   0%").And.EndWith(Environment.NewLine);
    }

    /// <summary>Reads the text under the lock that <see cref="TextWriter.Synchronized"/> takes for every write (the writer itself).</summary>
    private static string ReadLocked(TextWriter synchronized, StringWriter inner)
    {
        lock (synchronized)
        {
            return inner.ToString();
        }
    }

    [Fact]
    public void Progress_UnknownTotal_ShowsTheStageAndItsDetailInsteadOfAPercentage()
    {
        using var inner = new StringWriter();
        using var error = TextWriter.Synchronized(inner);
        using (var progress = new StderrProgress<Progress>(error, "analysing", p => p.Fraction, p => p.Total > 0 ? p.Stage : p.ToString()))
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(20) && !ReadLocked(error, inner).Contains("residual", StringComparison.Ordinal))
            {
                progress.Report(new Progress("stationary", 120, 0) { Detail = "residual 3.10E-009" });
                Thread.Sleep(100);
            }
        }

        string text = inner.ToString();
        text.Should().Contain("analysing: stationary 120 · residual 3.10E-009  (").And.NotContain("%").And.NotContain("NaN");
    }

    [Fact]
    public void Progress_QuickWork_PrintsNothing()
    {
        using var error = new StringWriter();
        using (var progress = new StderrProgress<double>(error, "working", f => f))
        {
            progress.Report(0.5);
            progress.Report(1);
        }

        error.ToString().Should().BeEmpty();
    }

    [Fact]
    public void Sweep_SlowErgodicChain_IsNotReachedNotInfinite()
    {
        var (code, output, error) = CliRunner.Run("sweep", "--model", "parity", "--temperatures", "0,0.05,1");

        code.Should().Be(0, error);
        string[] rows = output.Split('\n');
        rows.Single(r => r.TrimStart().StartsWith("0.05 ", StringComparison.Ordinal)).Should().Contain("> ").And.NotContain("∞", "τ = 0.05 gives an ergodic chain whose t_mix is finite");
        rows.Single(r => r.TrimStart().StartsWith("0 ", StringComparison.Ordinal)).Should().Contain("∞").And.Contain("−∞").And.NotContain("Infinity").And.NotContain("NaN");
        output.Should().Contain("not reached within");

        var json = CliRunner.Run("sweep", "--model", "parity", "--temperatures", "0.05", "--json");
        json.Output.Should().Contain("\"tMixStatus\": \"NotReachedWithinHorizon\"");
    }

    [Fact]
    public void Commands_NameTheFilesTheyWrote()
    {
        string folder = Directory.CreateTempSubdirectory("llmchains-files-").FullName;
        try
        {
            string csv = Path.Combine(folder, "r.csv"), plot = Path.Combine(folder, "r.png"), sweep = Path.Combine(folder, "s.png");
            var icl = CliRunner.Run("icl", "--length", "60", "--repetitions", "2", "--csv", csv, "--plot", plot);
            var sw = CliRunner.Run("sweep", "--temperatures", "0.5,1", "--plot", sweep);

            icl.ExitCode.Should().Be(0, icl.Error);
            icl.Output.Should().Contain($"wrote {csv}").And.Contain($"wrote {plot}");
            sw.Output.Should().Contain($"wrote {sweep}");
            File.Exists(sweep).Should().BeTrue();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void AnalyzeJson_CountsTransientPromptsUnlessAllClassesIsAsked()
    {
        var summary = CliRunner.Run("analyze", "--model", "random", "--vocab", "3", "--context", "3", "--json", "--tv-steps", "3");
        var all = CliRunner.Run("analyze", "--model", "random", "--vocab", "3", "--context", "3", "--json", "--tv-steps", "3", "--all-classes");

        using var s = JsonDocument.Parse(summary.Output);
        using var a = JsonDocument.Parse(all.Output);
        s.RootElement.GetProperty("classes").GetArrayLength().Should().Be(1);
        s.RootElement.GetProperty("transientSingletonClassCount").GetInt32().Should().Be(12);
        a.RootElement.GetProperty("classes").GetArrayLength().Should().Be(13);
    }

    [Fact]
    public void MaxMemory_IsTheBudgetOfTheExactWorstCase()
    {
        // 510 states: n² doubles = 2 MiB, within the default budget but not within --max-memory 1M (at most 362 states)
        string[] args = ["analyze", "--model", "random", "--context", "8", "--tv-steps", "10", "--sample", "0", "--json"];
        var normal = CliRunner.Run(args);
        var tight = CliRunner.Run([.. args, "--max-memory", "1M"]);

        normal.ExitCode.Should().Be(0, normal.Error);
        tight.ExitCode.Should().Be(0, tight.Error);
        using var a = JsonDocument.Parse(normal.Output);
        using var b = JsonDocument.Parse(tight.Output);
        a.RootElement.GetProperty("tMixStatus").GetString().Should().Be("Reached");
        b.RootElement.GetProperty("tMixStatus").GetString().Should().Be("TooLargeForWorstCase");
        b.RootElement.GetProperty("tvDistanceStart").GetString().Should().Be("uniform");
    }
}
