using LlmChains.Models;
using LlmChains.Tests.Support;

namespace LlmChains.Tests.Models;

public sealed class UniformModelTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(5, 3)]
    public void GetNextTokenLogits_EveryContext_AllZero(int t, int k)
    {
        var model = new UniformModel(t, k);
        var states = new ReferenceStates(t, k);
        var logits = new double[t];
        foreach (int[] context in states.Sequences)
        {
            logits.AsSpan().Fill(42);
            model.GetNextTokenLogits(context, logits);
            logits.Should().OnlyContain(z => z == 0);
        }

        model.VocabularySize.Should().Be(t);
        model.ContextWindow.Should().Be(k);
    }
}
