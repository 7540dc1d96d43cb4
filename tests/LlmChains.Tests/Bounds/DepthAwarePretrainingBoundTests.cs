using LlmChains.Bounds;

namespace LlmChains.Tests.Bounds;

/// <summary>Cor. E.3 and E.6 against oracle O-13.</summary>
public sealed class DepthAwarePretrainingBoundTests
{
    private static TransformerNormBounds O13Norms(int layers = 2) => new(
        EmbeddingDimension: 2,
        FeedForwardWidth: 2,
        HeadCount: 1,
        LayerCount: layers,
        FeedForwardInputNorm: 0.1,
        FeedForwardOutputNorm: 0.1,
        AttentionOutputNorm: 0.1,
        AttentionValueNorm: 0.1,
        TokenNorm: 1,
        UnembeddingNorm: 1);

    [Fact]
    public void Constant_O13Example_MatchesTheOracle()
    {
        var bound = new DepthAwarePretrainingBound(O13Norms(), vocabularySize: 10, temperature: 1, minimumProbability: 0.01);

        // (1 + rmB₁B₂) = 1.04, (1 + r³B_OB_V/H) = 1.08
        bound.LayerFactor.Should().BeApproximately(1.04 * 1.08, 1e-15);
        bound.ThetaNorm.Should().BeApproximately(1.1232, 1e-12);
        bound.ThetaNormToDepth.Should().BeApproximately(1.2615782, 5e-8);
        bound.Constant.Should().BeApproximately(4.3935141, 5e-8);
        bound.LanguageTermDominates.Should().BeFalse();
    }

    [Fact]
    public void Constant_O13Kl_IsSqrtTwoTimesM()
    {
        var bound = new DepthAwarePretrainingBound(O13Norms(), 10, 1, 0.01, divergence: BoundDivergence.KullbackLeibler);

        bound.Constant.Should().BeApproximately(Math.Sqrt(2) * (Math.Log(10) + (2 * 1.26157824)), 1e-12);
        bound.Invoking(b => b.SampleComplexity(0.1, 0.05)).Should().Throw<NotSupportedException>().WithMessage("*not a metric*");
    }

    [Fact]
    public void ThetaNormToDepth_MoreLayers_GrowsExponentially()
    {
        var shallow = new DepthAwarePretrainingBound(O13Norms(2), 10, 1);
        var deep = new DepthAwarePretrainingBound(O13Norms(20), 10, 1);

        deep.ThetaNormToDepth.Should().BeApproximately(Math.Pow(1.1232, 20), 1e-9);
        deep.Constant.Should().BeGreaterThan(shallow.Constant);
    }

    [Theory]
    [InlineData(BoundDivergence.TotalVariation, 0.001)]
    [InlineData(BoundDivergence.TotalVariation, null)]
    [InlineData(BoundDivergence.KullbackLeibler, 1e-30)]
    public void SharedTerms_EqualPretrainingBoundWithEffectiveNormBitwise(BoundDivergence divergence, double? c0)
    {
        var depth = new DepthAwarePretrainingBound(O13Norms(2), 50, 0.7, c0, gammaNorm: 1.5, divergence: divergence);
        var flat = new PretrainingBound(50, depth.ThetaNormToDepth, 0.7, c0, gammaNorm: 1.5, divergence: divergence);

        depth.ModelTerm.Should().Be(flat.ModelTerm);
        depth.LanguageTerm.Should().Be(flat.LanguageTerm);
        depth.MaxTerm.Should().Be(flat.MaxTerm);
        depth.Constant.Should().Be(flat.Constant);
        depth.ThresholdTemperature.Should().Be(flat.ThresholdTemperature);
        depth.PerTermBound.Should().Be(flat.PerTermBound);
        depth.Gap(1e5, 0.05).Should().Be(flat.Gap(1e5, 0.05));
        if (divergence == BoundDivergence.TotalVariation)
        {
            depth.SampleComplexity(0.3, 0.05).Should().Be(flat.SampleComplexity(0.3, 0.05));
            depth.ApproximationError(1e5, 0.05).Should().Be(flat.ApproximationError(1e5, 0.05));
        }
        else
        {
            FluentActions.Invoking(() => depth.SampleComplexity(0.3, 0.05)).Should().Throw<NotSupportedException>();
            FluentActions.Invoking(() => flat.ApproximationError(1e5, 0.05)).Should().Throw<NotSupportedException>();
        }

        FluentActions.Invoking(() => depth.Gap(0.5, 0.05)).Should().Throw<ArgumentException>()
            .Which.ParamName.Should().Be(FluentActions.Invoking(() => flat.Gap(0.5, 0.05)).Should().Throw<ArgumentException>().Which.ParamName);
    }

