using System.Globalization;

namespace LlmChains.Remote.Internals;

/// <summary>The llama.cpp server's native API (docs/remote-models.md: versions, flags).</summary>
internal sealed class LlamaCppProtocol(HttpTransport transport) : ServerProtocol(transport)
{
    private const string Completion = "completion";

    /// <summary>The bias that makes the server generate a forced token (its reported log-probability is the one before the bias).</summary>
    private const double ForcingBias = 100;

    internal override bool HasPromptLogprobs => false;

    internal override async Task<int[]> TokenizeAsync(string text, bool addSpecial, CancellationToken cancellationToken)
    {
        string body = await Transport.PostAsync(
            "tokenize",
            new LlamaCppTokenizeRequest { Content = text, AddSpecial = addSpecial },
            WireJson.Default.LlamaCppTokenizeRequest,
            cancellationToken)
            .ConfigureAwait(false);
        return Parse(body, "tokenize", WireJson.Default.LlamaCppTokenizeResponse).Tokens?.ToArray()
            ?? throw Malformed("tokenize", "no \"tokens\"");
    }

    internal override async Task<string> DetokenizeAsync(int[] ids, CancellationToken cancellationToken)
    {
        string body = await Transport.PostAsync(
            "detokenize", new LlamaCppDetokenizeRequest { Tokens = ids }, WireJson.Default.LlamaCppDetokenizeRequest, cancellationToken)
            .ConfigureAwait(false);
        return Parse(body, "detokenize", WireJson.Default.LlamaCppDetokenizeResponse).Content
            ?? throw Malformed("detokenize", "no \"content\"");
    }

    internal override async Task<TokenLogprobs[]> NextTokenAsync(
        IReadOnlyList<int[]> prompts, int top, int? forced, int[]? allowed, CancellationToken cancellationToken)
    {
        var request = new LlamaCppCompletionRequest
        {
            Prompt = prompts,
            NProbs = top,
            PostSamplingProbs = false,
            Temperature = forced is null ? 1 : 0,
            LogitBias = forced is { } id ? [[id, ForcingBias]] : null,
        };
        string body = await Transport.PostAsync(Completion, request, WireJson.Default.LlamaCppCompletionRequest, cancellationToken)
            .ConfigureAwait(false);
        List<LlamaCppCompletion> results = body.AsSpan().TrimStart().StartsWith("[")
            ? Parse(body, Completion, WireJson.Default.ListLlamaCppCompletion)
            : [Parse(body, Completion, WireJson.Default.LlamaCppCompletion)];
        if (
            results.Count != prompts.Count
                || results.Select(r => r.Index).Distinct().Count() != prompts.Count
                || results.Any(r => (uint)r.Index >= (uint)prompts.Count))
        {
            throw Malformed(
                Completion,
                string.Create(CultureInfo.InvariantCulture, $"{results.Count} results with indices ") +
                string.Create(CultureInfo.InvariantCulture, $"[{string.Join(",", results.Select(r => r.Index))}] for {prompts.Count} ") +
                string.Create(CultureInfo.InvariantCulture, $"prompts"));
        }

        var answer = new TokenLogprobs[prompts.Count];
        foreach (var result in results)
        {
            var first = result.CompletionProbabilities is { Count: > 0 } probabilities
                ? probabilities[0]
                : throw Malformed(
                    Completion,
                    string.Create(CultureInfo.InvariantCulture, $"result {result.Index} has no \"completion_probabilities\" (an older ") +
                    string.Create(CultureInfo.InvariantCulture, $"llama.cpp server answers \"probs\" instead: update it)"));
            var logprobs = new TokenLogprobs { Texts = [] };
            foreach (var entry in first.TopLogprobs ?? [])
            {
                Add(logprobs, entry.Id, entry.Token, entry.Logprob, result.Index);
            }

            Add(logprobs, first.Id, first.Token, first.Logprob, result.Index);
            logprobs.Generated = first.Id;
            logprobs.GeneratedText = first.Token;
            answer[result.Index] = logprobs;
        }

        return answer;
    }

    private static void Add(TokenLogprobs logprobs, int? id, string? token, double? logprob, int index)
    {
        if (id is not { } key || logprob is not { } value)
        {
            throw Malformed(
                Completion, string.Create(CultureInfo.InvariantCulture, $"an entry of result {index} lacks \"id\" or \"logprob\""));
        }

        logprobs.Values[key] = value;
        if (token is not null)
        {
            logprobs.Texts![key] = token;
        }
    }
}
