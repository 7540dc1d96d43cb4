using LlmChains.Chains;
using LlmChains.Models;
using LlmChains.Remote.Tests.Support;

namespace LlmChains.Remote.Tests;

/// <summary>The on-disk cache: a second run costs no request, an interrupted one resumes, a torn tail is dropped.</summary>
[Collection(LoopbackGroup.Name)]
public sealed class RemoteLanguageModelCacheTests : IDisposable
{
    private readonly LoopbackFixture _fixture;

    public RemoteLanguageModelCacheTests(LoopbackFixture fixture)
    {
        _fixture = fixture;
        fixture.Server.Reset();
    }

    public void Dispose() => _fixture.Server.Reset();

    [Theory]
    [InlineData(ServerDialect.Vllm)]
    [InlineData(ServerDialect.LlamaCpp)]
    public void Build_SecondRunWithTheCache_SendsNoCompletionRequest(ServerDialect dialect)
    {
        string cache = _fixture.CachePath("second");
        LanguageModelChain first;
        using (var remote = Connect(dialect, 3, 3, cache))
        {
            first = LanguageModelChain.Build(remote);
        }

        long before = _fixture.Server.CompletionRequests;
        using var again = Connect(dialect, 3, 3, cache);
        again.CachedPrompts.Should().Be(39);
        var second = LanguageModelChain.Build(again);

        (_fixture.Server.CompletionRequests - before).Should().Be(0);
        RemoteLanguageModelChainTests.AssertSameChain(first, second);
    }

    [Fact]
    public void Build_Interrupted_ResumesWhereItStoppedAndGivesTheSameChain()
    {
        string cache = _fixture.CachePath("resume");
        using var cts = new CancellationTokenSource();
        var options = new RemoteModelOptions { PromptsPerRequest = 2, MaxConcurrentRequests = 1, CachePath = cache, Progress = new Synchronous(_ => cts.Cancel()), RetryDelay = TimeSpan.Zero };
        using (var remote = RemoteLanguageModel.Connect(_fixture.Server.Url, "tiny", TokenSubset.Digits(2), 4, options))
        {
            var act = () => LanguageModelChain.Build(remote, cancellationToken: cts.Token);
            act.Should().Throw<OperationCanceledException>();
        }

        // One wave (2 prompts × 1 request × 4 rounds = 8 contexts) was committed before the cancellation.
        long before = _fixture.Server.CompletionRequests;
        var reports = new List<Progress>();
        using var resumed = RemoteLanguageModel.Connect(_fixture.Server.Url, "tiny", TokenSubset.Digits(2), 4, options with { Progress = new Synchronous(reports.Add) });
        resumed.CachedPrompts.Should().Be(8);
        var chain = LanguageModelChain.Build(resumed);

        (_fixture.Server.CompletionRequests - before).Should().Be((30 - 8) / 2);
        reports[^1].Done.Should().Be(30);
        reports[^1].Total.Should().Be(30);
        reports[^1].Stage.Should().Be("remote");
        reports[^1].Detail.Should().StartWith("8 from the cache, ").And.EndWith(", ETA 0:00");
        using var fresh = RemoteLanguageModel.Connect(_fixture.Server.Url, "tiny", TokenSubset.Digits(2), 4);
        RemoteLanguageModelChainTests.AssertSameChain(LanguageModelChain.Build(fresh), chain);
    }

    [Fact]
    public void Open_TornTail_IsDroppedAndTheCommittedRecordsKept()
    {
        string cache = _fixture.CachePath("torn");
        using (var remote = Connect(ServerDialect.Vllm, 2, 2, cache))
        {
            LanguageModelChain.Build(remote);
        }

        long length = new FileInfo(cache).Length;
        using (var file = new FileStream(cache, FileMode.Append))
        {
            file.Write([3, 0, 0, 0, 1, 0, 0, 0, 6]); // a record cut off in the middle
        }

        long before = _fixture.Server.CompletionRequests;
        using var again = Connect(ServerDialect.Vllm, 2, 2, cache);

        again.CachedPrompts.Should().Be(6);
        new FileInfo(cache).Length.Should().Be(length);
        LanguageModelChain.Build(again);
        (_fixture.Server.CompletionRequests - before).Should().Be(0);
    }

    [Fact]
    public void Open_CacheOfAnotherModel_IsRefused()
    {
        string cache = _fixture.CachePath("other");
        using (var remote = Connect(ServerDialect.Vllm, 2, 2, cache))
        {
            LanguageModelChain.Build(remote);
        }

        var act = () => RemoteLanguageModel.Connect(_fixture.Server.Url, "another-model", TokenSubset.Digits(2), 2, new RemoteModelOptions { CachePath = cache });

        act.Should().Throw<RemoteServerException>().WithMessage("*written for another server model*");
    }

    private RemoteLanguageModel Connect(ServerDialect dialect, int t, int k, string cache)
        => RemoteLanguageModel.Connect(_fixture.Server.Url, "tiny", TokenSubset.Digits(t), k, new RemoteModelOptions { Dialect = dialect, CachePath = cache, PromptsPerRequest = 4 });

    private sealed class Synchronous(Action<Progress> report) : IProgress<Progress>
    {
        public void Report(Progress value) => report(value);
    }
}
