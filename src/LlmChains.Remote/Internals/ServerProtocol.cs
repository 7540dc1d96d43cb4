using System.Text.Json;

namespace LlmChains.Remote.Internals;

/// <summary>One server dialect's requests: tokenizer look-ups, next-token log-probabilities, prompt log-probabilities.</summary>
internal abstract class ServerProtocol(HttpTransport transport)
{
    protected HttpTransport Transport { get; } = transport;

    /// <summary>Whether one request gives the distribution after every prefix of a prompt (vLLM <c>prompt_logprobs</c>).</summary>
    internal abstract bool HasPromptLogprobs { get; }

    internal abstract Task<int[]> TokenizeAsync(string text, bool addSpecial, CancellationToken cancellationToken);

    internal abstract Task<string> DetokenizeAsync(int[] ids, CancellationToken cancellationToken);

    /// <summary>
    /// The top <paramref name="top"/> next-token log-probabilities after each prompt, as the model gives them before any
    /// bias or sampler. With <paramref name="forced"/> the server is made to generate that token (greedy, the others
    /// banned or outweighed), so its log-probability is in the answer whatever its rank. With <paramref name="allowed"/>
    /// (vLLM) the generated token is one of those, which lets the answer's token text be checked.
    /// </summary>
    internal abstract Task<TokenLogprobs[]> NextTokenAsync(
        IReadOnlyList<int[]> prompts, int top, int? forced, int[]? allowed, CancellationToken cancellationToken);

    /// <summary>Entry i: the top next-token log-probabilities after prompt[0..i] (i = 0..n−1; entry 0 is null when the
    /// server gives none).</summary>
    internal virtual Task<TokenLogprobs?[]> PromptAsync(int[] prompt, int top, int[]? allowed, CancellationToken cancellationToken)
        => throw new NotSupportedException("This server has no prompt log-probabilities.");

    /// <summary>The answer of a request, for messages.</summary>
    protected static RemoteServerException Malformed(string endpoint, string what, Exception? inner = null)
    {
        string message = $"{endpoint} answered a body that is not what the protocol says: {what}.";
        return inner is null ? new RemoteServerException(message) : new RemoteServerException(message, inner);
    }

    protected static T Parse<T>(string body, string endpoint, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(body, type) ?? throw Malformed(endpoint, "null");
        }
        catch (JsonException e)
        {
            throw Malformed(endpoint, $"invalid JSON ({e.Message})", e);
        }
    }
}
