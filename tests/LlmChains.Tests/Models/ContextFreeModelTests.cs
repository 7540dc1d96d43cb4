using LlmChains.Models;
using LlmChains.Tests.Support;

namespace LlmChains.Tests.Models;

public sealed class ContextFreeModelTests
{
    [Fact]
    public void GetNextTokenLogits_AnyContext_LogOfDistribution()
    {
        var model = new ContextFreeModel([0.9, 0.1], 3);
        var logits = new double[2];
        foreach (int[] context in new ReferenceStates(2, 3).Sequences)
        {
            model.GetNextTokenLogits(context, logits);
            logits[0].Should().Be(Math.Log(0.9));
            logits[1].Should().Be(Math.Log(0.1));
        }

        model.Distribution.Should().Equal(0.9, 0.1);
    }

    [Fact]
    public void Apply_DefaultDecoding_RecoversDistribution()
    {
        var model = new ContextFreeModel([0.2, 0.0, 0.5, 0.3], 2);
        var logits = new double[4];
        model.GetNextTokenLogits([3, 1], logits);
        logits[1].Should().Be(double.NegativeInfinity);
        var p = new double[4];
        DecodingOptions.Default.Apply(logits, p);
        p[0].Should().BeApproximately(0.2, 1e-15);
        p[1].Should().Be(0);
        p[2].Should().BeApproximately(0.5, 1e-15);
        p[3].Should().BeApproximately(0.3, 1e-15);
    }

    [Theory]
    [InlineData(0.5, 0.6)]
    [InlineData(-0.1, 1.1)]
    [InlineData(double.NaN, 1.0)]
    [InlineData(double.PositiveInfinity, 0.0)]
    public void Constructor_NotADistribution_ThrowsArgumentException(double a, double b)
    {
        var act = () => new ContextFreeModel([a, b], 2);
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("distribution");
    }
}
