using LlmChains.Analysis;
using LlmChains.Analysis.Convergence;
using LlmChains.Chains;
using LlmChains.InContext;
using LlmChains.Models;

namespace LlmChains.Tests.Models;

/// <summary>
/// Every call of the library into a user's model: an entry the model does not write is caught (the buffer is NaN before
/// each call, item 3 of the reliability issue), and what the model throws comes back as a
/// <see cref="LanguageModelException"/> naming the state and the context (item 4).
/// </summary>
public sealed class ModelCallTests
{
    /// <summary>Deterministic logits z_x = sin(1 + x + 3·Σ context) that never writes entry <c>skip</c> (or writes all when −1).</summary>
    private sealed class SkippingModel(int vocabularySize, int contextWindow, int skip) : ILanguageModel
    {
        public int VocabularySize => vocabularySize;

        public int ContextWindow => contextWindow;

        public void GetNextTokenLogits(ReadOnlySpan<int> context, Span<double> logits)
        {
            int sum = 0;
            foreach (int token in context)
            {
                sum += token;
            }

            for (int x = 0; x < logits.Length; x++)
            {
                if (x != skip)
                {
                    logits[x] = Math.Sin(1 + x + (3 * sum) + context.Length);
                }
            }
        }
    }

    /// <summary>Uniform logits, but throws on the context [1, 0] (state 4 of T = 2, K = 2: 0, 1, 00, 01, 10, 11).</summary>
    private sealed class ThrowingModel : ILanguageModel
    {
        public int VocabularySize => 2;

        public int ContextWindow => 2;

        public void GetNextTokenLogits(ReadOnlySpan<int> context, Span<double> logits)
        {
            if (context.Length == 2 && context[0] == 1 && context[1] == 0)
            {
                throw new InvalidOperationException("weights not loaded");
            }

            logits.Clear();
        }
    }

    /// <summary>A prefix-sharing model whose evaluation fails after two contexts.</summary>
    private sealed class ThrowingPrefixModel : IPrefixSharingLanguageModel
    {
        public int VocabularySize => 2;

        public int ContextWindow => 2;

        public void GetNextTokenLogits(ReadOnlySpan<int> context, Span<double> logits) => logits.Clear();

        public void EvaluateAllContexts(ContextLogitsHandler handler, CancellationToken cancellationToken = default)
        {
            handler([0], [0.0, 0.0]);
            handler([1], [0.0, 0.0]);
            throw new IOException("the cache file vanished");
        }
    }

    private static void ShouldNameUnwrittenEntry(Action act, string context)
    {
        var e = act.Should().Throw<ArgumentException>().Which;
        e.Message.Should().Contain("token 1").And.Contain("did not write").And.Contain(context).And.NotContain("\n");
    }

    private static void ShouldWrapModelFailure(Action act, string context, long? state)
    {
        var e = act.Should().Throw<LanguageModelException>().Which;
        e.InnerException.Should().BeOfType<InvalidOperationException>().Which.Message.Should().Be("weights not loaded");
        e.Message.Should().Contain("ThrowingModel.GetNextTokenLogits").And.Contain(context).And.Contain("weights not loaded");
        e.Context.Should().Equal(1, 0);
        e.State.Should().Be(state);
        e.ModelName.Should().Be("ThrowingModel");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(null)]
    public void Build_ModelSkipsAnEntry_ThrowsNamingStateAndToken(int? threads)
    {
        // the first state evaluated is 0 (context [0]); with the stale buffer the build used to succeed
        var options = new ChainBuildOptions { MaxDegreeOfParallelism = threads };
        var act = () => LanguageModelChain.Build(new SkippingModel(3, 2, 1), DecodingOptions.Default, options);
        ShouldNameUnwrittenEntry(() => act(), "state");
    }

    [Fact]
    public void Build_ModelWritesEveryEntry_Succeeds()
    {
        var chain = LanguageModelChain.Build(new SkippingModel(3, 2, -1), DecodingOptions.Default);
        chain.StateCount.Should().Be(12);
    }

