using System.Text.Json;
using LlmChains.Analysis;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Tests.Analysis;

/// <summary><see cref="ChainAnalysisJson"/>: the analyze --json contract written from the library, checked against the analysis itself.</summary>
public sealed class ChainAnalysisJsonTests
{
    [Fact]
    public void Serialize_CarriesTheAnalysisValues()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(3, 3, 1.0, 4));
        var analysis = ChainAnalyzer.Analyze(chain, new ChainAnalysisOptions { DistanceSteps = 20 });

        using var json = JsonDocument.Parse(ChainAnalysisJson.Serialize(chain, analysis));
        var root = json.RootElement;

        root.GetProperty("stateCount").GetInt64().Should().Be(chain.StateCount);
        root.GetProperty("stationary").EnumerateArray().Select(e => e.GetDouble()).Should().Equal(analysis.Stationary!.Distribution);
        root.GetProperty("slem").GetDouble().Should().Be(analysis.Spectrum!.Slem);
        root.GetProperty("epsilon").GetDouble().Should().Be(analysis.Epsilon!.Epsilon);
        root.GetProperty("tMix").GetDouble().Should().Be(analysis.MixingTime!.Value);
        root.GetProperty("tMixStatus").GetString().Should().Be("Reached");
        root.GetProperty("tvDistance").EnumerateArray().Select(e => e.GetDouble()).Should().Equal(analysis.Distances!.Distances);
        root.GetProperty("tvDistanceStart").GetString().Should().Be("worst-case");
        root.GetProperty("sampled").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public void Classes_SummaryCountsTheTransientPromptsAndAllListsThem()
    {
        // T = 3, K = 3: the 3 + 9 prompts shorter than K are transient classes of one state; the 27 windows one recurrent class
        var chain = LanguageModelChain.Build(new RandomLogitsModel(3, 3, 1.0, 4));
        var analysis = ChainAnalyzer.Analyze(chain);

        using var summary = JsonDocument.Parse(ChainAnalysisJson.Serialize(chain, analysis));
        using var all = JsonDocument.Parse(ChainAnalysisJson.Serialize(chain, analysis, new ChainAnalysisJsonOptions { Classes = ClassListing.All }));

        summary.RootElement.GetProperty("classListing").GetString().Should().Be("summary");
        summary.RootElement.GetProperty("classes").GetArrayLength().Should().Be(1);
        summary.RootElement.GetProperty("transientSingletonClassCount").GetInt32().Should().Be(12);
        all.RootElement.GetProperty("classes").GetArrayLength().Should().Be(13);
        all.RootElement.GetProperty("transientSingletonClassCount").GetInt32().Should().Be(12);
        all.RootElement.GetProperty("classes").EnumerateArray().Sum(c => c.GetProperty("size").GetInt64()).Should().Be(chain.StateCount);
    }

    [Fact]
    public void NotFiniteValues_AreNullWithTheirStatus()
    {
        // a 2-cycle: periodic, t_mix and t_min infinite
        var chain = SparseMarkovChain.FromDense(new double[,] { { 0, 1 }, { 1, 0 } });
        var analysis = ChainAnalyzer.Analyze(chain, new ChainAnalysisOptions { DistanceSteps = 6 });

        using var json = JsonDocument.Parse(ChainAnalysisJson.Serialize(chain, analysis, new ChainAnalysisJsonOptions { DistanceSteps = 4 }));
        var root = json.RootElement;

        root.GetProperty("tMix").ValueKind.Should().Be(JsonValueKind.Null);
        root.GetProperty("tMixStatus").GetString().Should().Be("Periodic");
        root.GetProperty("tvDistance").GetArrayLength().Should().Be(5, "DistanceSteps = 4 writes d(0..4)");
        root.GetProperty("epsilon").ValueKind.Should().Be(JsonValueKind.Null, "ε belongs to a model's chain");
    }

    [Fact]
    public void Options_NegativeLimit_Refused()
    {
        var act = () => new ChainAnalysisJsonOptions { StationaryLimit = -1 }.Validate();
        act.Should().Throw<ArgumentOutOfRangeException>();
    }
}