    [Fact]
    public void Constant_MatchesPretrainingBoundWithEffectiveNorm()
    {
        var depth = new DepthAwarePretrainingBound(O13Norms(3), 50, 0.7, 0.001, gammaNorm: 2);
        var flat = new PretrainingBound(50, depth.ThetaNormToDepth, 0.7, 0.001, gammaNorm: 2);

        depth.Constant.Should().BeApproximately(flat.Constant, 1e-12);
        depth.SampleComplexity(0.2, 0.01).Should().Be(flat.SampleComplexity(0.2, 0.01));
        depth.ApproximationError(1e6, 0.01).Should().BeApproximately(flat.ApproximationError(1e6, 0.01), 1e-15);
        depth.Assumptions.Should().Contain(a => a.Contains("Cor. E.3", StringComparison.Ordinal));
    }

    [Fact]
    public void Constructor_ZeroTokenNorm_HasZeroThetaNorm()
    {
        var bound = new DepthAwarePretrainingBound(O13Norms() with { TokenNorm = 0 }, 10, 1);

        bound.ThetaNormToDepth.Should().Be(0);
        bound.ThetaNorm.Should().Be(0);
        bound.Constant.Should().BeApproximately(2 * Math.Sqrt(Math.Log(10)), 1e-15);
    }

    [Fact]
    public void Constructor_OverflowingDepth_ThrowsNamingNorms()
    {
        var act = () => new DepthAwarePretrainingBound(O13Norms(100_000) with { FeedForwardInputNorm = 10 }, 10, 1);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("norms");
    }

    [Theory]
    [InlineData("EmbeddingDimension")]
    [InlineData("FeedForwardWidth")]
    [InlineData("HeadCount")]
    [InlineData("LayerCount")]
    public void Constructor_SizeBelowOne_ThrowsNamingTheField(string field)
    {
        var norms = field switch
        {
            "EmbeddingDimension" => O13Norms() with { EmbeddingDimension = 0 },
            "FeedForwardWidth" => O13Norms() with { FeedForwardWidth = 0 },
            "HeadCount" => O13Norms() with { HeadCount = 0 },
            _ => O13Norms() with { LayerCount = 0 },
        };

        var act = () => new DepthAwarePretrainingBound(norms, 10, 1);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be(field);
    }

    [Theory]
    [InlineData("FeedForwardInputNorm", -0.1)]
    [InlineData("FeedForwardOutputNorm", double.NaN)]
    [InlineData("AttentionOutputNorm", double.PositiveInfinity)]
    [InlineData("AttentionValueNorm", -1)]
    [InlineData("TokenNorm", double.NaN)]
    [InlineData("UnembeddingNorm", -1)]
    public void Constructor_BadNorm_ThrowsNamingTheFieldAndValue(string field, double value)
    {
        var norms = field switch
        {
            "FeedForwardInputNorm" => O13Norms() with { FeedForwardInputNorm = value },
            "FeedForwardOutputNorm" => O13Norms() with { FeedForwardOutputNorm = value },
            "AttentionOutputNorm" => O13Norms() with { AttentionOutputNorm = value },
            "AttentionValueNorm" => O13Norms() with { AttentionValueNorm = value },
            "TokenNorm" => O13Norms() with { TokenNorm = value },
            _ => O13Norms() with { UnembeddingNorm = value },
        };

        var act = () => new DepthAwarePretrainingBound(norms, 10, 1);

        var e = act.Should().Throw<ArgumentException>().Which;
        e.ParamName.Should().Be(field);
        e.Message.Should().Contain(value.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
    }
}
