using LlmChains.Chains;
using LlmChains.Models;
using LlmChains.Remote.Tests.Support;

namespace LlmChains.Remote.Tests;

/// <summary>Every fault gives a retry or a clear error, never a silently wrong row.</summary>
[Collection(LoopbackGroup.Name)]
public sealed class RemoteLanguageModelFaultTests : IDisposable
{
    private readonly LoopbackFixture _fixture;

    public RemoteLanguageModelFaultTests(LoopbackFixture fixture)
    {
        _fixture = fixture;
        fixture.Server.Reset();
    }

    public void Dispose() => _fixture.Server.Reset();

    [Theory]
    [InlineData(ServerDialect.Vllm, ServerFault.TooManyRequests)]
    [InlineData(ServerDialect.Vllm, ServerFault.InternalError)]
    [InlineData(ServerDialect.Vllm, ServerFault.DropConnection)]
    [InlineData(ServerDialect.Vllm, ServerFault.Slow)]
    [InlineData(ServerDialect.LlamaCpp, ServerFault.TooManyRequests)]
    [InlineData(ServerDialect.LlamaCpp, ServerFault.InternalError)]
    [InlineData(ServerDialect.LlamaCpp, ServerFault.DropConnection)]
    public void Build_TransientFault_IsRetriedAndTheChainIsUnchanged(ServerDialect dialect, ServerFault fault)
    {
        using var reference = _fixture.LoadReference(2, 2);
        using var remote = Connect(dialect, 2, 2, new RemoteModelOptions { RequestTimeout = TimeSpan.FromSeconds(1), MaxConcurrentRequests = 1 });
        _fixture.Server.Fail(fault);

        var chain = LanguageModelChain.Build(remote);

        remote.Retries.Should().Be(1);
        RemoteLanguageModelChainTests.AssertSameChain(LanguageModelChain.Build(reference), chain);
    }

