using System.Globalization;
using LlmChains.InContext;
using LlmChains.Models;
using LlmChains.Remote.Internals;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmChains.Remote;

/// <summary>
/// A language model served by an inference server (vLLM, or the llama.cpp server), seen as the model f : V_K^* → Δ(V)
/// of the paper on a sub-vocabulary: the T tokens of a <see cref="TokenSubset"/> are the states 0..T−1, and the logits
/// of a context are the server's next-token log-probabilities of those T tokens (the model's logits minus one constant
/// per context, so the chain's softmax over the T tokens, the paper's restriction of Section 4, is the same).
/// </summary>
/// <remarks>
/// <para>Prompts are sent as token ids ([BOS] + the state tokens), so the server's tokenizer never re-reads them; the
/// tokens are resolved and checked against the server's tokenizer once, in <see cref="Connect"/>. Every answer is
/// checked: each of the T tokens must come back (those outside the top <see cref="RemoteModelOptions.TopLogprobs"/>
/// are asked for in a forced request each), log-probabilities must be finite and ≤ 0 and sum to at most 1 over the T
/// tokens (a server that reports them after a bias fails that test), and a token text the server returns must be the
/// subset's. A failed check throws <see cref="RemoteServerException"/>; no row is ever filled with a guess.</para>
/// <para><see cref="EvaluateAllContexts"/> (used automatically by <see cref="Chains.LanguageModelChain.Build"/>) sends
/// <see cref="RemoteModelOptions.PromptsPerRequest"/> contexts per request with up to
/// <see cref="RemoteModelOptions.MaxConcurrentRequests"/> requests in flight; <see cref="ScoreSequence"/> scores a whole
/// in-context trajectory with one request on vLLM (<c>prompt_logprobs</c>). Both read and fill the cache
/// (<see cref="RemoteModelOptions.CachePath"/>). Calls may be concurrent. Dispose the model to close its connections and
/// the cache file.</para>
/// </remarks>
public sealed partial class RemoteLanguageModel : IPrefixSharingLanguageModel, ISequenceScoringModel, IDisposable
{
    private readonly HttpTransport _transport;
    private readonly ServerProtocol _protocol;
    private readonly LogitsCache _cache;
    private readonly int[] _ids;
    private readonly string[] _pieces;
    private readonly int? _bos;
    private readonly RemoteModelOptions _options;
    private readonly ILogger _logger;
    private int _disposed;

    private RemoteLanguageModel(
        HttpTransport transport,
        ServerProtocol protocol,
        LogitsCache cache,
        string serverModel,
        int[] ids,
        string[] pieces,
        int? bos,
        int contextWindow,
        RemoteModelOptions options,
        ILogger logger)
    {
        _transport = transport;
        _protocol = protocol;
        _cache = cache;
        ServerModel = serverModel;
        _ids = ids;
        _pieces = pieces;
        _bos = bos;
        ContextWindow = contextWindow;
        _options = options;
        _logger = logger;
    }

    /// <inheritdoc/>
    /// <remarks>T, the number of tokens of the subset.</remarks>
    public int VocabularySize => _ids.Length;

    /// <inheritdoc/>
    public int ContextWindow { get; }

    /// <summary>The server's root address (without <c>/v1</c>).</summary>
    public Uri ServerUrl => _transport.Root;

    /// <summary>The model name the server serves (vLLM's <c>--served-model-name</c>, or the path it was started with).</summary>
    public string ServerModel { get; }

    /// <summary>The wire protocol.</summary>
    public ServerDialect Dialect => _options.Dialect;

    /// <summary>The server's vocabulary ids of the T state tokens (state x is token <c>TokenIds[x]</c>).</summary>
    public IReadOnlyList<int> TokenIds => _ids;

    /// <summary>The texts of the T state tokens, as the server's tokenizer decodes them.</summary>
    public IReadOnlyList<string> TokenPieces => _pieces;

    /// <summary>The beginning-of-sequence token put before every prompt, or <see langword="null"/>.</summary>
    public int? BosToken => _bos;

    /// <summary>HTTP requests sent since the model was connected (every attempt counted, tokenizer look-ups included).</summary>
    public long Requests => _transport.Requests;

    /// <summary>Retries after transient failures since the model was connected.</summary>
    public long Retries => _transport.Retries;

