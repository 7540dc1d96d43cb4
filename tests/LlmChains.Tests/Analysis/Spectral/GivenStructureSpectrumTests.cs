using LlmChains.Analysis.Fate;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;

namespace LlmChains.Tests.Analysis.Spectral;

/// <summary>
/// A structure passed in the options of the spectrum and the fate analyses is used as the chain's (not classified again),
/// and one of another size is refused with the option's name — the same rule as ConvergenceOptions.Structure.
/// </summary>
public sealed class GivenStructureSpectrumTests
{
    private static readonly SparseMarkovChain Ergodic = SparseMarkovChain.FromDense(new[,] { { 0.5, 0.5 }, { 0.25, 0.75 } });

    private static readonly ChainStructure TwoAbsorbing =
        ChainStructure.Analyze(SparseMarkovChain.FromDense(new[,] { { 1.0, 0 }, { 0, 1.0 } }));

    private static readonly ChainStructure ThreeStates =
        ChainStructure.Analyze(SparseMarkovChain.FromDense(new[,] { { 1.0, 0, 0 }, { 0, 1.0, 0 }, { 0, 0, 1.0 } }));

    [Fact]
    public void Spectrum_UsesTheGivenStructure()
    {
        var own = Spectrum.Compute(Ergodic);
        var given = Spectrum.Compute(Ergodic, new SpectrumOptions { Structure = TwoAbsorbing });

        own.Method.Should().Be("trivial");
        given.Method.Should().Be("reducible", "the given structure (two closed classes) is taken as the chain's");
    }

    [Fact]
    public void Spectrum_StructureOfAnotherSize_IsRefused()
        => FluentActions.Invoking(() => Spectrum.Compute(Ergodic, new SpectrumOptions { Structure = ThreeStates }))
            .Should().Throw<ArgumentException>().WithMessage("SpectrumOptions.Structure has 3 states but the chain has 2*");

    [Fact]
    public void FirstPassage_StructureOfAnotherSize_IsRefused()
        => FluentActions.Invoking(() => FirstPassage.MeanTimes(Ergodic, new FateOptions { Structure = ThreeStates }))
            .Should().Throw<ArgumentException>().WithMessage("FateOptions.Structure has 3 states but the chain has 2*");

    [Fact]
    public void Hitting_StructureOfAnotherSize_IsRefused()
        => FluentActions.Invoking(() => Hitting.Compute(Ergodic, TargetSet.States([0]), options: new FateOptions { Structure = ThreeStates }))
            .Should().Throw<ArgumentException>().WithMessage("FateOptions.Structure has 3 states but the chain has 2*");
}
