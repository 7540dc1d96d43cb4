using System.Diagnostics;
using LlmChains.Analysis;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Tests.Analysis.Spectral;

/// <summary>The metastable low-temperature chain where power iteration crawls, and cancellation of a 10^7-state solve.</summary>
public sealed class StationaryLargeChainTests
{
    [Fact]
    public void Compute_MetastableLowTemperatureChain_GmresNeedsFarFewerProductsThanPowerAndAgreesWithGth()
    {
        // T = 2, K = 10, N(0, 1) logits at τ = 0.1: power needs ~3.5·10^5 steps to a residual of 1e-10
        var chain = LanguageModelChain.Build(new RandomLogitsModel(2, 10, 1.0, seed: 0), new DecodingOptions { Temperature = 0.1 });
        var block = chain.RecurrentBlock;
        var exact = StationaryDistribution.Compute(block, new StationaryOptions { Method = StationaryMethod.Gth });

        var krylov = StationaryDistribution.Compute(block, new StationaryOptions { Method = StationaryMethod.Gmres, Tolerance = 1e-10 });
        var auto = StationaryDistribution.Compute(block, new StationaryOptions { Tolerance = 1e-10, GthMaxStates = 1 });
        // power iteration with 100 times GMRES-DR's budget still falls short
        var power = StationaryDistribution.Compute(block, new StationaryOptions { Method = StationaryMethod.Power, Tolerance = 1e-10, MaxIterations = 100 * krylov.MatrixVectorProducts });

        krylov.Status.Should().Be(SolveStatus.Converged);
        krylov.Residual.Should().BeLessThanOrEqualTo(1e-10);
        krylov.MatrixVectorProducts.Should().BeLessThan(1500); // d = 64 (automatic for T = 2) trades ~25% more products than d = 8 for 1/8 of the orthogonalisation
        power.Status.Should().Be(SolveStatus.MaxIterationsReached);
        power.Residual.Should().BeGreaterThan(1e-10);
        auto.Method.Should().Be(StationaryMethod.Gmres);
        auto.Status.Should().Be(SolveStatus.Converged);
        auto.MatrixVectorProducts.Should().BeLessThan(2 * krylov.MatrixVectorProducts);
        StationaryTestChains.L1(krylov.Distribution, exact.Distribution).Should().BeLessThanOrEqualTo(1e-8);
        StationaryTestChains.L1(auto.Distribution, exact.Distribution).Should().BeLessThanOrEqualTo(1e-8);
        krylov.ErrorEstimate.Should().NotBeNull();
        krylov.ErrorEstimate!.Value.Should().BeGreaterThanOrEqualTo(StationaryTestChains.L1(krylov.Distribution, exact.Distribution));
    }

    [Fact]
    public void Compute_MetastableChain_StepSizeIsTinyLongBeforeTheResidualIs()
    {
        // the trap of design.md: after a few hundred steps ‖x_{k+1} − x_k‖ is small while x is far from π
        var chain = LanguageModelChain.Build(new RandomLogitsModel(2, 10, 1.0, seed: 0), new DecodingOptions { Temperature = 0.1 });
        var block = chain.RecurrentBlock;
        var exact = StationaryDistribution.Compute(block);

        var early = StationaryDistribution.Compute(block, new StationaryOptions { Method = StationaryMethod.Power, Tolerance = 1e-10, MaxIterations = 5000 });

        early.Status.Should().Be(SolveStatus.MaxIterationsReached);
        StationaryTestChains.L1(early.Distribution, exact.Distribution).Should().BeGreaterThan(1e-4);
        early.ErrorEstimate.Should().NotBeNull();
        early.ErrorEstimate!.Value.Should().BeGreaterThan(1e-4);
    }

    [Theory]
    [InlineData(StationaryMethod.Auto)]
    [InlineData(StationaryMethod.Gmres)]
    public void Compute_TenMillionStateChainCancelled_ThrowsPromptly(StationaryMethod method)
    {
        var chain = HugeChain.Value;
        using var source = new CancellationTokenSource();
        var clock = new Stopwatch();
        var progress = new Progress<LlmChains.Progress>(_ => { });
        source.CancelAfter(TimeSpan.FromMilliseconds(200));
        clock.Start();

        var act = () => StationaryDistribution.Compute(chain, new StationaryOptions { Method = method, RestartLength = 8, DeflatedVectors = 2, MaxIterations = 1_000_000 }, progress, source.Token);

        act.Should().Throw<OperationCanceledException>();
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
    }

    /// <summary>T = 2, K = 23 in float32: 16.8·10^6 states, 8.4·10^6 in the recurrent block (built once for both cases).</summary>
    private static readonly Lazy<LanguageModelChain> HugeChain = new(() => LanguageModelChain.Build(
        new RandomLogitsModel(2, 23, 1.0, seed: 7),
        options: new ChainBuildOptions { Precision = ProbabilityPrecision.Float32 }));
}
