using LlmChains.Bounds;

namespace LlmChains.Tests.Bounds;

/// <summary>Table 2 and Fig. 1 against oracle O-9 (all eight models, both δ settings, 4 decimals of ε×1e2).</summary>
public sealed class ModelCatalogTests
{
    /// <summary>δ = 2/e makes √log(2/δ) = 1: the oracle table's second column.</summary>
    private static readonly double UnitConfidenceDelta = 2 / Math.E;

    [Theory]
    [InlineData("Llama 7B", 4047.72, 1.5548, 0.8095)]
    [InlineData("Llama2 7B", 4047.72, 1.0994, 0.5724)]
    [InlineData("Llama3 8B", 8095.43, 0.8029, 0.4180)]
    [InlineData("Llama3.2 3B", 7533.65, 0.7472, 0.3890)]
    [InlineData("Gemma 2B", 9629.55, 2.1356, 1.1119)]
    [InlineData("Gemma 7B", 10656.9, 1.6712, 0.8701)]
    [InlineData("Gemma2 9B", 11075.6, 1.5042, 0.7832)]
    [InlineData("Gemma2 27B", 11793.7, 1.2565, 0.6542)]
    public void ApproximationError_TableTwoModel_ReproducesO9(string name, double constant, double errorAt005, double errorUnitConfidence)
    {
        var model = ModelCatalog.Get(name);

        model.ToPretrainingBound().Constant.Should().BeApproximately(constant, constant * 5e-6);
        Math.Round(model.ApproximationError(0.05) * 100, 4).Should().Be(errorAt005);
        Math.Round(model.ApproximationError(UnitConfidenceDelta) * 100, 4).Should().Be(errorUnitConfidence);
        Math.Sqrt(Math.Log(2 / UnitConfidenceDelta)).Should().BeApproximately(1, 1e-15);
    }

    [Fact]
    public void Models_TableTwo_HasEightModelsInOrderWithTheirSizes()
    {
        ModelCatalog.Models.Select(m => m.Name).Should().Equal(
            "Llama 7B", "Llama2 7B", "Llama3 8B", "Llama3.2 3B", "Gemma 2B", "Gemma 7B", "Gemma2 9B", "Gemma2 27B");
        var llama3 = ModelCatalog.Get("llama3 8b");
        llama3.TrainingTokens.Should().Be(1.5e13);
        llama3.VocabularySize.Should().Be(128000);
        llama3.EmbeddingDimension.Should().Be(4096);
        llama3.UnembeddingNorm.Should().Be(128000 * 64);
        llama3.IsUnembeddingNormOverridden.Should().BeFalse();
    }

    [Fact]
    public void ApproximationError_FigureOneRange_SpansPointSevenToTwoPointTwo()
    {
        var errors = ModelCatalog.Models.Select(m => m.ApproximationError(ModelCatalog.FigureOneDelta) * 100).ToArray();

        errors.Min().Should().BeApproximately(0.7472, 1e-4);
        errors.Max().Should().BeApproximately(2.1356, 1e-4);
    }

    [Fact]
    public void UnembeddingNorm_Overridden_ChangesTheConstant()
    {
        var model = ModelCatalog.Get("Gemma 2B") with { UnembeddingNorm = 1000 };

        model.IsUnembeddingNormOverridden.Should().BeTrue();
        model.UnembeddingNorm.Should().Be(1000);
        model.ToPretrainingBound().Constant.Should().BeApproximately(2 * Math.Sqrt(Math.Log(256128) + 2000), 1e-9);
        ModelCatalog.Get("Gemma 2B").UnembeddingNorm.Should().Be(256128 * Math.Sqrt(2048));
    }

    [Fact]
    public void UnembeddingNorm_NegativeOverride_ThrowsNamingTheValue()
    {
        var act = () => ModelCatalog.Get("Gemma 2B") with { UnembeddingNorm = -1 };

        act.Should().Throw<ArgumentException>().WithMessage("*B_U*-1*");
    }

    [Fact]
    public void Get_UnknownName_ListsTheModels()
    {
        var act = () => ModelCatalog.Get("GPT-5");

        act.Should().Throw<KeyNotFoundException>().WithMessage("*GPT-5*Llama 7B*Gemma2 27B*");
    }

    [Fact]
    public void Constructor_BadTokens_ThrowsNamingTheParameter()
    {
        var act = () => new CatalogEntry("x", 0.5, 10, 10);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("trainingTokens");
    }
}
