using LlmChains.Analysis.Convergence;
using LlmChains.Bounds;

namespace LlmChains.Tests.Bounds;

/// <summary>Thm. 4.2, Thm. E.5 and Prop. 4.1 against oracles O-8 and O-12 (paper-spec §8).</summary>
public sealed class PretrainingBoundTests
{
    private static readonly double SqrtLog40 = Math.Sqrt(Math.Log(40));

    /// <summary>A bound with B̄ = 2 exactly: T = 1 (log T = 0), B_U = 0.5, τ = 1, so M = 1.</summary>
    private static PretrainingBound ConstantTwo() => new(1, 0.5, 1);

    [Fact]
    public void SampleComplexity_ConstantTwoEpsilonTenthDelta005_Is5903()
    {
        var bound = ConstantTwo();

        bound.Constant.Should().Be(2);
        // O-8: ⌈1600·log 40⌉ = ⌈5902.2071⌉
        bound.SampleComplexity(0.1, 0.05).Should().Be(5903);
        bound.ApproximationError(5903, 0.05).Should().BeLessThanOrEqualTo(0.1);
        bound.ApproximationError(5902, 0.05).Should().BeGreaterThan(0.1);
    }

    [Fact]
    public void Gap_ConstantTwoTenThousandTokens_Is00384129()
    {
        var bound = ConstantTwo();

        SqrtLog40.Should().BeApproximately(1.9206456, 5e-8);
        bound.Gap(1e4, 0.05).Should().BeApproximately(0.0384129, 5e-8);
        bound.ApproximationError(1e4, 0.05).Should().BeApproximately(2 * 0.0384129, 1e-7);
    }

    [Fact]
    public void Constant_O8Example_MatchesTotalVariationAndKl()
    {
        var tv = new PretrainingBound(10, 1, 1, minimumProbability: 0.01);
        var kl = PretrainingBound.KullbackLeibler(10, 1, 1, minimumProbability: 0.01);

        tv.MaxTerm.Should().BeApproximately(4.6051702, 5e-8);
        tv.ModelTerm.Should().BeApproximately(Math.Log(10) + 2, 1e-15);
        tv.LanguageTerm.Should().BeApproximately(Math.Log(100), 1e-15);
        tv.LanguageTermIncluded.Should().BeTrue();
        tv.LanguageTermDominates.Should().BeTrue();
        tv.Constant.Should().BeApproximately(4.2919321, 5e-8);
        kl.Constant.Should().BeApproximately(6.5126941, 5e-8);
        kl.Divergence.Should().Be(BoundDivergence.KullbackLeibler);
    }

    [Fact]
    public void PerTermBound_O12Example_IsVacuousC2()
    {
        // O-12: T = 2, B_U = 1, τ = 1, c_0 = 0.1: M = 2.6931472, c₂ = √(2M) = 2.3208392 (> 1: vacuous as TV, as expected)
        var bound = new PretrainingBound(2, 1, 1, minimumProbability: 0.1);

        bound.MaxTerm.Should().BeApproximately(2.6931472, 5e-8);
        bound.PerTermBound.Should().BeApproximately(2.3208392, 5e-8);
        bound.Constant.Should().BeApproximately(Math.Sqrt(2) * 2.3208392, 1e-7);
        bound.LanguageTermDominates.Should().BeFalse();
    }

    [Fact]
    public void ModelProbabilityFloor_O12Softmax_IsOneOverTwoEToTheFour()
    {
        // O-12 / Lemma F.7: x = (1, −1), ‖x‖₁ = c₁ = 2 ⇒ softmax(x)_i ≥ 1/(2e⁴) = 0.0091578; actual minimum 0.1192029
        var bound = new PretrainingBound(2, 2, 1);
        double actualMinimum = Math.Exp(-1) / (Math.Exp(1) + Math.Exp(-1));

        bound.ModelProbabilityFloor.Should().BeApproximately(0.0091578, 5e-8);
        actualMinimum.Should().BeApproximately(0.1192029, 5e-8);
        actualMinimum.Should().BeGreaterThanOrEqualTo(bound.ModelProbabilityFloor);
    }

