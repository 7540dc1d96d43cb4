using LlmChains.Models;
using LlmChains.Tests.Support;

namespace LlmChains.Tests.Models;

public sealed class RandomLogitsModelTests
{
    [Fact]
    public void GetNextTokenLogits_SameSeed_SameLogitsInAnyOrder()
    {
        var a = new RandomLogitsModel(4, 3, 1.0, 11);
        var b = new RandomLogitsModel(4, 3, 1.0, 11);
        var states = new ReferenceStates(4, 3);
        var la = new double[4];
        var lb = new double[4];
        for (int i = 0; i < states.Count; i++)
        {
            a.GetNextTokenLogits(states.Sequences[i], la);
            b.GetNextTokenLogits(states.Sequences[states.Count - 1 - i], lb); // a different call first
            b.GetNextTokenLogits(states.Sequences[i], lb);
            lb.Should().Equal(la);
        }
    }

    [Fact]
    public void GetNextTokenLogits_DifferentSeedOrState_DifferentLogits()
    {
        var a = new RandomLogitsModel(4, 3, 1.0, 11);
        var b = new RandomLogitsModel(4, 3, 1.0, 12);
        var la = new double[4];
        var lb = new double[4];
        a.GetNextTokenLogits([1, 2], la);
        b.GetNextTokenLogits([1, 2], lb);
        lb.Should().NotEqual(la);
        a.GetNextTokenLogits([1, 3], lb);
        lb.Should().NotEqual(la);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(3.0)]
    public void GetNextTokenLogits_ManyStates_NormalMomentsOfScale(double scale)
    {
        // 11110 states × 10 tokens = 111100 logits ~ N(0, scale²): mean within 5σ/√n, variance within 5·√2σ²/√n
        var model = new RandomLogitsModel(10, 4, scale, 3);
        var states = new ReferenceStates(10, 4);
        var logits = new double[10];
        double sum = 0, sumSquares = 0, sumFourth = 0;
        long n = 0;
        foreach (int[] context in states.Sequences)
        {
            model.GetNextTokenLogits(context, logits);
            foreach (double z in logits)
            {
                sum += z;
                sumSquares += z * z;
                sumFourth += z * z * z * z;
                n++;
            }
        }

        double mean = sum / n;
        double variance = (sumSquares / n) - (mean * mean);
        mean.Should().BeApproximately(0, 5 * scale / Math.Sqrt(n));
        variance.Should().BeApproximately(scale * scale, 5 * Math.Sqrt(2) * scale * scale / Math.Sqrt(n));
        (sumFourth / n / (scale * scale * scale * scale)).Should().BeApproximately(3, 0.15); // Gaussian kurtosis
    }

    [Fact]
    public void GetNextTokenLogits_ZeroScale_AllZero()
    {
        var model = new RandomLogitsModel(3, 2, 0.0, 5);
        var logits = new double[3];
        model.GetNextTokenLogits([2, 2], logits);
        logits.Should().Equal(0.0, 0.0, 0.0);
    }
}
