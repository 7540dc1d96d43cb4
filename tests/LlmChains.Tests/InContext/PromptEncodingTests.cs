using LlmChains.InContext;

namespace LlmChains.Tests.InContext;

/// <summary>Prompt texts and state ↔ token mappings (paper-spec §4.4, §6.1).</summary>
public sealed class PromptEncodingTests
{
    [Fact]
    public void SingleDigits_NoSeparator_WritesOneCharacterPerState()
    {
        var format = StatePromptFormat.SingleDigits(3);

        format.Format([0, 1, 2, 0, 1]).Should().Be("01201");
        format.Parse("01201").Should().Equal(0, 1, 2, 0, 1);
    }

    [Fact]
    public void SingleDigits_WithSeparator_WritesTheSeparatorAfterEveryState()
    {
        var format = StatePromptFormat.SingleDigits(2, ",");

        format.Format([1, 0, 1]).Should().Be("1,0,1,");
        format.Parse("1,0,1,").Should().Equal(1, 0, 1);
        format.Parse("1,0,1").Should().Equal(1, 0, 1);
    }

    [Fact]
    public void MultiDigit_LiuSerialisation_RoundTrips()
    {
        var labels = Enumerable.Range(150, 700).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var format = StatePromptFormat.MultiDigit(labels);

        format.Format([532 - 150, 0]).Should().Be("532,150,");
        format.Parse("532,150,").Should().Equal(382, 0);
        FluentActions.Invoking(() => format.Parse("532,149,")).Should().Throw<FormatException>().WithMessage("'149' at character 4*");
    }

    [Fact]
    public void Format_MultiDigitWithoutSeparator_RequiresFixedWidth()
    {
        FluentActions.Invoking(() => new StatePromptFormat(["1", "10"])).Should().Throw<ArgumentException>().WithMessage("*separator*");
        new StatePromptFormat(["10", "11"]).Parse("101110").Should().Equal(0, 1, 0);
    }

    [Fact]
    public void ToTokenMap_FromVocabulary_MapsStatesAndSeparator()
    {
        string[] vocabulary = ["<s>", ",", "0", "1", "2", "10"];
        var map = StatePromptFormat.SingleDigits(3, ",").ToTokenMap(vocabulary);

        map.StateTokens.Should().Equal(2, 3, 4);
        map.SeparatorToken.Should().Be(1);
        map.Encode([2, 0]).Should().Equal(4, 1, 2, 1);
        map.Decode([4, 1, 2, 1]).Should().Equal(2, 0);
        map.PredictionPosition(1).Should().Be(1);
        map.PredictionPosition(2).Should().Be(3);
    }

    [Fact]
    public void ToTokenMap_VocabularyLacksAStateToken_ClearError()
    {
        string[] vocabulary = ["0", "1", ","];

        FluentActions.Invoking(() => StatePromptFormat.SingleDigits(3).ToTokenMap(vocabulary))
            .Should().Throw<ArgumentException>().WithMessage("The vocabulary of 3 tokens lacks the state token '2' (state 2)*");
        FluentActions.Invoking(() => StatePromptFormat.SingleDigits(2, ";").ToTokenMap(vocabulary))
            .Should().Throw<ArgumentException>().WithMessage("*lacks the separator token ';'*");
    }

    [Fact]
    public void StateTokenMap_Identity_NoSeparator()
    {
        var map = StateTokenMap.Identity(3);

        map.Encode([2, 1, 0]).Should().Equal(2, 1, 0);
        map.PredictionPosition(3).Should().Be(2);
        map.TryGetState(1, out int s).Should().BeTrue();
        s.Should().Be(1);
        map.TryGetState(5, out _).Should().BeFalse();
    }

    [Fact]
    public void StateTokenMap_BadInput_ClearErrors()
    {
        FluentActions.Invoking(() => new StateTokenMap([4])).Should().Throw<ArgumentOutOfRangeException>().WithMessage("The number of states d must be ≥ 2; got 1.*");
        FluentActions.Invoking(() => new StateTokenMap([4, 4])).Should().Throw<ArgumentException>().WithMessage("Token id 4 is used by states 0 and 1.*");
        FluentActions.Invoking(() => new StateTokenMap([4, 5], 5)).Should().Throw<ArgumentException>().WithMessage("*separator*");
        FluentActions.Invoking(() => StatePromptFormat.SingleDigits(1)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("The number of states d must be ≥ 2; got 1.*");
        FluentActions.Invoking(() => StatePromptFormat.SingleDigits(11)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*d ≤ 10*");
        FluentActions.Invoking(() => StateTokenMap.Identity(3).CheckVocabulary(2, "model"))
            .Should().Throw<ArgumentException>().WithMessage("The model's vocabulary (T = 2, ids 0..1) lacks the token of state 2 (id 2).*");
    }
}
