using LlmChains.Models;

namespace LlmChains.Tests.Models;

public sealed class MarkovSourceModelTests
{
    [Fact]
    public void GetNextTokenLogits_LogOfRowWithMinusInfinityForZero()
    {
        var p = new double[,] { { 0.5, 0.5, 0 }, { 0.1, 0.2, 0.7 }, { 1, 0, 0 } };
        var model = new MarkovSourceModel(p);
        model.VocabularySize.Should().Be(3);
        model.ContextWindow.Should().Be(1);
        var logits = new double[3];
        for (int i = 0; i < 3; i++)
        {
            model.GetNextTokenLogits([i], logits);
            for (int j = 0; j < 3; j++)
            {
                logits[j].Should().Be(Math.Log(p[i, j]));
            }
        }
    }

    [Fact]
    public void Constructor_NotSquare_ThrowsArgumentException()
    {
        var act = () => new MarkovSourceModel(new double[2, 3]);
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("transitionMatrix");
    }

    [Fact]
    public void Constructor_Empty_ThrowsArgumentException()
    {
        var act = () => new MarkovSourceModel(new double[0, 0]);
        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Constructor_RowNotSummingToOne_ThrowsNamingRow()
    {
        var act = () => new MarkovSourceModel(new double[,] { { 0.5, 0.5 }, { 0.5, 0.6 } });
        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain("Row 1");
    }

    [Fact]
    public void Constructor_NegativeEntry_ThrowsArgumentException()
    {
        var act = () => new MarkovSourceModel(new double[,] { { 1.5, -0.5 }, { 0.5, 0.5 } });
        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain("(0, 1)");
    }
}
