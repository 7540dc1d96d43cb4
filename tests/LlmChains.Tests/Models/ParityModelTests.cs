using LlmChains.Models;
using LlmChains.Tests.Support;

namespace LlmChains.Tests.Models;

public sealed class ParityModelTests
{
    [Fact]
    public void GetNextTokenLogits_FullContext_RuleTokenPlusBeta()
    {
        var model = new ParityModel(3, 1.5);
        var logits = new double[2];
        foreach (int[] context in new ReferenceStates(2, 3).Sequences)
        {
            model.GetNextTokenLogits(context, logits);
            if (context.Length < 3)
            {
                logits.Should().Equal(0.0, 0.0);
            }
            else
            {
                int rule = context.Sum() % 2;
                logits[rule].Should().Be(1.5);
                logits[1 - rule].Should().Be(-1.5);
            }
        }
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(2.0)]
    public void Apply_FullContext_RuleProbabilityClosedForm(double tau)
    {
        var model = new ParityModel();
        var logits = new double[2];
        model.GetNextTokenLogits([1, 1, 0], logits);
        var p = new double[2];
        new DecodingOptions { Temperature = tau }.Apply(logits, p);
        p[0].Should().BeApproximately(1 / (1 + Math.Exp(-2 / tau)), 1e-15);
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Constructor_BadBeta_Throws(double beta)
    {
        var act = () => new ParityModel(3, beta);
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("beta");
    }
}
