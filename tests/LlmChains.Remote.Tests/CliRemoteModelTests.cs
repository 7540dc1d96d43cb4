using System.Globalization;
using System.Text.Json;
using LlmChains.Cli;
using LlmChains.Remote.Tests.Support;

namespace LlmChains.Remote.Tests;

/// <summary>The tool's openai:URL model wherever gguf: is accepted, against the loopback server.</summary>
[Collection(LoopbackGroup.Name)]
public sealed class CliRemoteModelTests : IDisposable
{
    private readonly LoopbackFixture _fixture;

    public CliRemoteModelTests(LoopbackFixture fixture)
    {
        _fixture = fixture;
        fixture.Server.Reset();
    }

    public void Dispose() => _fixture.Server.Reset();

    [Theory]
    [InlineData("vllm")]
    [InlineData("llamacpp")]
    public void Analyze_OpenAiModel_GivesTheGgufModelsStationaryDistribution(string server)
    {
        var (code, output, error) = Run("analyze", "--model", $"openai:{_fixture.Server.Url}/v1", "--server-model", "tiny", "--server", server, "--tokens", "0,1", "--context", "3", "--json");
        var (ggufCode, ggufOutput, _) = Run("analyze", "--model", $"gguf:{_fixture.ModelPath}", "--tokens", "0,1", "--context", "3", "--threads", "1", "--json");

        code.Should().Be(0, error);
        ggufCode.Should().Be(0);
        double[] remote = Stationary(output);
        double[] local = Stationary(ggufOutput);
        remote.Should().Equal(local, (a, b) => Math.Abs(a - b) < 1e-5);
        output.Should().Contain("served model tiny");
    }

    [Fact]
    public void Sweep_OpenAiModel_WithACache_SecondRunSendsNoRequest()
    {
        string cache = _fixture.CachePath("cli");
        string[] args = ["sweep", "--model", $"openai:{_fixture.Server.Url}", "--server-model", "tiny", "--tokens", "digits:3", "--context", "2", "--temperatures", "0.5,1,2", "--cache", cache];
        Run(args).Code.Should().Be(0);
        long before = _fixture.Server.CompletionRequests;

        var (code, _, error) = Run(args);

        code.Should().Be(0, error);
        (_fixture.Server.CompletionRequests - before).Should().Be(0);
    }

    [Fact]
    public void Icl_OpenAiPredictor_Runs()
    {
        var (code, output, error) = Run("icl", "--states", "2", "--length", "20", "--repetitions", "2", "--points", "4", "--predictor", $"frequentist,openai:{_fixture.Server.Url}", "--server-model", "tiny", "--json");

        code.Should().Be(0, error);
        output.Should().Contain("openai:tiny");
    }

    [Theory]
    [InlineData(2, "--model openai:URL needs --server-model NAME*", "analyze", "--model", "openai:URL")]
    [InlineData(2, "--server-model applies to --model openai:URL; the model here is uniform*", "analyze", "--model", "uniform", "--server-model", "x")]
    [InlineData(2, "--cache applies to --predictor openai:URL*", "icl", "--cache", "x.cache")]
    [InlineData(2, "--batch 0: give 1 to*", "analyze", "--model", "openai:http://127.0.0.1:9", "--server-model", "x", "--batch", "0")]
    [InlineData(2, "--model openai:localhost:8000: 'localhost:8000' is not an http:// or https:// URL*", "analyze", "--model", "openai:localhost:8000", "--server-model", "x")]
    [InlineData(1, "inference server: *connection failed*", "analyze", "--model", "openai:http://127.0.0.1:9", "--server-model", "x", "--retries", "0")]
    public void Refusals_AreOneLineWithTheOption(int exit, string message, params string[] args)
    {
        var (code, output, error) = Run(args);

        code.Should().Be(exit);
        output.Should().BeEmpty();
        error.Trim().Should().Match("llmchains: error: " + message);
    }

    private static double[] Stationary(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.GetProperty("stationary").EnumerateArray().Select(e => e.GetDouble())];
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var error = new StringWriter(CultureInfo.InvariantCulture);
        int code = CliApplication.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
