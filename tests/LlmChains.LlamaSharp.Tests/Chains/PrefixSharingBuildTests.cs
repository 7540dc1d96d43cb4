using FluentAssertions;
using LlmChains.Chains;
using LlmChains.Internals;
using LlmChains.Models;

namespace LlmChains.LlamaSharp.Tests.Chains;

/// <summary>
/// The core's prefix-sharing path of <see cref="LanguageModelChain.Build"/> (IPrefixSharingLanguageModel), checked
/// with pure C# models against the ordinary path on the same logits.
/// </summary>
public sealed class PrefixSharingBuildTests
{
    /// <summary>Wraps a model and walks V_K^* depth-first itself, optionally misbehaving.</summary>
    private sealed class TrieModel(ILanguageModel inner, int skip = -1, int repeat = -1, bool poison = false) : IPrefixSharingLanguageModel
    {
        public int VocabularySize => inner.VocabularySize;

        public int ContextWindow => inner.ContextWindow;

        public int Visits { get; private set; }

        public void GetNextTokenLogits(ReadOnlySpan<int> context, Span<double> logits) => inner.GetNextTokenLogits(context, logits);

        public void EvaluateAllContexts(ContextLogitsHandler handler, CancellationToken cancellationToken = default)
        {
            var context = new int[ContextWindow];
            var logits = new double[VocabularySize];
            int counter = 0;
            void Visit(int depth)
            {
                for (int x = 0; x < VocabularySize; x++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    context[depth] = x;
                    inner.GetNextTokenLogits(context.AsSpan(0, depth + 1), logits);
                    if (poison && counter == 5)
                    {
                        logits[0] = double.NaN;
                    }

                    if (counter != skip)
                    {
                        Visits++;
                        handler(context.AsSpan(0, depth + 1), logits);
                    }

                    if (counter == repeat)
                    {
                        handler(context.AsSpan(0, depth + 1), logits);
                    }

                    counter++;
                    if (depth + 1 < ContextWindow)
                    {
                        Visit(depth + 1);
                    }
                }
            }

            Visit(0);
        }
    }

    [Theory]
    [InlineData(2, 3, ProbabilityPrecision.Float64)]
    [InlineData(3, 4, ProbabilityPrecision.Float64)]
    [InlineData(2, 6, ProbabilityPrecision.Float32)]
    public void Build_PrefixSharingModel_EqualsTheOrdinaryPath(int t, int k, ProbabilityPrecision precision)
    {
        var inner = new RandomLogitsModel(t, k, 1.5, seed: 42);
        var sharing = new TrieModel(inner);
        var decoding = new DecodingOptions { Temperature = 0.7, TopK = t > 2 ? 2 : null };
        var options = new ChainBuildOptions { Precision = precision };
        var reports = new List<Progress>();

        var expected = LanguageModelChain.Build(inner, decoding, options);
        var actual = LanguageModelChain.Build(sharing, decoding, options, new SynchronousProgress(reports));

        sharing.Visits.Should().Be((int)expected.StateCount);
        actual.Precision.Should().Be(precision);
        var a = new double[t];
        var b = new double[t];
        for (long s = 0; s < expected.StateCount; s++)
        {
            expected.GetNextTokenProbabilities(s, a);
            actual.GetNextTokenProbabilities(s, b);
            b.Should().Equal(a);
        }

        reports.Should().NotBeEmpty();
        reports[^1].Done.Should().Be(expected.StateCount);
    }

    [Fact]
    public void Build_ModelSkipsAState_ThrowsNamingTheMissingState()
    {
        var model = new TrieModel(new RandomLogitsModel(2, 3, 1, seed: 1), skip: 3);
        var act = () => LanguageModelChain.Build(model);
        act.Should().Throw<InvalidOperationException>().WithMessage("*13 of the 14 states*missing*");
    }

    [Fact]
    public void Build_ModelRepeatsAState_Throws()
    {
        var model = new TrieModel(new RandomLogitsModel(2, 3, 1, seed: 1), repeat: 2);
        var act = () => LanguageModelChain.Build(model);
        act.Should().Throw<InvalidOperationException>().WithMessage("*twice*");
    }

    [Fact]
    public void Build_InvalidLogits_ThrowsTheOrdinaryMessageNamingTheState()
    {
        var model = new TrieModel(new RandomLogitsModel(2, 3, 1, seed: 1), poison: true);
        var act = () => LanguageModelChain.Build(model);
        act.Should().Throw<ArgumentException>().WithMessage("The model's logits at state * (context [*]) are invalid*");
    }

    [Fact]
    public void Build_Cancelled_ThrowsOperationCanceled()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        var act = () => LanguageModelChain.Build(new TrieModel(new RandomLogitsModel(2, 3, 1, seed: 1)), cancellationToken: cancellation.Token);
        act.Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void Build_TooLargeForTheMemoryLimit_FailsBeforeEvaluating()
    {
        var model = new TrieModel(new RandomLogitsModel(2, 10, 1, seed: 1));
        var act = () => LanguageModelChain.Build(model, options: new ChainBuildOptions { MemoryLimitBytes = 1000 });
        act.Should().Throw<ArgumentException>().WithMessage("*needs*");
        model.Visits.Should().Be(0);
    }

    private sealed class SynchronousProgress(List<Progress> reports) : IProgress<Progress>
    {
        public void Report(Progress value) => reports.Add(value);
    }
}
