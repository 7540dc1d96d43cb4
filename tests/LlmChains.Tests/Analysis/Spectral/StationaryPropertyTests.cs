using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LlmChains.Analysis;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Tests.Support;

namespace LlmChains.Tests.Analysis.Spectral;

/// <summary>
/// Properties of <see cref="StationaryDistribution.ComputeAll"/> over random models and decoding settings (T ∈ 1..6,
/// K ∈ 1..5, top-k, top-p, min-p, greedy; see <see cref="ChainCases"/>), checked with an independent step of the
/// whole chain: one distribution per recurrent class, each a probability vector supported on its class with
/// π·Q = π.
/// </summary>
public sealed class StationaryPropertyTests
{
    [Property(MaxTest = 60)]
    public Property ComputeAll_RandomModelAndDecoding_StationaryProbabilityVectorsOnEachClass() => Prop.ForAll(ChainCases.Arbitrary, c =>
    {
        if (c.StateCount > 1500)
        {
            return; // keeps dense GTH cheap; larger chains are covered by the cross-check tests
        }

        var chain = LanguageModelChain.Build(c.CreateModel(), c.Decoding);
        var structure = ChainStructure.Analyze(chain);

        var results = StationaryDistribution.ComputeAll(chain, new StationaryOptions { GthMaxStates = 5000, Structure = structure });

        results.Should().HaveCount(structure.RecurrentClasses.Count);
        var next = new double[chain.StateCount];
        for (int r = 0; r < results.Count; r++)
        {
            var result = results[r];
            double[] pi = result.Distribution;
            result.Class.Should().Be(structure.RecurrentClasses[r]);
            pi.Should().OnlyContain(p => p >= 0);
            pi.Sum().Should().BeApproximately(1, 1e-13);
            for (long s = 0; s < chain.StateCount; s++)
            {
                if (pi[s] != 0)
                {
                    structure.GetClassOf(s).Should().Be(result.Class.Id);
                }
            }

            chain.Step(pi, next);
            StationaryTestChains.L1(pi, next).Should().BeLessThanOrEqualTo(1e-13, c.ToString());
            result.Residual.Should().BeLessThanOrEqualTo(1e-13);
            result.Status.Should().Be(SolveStatus.Converged);
        }
    });

    [Property(MaxTest = 40)]
    public Property ComputeAll_RandomSparseChain_IterativeMethodsMatchGth() => Prop.ForAll(
        Gen.Choose(2, 120).ToArbitrary(),
        Gen.Choose(1, 4).ToArbitrary(),
        Gen.Choose(0, int.MaxValue).ToArbitrary(),
        (n, perRow, seed) =>
        {
            var chain = StationaryTestChains.RandomSparse(n, perRow, seed);
            var exact = StationaryDistribution.ComputeAll(chain, new StationaryOptions { Method = StationaryMethod.Gth });
            foreach (var method in new[] { StationaryMethod.LazyPower, StationaryMethod.Gmres })
            {
                var results = StationaryDistribution.ComputeAll(chain, new StationaryOptions { Method = method, Tolerance = 1e-14 });
                for (int c = 0; c < exact.Count; c++)
                {
                    StationaryTestChains.L1(results[c].Distribution, exact[c].Distribution).Should().BeLessThanOrEqualTo(1e-12, $"{method}, class {c}, n = {n}, seed = {seed}");
                }
            }
        });
}
