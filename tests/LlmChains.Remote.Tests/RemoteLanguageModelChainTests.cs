using LlmChains.Chains;
using LlmChains.InContext;
using LlmChains.Models;
using LlmChains.Remote.Tests.Support;

namespace LlmChains.Remote.Tests;

/// <summary>The remote chain against the LLamaSharp chain of the same model, state by state.</summary>
[Collection(LoopbackGroup.Name)]
public sealed class RemoteLanguageModelChainTests : IDisposable
{
    private readonly LoopbackFixture _fixture;

    public RemoteLanguageModelChainTests(LoopbackFixture fixture)
    {
        _fixture = fixture;
        fixture.Server.Reset();
    }

    public void Dispose() => _fixture.Server.Reset();

    [Theory]
    [InlineData(ServerDialect.Vllm, 2, 3, 20)]
    [InlineData(ServerDialect.Vllm, 3, 3, 4)]
    [InlineData(ServerDialect.LlamaCpp, 2, 3, 20)]
    [InlineData(ServerDialect.LlamaCpp, 3, 2, 2)]
    public void Build_RemoteModel_EqualsTheLlamaSharpChainStateByState(ServerDialect dialect, int t, int k, int top)
    {
        using var reference = _fixture.LoadReference(t, k);
        using var remote = Connect(dialect, t, k, new RemoteModelOptions { Dialect = dialect, TopLogprobs = top, PromptsPerRequest = 5, MaxConcurrentRequests = 3 });

        var expected = LanguageModelChain.Build(reference);
        var actual = LanguageModelChain.Build(remote);

        remote.TokenIds.Should().Equal(reference.TokenIds);
        remote.BosToken.Should().Be(reference.BosToken);
        AssertSameChain(expected, actual);
    }

    [Fact]
    public void Build_TokensOutsideTheTopSet_AreForcedAndTheChainIsUnchanged()
    {
        using var reference = _fixture.LoadReference(3, 2);
        _fixture.Server.OutsideTop.UnionWith([6, 8]);
        using var remote = Connect(ServerDialect.LlamaCpp, 3, 2, new RemoteModelOptions { Dialect = ServerDialect.LlamaCpp });

        AssertSameChain(LanguageModelChain.Build(reference), LanguageModelChain.Build(remote));
    }

    [Fact]
    public void GetNextTokenLogits_ConcurrentCalls_GiveTheReferenceDistribution()
    {
        using var reference = _fixture.LoadReference(3, 3);
        using var remote = Connect(ServerDialect.Vllm, 3, 3, new RemoteModelOptions());
        int[][] contexts = [[0], [1, 2], [2, 2, 1], [0, 1, 0], [1], [2, 0]];
        var results = new double[contexts.Length][];
        Parallel.For(0, contexts.Length, i =>
        {
            results[i] = new double[3];
            remote.GetNextTokenLogits(contexts[i], results[i]);
        });

        for (int i = 0; i < contexts.Length; i++)
        {
            var expected = new double[3];
            reference.GetNextTokenLogits(contexts[i], expected);
            Softmax(results[i]).Should().Equal(Softmax(expected), (a, b) => Math.Abs(a - b) < 1e-5);
        }
    }

    [Theory]
    [InlineData(ServerDialect.Vllm)]
    [InlineData(ServerDialect.LlamaCpp)]
    public void ScoreSequence_EqualsTheReferenceAtEveryPosition(ServerDialect dialect)
    {
        int[] trajectory = [0, 1, 1, 2, 0, 2, 2, 1, 0, 0];
        using var reference = _fixture.LoadReference(3, trajectory.Length);
        using var remote = Connect(dialect, 3, trajectory.Length, new RemoteModelOptions { Dialect = dialect });
        int[] positions = [0, 3, 4, 8, 9];
        int[] candidates = [2, 0, 1];
        var logits = new double[positions.Length * candidates.Length];

        long before = _fixture.Server.CompletionRequests;
        remote.ScoreSequence(trajectory, positions, candidates, logits);
        long requests = _fixture.Server.CompletionRequests - before;

        if (dialect == ServerDialect.Vllm)
        {
            requests.Should().Be(1, "vLLM's prompt_logprobs give every position in one request");
        }

        for (int i = 0; i < positions.Length; i++)
        {
            var full = new double[3];
            reference.GetNextTokenLogits(trajectory.AsSpan(0, positions[i] + 1), full);
            double[] expected = [.. candidates.Select(c => full[c])];
            Softmax(logits.AsSpan(i * 3, 3).ToArray()).Should().Equal(Softmax(expected), (a, b) => Math.Abs(a - b) < 1e-5);
        }
    }

    [Fact]
    public void InContextPredictor_OverTheRemoteModel_MatchesTheLlamaSharpPredictions()
    {
        int[] trajectory = [0, 1, 0, 0, 1, 1, 1, 0];
        using var reference = _fixture.LoadReference(2, 1);
        using var remote = Connect(ServerDialect.Vllm, 2, trajectory.Length, new RemoteModelOptions());
        var expected = reference.PredictInContext(trajectory);
        var predictor = new LanguageModelPredictor(remote, StateTokenMap.Identity(2));
        var actual = new double[(trajectory.Length - 1) * 2];

        predictor.Predict(trajectory, 2, actual);

        for (int n = 1; n < trajectory.Length; n++)
        {
            actual[((n - 1) * 2)..(n * 2)].Should().Equal(expected.GetPrediction(n).ToArray(), (a, b) => Math.Abs(a - b) < 1e-5);
        }
    }

    internal RemoteLanguageModel Connect(ServerDialect dialect, int t, int k, RemoteModelOptions options)
        => RemoteLanguageModel.Connect(_fixture.Server.Url, "tiny", TokenSubset.Digits(t), k, options with { Dialect = dialect, RetryDelay = TimeSpan.FromMilliseconds(10) });

    internal static void AssertSameChain(LanguageModelChain expected, LanguageModelChain actual)
    {
        actual.StateCount.Should().Be(expected.StateCount);
        var c1 = new long[expected.MaxRowNonZeros];
        var p1 = new double[expected.MaxRowNonZeros];
        var c2 = new long[actual.MaxRowNonZeros];
        var p2 = new double[actual.MaxRowNonZeros];
        for (long s = 0; s < expected.StateCount; s++)
        {
            int n1 = expected.GetRow(s, c1, p1);
            int n2 = actual.GetRow(s, c2, p2);
            c2[..n2].Should().Equal(c1[..n1], $"state {s} has the same successors");
            for (int j = 0; j < n1; j++)
            {
                p2[j].Should().BeApproximately(p1[j], 1e-5, $"state {s}, successor {c1[j]}");
            }
        }
    }

    internal static double[] Softmax(double[] logits)
    {
        double max = logits.Max();
        double[] e = [.. logits.Select(z => Math.Exp(z - max))];
        double sum = e.Sum();
        return [.. e.Select(v => v / sum)];
    }
}