    [Fact]
    public void Constant_MinimumProbabilityOmitted_DropsLanguageTermAndSaysSo()
    {
        var bound = new PretrainingBound(10, 1, 1);

        bound.LanguageTermIncluded.Should().BeFalse();
        bound.LanguageTerm.Should().BeNull();
        bound.LanguageTermDominates.Should().BeFalse();
        bound.ThresholdTemperature.Should().BeNull();
        bound.MaxTerm.Should().BeApproximately(Math.Log(10) + 2, 1e-15);
        bound.Constant.Should().BeApproximately(2 * Math.Sqrt(Math.Log(10) + 2), 1e-15);
        bound.Assumptions.Should().Contain(a => a.Contains("c_0 not given", StringComparison.Ordinal) && a.Contains("E.1.1", StringComparison.Ordinal));
    }

    [Fact]
    public void Constant_GammaNorm_ScalesLinearly()
    {
        var independent = new PretrainingBound(10, 1, 1, 0.01);
        var markov = new PretrainingBound(10, 1, 1, 0.01, gammaNorm: 3.5);

        markov.Constant.Should().BeApproximately(3.5 * independent.Constant, 1e-12);
        markov.Gap(1000, 0.1).Should().BeApproximately(3.5 * independent.Gap(1000, 0.1), 1e-12);
        markov.Assumptions.Should().Contain(a => a.Contains("‖Γ‖ ≤ 3.5", StringComparison.Ordinal));
        independent.Assumptions.Should().Contain(a => a.Contains("‖Γ‖ = 1", StringComparison.Ordinal));
    }

    [Fact]
    public void SampleComplexity_KlVariant_ThrowsNotSupportedWithTheReason()
    {
        var kl = PretrainingBound.KullbackLeibler(10, 1, 1, 0.01);

        kl.Invoking(b => b.SampleComplexity(0.1, 0.05)).Should().Throw<NotSupportedException>()
            .WithMessage("*not a metric*Prop. 4.1*total-variation*");
        kl.Invoking(b => b.ApproximationError(1e4, 0.05)).Should().Throw<NotSupportedException>();
        kl.Gap(1e4, 0.05).Should().BeApproximately(6.5126941 / 100 * SqrtLog40, 1e-8);
        kl.Assumptions.Should().Contain(a => a.Contains("Thm. E.5", StringComparison.Ordinal));
    }

    [Fact]
    public void ThresholdTemperature_LanguageTermAboveLogT_EqualizesTheTerms()
    {
        var bound = new PretrainingBound(10, 1, 1, 0.01);
        double tau = bound.ThresholdTemperature!.Value;

        // log 10 + 2/τ* = log 100 ⇒ τ* = 2/log 10
        tau.Should().BeApproximately(2 / Math.Log(10), 1e-15);
        new PretrainingBound(10, 1, tau, 0.01).ModelTerm.Should().BeApproximately(Math.Log(100), 1e-12);
        new PretrainingBound(10, 1, tau * 1.01, 0.01).LanguageTermDominates.Should().BeTrue();
        new PretrainingBound(10, 1, tau * 0.99, 0.01).LanguageTermDominates.Should().BeFalse();
    }

    [Fact]
    public void ThresholdTemperature_LanguageTermBelowLogT_IsInfinite()
    {
        new PretrainingBound(1000, 1, 1, 0.01).ThresholdTemperature.Should().Be(double.PositiveInfinity);
    }

