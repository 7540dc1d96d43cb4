using LlmChains.Analysis.Convergence;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;

namespace LlmChains.Tests.Analysis.Convergence;

/// <summary>
/// A structure the caller already has is used, not recomputed (ChainAnalyzer classifies once and passes it on), and one
/// of another size is refused.
/// </summary>
public sealed class GivenStructureTests
{
    private static readonly SparseMarkovChain Ergodic = SparseMarkovChain.FromDense(new[,] { { 0.5, 0.5 }, { 0.25, 0.75 } });

    [Fact]
    public void WorstCaseDistances_UsesTheGivenStructure()
    {
        // the structure of a two-state chain with two absorbing states: same size, not an ergodic unichain
        var reducible = ChainStructure.Analyze(SparseMarkovChain.FromDense(new[,] { { 1.0, 0 }, { 0, 1.0 } }));
        double[] pi = [1.0 / 3, 2.0 / 3];

        var own = TotalVariation.WorstCaseDistances(Ergodic, pi, 3);
        var given = TotalVariation.WorstCaseDistances(Ergodic, pi, 3, new ConvergenceOptions { Structure = reducible });

        own.IsErgodicUnichain.Should().BeTrue();
        given.IsErgodicUnichain.Should().BeFalse("the given structure is taken as the chain's, not classified again");
        given.Distances.Should().Equal(own.Distances);
    }

    [Fact]
    public void Structure_OfAnotherSize_IsRefused()
    {
        var three = ChainStructure.Analyze(SparseMarkovChain.FromDense(new[,] { { 1.0, 0, 0 }, { 0, 1.0, 0 }, { 0, 0, 1.0 } }));

        FluentActions.Invoking(() => TotalVariation.WorstCaseDistances(Ergodic, [1.0 / 3, 2.0 / 3], 3, new ConvergenceOptions { Structure = three }))
            .Should().Throw<ArgumentException>().WithMessage("ConvergenceOptions.Structure has 3 states but the chain has 2*");
    }
}
