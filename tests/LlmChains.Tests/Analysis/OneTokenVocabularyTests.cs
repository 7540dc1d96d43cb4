using LlmChains.Analysis;
using LlmChains.Analysis.Convergence;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Tests.Analysis;

/// <summary>
/// T = 1: a one-token vocabulary is a valid trivial chain. V_K^* is the K states 0, 00, …, 0^K; each moves to the next
/// and 0^K to itself, so π = δ_{0^K}, Q^n = eπ exactly for n ≥ K − 1, and ε = min over ℛ = {0^K} of (Q^K) = 1 = T^{−K}
/// (paper-spec §2.3). Every quantity has a closed form, checked here against the whole <see cref="ChainAnalyzer"/>.
/// </summary>
public sealed class OneTokenVocabularyTests
{
    public static TheoryData<int> Windows => new() { 1, 2, 3, 5 };

    private static void ShouldBeTheTrivialChain(ChainAnalysis a, int k)
    {
        a.Structure.IsErgodicUnichain.Should().BeTrue();
        a.Stationary!.Distribution.Should().HaveCount(k);
        a.Stationary.Distribution[k - 1].Should().Be(1);
        a.Epsilon!.Epsilon.Should().Be(1);
        a.Epsilon.LogEpsilon.Should().Be(0);
        a.Epsilon.IsPositive.Should().BeTrue();

        // base max(0, 1 − 2ε) = 0: the bound is 1 up to 2K − 1 and 0 from n = 2K on
        a.BoundSteps.Should().Be(2 * k);
        ConvergenceBound.Bound(2L * k, a.Epsilon).Should().Be(0);
        ConvergenceBound.Bound((2L * k) - 1, a.Epsilon).Should().Be(1);

        // d(t) = 1 − [t ≥ K − 1]·1 from the start 0 (for K ≥ 2; one state is at π at t = 0)
        var d = a.Distances!;
        d.IsWorstCase.Should().BeTrue();
        for (int t = 0; t <= d.Steps; t++)
        {
            d[t].Should().Be(t >= k - 1 ? 0 : 1, "d({0})", t);
        }

        a.MixingTime!.Value.Should().Be(k - 1);
        a.MixingTime.Status.Should().Be(MixingTimeStatus.Reached);

        // t_min = min_{t ≥ 1, d(t) < ½} t·((2 − 2d)/(1 − 2d))² = 4·max(1, K − 1)
        a.TMin!.Value.Should().Be(4.0 * Math.Max(1, k - 1));
        a.TMin.IsCertified.Should().BeTrue();
        a.Spectrum!.Slem.Should().BeApproximately(0, 1e-12);
        a.StationaryEntropy.Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void Analyze_UniformModelOneToken_EveryQuantityInClosedForm(int k)
    {
        var chain = LanguageModelChain.Build(new UniformModel(1, k));
        ShouldBeTheTrivialChain(ChainAnalyzer.Analyze(chain), k);
    }

    [Fact]
    public void Analyze_OneByOneLogitTable_EveryQuantityInClosedForm()
    {
        var chain = LanguageModelChain.Build(TabularModel.FromArray([3.5], 1, 1));
        chain.StateCount.Should().Be(1);
        ShouldBeTheTrivialChain(ChainAnalyzer.Analyze(chain), 1);
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void EpsilonFromModel_OneToken_IsOne(int k)
    {
        var e = ConvergenceBound.EpsilonFromModel(new UniformModel(1, k), new DecodingOptions { Temperature = 0.1 });
        e.Epsilon.Should().Be(1);
        ConvergenceBound.FirstStepBelow(0.25, e.Epsilon, k).Should().Be(2 * k);
    }

    [Fact]
    public void TemperatureSweep_OneToken_EveryPointAnswers()
    {
        var points = TemperatureSweep.Run(new UniformModel(1, 2), [0, 0.5, 1]);
        points.Should().AllSatisfy(p =>
        {
            p.Epsilon.Should().Be(1);
            p.BoundSteps.Should().Be(4);
            p.MixingTime.Should().Be(1);
        });
    }

    [Theory]
    [InlineData(0.5000001)]
    [InlineData(1.0)]
    public void Bound_EpsilonAboveOneHalf_BaseClampedToZero(double epsilon)
    {
        ConvergenceBound.Bound(4, epsilon, 2).Should().Be(0);
        ConvergenceBound.Bound(3, epsilon, 2).Should().Be(1);
    }

    [Fact]
    public void Bound_EpsilonAboveOne_ThrowsCleanMessage()
    {
        var act = () => ConvergenceBound.Bound(4, 1.5, 2);
        act.Should().Throw<ArgumentOutOfRangeException>().Which.Message.Should().StartWith("epsilon must lie in (0, 1]").And.NotContain("Parameter");
    }
}
