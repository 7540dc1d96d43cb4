using System.Globalization;
using LlmChains.Analysis;
using LlmChains.Analysis.Convergence;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Models;
using LlmChains.Tests.Support;

namespace LlmChains.Tests;

/// <summary>The one progress type: its fraction and text, and the stages the facade passes on.</summary>
public sealed class ProgressTests
{
    [Theory]
    [InlineData(0, 10, 0.0)]
    [InlineData(5, 10, 0.5)]
    [InlineData(12, 10, 1.0)]
    [InlineData(-1, 10, 0.0)]
    public void Fraction_KnownTotal_ClampedToUnitInterval(long done, long total, double expected)
        => new Progress("build", done, total).Fraction.Should().Be(expected);

    [Fact]
    public void Fraction_UnknownTotal_IsNaN() => new Progress("stationary", 120, 0).Fraction.Should().Be(double.NaN);

    [Fact]
    public void ToString_IsInvariantInEveryCulture()
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            new Progress("build", 4096, 16382).ToString().Should().Be("build 4,096/16,382");
            (new Progress("stationary", 1200, 0) { Detail = "residual 3.10E-009" }).ToString().Should().Be("stationary 1,200 · residual 3.10E-009");
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void Analyze_PassesEachStageOnInOrder_WithTheSolversOwnReports()
    {
        // τ = 0.3 on T = 2, K = 6: power iteration needs many products, so the solver reports under "stationary"
        var chain = LanguageModelChain.Build(new RandomLogitsModel(2, 6, 1.0, seed: 1), new DecodingOptions { Temperature = 0.3 });
        var progress = new RecordingProgress<Progress>();
        var options = new ChainAnalysisOptions { Stationary = new StationaryOptions { Method = StationaryMethod.Power } };

        ChainAnalyzer.Analyze(chain, options, progress);

        string[] stages = [.. progress.Reports.Select(p => p.Stage).Distinct()];
        stages.Should().Equal("structure", "stationary", "spectrum", "epsilon", "mixing", "done");
        progress.Reports.Where(p => p.Stage == "stationary").Should().Contain(p => p.Done > 0 && p.Detail != null && p.Detail.StartsWith("residual ", StringComparison.Ordinal));
        progress.Reports.Where(p => p.Stage == "mixing" && p.Total > 0).Should().NotBeEmpty("the worst-case curve reports its steps");
        progress.Reports[^1].Should().Be(new Progress("done", 1, 1));
    }

    [Fact]
    public void TemperatureSweep_ReportsEachTemperature()
    {
        var progress = new RecordingProgress<Progress>();

        TemperatureSweep.Run(new UniformModel(2, 2), [0.5, 1], progress: progress);

        progress.Reports.Select(p => (p.Stage, p.Done, p.Total, p.Detail)).Should().Equal(("temperature", 1L, 2L, "τ = 0.5"), ("temperature", 2L, 2L, "τ = 1"));
    }
}
