using LlmChains.InContext;
using LlmChains.Models;

namespace LlmChains.Tests.InContext;

/// <summary>The language-model predictor: restricted softmax, one pass vs per position, zero risk for the true chain.</summary>
public sealed class LanguageModelPredictorTests
{
    private static readonly GeneratedChain Chain = new(new[,] { { .5, .3, .2 }, { .2, .6, .2 }, { .3, .3, .4 } });

    [Fact]
    public void MarkovSourceOfTheTrueChain_HasZeroRisk()
    {
        var predictor = new LanguageModelPredictor(Chain.ToModel(), StateTokenMap.Identity(3), name: "true chain");
        var options = new InContextExperimentOptions { Length = 300, Repetitions = 4, Seed = 1, EvaluationPoints = null };

        var result = InContextExperiment.Run(ChainSource.Fixed(Chain), [predictor], options);

        result.Predictors[0].PerPosition.Mean.Should().OnlyContain(r => Math.Abs(r) < 1e-12);
        result.Predictors[0].RunningMean.Mean.Should().OnlyContain(r => Math.Abs(r) < 1e-12);
        result.Predictors[0].PerPosition.Fit.Should().BeNull("log 0 cannot be fitted");
    }

    [Fact]
    public void ContextFreeModel_RiskStaysBoundedAwayFromZero()
    {
        // q is the same at every position, so every TV is ≥ min_x TV(q, P(x, ·)) > 0 whatever N
        double[] q = [0.7, 0.2, 0.1];
        var predictor = new LanguageModelPredictor(new ContextFreeModel(q, 4), StateTokenMap.Identity(3), name: "context-free");
        double floor = Enumerable.Range(0, 3).Min(x => 0.5 * Enumerable.Range(0, 3).Sum(y => Math.Abs(q[y] - Chain[x, y])));
        var options = new InContextExperimentOptions { Length = 2000, Repetitions = 8, Seed = 2 };

        var result = InContextExperiment.Run(ChainSource.Fixed(Chain), [new FrequentistEstimator(), predictor], options);

        floor.Should().BeGreaterThan(0.15);
        result.Predictors[1].PerPosition.Mean.Should().OnlyContain(r => r >= floor - 1e-12);
        result.Predictors[1].RunningMean.Mean[^1].Should().BeGreaterThan(floor);
        result.Predictors[1].PerPosition.Fit!.Slope.Should().BeApproximately(0, 0.05, "a context-free model does not learn");
        result.Predictors[0].PerPosition.Mean[^1].Should().BeLessThan(floor / 3, "the counting estimator does learn");
    }

    [Fact]
    public void Predict_RestrictsLogitsToStateTokensAndSoftmaxesThem()
    {
        // a 5-token model whose state tokens are ids 3 and 1 (in that order) with separator 4; logits fixed
        var model = new FixedLogitsModel([0.0, Math.Log(3), 10.0, Math.Log(1), 7.0], contextWindow: 8);
        var predictor = new LanguageModelPredictor(model, new StateTokenMap([3, 1], 4));

        var p = new double[2];
        predictor.Predict([0, 1], 2, p);

        p.Should().Equal(new[] { 0.25, 0.75 }, (a, b) => Math.Abs(a - b) < 1e-15);
        model.Contexts.Single().Should().Equal(3, 4); // the prediction after X_1 is read at the separator after it
    }

    [Fact]
    public void Predict_TemperatureApplies_ToTheRestrictedLogits()
    {
        var model = new FixedLogitsModel([Math.Log(1), Math.Log(3)], contextWindow: 1);
        var predictor = new LanguageModelPredictor(model, StateTokenMap.Identity(2), new DecodingOptions { Temperature = 0.5 });

        var p = new double[2];
        predictor.Predict([0, 1], 2, p);

        p.Should().Equal(new[] { 0.1, 0.9 }, (a, b) => Math.Abs(a - b) < 1e-15); // (1, 9)/10
    }

    [Fact]
    public void SequenceScoringModel_OnePass_EqualsPerPositionCalls()
    {
        var inner = new RandomLogitsModel(4, 3, scale: 2, seed: 8);
        var wrapped = new SlidingWindowScoringModel(inner);
        var map = new StateTokenMap([2, 0, 3], 1);
        int[] trajectory = [0, 2, 1, 1, 0, 2, 2, 1, 0];

        var onePass = new double[8 * 3];
        var perPosition = new double[8 * 3];
        new LanguageModelPredictor(wrapped, map).Predict(trajectory, 3, onePass);
        new LanguageModelPredictor(inner, map).Predict(trajectory, 3, perPosition);

        wrapped.ScoreCalls.Should().Be(1);
        wrapped.SingleCalls.Should().Be(0);
        onePass.Should().Equal(perPosition);
        for (int n = 0; n < 8; n++)
        {
            onePass.AsSpan(n * 3, 3).ToArray().Sum().Should().BeApproximately(1, 1e-14);
        }
    }

    [Fact]
    public void Constructor_VocabularyLacksAStateToken_ClearError()
    {
        var model = Chain.ToModel(); // T = 3

        FluentActions.Invoking(() => new LanguageModelPredictor(model, new StateTokenMap([0, 1, 3])))
            .Should().Throw<ArgumentException>().WithMessage("The model's vocabulary (T = 3, ids 0..2) lacks the token of state 2 (id 3).*");
        FluentActions.Invoking(() => new LanguageModelPredictor(model, new StateTokenMap([0, 1], 5)))
            .Should().Throw<ArgumentException>().WithMessage("*lacks the separator token (id 5)*");
        var predictor = new LanguageModelPredictor(model, StateTokenMap.Identity(3));
        FluentActions.Invoking(() => predictor.Predict([0, 1], 2, new double[2]))
            .Should().Throw<ArgumentException>().WithMessage("The token map has 3 states; the chain has d = 2.*");
    }

    /// <summary>Returns fixed logits and records every context it was called with.</summary>
    private sealed class FixedLogitsModel(double[] logits, int contextWindow) : ILanguageModel
    {
        public List<int[]> Contexts { get; } = [];

        public int VocabularySize => logits.Length;

        public int ContextWindow => contextWindow;

        public void GetNextTokenLogits(ReadOnlySpan<int> context, Span<double> destination)
        {
            Contexts.Add(context.ToArray());
            logits.CopyTo(destination);
        }
    }
}