    /// <summary>Prompts whose logits are in the cache (in memory, and on disk with <see cref="RemoteModelOptions.CachePath"/>).</summary>
    public int CachedPrompts => _cache.Count;

    /// <summary>
    /// Connects to the server at <paramref name="baseUrl"/>, resolves the T state tokens with its tokenizer and checks
    /// them, and opens the cache.
    /// </summary>
    /// <param name="baseUrl">The server's address, <c>http://host:port</c> (a trailing <c>/v1</c> is accepted and dropped).</param>
    /// <param name="serverModel">The model name the server serves (sent as <c>model</c>; the llama.cpp server ignores it).</param>
    /// <param name="tokens">The T state tokens: texts (each must be one token of the server's tokenizer) or ids.</param>
    /// <param name="contextWindow">K ≥ 1: the longest context of the chain.</param>
    /// <param name="options">Protocol, batching, resilience, cache; default <see cref="RemoteModelOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the connection's requests.</param>
    /// <returns>The model; dispose it.</returns>
    /// <exception cref="ArgumentException">The URL is not an absolute http(s) URL, the model name is empty, K or an
    /// option is out of range.</exception>
    /// <exception cref="RemoteServerException">The server cannot be reached, refuses, or its tokenizer does not have
    /// the tokens.</exception>
    public static RemoteLanguageModel Connect(
        string baseUrl,
        string serverModel,
        TokenSubset tokens,
        int contextWindow,
        RemoteModelOptions? options = null,
        CancellationToken cancellationToken = default)
        => ConnectAsync(baseUrl, serverModel, tokens, contextWindow, options, cancellationToken).GetAwaiter().GetResult();

