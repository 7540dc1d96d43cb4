using LlmChains.Analysis;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Tests.Analysis.Spectral;

/// <summary>Every method against exact GTH on random general sparse chains and on LLM-shaped chains, with and without truncation.</summary>
public sealed class StationaryCrossCheckTests
{
    private static readonly StationaryMethod[] IterativeMethods = [StationaryMethod.Power, StationaryMethod.LazyPower, StationaryMethod.Gmres];

    public static TheoryData<int, int, int> SparseCases => new()
    {
        { 5, 2, 1 }, { 20, 2, 2 }, { 60, 3, 3 }, { 150, 1, 4 }, { 150, 4, 5 }, { 300, 3, 6 }, { 300, 2, 7 }, { 40, 6, 8 },
    };

    [Theory]
    [MemberData(nameof(SparseCases))]
    public void ComputeAll_RandomSparseChain_EveryMethodAgreesWithGth(int n, int maxPerRow, int seed)
    {
        var chain = StationaryTestChains.RandomSparse(n, maxPerRow, seed);
        AssertAllMethodsAgree(chain, 1e-12);
    }

    [Theory]
    [InlineData(30, 2, 11, false)]
    [InlineData(200, 3, 12, false)]
    [InlineData(500, 2, 13, false)]
    [InlineData(40, 2, 14, true)]
    [InlineData(400, 3, 15, true)]
    public void Compute_RandomIrreducibleChain_EveryMethodAgreesWithGth(int n, int extra, int seed, bool bipartite)
    {
        var chain = StationaryTestChains.RandomIrreducible(n, extra, seed, bipartite);
        var structure = ChainStructure.Analyze(chain);
        structure.IsIrreducible.Should().BeTrue();
        if (bipartite)
        {
            structure.RecurrentClasses[0].Period.Should().Be(2);
        }

        AssertAllMethodsAgree(chain, 1e-12);
    }

    public static TheoryData<int, int, double, int?, double?, int> LanguageModelCases => new()
    {
        { 2, 6, 1.0, null, null, 1 },
        { 3, 4, 0.5, null, null, 2 },
        { 4, 3, 2.0, null, null, 3 },
        { 5, 3, 0.3, null, null, 4 },
        { 2, 8, 1.0, null, 0.8, 5 },
        { 3, 5, 1.0, 2, null, 6 },
        { 4, 4, 0.7, 2, 0.9, 7 },
        { 6, 3, 1.5, 3, null, 8 },
        { 3, 5, 0.8, null, 0.6, 9 },
        { 2, 7, 0.0, null, null, 10 },
    };

    [Theory]
    [MemberData(nameof(LanguageModelCases))]
    public void ComputeAll_LanguageModelChain_EveryMethodAgreesWithGth(int t, int k, double temperature, int? topK, double? topP, int seed)
    {
        var chain = LanguageModelChain.Build(
            new RandomLogitsModel(t, k, 1.5, seed),
            new DecodingOptions { Temperature = temperature, TopK = topK, TopP = topP });

        AssertAllMethodsAgree(chain, 1e-12);
    }

    [Fact]
    public void ComputeAll_SameChainBehindAnOpaqueWrapper_GivesTheSameDistributions()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(3, 4, 2.0, seed: 21), new DecodingOptions { TopK = 2 });

        var direct = StationaryDistribution.ComputeAll(chain);
        var opaque = StationaryDistribution.ComputeAll(new StationaryOpaqueChain(chain));

        opaque.Should().HaveCount(direct.Count);
        for (int c = 0; c < direct.Count; c++)
        {
            opaque[c].Class.Should().Be(direct[c].Class);
            StationaryTestChains.L1(opaque[c].Distribution, direct[c].Distribution).Should().BeLessThanOrEqualTo(1e-14);
        }
    }

    private static void AssertAllMethodsAgree(IMarkovChain chain, double tolerance)
    {
        var structure = ChainStructure.Analyze(chain);
        var exact = StationaryDistribution.ComputeAll(chain, new StationaryOptions { Method = StationaryMethod.Gth, Structure = structure });
        exact.Should().HaveCount(structure.RecurrentClasses.Count);
        foreach (var result in exact)
        {
            result.Status.Should().Be(SolveStatus.Converged);
            result.Residual.Should().BeLessThanOrEqualTo(1e-14);
            result.Distribution.Sum().Should().BeApproximately(1, 1e-14);
        }

        foreach (var method in IterativeMethods.Append(StationaryMethod.Auto))
        {
            var options = new StationaryOptions { Method = method, Structure = structure, Tolerance = 1e-14, GthMaxStates = method == StationaryMethod.Auto ? 8 : 4096 };
            var results = StationaryDistribution.ComputeAll(chain, options);
            results.Should().HaveCount(exact.Count);
            for (int c = 0; c < exact.Count; c++)
            {
                results[c].Class.Should().Be(exact[c].Class);
                double distance = StationaryTestChains.L1(results[c].Distribution, exact[c].Distribution);
                distance.Should().BeLessThanOrEqualTo(tolerance, $"{method} on class {c} ({results[c].Class}) ended {results[c].Status} with residual {results[c].Residual:E2}");
            }
        }
    }
}
