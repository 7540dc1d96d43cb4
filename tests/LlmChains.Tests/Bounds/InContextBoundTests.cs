using LlmChains.Bounds;
using LlmChains.Chains;

namespace LlmChains.Tests.Bounds;

/// <summary>Thm. 4.3 and Prop. E.2 against oracles O-10 and O-11.</summary>
public sealed class InContextBoundTests
{
    [Fact]
    public void Constant_ThreeStates_MatchesO10()
    {
        var bound = new InContextBound(stateCount: 3, unembeddingNorm: 1, temperature: 1, minimumTransitionProbability: 0.05, mixingTime: 4.6);

        bound.MaxTerm.Should().BeApproximately(3.0986123, 5e-8);
        bound.Constant.Should().BeApproximately(3.5205751, 5e-8);
        bound.Gap(100, 0.05).Should().BeApproximately(1.4502396, 5e-8);
        bound.ApproximationError(100, 0.05).Should().BeApproximately(2 * 1.4502396, 1e-7);
    }

    [Fact]
    public void Constant_SevenHundredStates_MatchesO10()
    {
        // O-10 takes p_min = 0.05 at d = 700, which no chain has (p_min ≤ 1/d, and the bound refuses it); the model term
        // log 700 + 2 sets B̄ for every p_min ≥ e^−(log 700 + 2) ≈ 1.9e−4, so a valid p_min = 0.001 gives O-10's numbers.
        var bound = new InContextBound(700, 1, 1, 0.001, 4.6);

        bound.Constant.Should().BeApproximately(5.8484461, 5e-8);
        bound.Gap(100, 0.05).Should().BeApproximately(2.4091655, 5e-8);
        bound.LanguageTermDominates.Should().BeFalse();
    }

    [Fact]
    public void Constant_ZeroUnembeddingNorm_PMinTermActive()
    {
        var bound = new InContextBound(3, 0, 1, 0.05, 4.6);

        bound.Constant.Should().BeApproximately(3.4616368, 5e-8);
        bound.LanguageTermDominates.Should().BeTrue();
        bound.ThresholdTemperature.Should().Be(0);
    }

    [Theory]
    [InlineData(6.530864)]  // O-11: P = [[.5,.3,.2],[.2,.6,.2],[.3,.3,.4]]
    [InlineData(52.80399)]  // O-11: 0.9 on the diagonal, 0.05 elsewhere
    [InlineData(4.0)]       // O-11: every entry 1/3
    public void Gap_O11MixingTimes_ScalesWithSqrtTMin(double tMin)
    {
        var bound = new InContextBound(3, 1, 1, 0.05, tMin);
        var unit = new InContextBound(3, 1, 1, 0.05, 1);

        bound.Gap(100, 0.05).Should().BeApproximately(Math.Sqrt(tMin) * unit.Gap(100, 0.05), 1e-12);
        bound.Gap(100 * tMin, 0.05).Should().BeApproximately(unit.Gap(100, 0.05), 1e-12);
    }

    [Theory]
    [InlineData(6.530864)]
    [InlineData(52.80399)]
    [InlineData(4.0)]
    public void SampleComplexity_O11MixingTimes_WithMixingIsTMinTimesAsPrinted(double tMin)
    {
        var bound = new InContextBound(3, 1, 1, 0.05, tMin);
        double c = bound.Constant;

        double withMixing = bound.SampleComplexityWithMixing(0.1, 0.05);
        double printed = bound.SampleComplexityAsPrinted(0.1, 0.05);

        withMixing.Should().Be(Math.Ceiling(4 * c * c * tMin * Math.Log(40) / 0.01));
        printed.Should().Be(Math.Ceiling(4 * c * c / 0.01 * Math.Log(40)));
        bound.SampleComplexity(0.1, 0.05).Should().Be(withMixing);
        (withMixing / printed).Should().BeApproximately(tMin, tMin * 1e-3);
        bound.ApproximationError(withMixing, 0.05).Should().BeLessThanOrEqualTo(0.1);
        bound.ApproximationError(withMixing - 1, 0.05).Should().BeGreaterThan(0.1);
    }

