using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;

namespace LlmChains.Remote.Internals;

/// <summary>
/// POSTs JSON to the server through one resilience pipeline: a concurrency limiter, retries with exponential back-off
/// and jitter on transient failures (429, 5xx, 408, timeouts, dropped connections; a <c>Retry-After</c> header wins),
/// and a timeout per attempt that covers reading the whole body. Non-transient failures and exhausted retries become a
/// <see cref="RemoteServerException"/> with the server's own error message.
/// </summary>
internal sealed class HttpTransport : IDisposable
{
    private readonly HttpClient _client;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly Uri _root;
    private readonly string? _apiKey;
    private readonly RemoteModelOptions _options;
    private long _requests;
    private long _retries;

    internal HttpTransport(Uri root, string? apiKey, RemoteModelOptions options, ILogger logger)
    {
        _root = root;
        _apiKey = apiKey;
        _options = options;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.MaxConcurrentRequests,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.All,
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        var retry = new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = Math.Max(1, options.MaxRetries),
            Delay = options.RetryDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldRetryAfterHeader = true,
            ShouldHandle = args => ValueTask.FromResult(
                options.MaxRetries > 0
                    && (HttpClientResiliencePredicates.IsTransient(args.Outcome) || args.Outcome.Exception is IOException)),
            OnRetry = args =>
            {
                Interlocked.Increment(ref _retries);
                string reason = args.Outcome.Result is { } response
                    ? string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode}")
                    : args.Outcome.Exception?.GetType().Name ?? "failure";
                Log.Retrying(logger, reason, args.AttemptNumber + 1, args.RetryDelay.TotalSeconds);
                return default;
            },
        };
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddConcurrencyLimiter(options.MaxConcurrentRequests, int.MaxValue)
            .AddRetry(retry)
            .AddTimeout(new HttpTimeoutStrategyOptions { Timeout = options.RequestTimeout })
            .Build();
    }

    /// <summary>Requests sent, every attempt counted.</summary>
    internal long Requests => Interlocked.Read(ref _requests);

    /// <summary>Retries after transient failures.</summary>
    internal long Retries => Interlocked.Read(ref _retries);

    /// <summary>The server's root address.</summary>
    internal Uri Root => _root;

    /// <summary>POSTs <paramref name="request"/> to <paramref name="path"/> and returns the body of a 2xx answer.</summary>
    internal async Task<string> PostAsync<TRequest>(
        string path, TRequest request, JsonTypeInfo<TRequest> type, CancellationToken cancellationToken)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(request, type);
        var address = new Uri(_root, path);
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(
                async token =>
                {
                    Interlocked.Increment(ref _requests);
                    using var message = new HttpRequestMessage(HttpMethod.Post, address);
                    message.Content = new ByteArrayContent(json);
                    message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    if (_apiKey is not null)
                    {
                        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
                    }

                    HttpResponseMessage answer = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, token)
                        .ConfigureAwait(false);
                    try
                    {
                        await answer.Content.LoadIntoBufferAsync(token).ConfigureAwait(false);
                    }
                    catch
                    {
                        answer.Dispose();
                        throw;
                    }

                    return answer;
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException e)
        {
            throw new RemoteServerException(
                string.Create(CultureInfo.InvariantCulture, $"{address}: no complete answer within ") +
                string.Create(CultureInfo.InvariantCulture, $"{_options.RequestTimeout.TotalSeconds:G4} s, {Attempts} attempt(s); raise ") +
                string.Create(CultureInfo.InvariantCulture, $"RemoteModelOptions.RequestTimeout (--request-timeout) or lower ") +
                string.Create(CultureInfo.InvariantCulture, $"PromptsPerRequest (--batch)."),
                e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            throw new RemoteServerException(
                $"{address}: the connection failed ({e.Message}) after {Attempts} attempt(s); is the server running at {_root}?", e);
        }

        using (response)
        {
            string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                int status = (int)response.StatusCode;
                string hint = status switch
                {
                    401 or 403 => $" Check the API key in the environment variable {_options.ApiKeyVariable}.",
                    404 => " Check the base URL, the dialect (--server vllm|llamacpp) and the model name.",
                    429 or >= 500 => string.Create(CultureInfo.InvariantCulture, $" Still failing after {Attempts} attempt(s)."),
                    _ => string.Empty,
                };
                throw new RemoteServerException(
                    string.Create(CultureInfo.InvariantCulture, $"{address} answered HTTP {status} ({response.ReasonPhrase}): ") +
                    string.Create(CultureInfo.InvariantCulture, $"{ServerMessage(body)}.{hint}")) { StatusCode = status };
            }

            return body;
        }
    }

    public void Dispose() => _client.Dispose();

    private string Attempts => (_options.MaxRetries + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>The message of an error body (OpenAI/llama.cpp or vLLM shape), else the body's start.</summary>
    internal static string ServerMessage(string body)
    {
        try
        {
            var error = JsonSerializer.Deserialize(body, WireJson.Default.ErrorBody);
            if (error?.Error?.Message is { Length: > 0 } inner)
            {
                return inner;
            }

            if (error?.Message is { Length: > 0 } outer)
            {
                return outer;
            }
        }
        catch (JsonException)
        {
        }

        string text = body.ReplaceLineEndings(" ").Trim();
        return text.Length == 0 ? "(empty body)" : text.Length <= 300 ? text : text[..300] + "…";
    }
}
