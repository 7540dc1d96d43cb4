using System.CommandLine;
using LlmChains.Remote;

namespace LlmChains.Cli.Commands.Shared;

/// <summary>The options of a model behind an inference server (<c>openai:URL</c>), shared by analyze, sweep, export and icl.</summary>
internal sealed class RemoteOptions
{
    public Option<string?> ServerModel { get; } = new("--server-model")
    {
        Description = "openai: the model name the server serves (vLLM --served-model-name; any name for llama-server)",
    };

    public Option<string> Server { get; } = CreateServer();

    public Option<string?> Cache { get; } = new("--cache")
    {
        Description = "openai: a file that keeps every evaluated prompt's logits (resumes an interrupted run; a second run sends no " +
            "request)",
    };

    public Option<int?> Batch { get; } = new("--batch") { Description = "openai: prompts per request (default 32)" };

    public Option<int?> Concurrency { get; } = new("--concurrency") { Description = "openai: requests in flight at once (default 8)" };

    public Option<double?> RequestTimeout { get; } = new("--request-timeout")
    {
        Description = "openai: seconds allowed for one attempt of a request (default 120)",
    };

    public Option<int?> Retries { get; } = new("--retries")
    {
        Description = "openai: retries after 429, 5xx, timeouts and dropped connections, with back-off and Retry-After (default 5)",
    };

    public Option<int?> TopLogprobs { get; } = new("--top-logprobs")
    {
        Description = "openai: top log-probabilities asked per position; state tokens outside them cost a forced request each (default " +
            "20, vLLM's --max-logprobs)",
    };

    public Option<string?> ApiKeyVariable { get; } = new("--api-key-env")
    {
        Description = "openai: the environment variable holding the API key (default OPENAI_API_KEY; the key is never printed)",
    };

    public IEnumerable<Option> All =>
        [ServerModel, Server, Cache, Batch, Concurrency, RequestTimeout, Retries, TopLogprobs, ApiKeyVariable];

    /// <summary>The options given explicitly (for refusing them with another model).</summary>
    public IEnumerable<Option> Given(ParseResult parse) => All.Where(o => parse.GetResult(o) is { Implicit: false });

    /// <summary>The settings, validated; <paramref name="progress"/> receives the remote evaluation's progress.</summary>
    public RemoteSettings Settings(ParseResult parse, IProgress<Progress>? progress = null)
    {
        var defaults = RemoteModelOptions.Default;
        int batch = Positive(parse.GetValue(Batch), Batch.Name, defaults.PromptsPerRequest, 1_000_000);
        int concurrency = Positive(parse.GetValue(Concurrency), Concurrency.Name, defaults.MaxConcurrentRequests, 10_000);
        int top = Positive(parse.GetValue(TopLogprobs), TopLogprobs.Name, defaults.TopLogprobs, 1_000_000);
        int retries = parse.GetValue(Retries) ?? defaults.MaxRetries;
        if (retries is < 0 or > 100)
        {
            throw new CliException($"{Retries.Name} {retries}: give 0 to 100 retries", ExitCodes.UsageError);
        }

        double seconds = parse.GetValue(RequestTimeout) ?? defaults.RequestTimeout.TotalSeconds;
        if (!(seconds > 0 && seconds <= 86_400))
        {
            throw new CliException(
                $"{RequestTimeout.Name} {seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}: give a number of seconds " +
                "in (0, 86400]",
                ExitCodes.UsageError);
        }

        var options = new RemoteModelOptions
        {
            Dialect = parse.GetValue(Server) == "llamacpp" ? ServerDialect.LlamaCpp : ServerDialect.Vllm,
            CachePath = parse.GetValue(Cache),
            PromptsPerRequest = batch,
            MaxConcurrentRequests = concurrency,
            TopLogprobs = top,
            MaxRetries = retries,
            RequestTimeout = TimeSpan.FromSeconds(seconds),
            ApiKeyVariable = parse.GetValue(ApiKeyVariable) ?? defaults.ApiKeyVariable,
            Progress = progress,
        };
        return new RemoteSettings(parse.GetValue(ServerModel), options);
    }

    private static int Positive(int? value, string name, int fallback, int max)
    {
        if (value is { } v && (v < 1 || v > max))
        {
            throw new CliException($"{name} {v}: give 1 to {max}", ExitCodes.UsageError);
        }

        return value ?? fallback;
    }

    private static Option<string> CreateServer()
    {
        var option = new Option<string>("--server")
        {
            Description = "openai: the server's protocol: vllm | llamacpp",
            DefaultValueFactory = _ => "vllm",
        };
        option.AcceptOnlyFromAmong("vllm", "llamacpp");
        return option;
    }
}
