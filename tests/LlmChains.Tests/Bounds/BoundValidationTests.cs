using System.Globalization;
using LlmChains.Bounds;

namespace LlmChains.Tests.Bounds;

/// <summary>Every bad input is an <see cref="ArgumentException"/> naming the parameter and the value.</summary>
public sealed class BoundValidationTests
{
    private static void ShouldNameParameterAndValue(Action act, string parameter, string value)
    {
        var e = act.Should().Throw<ArgumentException>().Which;
        e.ParamName.Should().Be(parameter);
        e.Message.Should().Contain(value);
    }

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(0, 1, 1, 0.1, 1, "vocabularySize", "0")]
    [InlineData(-5, 1, 1, 0.1, 1, "vocabularySize", "-5")]
    [InlineData(10, -0.5, 1, 0.1, 1, "unembeddingNorm", "-0.5")]
    [InlineData(10, double.NaN, 1, 0.1, 1, "unembeddingNorm", "NaN")]
    [InlineData(10, double.PositiveInfinity, 1, 0.1, 1, "unembeddingNorm", "Infinity")]
    [InlineData(10, 1, 0, 0.1, 1, "temperature", "0")]
    [InlineData(10, 1, -1, 0.1, 1, "temperature", "-1")]
    [InlineData(10, 1, double.NaN, 0.1, 1, "temperature", "NaN")]
    [InlineData(10, 1, 1, 0, 1, "minimumProbability", "0")]
    [InlineData(10, 1, 1, 1.5, 1, "minimumProbability", "1.5")]
    [InlineData(10, 1, 1, -0.1, 1, "minimumProbability", "-0.1")]
    [InlineData(10, 1, 1, double.NaN, 1, "minimumProbability", "NaN")]
    [InlineData(10, 1, 1, 0.1, 0.5, "gammaNorm", "0.5")]
    [InlineData(10, 1, 1, 0.1, double.NaN, "gammaNorm", "NaN")]
    public void PretrainingBound_BadInput_ThrowsNamingParameterAndValue(int t, double bu, double tau, double c0, double gamma, string parameter, string value)
    {
        ShouldNameParameterAndValue(() => _ = new PretrainingBound(t, bu, tau, c0, gamma), parameter, value);
        ShouldNameParameterAndValue(() => _ = PretrainingBound.KullbackLeibler(t, bu, tau, c0, gamma), parameter, value);
    }

    [Theory]
    [InlineData(0, 1, 1, 0.05, 4.6, "stateCount", "0")]
    [InlineData(3, -1, 1, 0.05, 4.6, "unembeddingNorm", "-1")]
    [InlineData(3, 1, 0, 0.05, 4.6, "temperature", "0")]
    [InlineData(3, 1, 1, 0, 4.6, "minimumTransitionProbability", "0")]
    [InlineData(3, 1, 1, 1.01, 4.6, "minimumTransitionProbability", "1.01")]
    [InlineData(3, 1, 1, 0.5, 4.6, "minimumTransitionProbability", "0.5")]
    [InlineData(2, 1, 1, 0.5000001, 4.6, "minimumTransitionProbability", "0.5000001")]
    [InlineData(3, 1, 1, double.NaN, 4.6, "minimumTransitionProbability", "NaN")]
    [InlineData(3, 1, 1, 0.05, 0, "mixingTime", "0")]
    [InlineData(3, 1, 1, 0.05, double.PositiveInfinity, "mixingTime", "Infinity")]
    [InlineData(3, 1, 1, 0.05, double.NaN, "mixingTime", "NaN")]
    public void InContextBound_BadInput_ThrowsNamingParameterAndValue(int d, double bu, double tau, double pMin, double tMin, string parameter, string value)
    {
        ShouldNameParameterAndValue(() => _ = new InContextBound(d, bu, tau, pMin, tMin), parameter, value);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Methods_DeltaOutsideOpenUnitInterval_Throw(double delta)
    {
        var bounds = new IGeneralizationBound[] { new PretrainingBound(10, 1, 1, 0.01), new InContextBound(3, 1, 1, 0.05, 4.6) };
        foreach (var bound in bounds)
        {
            ShouldNameParameterAndValue(() => bound.Gap(100, delta), "delta", Text(delta));
            ShouldNameParameterAndValue(() => bound.SampleComplexity(0.1, delta), "delta", Text(delta));
            ShouldNameParameterAndValue(() => bound.SampleCountForGap(0.1, delta), "delta", Text(delta));
        }

        ShouldNameParameterAndValue(() => new PretrainingBound(10, 1, 1).ApproximationError(100, delta), "delta", Text(delta));
        ShouldNameParameterAndValue(() => new InContextBound(3, 1, 1, 0.05, 4.6).SampleComplexityAsPrinted(0.1, delta), "delta", Text(delta));
        ShouldNameParameterAndValue(() => new FrequentistBaseline(3, 0.5, 0.2).SampleComplexity(0.1, delta), "delta", Text(delta));
        ShouldNameParameterAndValue(() => ModelCatalog.Models[0].ApproximationError(delta), "delta", Text(delta));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void SampleComplexity_EpsilonNotPositive_Throws(double epsilon)
    {
        ShouldNameParameterAndValue(() => new PretrainingBound(10, 1, 1).SampleComplexity(epsilon, 0.05), "epsilon", Text(epsilon));
        ShouldNameParameterAndValue(() => new InContextBound(3, 1, 1, 0.05, 4.6).SampleComplexityWithMixing(epsilon, 0.05), "epsilon", Text(epsilon));
        ShouldNameParameterAndValue(() => new InContextBound(3, 1, 1, 0.05, 4.6).SampleComplexityAsPrinted(epsilon, 0.05), "epsilon", Text(epsilon));
        ShouldNameParameterAndValue(() => new FrequentistBaseline(3, 0.5, 0.2).SampleComplexity(epsilon, 0.05), "epsilon", Text(epsilon));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(-10.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Gap_SampleCountBelowOne_Throws(double n)
    {
        ShouldNameParameterAndValue(() => new PretrainingBound(10, 1, 1).Gap(n, 0.05), "sampleCount", Text(n));
        ShouldNameParameterAndValue(() => new PretrainingBound(10, 1, 1).ApproximationError(n, 0.05), "sampleCount", Text(n));
        ShouldNameParameterAndValue(() => new InContextBound(3, 1, 1, 0.05, 4.6).Gap(n, 0.05), "sampleCount", Text(n));
        ShouldNameParameterAndValue(() => new FrequentistBaseline(3, 0.5, 0.2).ApproximationError(n, 0.05), "sampleCount", Text(n));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void SampleCountForGap_GapNotPositive_Throws(double gap)
    {
        ShouldNameParameterAndValue(() => new PretrainingBound(10, 1, 1).SampleCountForGap(gap, 0.05), "gap", Text(gap));
    }

    [Fact]
    public void Constructor_UndefinedDivergence_Throws()
    {
        var act = () => new PretrainingBound(10, 1, 1, divergence: (BoundDivergence)7);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("divergence");
    }
}