    [Fact]
    public void Assumptions_Always_StateTheInconsistencyAndTheShiftTerm()
    {
        var bound = new InContextBound(3, 1, 1, 0.05, 4.6);

        bound.Assumptions.Should().Contain(a => a.Contains("Prop. E.2", StringComparison.Ordinal) && a.Contains("drops √t_min", StringComparison.Ordinal));
        bound.Assumptions.Should().Contain(a => a.Contains("distribution-shift", StringComparison.Ordinal));
        bound.ToString().Should().Contain("t_min = 4.6");
    }

    [Fact]
    public void Assumptions_MixingTimeBelowFour_AreFlagged()
    {
        new InContextBound(3, 1, 1, 0.05, 2).Assumptions.Should().Contain(a => a.Contains("below 4", StringComparison.Ordinal));
        new InContextBound(3, 1, 1, 0.05, 4).Assumptions.Should().NotContain(a => a.Contains("below 4", StringComparison.Ordinal));
    }
    [Theory]
    [InlineData(6.530864, 1e-6)]  // O-11: P = [[.5,.3,.2],[.2,.6,.2],[.3,.3,.4]], attained at t = 1
    [InlineData(52.80399, 1e-5)]  // O-11: 0.9 on the diagonal, 0.05 elsewhere, attained at t = 7
    [InlineData(4.0, 1e-12)]      // O-11: every entry 1/3
    public void FromChain_O11Matrices_ComputesTMinAndPMin(double expectedTMin, double tolerance)
    {
        double[,] p = expectedTMin switch
        {
            < 5 => new[,] { { 1 / 3.0, 1 / 3.0, 1 / 3.0 }, { 1 / 3.0, 1 / 3.0, 1 / 3.0 }, { 1 / 3.0, 1 / 3.0, 1 / 3.0 } },
            < 10 => new[,] { { .5, .3, .2 }, { .2, .6, .2 }, { .3, .3, .4 } },
            _ => new[,] { { .9, .05, .05 }, { .05, .9, .05 }, { .05, .05, .9 } },
        };
        var chain = SparseMarkovChain.FromDense(p);

        var bound = InContextBound.FromChain(chain, unembeddingNorm: 1, temperature: 1);

        bound.StateCount.Should().Be(3);
        bound.MixingTime.Should().BeApproximately(expectedTMin, tolerance);
        bound.MinimumTransitionProbability.Should().Be(p.Cast<double>().Min());
        bound.Assumptions.Should().Contain(a => a.Contains("certified", StringComparison.Ordinal));
        var direct = new InContextBound(3, 1, 1, bound.MinimumTransitionProbability, bound.MixingTime);
        bound.Gap(100, 0.05).Should().Be(direct.Gap(100, 0.05));
    }

    [Fact]
    public void FromChain_ZeroTransition_ThrowsNamingIt()
    {
        // O-16: constrained walk, P(0, 0) = 0
        var chain = SparseMarkovChain.FromDense(new double[,] { { 0, 1, 0 }, { .5, 0, .5 }, { 0, 1, 0 } });

        var act = () => InContextBound.FromChain(chain, 1, 1);

        act.Should().Throw<ArgumentException>().WithMessage("*P(0, 0) = 0*p_min*").Which.ParamName.Should().Be("chain");
    }

    [Fact]
    public void FromChain_GivenStationaryDistribution_GivesTheSameTMin()
    {
        var chain = SparseMarkovChain.FromDense(new[,] { { .5, .3, .2 }, { .2, .6, .2 }, { .3, .3, .4 } });

        var bound = InContextBound.FromChain(chain, 1, 1, [9 / 28.0, 12 / 28.0, 7 / 28.0]);

        bound.MixingTime.Should().BeApproximately(6.530864, 1e-6);
    }
}