    [Fact]
    public void Build_TooManyRequestsWithRetryAfter_WaitsAtLeastTheServersDelay()
    {
        using var remote = Connect(ServerDialect.Vllm, 2, 1, new RemoteModelOptions { MaxConcurrentRequests = 1, RetryDelay = TimeSpan.Zero });
        _fixture.Server.Fail(ServerFault.TooManyRequests);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        LanguageModelChain.Build(remote);

        // Retry-After: 1 is honoured instead of the zero back-off (a lower bound, not a timing assertion).
        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(0.9));
    }

    [Theory]
    [InlineData(ServerFault.InternalError, "*HTTP 500*CUDA out of memory (simulated)*3 attempt(s)*")]
    [InlineData(ServerFault.Slow, "*no complete answer within 0.5 s, 3 attempt(s)*")]
    [InlineData(ServerFault.DropConnection, "*connection failed*3 attempt(s)*")]
    public void Build_FaultOutlastingTheRetries_FailsWithAClearMessage(ServerFault fault, string message)
    {
        using var remote = Connect(ServerDialect.Vllm, 2, 1, new RemoteModelOptions { RequestTimeout = TimeSpan.FromSeconds(0.5), MaxRetries = 2, MaxConcurrentRequests = 1 });
        _fixture.Server.Fail(fault, fault, fault);

        var act = () => LanguageModelChain.Build(remote);

        act.Should().Throw<LanguageModelException>().WithInnerException<RemoteServerException>().WithMessage(message);
    }

    [Theory]
    [InlineData(ServerDialect.Vllm)]
    [InlineData(ServerDialect.LlamaCpp)]
    public void Build_MalformedBody_FailsWithoutRetry(ServerDialect dialect)
    {
        using var remote = Connect(dialect, 2, 1, new RemoteModelOptions { MaxConcurrentRequests = 1 });
        _fixture.Server.Fail(ServerFault.MalformedBody);

        var act = () => LanguageModelChain.Build(remote);

        act.Should().Throw<LanguageModelException>().WithInnerException<RemoteServerException>().WithMessage("*completion*not what the protocol says: invalid JSON*");
        remote.Retries.Should().Be(0);
    }

    [Fact]
    public void Build_LogprobsBeyondTheServersLimit_ShowsTheServersMessage()
    {
        using var remote = Connect(ServerDialect.Vllm, 2, 1, new RemoteModelOptions { TopLogprobs = 50 });

        var act = () => LanguageModelChain.Build(remote);

        act.Should().Throw<LanguageModelException>().WithInnerException<RemoteServerException>().WithMessage("*HTTP 400*greater than max allowed: 20*").Which.StatusCode.Should().Be(400);
    }

    [Theory]
    [InlineData(ServerDialect.Vllm)]
    [InlineData(ServerDialect.LlamaCpp)]
    public void Build_SubsetTokenNeverReturned_FailsNamingTheToken(ServerDialect dialect)
    {
        using var remote = Connect(dialect, 3, 1, new RemoteModelOptions());
        _fixture.Server.Withheld.Add(TinyLlamaDigit(1));

        var act = () => LanguageModelChain.Build(remote);

        act.Should().Throw<LanguageModelException>().WithInnerException<RemoteServerException>().WithMessage("*token 7*");
    }

    [Theory]
    [InlineData(ServerDialect.Vllm)]
    [InlineData(ServerDialect.LlamaCpp)]
    public void Build_ServerWithAnotherTokenizersIds_Fails(ServerDialect dialect)
    {
        using var remote = Connect(dialect, 3, 2, new RemoteModelOptions());
        _fixture.Server.ShiftedTokenizer = true;

        var act = () => LanguageModelChain.Build(remote);

        act.Should().Throw<LanguageModelException>().WithInnerException<RemoteServerException>().WithMessage("*vocabulary*");
    }

    [Fact]
    public void Build_ServerWithoutTokenIds_IsRefusedWithTheDialectHint()
    {
        using var remote = Connect(ServerDialect.Vllm, 2, 1, new RemoteModelOptions());
        _fixture.Server.IgnoresTokenIds = true;

        var act = () => LanguageModelChain.Build(remote);

        act.Should().Throw<LanguageModelException>().WithInnerException<RemoteServerException>().WithMessage("*instead of token_id:N*return_tokens_as_token_ids*");
    }

    [Fact]
    public void Build_ProbabilitiesAfterTheBias_AreRefused()
    {
        using var remote = Connect(ServerDialect.LlamaCpp, 3, 1, new RemoteModelOptions());
        _fixture.Server.OutsideTop.Add(TinyLlamaDigit(2));
        _fixture.Server.AfterBias = true;

        var act = () => LanguageModelChain.Build(remote);

        act.Should().Throw<LanguageModelException>().WithInnerException<RemoteServerException>().WithMessage("*sum to*> 1*");
    }

    [Fact]
    public void Build_VllmProcessedLogprobsWithTheSubsetAllowed_GivesTheSameChain()
    {
        // --logprobs-mode processed_logprobs renormalises over allowed_token_ids: a constant per context, the same chain.
        using var reference = _fixture.LoadReference(3, 2);
        using var remote = Connect(ServerDialect.Vllm, 3, 2, new RemoteModelOptions());
        _fixture.Server.AfterBias = true;

        RemoteLanguageModelChainTests.AssertSameChain(LanguageModelChain.Build(reference), LanguageModelChain.Build(remote));
    }

    [Theory]
    [InlineData("localhost:8000")]
    [InlineData("ftp://host/")]
    [InlineData("not a url")]
    [InlineData("/v1")]
    public void Connect_BadUrl_IsRefusedBeforeAnyRequest(string url)
    {
        var act = () => RemoteLanguageModel.Connect(url, "tiny", TokenSubset.Digits(2), 2);

        act.Should().Throw<ArgumentException>().WithMessage("*is not an http:// or https:// URL*");
    }

    [Fact]
    public void Connect_NoServer_FailsWithAClearMessage()
    {
        var act = () => RemoteLanguageModel.Connect("http://127.0.0.1:9", "tiny", TokenSubset.Digits(2), 2, new RemoteModelOptions { MaxRetries = 1, RetryDelay = TimeSpan.Zero });

        act.Should().Throw<RemoteServerException>().WithMessage("*connection failed*is the server running at http://127.0.0.1:9/?*");
    }

    [Fact]
    public void Connect_PieceThatIsNotOneToken_IsRefused()
    {
        var act = () => RemoteLanguageModel.Connect(_fixture.Server.Url, "tiny", TokenSubset.FromPieces(["0", "ab"]), 2);

        act.Should().Throw<RemoteServerException>().WithMessage("*'ab' as 2 tokens*id:N*");
    }

    [Fact]
    public void Connect_ApiKey_IsSentAsBearerAndNeverShown()
    {
        string variable = "LLMCHAINS_TEST_KEY_" + Environment.ProcessId;
        Environment.SetEnvironmentVariable(variable, "sk-secret-123");
        try
        {
            using var remote = Connect(ServerDialect.Vllm, 2, 1, new RemoteModelOptions { ApiKeyVariable = variable });
            _fixture.Server.Fail(ServerFault.InternalError, ServerFault.InternalError);
            using var failing = Connect(ServerDialect.Vllm, 2, 1, new RemoteModelOptions { ApiKeyVariable = variable, MaxRetries = 1 });

            var act = () => LanguageModelChain.Build(failing);

            _fixture.Server.LastAuthorization.Should().Be("Bearer sk-secret-123");
            remote.ToString().Should().NotContain("sk-secret");
            act.Should().Throw<LanguageModelException>().Which.ToString().Should().NotContain("sk-secret");
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    private static int TinyLlamaDigit(int digit) => LlmChains.Gguf.TinyLlama.DigitId(digit);

    private RemoteLanguageModel Connect(ServerDialect dialect, int t, int k, RemoteModelOptions options)
        => RemoteLanguageModel.Connect(_fixture.Server.Url, "tiny", TokenSubset.Digits(t), k, options with { Dialect = dialect, RetryDelay = options.RetryDelay == RemoteModelOptions.Default.RetryDelay ? TimeSpan.FromMilliseconds(10) : options.RetryDelay });
}
