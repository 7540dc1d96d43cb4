using Microsoft.Extensions.Logging;

namespace LlmChains.Remote;

/// <summary>How <see cref="RemoteLanguageModel"/> talks to the server: protocol, batching, resilience, cache, progress.</summary>
public sealed record RemoteModelOptions
{
    /// <summary>The defaults.</summary>
    public static RemoteModelOptions Default { get; } = new();

    /// <summary>The server's wire protocol. Default <see cref="ServerDialect.Vllm"/>.</summary>
    public ServerDialect Dialect { get; init; } = ServerDialect.Vllm;

    /// <summary>
    /// The environment variable that holds the API key, sent as <c>Authorization: Bearer …</c> when the variable is set
    /// and not empty. The key is read once at <see cref="RemoteLanguageModel.Connect"/> and never logged or shown.
    /// Default <c>OPENAI_API_KEY</c>.
    /// </summary>
    public string ApiKeyVariable { get; init; } = "OPENAI_API_KEY";

    /// <summary>
    /// How many top log-probabilities to ask for per position (vLLM <c>logprobs</c>/<c>prompt_logprobs</c>, llama.cpp
    /// <c>n_probs</c>). Subset tokens outside the returned top set are then asked for one forced request each (batched
    /// over prompts). vLLM refuses values above its <c>--max-logprobs</c> (default 20). Default 20.
    /// </summary>
    public int TopLogprobs { get; init; } = 20;

    /// <summary>Prompts sent in one request (both servers accept a batch of token-id prompts). Default 32.</summary>
    public int PromptsPerRequest { get; init; } = 32;

    /// <summary>Requests in flight at once (a concurrency limiter in the resilience pipeline). Default 8.</summary>
    public int MaxConcurrentRequests { get; init; } = 8;

    /// <summary>Time allowed for one attempt of a request, the answer's body included. Default 120 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Retries of a request after a transient failure (429, 5xx, 408, timeout, dropped connection). Default 5.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>
    /// The first retry's delay; later ones grow exponentially with jitter. A <c>Retry-After</c> header of a 429 or 503
    /// answer is honoured instead. Default 1 s.
    /// </summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Whether to put the beginning-of-sequence token before every prompt; <see langword="null"/> (default) asks the
    /// server's tokenizer (tokenizing the empty text with special tokens).
    /// </summary>
    public bool? PrependBos { get; init; }

    /// <summary>
    /// A file that keeps every evaluated prompt's logits (appended as they arrive, so an interrupted construction resumes
    /// where it stopped, and a second run of the same model and tokens sends no request). <see langword="null"/>
    /// (default): no cache.
    /// </summary>
    public string? CachePath { get; init; }

    /// <summary>
    /// Receives progress after each wave of requests of <see cref="RemoteLanguageModel.EvaluateAllContexts"/>: stage
    /// "remote", contexts done of all, and in <see cref="LlmChains.Progress.Detail"/> how many came from the cache, the
    /// requests sent and the estimated time left ("8 from the cache, 11 requests, ETA 0:03").
    /// </summary>
    public IProgress<Progress>? Progress { get; init; }

    /// <summary>Logging (retries at Warning, start and finish at Information); default none.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}
