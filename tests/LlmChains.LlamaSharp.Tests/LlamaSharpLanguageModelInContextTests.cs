using FluentAssertions;
using LlmChains.Gguf;
using LlmChains.LlamaSharp.Tests.Support;
using LlmChains.Models;

namespace LlmChains.LlamaSharp.Tests;

[Collection(LlamaTestGroup.Name)]
public sealed class LlamaSharpLanguageModelInContextTests(ModelFixture fixture)
{
    /// <summary>A trajectory of a random 3-state chain (rows of Uniform(0,1) normalised, as in Liu et al.).</summary>
    private static int[] Trajectory(int length, int seed)
    {
        var random = new Random(seed);
        var p = new double[3, 3];
        for (int i = 0; i < 3; i++)
        {
            double sum = 0;
            for (int j = 0; j < 3; j++)
            {
                sum += p[i, j] = random.NextDouble();
            }

            for (int j = 0; j < 3; j++)
            {
                p[i, j] /= sum;
            }
        }

        var states = new int[length];
        for (int n = 1; n < length; n++)
        {
            double u = random.NextDouble();
            int next = 0;
            while (next < 2 && (u -= p[states[n - 1], next]) > 0)
            {
                next++;
            }

            states[n] = next;
        }

        return states;
    }

    [Fact]
    public void PredictInContext_DigitTokenizer_UsesConcatenationAndMatchesContextByContext()
    {
        using var model = ModelFixture.Load(fixture.Plain, states: 3, contextWindow: 6);
        int[] trajectory = Trajectory(40, seed: 3);
        model.ResolvePromptEncoding().Should().Be(PromptEncoding.Concatenated);
        model.ResetCounters();

        var predictions = model.PredictInContext(trajectory);

        predictions.Encoding.Should().Be(PromptEncoding.Concatenated);
        predictions.TokenizerAgrees.Should().BeTrue();
        predictions.Length.Should().Be(40);
        predictions.StateCount.Should().Be(3);
        predictions.PromptTokenCount.Should().Be(41);
        predictions.PromptText.Should().Be(string.Concat(trajectory));
        model.DecodeCalls.Should().Be(1, "one forward pass over the whole prompt");
        for (int n = 1; n <= 40; n++)
        {
            predictions.GetPrediction(n).ToArray().Sum().Should().BeApproximately(1, 1e-12);
        }

        // the first K predictions are the model's next-token distributions of the prefixes
        var logits = new double[3];
        var expected = new double[3];
        for (int n = 1; n <= 6; n++)
        {
            model.GetNextTokenLogits(trajectory.AsSpan(0, n), logits);
            DecodingOptions.Default.Apply(logits, expected);
            predictions.GetPrediction(n).ToArray().Should().Equal(expected, (a, b) => Math.Abs(a - b) <= 1e-4);
        }
    }

    [Fact]
    public void PredictInContext_MergingTokenizer_InsertsSeparators()
    {
        using var model = ModelFixture.Load(fixture.Merged, states: 3, contextWindow: 3);
        model.ResolvePromptEncoding().Should().Be(PromptEncoding.Separated, "the vocabulary has the token \"10\"");
        int[] trajectory = [1, 0, 2, 1, 0, 0, 1];

        var predictions = model.PredictInContext(trajectory);

        predictions.Encoding.Should().Be(PromptEncoding.Separated);
        predictions.PromptText.Should().Be("1,0,2,1,0,0,1,");
        predictions.TokenizerAgrees.Should().BeTrue();
        predictions.PromptTokenCount.Should().Be(1 + 14);
        predictions.Probabilities.Length.Should().Be(7 * 3);

        var forced = model.PredictInContext(trajectory, PromptEncoding.Concatenated);
        forced.TokenizerAgrees.Should().BeFalse("the tokenizer would read \"10\" as one token");
    }

    [Fact]
    public void PredictInContext_TemperatureAndInvalidInput()
    {
        using var model = ModelFixture.Load(fixture.Plain, states: 3, contextWindow: 3);
        int[] trajectory = Trajectory(10, seed: 4);
        var hot = model.PredictInContext(trajectory, decoding: new DecodingOptions { Temperature = 100 });
        hot.Probabilities.ToArray().Should().OnlyContain(p => Math.Abs(p - (1.0 / 3)) < 0.05);
        var greedy = model.PredictInContext(trajectory, decoding: DecodingOptions.Greedy);
        greedy.Probabilities.ToArray().Should().OnlyContain(p => p == 0 || p == 1);

        ((Action)(() => model.PredictInContext([0, 3]))).Should().Throw<ArgumentException>().WithMessage("*State 3*");
        ((Action)(() => model.PredictInContext([]))).Should().Throw<ArgumentException>();
        ((Action)(() => model.PredictInContext(new int[TinyLlama.ContextLength]))).Should().Throw<ArgumentException>().WithMessage("*training context*");
    }

    [Fact]
    public void Predictor_ForTheExperimentRunner_WritesLMinusOneRows()
    {
        using var model = ModelFixture.Load(fixture.Plain, states: 3, contextWindow: 3);
        var predictor = new LlamaSharpInContextPredictor(model);
        int[] trajectory = Trajectory(25, seed: 8);
        var predictions = new double[24 * 3];

        predictor.Predict(trajectory, 3, predictions);

        predictor.Name.Should().Be("tiny");
        predictor.SupportsConcurrentCalls.Should().BeFalse();
        predictions.Should().Equal(model.PredictInContext(trajectory.AsSpan(0, 24)).Probabilities.ToArray());
        ((Action)(() => predictor.Predict(trajectory, 4, new double[24 * 4]))).Should().Throw<ArgumentException>().WithMessage("*d = 4*");
        ((Action)(() => predictor.Predict(trajectory, 3, new double[5]))).Should().Throw<ArgumentException>();
    }
}
