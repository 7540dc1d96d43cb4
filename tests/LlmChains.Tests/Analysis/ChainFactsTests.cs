using LlmChains.Analysis;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Tests.Analysis;

/// <summary>
/// The analyses ask a chain what it knows about itself (an internal capability) instead of testing for concrete types:
/// a user's own <see cref="IMarkovChain"/> wrapping a model's chain has no such knowledge, takes the general paths
/// (graph search, the whole matrix) and must get the same results as the built-in chain with its shortcuts.
/// </summary>
public sealed class ChainFactsTests
{
    public static TheoryData<string, DecodingOptions> Decodings => new()
    {
        { "sampling", new DecodingOptions { Temperature = 0.8 } },
        { "top-k 1 (greedy loops, several classes)", new DecodingOptions { Temperature = 1, TopK = 1 } },
        { "top-k 2 of 3", new DecodingOptions { Temperature = 1.3, TopK = 2 } },
    };

    [Theory]
    [MemberData(nameof(Decodings))]
    public void UsersWrapper_GetsTheSameAnalysisAsTheBuiltInChain(string name, DecodingOptions decoding)
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(3, 3, 1.0, seed: 11), decoding); // 39 states
        var wrapper = new UsersChain(chain);

        var builtIn = ChainAnalyzer.Analyze(chain);
        var general = ChainAnalyzer.Analyze(wrapper);

        general.Structure.UsedPropositionShortcut.Should().BeFalse(name);
        general.Structure.RecurrentClasses.Select(c => (c.Size, c.Period, c.FirstState))
            .Should().Equal(builtIn.Structure.RecurrentClasses.Select(c => (c.Size, c.Period, c.FirstState)), name);
        general.StationaryDistributions.Should().HaveSameCount(builtIn.StationaryDistributions);
        for (int k = 0; k < builtIn.StationaryDistributions.Count; k++)
        {
            for (int i = 0; i < chain.StateCount; i++)
            {
                general.StationaryDistributions[k].Distribution[i].Should().BeApproximately(builtIn.StationaryDistributions[k].Distribution[i], 1e-12, name);
            }
        }

        general.Spectrum!.Slem.Should().BeApproximately(builtIn.Spectrum!.Slem, 1e-9, name);
        general.MixingTime!.Value.Should().Be(builtIn.MixingTime!.Value, name);
        general.MixingTime.Status.Should().Be(builtIn.MixingTime.Status, name);
    }

    [Fact]
    public void BuiltInChain_UsesProposition33_WithoutAGraphSearch()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(3, 3, 1.0, seed: 11), new DecodingOptions { Temperature = 0.8 });

        var structure = ChainStructure.Analyze(chain);

        structure.UsedPropositionShortcut.Should().BeTrue();
        structure.RecurrentClasses.Should().ContainSingle().Which.FirstState.Should().Be(chain.States.FullLengthOffset);
        ChainStructure.Analyze(chain.RecurrentBlock).UsedPropositionShortcut.Should().BeTrue("the block knows it is ergodic too");
    }

    [Fact]
    public void MatrixMarket_NonZeroCountInTheHeader_SameForTheWrapper()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(3, 3, 1.0, seed: 11), new DecodingOptions { Temperature = 1, TopK = 2 });
        using var a = new StringWriter();
        using var b = new StringWriter();

        MatrixMarket.Write(chain, a);
        MatrixMarket.Write(new UsersChain(chain), b);

        b.ToString().Should().Be(a.ToString());
    }

    /// <summary>A chain as a user writes one: only the interface, delegating to a model's chain.</summary>
    private sealed class UsersChain(IMarkovChain inner) : IMarkovChain
    {
        public long StateCount => inner.StateCount;

        public int MaxRowNonZeros => inner.MaxRowNonZeros;

        public void Step(ReadOnlySpan<double> distribution, Span<double> next) => inner.Step(distribution, next);

        public int GetRow(long state, Span<long> columns, Span<double> probabilities) => inner.GetRow(state, columns, probabilities);
    }
}