    [Fact]
    public void SampleCountForGap_TargetGap_IsSmallestNReachingIt()
    {
        var bound = ConstantTwo();

        // Gap(10⁴) = 0.03841291… ≤ 0.038413 < Gap(9999)
        double n = bound.SampleCountForGap(0.038413, 0.05);

        n.Should().Be(10000);
        bound.Gap(n, 0.05).Should().BeLessThanOrEqualTo(0.038413);
        bound.Gap(n - 1, 0.05).Should().BeGreaterThan(0.038413);
        // SampleComplexity(ε) is the N for a gap of ε/2
        bound.SampleCountForGap(0.05, 0.05).Should().Be(bound.SampleComplexity(0.1, 0.05));
    }

    [Fact]
    public void SampleCountForGap_KlVariant_IsDefined()
    {
        var kl = PretrainingBound.KullbackLeibler(10, 1, 1, 0.01);

        double n = kl.SampleCountForGap(0.1, 0.05);

        kl.Gap(n, 0.05).Should().BeLessThanOrEqualTo(0.1);
        kl.Gap(n - 1, 0.05).Should().BeGreaterThan(0.1);
    }

    [Fact]
    public void SampleComplexity_ZeroConstant_IsOne()
    {
        // T = 1, B_U = 0, no c_0: M = 0, B̄ = 0; the smallest sample count is still 1
        var bound = new PretrainingBound(1, 0, 1);

        bound.Constant.Should().Be(0);
        bound.SampleComplexity(0.1, 0.05).Should().Be(1);
    }

    [Fact]
    public void SampleComplexity_BeyondExactIntegers_StillReachesEpsilon()
    {
        // B̄² ≈ 1.6e9 and ε = 1e−3: N* ≈ 5e16 > 2^52, where not every integer is a double
        var bound = new PretrainingBound(300_000, 1e7, 0.05);

        double n = bound.SampleComplexity(1e-3, 0.001);

        n.Should().BeGreaterThan(4503599627370496.0);
        bound.ApproximationError(n, 0.001).Should().BeLessThanOrEqualTo(1e-3);
        n.Should().BeApproximately(4 * bound.Constant * bound.Constant * Math.Log(2000) / 1e-6, n * 1e-12);
    }

    [Fact]
    public void ToString_Always_SummarisesInputsAndConstant()
    {
        new PretrainingBound(10, 1, 1, 0.01).ToString().Should().Contain("T = 10").And.Contain("B̄ = 4.29193");
    }

    [Theory]
    [InlineData(32000, 4096, BoundDivergence.TotalVariation)]
    [InlineData(50257, 768, BoundDivergence.KullbackLeibler)]
    [InlineData(1, 1, BoundDivergence.TotalVariation)]
    public void FromEmbeddingDimension_IsTheBoundWithTSqrtR(int t, int r, BoundDivergence divergence)
    {
        var bound = PretrainingBound.FromEmbeddingDimension(t, r, temperature: 0.7, minimumProbability: 1e-6, gammaNorm: 2, divergence);
        var expected = new PretrainingBound(t, t * Math.Sqrt(r), 0.7, 1e-6, 2, divergence);

        bound.UnembeddingNorm.Should().Be(t * Math.Sqrt(r));
        bound.Constant.Should().Be(expected.Constant);
        bound.Divergence.Should().Be(divergence);
    }

    [Fact]
    public void FromEmbeddingDimension_Llama7B_MatchesTheCatalogConstant()
    {
        // Table 2: T = 32,000, r = 4,096; B̄ = 2√(log T + 2T√r) = 4047.72 at τ = 1 (Fig. 1)
        PretrainingBound.FromEmbeddingDimension(32000, 4096).Constant.Should().BeApproximately(4047.72, 0.005);
    }

    [Theory]
    [InlineData(0, 10, "embeddingDimension")]
    [InlineData(-5, 10, "embeddingDimension")]
    [InlineData(10, 0, "vocabularySize")]
    public void FromEmbeddingDimension_BadSize_Throws(int r, int t, string parameter)
    {
        var act = () => PretrainingBound.FromEmbeddingDimension(t, r);
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be(parameter);
    }
}
