using LlmChains.Analysis;
using LlmChains.Analysis.Spectral;
using LlmChains.Analysis.Spectral.Internals;
using LlmChains.Chains;
using LlmChains.Models;
using Microsoft.Extensions.Logging;

namespace LlmChains.Tests.Analysis.Spectral;

/// <summary>
/// Auto's choice between power iteration and GMRES-DR by predicted cost: on random-logits chains from fast to slow
/// mixing, Auto's result agrees with exact GTH, and its cost (products × vector passes per product, the deterministic
/// measure the choice uses; times are for the benchmarks) is close to the cheaper of the two methods run alone.
/// </summary>
public sealed class StationaryAutoChoiceTests
{
    [Theory]
    [InlineData(2, 11, 2.0)]
    [InlineData(2, 11, 0.5)]
    [InlineData(2, 11, 0.1)]
    [InlineData(3, 7, 1.0)]
    [InlineData(3, 7, 0.25)]
    [InlineData(4, 6, 0.7)]
    [InlineData(10, 3, 1.0)]
    [InlineData(10, 3, 0.25)]
    public void Compute_AutoOnRandomLogitsChains_AgreesWithGthAndCostsAboutTheCheaperMethod(int t, int k, double tau)
    {
        var block = LanguageModelChain.Build(new RandomLogitsModel(t, k, 3.0, seed: 1), new DecodingOptions { Temperature = tau }).RecurrentBlock;
        var exact = StationaryDistribution.Compute(block, new StationaryOptions { Method = StationaryMethod.Gth });
        var auto = StationaryDistribution.Compute(block, new StationaryOptions { GthMaxStates = 1 });
        var power = StationaryDistribution.Compute(block, new StationaryOptions { Method = StationaryMethod.Power });
        var gmres = StationaryDistribution.Compute(block, new StationaryOptions { Method = StationaryMethod.Gmres });

        auto.Status.Should().Be(SolveStatus.Converged);
        auto.Residual.Should().BeLessThanOrEqualTo(1e-12);
        StationaryTestChains.L1(auto.Distribution, exact.Distribution).Should().BeLessThanOrEqualTo(1e-7); // residual 1e-12 times the condition of the slowest chains (≈ 2e4)
        StationaryTestChains.L1(gmres.Distribution, exact.Distribution).Should().BeLessThanOrEqualTo(1e-7); // residual 1e-12 times the condition of the slowest chains (≈ 2e4)

        int nonZeros = block.MaxRowNonZeros;
        int degree = StationaryDistribution.AutomaticDegree(30, 8, nonZeros);
        double powerPasses = StationaryCostModel.PowerPassesPerProduct(nonZeros, lazy: false);
        double gmresPasses = StationaryCostModel.GmresPassesPerProduct(nonZeros, 30, 8, degree);
        double Cost(StationaryResult r) => r.Method == StationaryMethod.Gmres ? r.MatrixVectorProducts * gmresPasses : r.MatrixVectorProducts * powerPasses;
        double cheapest = Math.Min(power.Status == SolveStatus.Converged ? Cost(power) : double.PositiveInfinity, Cost(gmres));

        // Auto's power steps are GMRES-DR's warm start, so switching late costs at most the steps taken before it
        Cost(auto).Should().BeLessThanOrEqualTo(1.3 * cheapest);
    }

    [Fact]
    public void Compute_Auto_LogsItsPredictedCostsAndChoiceAtDebug()
    {
        var block = LanguageModelChain.Build(new RandomLogitsModel(2, 11, 3.0, seed: 1), new DecodingOptions { Temperature = 0.1 }).RecurrentBlock;
        using var logs = new StationaryRecordingLoggerFactory();

        var result = StationaryDistribution.Compute(block, new StationaryOptions { GthMaxStates = 1, LoggerFactory = logs });

        result.Method.Should().Be(StationaryMethod.Gmres);
        logs.Entries.Should().Contain(e => e.Level == LogLevel.Debug && e.Message.Contains("power needs", StringComparison.Ordinal)
            && e.Message.Contains("GMRES-DR: predicted cheaper", StringComparison.Ordinal));
    }

    [Fact]
    public void CostModel_FastMixingFavoursPowerAndSlowMixingFavoursGmres()
    {
        // two-state-like rates: ρ = 0.5 (power needs ~40 products) and ρ = 0.999 (~28,000)
        double fastPower = StationaryCostModel.PowerProducts(1, 1e-12, 0.5) * StationaryCostModel.PowerPassesPerProduct(2, lazy: false);
        double fastGmres = StationaryCostModel.GmresProducts(1, 1e-12, StationaryCostModel.LazyRate(0.5, lazy: false), 64, 30) * StationaryCostModel.GmresPassesPerProduct(2, 30, 8, 64);
        double slowPower = StationaryCostModel.PowerProducts(1, 1e-12, 0.999) * StationaryCostModel.PowerPassesPerProduct(2, lazy: false);
        double slowGmres = StationaryCostModel.GmresProducts(1, 1e-12, StationaryCostModel.LazyRate(0.999, lazy: false), 64, 30) * StationaryCostModel.GmresPassesPerProduct(2, 30, 8, 64);

        fastPower.Should().BeLessThan(fastGmres);
        slowGmres.Should().BeLessThan(slowPower);
        StationaryCostModel.PowerProducts(1e-13, 1e-12, 0.9).Should().Be(0);
        StationaryCostModel.PowerProducts(1, 1e-12, 1.0).Should().Be(double.PositiveInfinity);
        StationaryCostModel.GmresProducts(1, 1e-12, 0.99, 64, 30).Should().BeGreaterThan(StationaryCostModel.GmresProducts(1, 1e-12, 0.9, 64, 30));
    }
}