    /// <inheritdoc cref="Connect"/>
    public static async Task<RemoteLanguageModel> ConnectAsync(
        string baseUrl,
        string serverModel,
        TokenSubset tokens,
        int contextWindow,
        RemoteModelOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        Uri root = ParseUrl(baseUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(serverModel);
        ArgumentNullException.ThrowIfNull(tokens);
        options ??= RemoteModelOptions.Default;
        Validate(contextWindow, options);
        string? key = string.IsNullOrEmpty(options.ApiKeyVariable) ? null : Environment.GetEnvironmentVariable(options.ApiKeyVariable);
        key = string.IsNullOrEmpty(key) ? null : key;
        var logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RemoteLanguageModel>();
        var transport = new HttpTransport(root, key, options, logger);
        LogitsCache? cache = null;
        try
        {
            ServerProtocol protocol = options.Dialect switch
            {
                ServerDialect.Vllm => new VllmProtocol(transport, serverModel),
                ServerDialect.LlamaCpp => new LlamaCppProtocol(transport),
                _ => throw new ArgumentException($"Unknown dialect {options.Dialect}.", nameof(options)),
            };
            var (ids, pieces) = await ResolveTokensAsync(protocol, tokens, cancellationToken).ConfigureAwait(false);
            int? bos = await ResolveBosAsync(protocol, options.PrependBos, cancellationToken).ConfigureAwait(false);
            string fingerprint =
                string.Create(CultureInfo.InvariantCulture, $"dialect={options.Dialect};model={serverModel};ids={string.Join(",", ids)};") +
                string.Create(CultureInfo.InvariantCulture, $"bos={(bos is { } b ? b.ToString(CultureInfo.InvariantCulture) : "none")}");
            if (options.CachePath is { } path)
            {
                cache = LogitsCache.Open(path, ids.Length, fingerprint);
                Log.CacheOpened(logger, path, cache.Count, cache.DroppedBytes);
            }
            else
            {
                cache = LogitsCache.InMemory(ids.Length);
            }

            var model = new RemoteLanguageModel(transport, protocol, cache, serverModel, ids, pieces, bos, contextWindow, options, logger);
            string tokenList = string.Join(",", pieces);
            string idList = string.Join(",", ids);
            string bosText = bos?.ToString(CultureInfo.InvariantCulture) ?? "none";
            Log.Connected(
                logger,
                root,
                options.Dialect,
                serverModel,
                ids.Length,
                tokenList,
                idList,
                contextWindow,
                bosText,
                key is null ? "not set" : "set");
            return model;
        }
        catch
        {
            cache?.Dispose();
            transport.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    /// <remarks>One request for the context unless it is in the cache; blocks until the answer.</remarks>
    public void GetNextTokenLogits(ReadOnlySpan<int> context, Span<double> logits)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (context.Length < 1 || context.Length > ContextWindow)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The context has {context.Length} tokens; it must have between 1 and K = ") +
                string.Create(CultureInfo.InvariantCulture, $"{ContextWindow}."),
                nameof(context));
        }

        if (logits.Length != _ids.Length)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The logits destination has length {logits.Length}; it must have length T ") +
                string.Create(CultureInfo.InvariantCulture, $"= {_ids.Length}."),
                nameof(logits));
        }

        int[] prompt = Prompt(context);
        double[]? row = _cache.Find(prompt);
        if (row is null)
        {
            row = EvaluateAsync([prompt], CancellationToken.None).GetAwaiter().GetResult()[0];
            _cache.Add([(prompt, row)]);
        }

        row.CopyTo(logits);
    }

    /// <summary>Closes the connections and the cache file.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _cache.Dispose();
            _transport.Dispose();
        }
    }

    /// <inheritdoc/>
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"{ServerModel} at {ServerUrl} ({Dialect}) on tokens ") +
            string.Create(CultureInfo.InvariantCulture, $"[{string.Join(",", _pieces)}], T = {VocabularySize}, K = {ContextWindow}");

    /// <summary>[BOS] + the ids of the context's state tokens; checks the states.</summary>
    private int[] Prompt(ReadOnlySpan<int> context)
    {
        int origin = _bos is null ? 0 : 1;
        var prompt = new int[origin + context.Length];
        if (_bos is { } bos)
        {
            prompt[0] = bos;
        }

        for (int i = 0; i < context.Length; i++)
        {
            if ((uint)context[i] >= (uint)_ids.Length)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Token {context[i]} at position {i} is outside the vocabulary ") +
                    string.Create(CultureInfo.InvariantCulture, $"0..{_ids.Length - 1}."),
                    nameof(context));
            }

            prompt[origin + i] = _ids[context[i]];
        }

        return prompt;
    }

    private static Uri ParseUrl(string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        if (
            !Uri.TryCreate(baseUrl.Trim(), UriKind.Absolute, out Uri? uri)
                || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                || string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException($"'{baseUrl}' is not an http:// or https:// URL of a server (e.g. http://localhost:8000).");
        }

        string path = uri.AbsolutePath.TrimEnd('/');
        if (path.EndsWith("/v1", StringComparison.OrdinalIgnoreCase))
        {
            path = path[..^3];
        }

        var builder = new UriBuilder(uri)
        {
            Path = path + "/",
            Query = string.Empty,
            Fragment = string.Empty,
            UserName = string.Empty,
            Password = string.Empty,
        };
        return builder.Uri;
    }

    private static void Validate(int contextWindow, RemoteModelOptions options)
    {
        if (contextWindow < 1)
        {
            throw new ArgumentOutOfRangeException(
                null, string.Create(CultureInfo.InvariantCulture, $"K = {contextWindow}: the context window must be at least 1."));
        }

        static void Require(bool condition, string message)
        {
            if (!condition)
            {
                throw new ArgumentOutOfRangeException(null, message);
            }
        }

        Require(
            options.TopLogprobs >= 1,
            string.Create(CultureInfo.InvariantCulture, $"TopLogprobs = {options.TopLogprobs}: ask for at least 1."));
        Require(
            options.PromptsPerRequest >= 1,
            string.Create(CultureInfo.InvariantCulture, $"PromptsPerRequest = {options.PromptsPerRequest}: at least 1."));
        Require(
            options.MaxConcurrentRequests >= 1,
            string.Create(CultureInfo.InvariantCulture, $"MaxConcurrentRequests = {options.MaxConcurrentRequests}: at least 1."));
        Require(
            options.RequestTimeout > TimeSpan.Zero && options.RequestTimeout <= TimeSpan.FromDays(1),
            $"RequestTimeout = {options.RequestTimeout}: between 0 and 1 day.");
        Require(
            options.MaxRetries is >= 0 and <= 100,
            string.Create(CultureInfo.InvariantCulture, $"MaxRetries = {options.MaxRetries}: 0 to 100."));
        Require(
            options.RetryDelay >= TimeSpan.Zero && options.RetryDelay <= TimeSpan.FromHours(1),
            $"RetryDelay = {options.RetryDelay}: 0 to 1 hour.");
    }
}
