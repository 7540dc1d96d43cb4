using LlmChains.Models;

namespace LlmChains.Tests.Models;

/// <summary>Bad sizes and bad calls, for every built-in model.</summary>
public sealed class ModelArgumentTests
{
    public static TheoryData<string> ModelNames => ["uniform", "random", "tabular", "ngram", "parity", "contextfree", "markov"];

    private static ILanguageModel Create(string name) => name switch
    {
        "uniform" => new UniformModel(3, 2),
        "random" => new RandomLogitsModel(3, 2, 1.0, 7),
        "tabular" => TabularModel.FromArray(new double[12 * 3], 3, 2),
        "ngram" => new NGramModel([0, 1, 2, 1, 0], 3, 2),
        "parity" => new ParityModel(2),
        "contextfree" => new ContextFreeModel([0.2, 0.3, 0.5], 2),
        "markov" => new MarkovSourceModel(new double[,] { { 0.5, 0.5, 0 }, { 0, 0.5, 0.5 }, { 1, 0, 0 } }),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void UniformModel_NonPositiveVocabulary_Throws(int t)
    {
        var act = () => new UniformModel(t, 2);
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("vocabularySize");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-4)]
    public void UniformModel_NonPositiveContext_Throws(int k)
    {
        var act = () => new UniformModel(2, k);
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("contextWindow");
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(2, 0)]
    [InlineData(-1, 2)]
    [InlineData(2, -1)]
    public void RandomLogitsModel_NonPositiveSizes_Throws(int t, int k)
    {
        var act = () => new RandomLogitsModel(t, k);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void RandomLogitsModel_StateSpaceBeyondLong_ThrowsArgumentOutOfRange()
    {
        var act = () => new RandomLogitsModel(50257, 2048);
        act.Should().Throw<ArgumentOutOfRangeException>().Which.Message.Should().Contain("50257").And.Contain("2048");
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void RandomLogitsModel_BadScale_Throws(double scale)
    {
        var act = () => new RandomLogitsModel(2, 2, scale);
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("scale");
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(2, 0)]
    public void TabularModel_NonPositiveSizes_Throws(int t, int k)
    {
        var act = () => TabularModel.FromArray(new double[4], t, k);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(2, 0)]
    public void NGramModel_NonPositiveSizes_Throws(int t, int k)
    {
        var act = () => new NGramModel([0, 0, 0], t, k);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    public void ParityModel_NonPositiveContext_Throws(int k)
    {
        var act = () => new ParityModel(k);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    public void ContextFreeModel_NonPositiveContext_Throws(int k)
    {
        var act = () => new ContextFreeModel([1.0], k);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void ContextFreeModel_EmptyDistribution_ThrowsForVocabulary()
    {
        var act = () => new ContextFreeModel([], 2);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void GetNextTokenLogits_ContextLongerThanK_ThrowsArgumentException(string name)
    {
        var model = Create(name);
        var context = new int[model.ContextWindow + 1];
        var act = () => model.GetNextTokenLogits(context, new double[model.VocabularySize]);
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("context");
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void GetNextTokenLogits_EmptyContext_ThrowsArgumentException(string name)
    {
        var model = Create(name);
        var act = () => model.GetNextTokenLogits([], new double[model.VocabularySize]);
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("context");
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void GetNextTokenLogits_TokenOutsideVocabulary_ThrowsArgumentException(string name)
    {
        var model = Create(name);
        var tooLarge = () => model.GetNextTokenLogits([model.VocabularySize], new double[model.VocabularySize]);
        tooLarge.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("context");
        var negative = () => model.GetNextTokenLogits([-1], new double[model.VocabularySize]);
        negative.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("context");
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void GetNextTokenLogits_WrongDestinationLength_ThrowsArgumentException(string name)
    {
        var model = Create(name);
        var act = () => model.GetNextTokenLogits([0], new double[model.VocabularySize + 1]);
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("logits");
    }
}
