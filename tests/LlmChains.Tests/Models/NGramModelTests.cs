using LlmChains.Models;
using LlmChains.Tests.Support;

namespace LlmChains.Tests.Models;

public sealed class NGramModelTests
{
    /// <summary>c(v, x) by scanning every window of the sequence.</summary>
    private static int[] BruteForceCounts(IReadOnlyList<int> sequence, int[] context, int t)
    {
        var counts = new int[t];
        for (int start = 0; start + context.Length < sequence.Count; start++)
        {
            bool match = true;
            for (int i = 0; i < context.Length; i++)
            {
                match &= sequence[start + i] == context[i];
            }

            if (match)
            {
                counts[sequence[start + context.Length]]++;
            }
        }

        return counts;
    }

    [Fact]
    public void PaperToySequence_FortyDigitsFollowingTheParityRecurrence()
    {
        var x = NGramModel.PaperToySequence;
        x.Should().HaveCount(40);
        x.Take(3).Should().Equal(0, 0, 1);
        for (int t = 3; t < 40; t++)
        {
            x[t].Should().Be((x[t - 1] + x[t - 2] + x[t - 3]) % 2, "x_{0} follows the recurrence", t);
        }

        // the recurrence from 0,0,1 has period 4: 0,0,1,1,0,0,1,1,…
        x.Should().Equal(Enumerable.Range(0, 40).Select(i => (i % 4) < 2 ? 0 : 1));
    }

    [Fact]
    public void PaperToyExample_ThirtySevenExamples()
    {
        var model = NGramModel.PaperToyExample();
        model.ExampleCount.Should().Be(37);
        model.VocabularySize.Should().Be(2);
        model.ContextWindow.Should().Be(3);
        model.Alpha.Should().Be(1);
        model.Sequence.Should().Equal(NGramModel.PaperToySequence);
    }

    [Fact]
    public void GetCounts_PaperToyEveryContext_EqualsBruteForce()
    {
        var model = NGramModel.PaperToyExample();
        var counts = new int[2];
        int fullLengthTotal = 0;
        foreach (int[] context in new ReferenceStates(2, 3).Sequences)
        {
            model.GetCounts(context, counts);
            counts.Should().Equal(BruteForceCounts(NGramModel.PaperToySequence, context, 2), "context {0}", string.Concat(context));
            if (context.Length == 3)
            {
                fullLengthTotal += counts.Sum();
            }
        }

        fullLengthTotal.Should().Be(37);
    }

    [Fact]
    public void GetCounts_KnownContexts_HandCounted()
    {
        // sequence 0,0,1,1,0,0,1,1,…: "001" starts at 0, 4, …, 36 (10 times) and is always followed by 1
        var model = NGramModel.PaperToyExample();
        var counts = new int[2];
        model.GetCounts([0, 0, 1], counts);
        counts.Should().Equal(0, 10);
        model.GetCounts([0, 1, 0], counts); // never occurs
        counts.Should().Equal(0, 0);
        model.GetCounts([1], counts); // ones at 4j+2 (10, followed by 1) and 4j+3 (9 with a successor, followed by 0)
        counts.Should().Equal(9, 10);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    [InlineData(2.5)]
    public void GetNextTokenLogits_SeenContext_AddAlphaFormula(double alpha)
    {
        int[] sequence = [2, 0, 1, 2, 2, 0, 2, 1, 0, 2, 2, 2, 1];
        var model = new NGramModel(sequence, 3, 2, alpha);
        var logits = new double[3];
        var p = new double[3];
        foreach (int[] context in new ReferenceStates(3, 2).Sequences)
        {
            int[] c = BruteForceCounts(sequence, context, 3);
            int total = c.Sum();
            model.GetNextTokenLogits(context, logits);
            DecodingOptions.Default.Apply(logits, p);
            for (int x = 0; x < 3; x++)
            {
                double expected = total == 0 ? 1.0 / 3 : (c[x] + alpha) / (total + (3 * alpha));
                p[x].Should().BeApproximately(expected, 1e-14, "context {0}, token {1}", string.Concat(context), x);
                if (total > 0)
                {
                    logits[x].Should().BeApproximately(Math.Log(expected), 1e-14);
                }
            }
        }
    }

    [Fact]
    public void GetNextTokenLogits_UnseenContext_Uniform()
    {
        var model = new NGramModel([0, 1, 0, 1, 0], 3, 2, 0.0);
        var logits = new double[3];
        model.GetNextTokenLogits([2], logits);
        logits.Should().Equal(0.0, 0.0, 0.0);
        model.GetNextTokenLogits([1, 2], logits);
        logits.Should().Equal(0.0, 0.0, 0.0);
    }

    [Fact]
    public void GetNextTokenLogits_AlphaZero_UnseenTokenMinusInfinity()
    {
        var model = new NGramModel([0, 1, 0, 1, 0, 0], 3, 2, 0.0);
        var logits = new double[3];
        model.GetNextTokenLogits([0], logits); // 0→1 twice, 0→0 once
        logits[0].Should().BeApproximately(Math.Log(1.0 / 3), 1e-15);
        logits[1].Should().BeApproximately(Math.Log(2.0 / 3), 1e-15);
        logits[2].Should().Be(double.NegativeInfinity);
        model.GetNextTokenLogits([1, 0], logits); // "1,0" followed by 1 then 0
        logits[0].Should().BeApproximately(Math.Log(0.5), 1e-15);
        logits[1].Should().BeApproximately(Math.Log(0.5), 1e-15);
        logits[2].Should().Be(double.NegativeInfinity);
    }

    [Fact]
    public void ExampleCount_NMinusK()
    {
        new NGramModel([0, 1, 1, 0, 1], 2, 2).ExampleCount.Should().Be(3);
        new NGramModel([0, 1], 2, 4).ExampleCount.Should().Be(0);
    }

    [Theory]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Constructor_BadAlpha_ThrowsNamingAlpha(double alpha)
    {
        var act = () => new NGramModel([0, 1, 0], 2, 2, alpha);
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("alpha");
    }

    [Fact]
    public void Constructor_TooShortSequence_ThrowsArgumentException()
    {
        var act = () => new NGramModel([1], 2, 2);
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("tokens");
    }

    [Fact]
    public void Constructor_TokenOutsideVocabulary_ThrowsNamingPosition()
    {
        var act = () => new NGramModel([0, 1, 2, 0], 2, 2);
        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain("position 2");
    }
}