    [Fact]
    public void EveryCaller_ModelSkipsAnEntry_Throws()
    {
        var model = new SkippingModel(2, 2, 1);
        ShouldNameUnwrittenEntry(() => TabularModel.Capture(model), "context [");
        ShouldNameUnwrittenEntry(() => TemperatureSweep.Run(model, [1.0]), "context [");
        ShouldNameUnwrittenEntry(() => ConvergenceBound.EpsilonFromModel(model), "context [");
        ShouldNameUnwrittenEntry(() => TrajectorySampler.SampleTokens(model, DecodingOptions.Default, [0], 3, 1), "context [0]");
        ShouldNameUnwrittenEntry(() => SampledConvergence.EstimateTotalVariationFromModel(model, DecodingOptions.Default, SampledStart.Uniform, null, new SamplingOptions { Trajectories = 4, Steps = 2 }), "context [");
        var predictor = new LanguageModelPredictor(new SkippingModel(2, 4, 1), StateTokenMap.Identity(2));
        ShouldNameUnwrittenEntry(() => predictor.Predict([0, 1, 0], 2, new double[4]), "context [");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(null)]
    public void Build_ModelThrows_WrapsWithStateAndContext(int? threads)
    {
        var options = new ChainBuildOptions { MaxDegreeOfParallelism = threads };
        ShouldWrapModelFailure(() => LanguageModelChain.Build(new ThrowingModel(), DecodingOptions.Default, options), "state 4 (context [1,0])", 4);
    }

    [Fact]
    public void EveryCaller_ModelThrows_WrapsWithContext()
    {
        var model = new ThrowingModel();
        ShouldWrapModelFailure(() => TabularModel.Capture(model), "state 4 (context [1,0])", 4);
        ShouldWrapModelFailure(() => TemperatureSweep.Run(model, [1.0]), "state 4 (context [1,0])", 4);
        ShouldWrapModelFailure(() => ConvergenceBound.EpsilonFromModel(model), "state 4 (context [1,0])", 4);
        ShouldWrapModelFailure(() => TrajectorySampler.SampleTokens(model, DecodingOptions.Default, [1, 0], 3, 1), "context [1,0]", null);
        ShouldWrapModelFailure(() => SampledConvergence.EstimateTotalVariationFromModel(model, DecodingOptions.Default, SampledStart.State(4), null, new SamplingOptions { Trajectories = 4, Steps = 2 }), "state 4 (context [1,0])", 4);
        var predictor = new LanguageModelPredictor(model, StateTokenMap.Identity(2));
        ShouldWrapModelFailure(() => predictor.Predict([1, 0, 1], 2, new double[4]), "context [1,0]", null);
    }

    [Fact]
    public void Build_PrefixSharingModelThrows_WrapsWithLastContext()
    {
        var act = () => LanguageModelChain.Build(new ThrowingPrefixModel(), DecodingOptions.Default);
        var e = act.Should().Throw<LanguageModelException>().Which;
        e.InnerException.Should().BeOfType<IOException>();
        e.Message.Should().Contain("ThrowingPrefixModel.EvaluateAllContexts").And.Contain("[1]").And.Contain("after 2 of 6");
        e.Method.Should().Be("EvaluateAllContexts");
    }

    [Fact]
    public void Build_ModelCancels_OperationCanceledPropagatesUnwrapped()
    {
        using var source = new CancellationTokenSource();
        var model = new CancellingModel(source);
        var act = () => LanguageModelChain.Build(model, DecodingOptions.Default, new ChainBuildOptions { MaxDegreeOfParallelism = 1 }, null, source.Token);
        act.Should().Throw<OperationCanceledException>();
    }

    private sealed class CancellingModel(CancellationTokenSource source) : ILanguageModel
    {
        public int VocabularySize => 2;

        public int ContextWindow => 2;

        public void GetNextTokenLogits(ReadOnlySpan<int> context, Span<double> logits)
        {
            source.Cancel();
            source.Token.ThrowIfCancellationRequested();
        }
    }
}
