using System.Globalization;

namespace LlmChains.Remote.Internals;

/// <summary>vLLM's OpenAI-compatible server (docs/remote-models.md: versions, flags).</summary>
internal sealed class VllmProtocol(HttpTransport transport, string model) : ServerProtocol(transport)
{
    private const string Completions = "v1/completions";
    private const string TokenIdPrefix = "token_id:";

    internal override bool HasPromptLogprobs => true;

    internal override async Task<int[]> TokenizeAsync(string text, bool addSpecial, CancellationToken cancellationToken)
    {
        string body = await Transport.PostAsync(
            "tokenize",
            new VllmTokenizeRequest { Model = model, Prompt = text, AddSpecialTokens = addSpecial },
            WireJson.Default.VllmTokenizeRequest,
            cancellationToken)
            .ConfigureAwait(false);
        var answer = Parse(body, "tokenize", WireJson.Default.VllmTokenizeResponse);
        return answer.Tokens?.ToArray() ?? throw Malformed("tokenize", "no \"tokens\"");
    }

    internal override async Task<string> DetokenizeAsync(int[] ids, CancellationToken cancellationToken)
    {
        string body = await Transport.PostAsync(
            "detokenize",
            new VllmDetokenizeRequest { Model = model, Tokens = ids },
            WireJson.Default.VllmDetokenizeRequest,
            cancellationToken)
            .ConfigureAwait(false);
        return Parse(body, "detokenize", WireJson.Default.VllmDetokenizeResponse).Prompt ?? throw Malformed("detokenize", "no \"prompt\"");
    }

    internal override async Task<TokenLogprobs[]> NextTokenAsync(
        IReadOnlyList<int[]> prompts, int top, int? forced, int[]? allowed, CancellationToken cancellationToken)
    {
        var request = new VllmCompletionRequest
        {
            Model = model,
            Prompt = prompts,
            Logprobs = top,
            Temperature = forced is null ? 1 : 0,
            AllowedTokenIds = forced is { } id ? [id] : allowed,
        };
        var choices = await CompleteAsync(request, prompts.Count, cancellationToken).ConfigureAwait(false);
        var result = new TokenLogprobs[prompts.Count];
        foreach (var choice in choices)
        {
            result[choice.Index] = Generated(choice);
        }

        return result;
    }

    internal override async Task<TokenLogprobs?[]> PromptAsync(int[] prompt, int top, int[]? allowed, CancellationToken cancellationToken)
    {
        var request = new VllmCompletionRequest
        {
            Model = model,
            Prompt = [prompt],
            Logprobs = top,
            PromptLogprobs = top,
            Temperature = 1,
            AllowedTokenIds = allowed,
        };
        var choice = (await CompleteAsync(request, 1, cancellationToken).ConfigureAwait(false))[0];
        var positions = choice.PromptLogprobs ?? throw Malformed(Completions, "no \"prompt_logprobs\" although they were asked for");
        if (positions.Count != prompt.Length)
        {
            throw Malformed(
                Completions,
                string.Create(CultureInfo.InvariantCulture, $"\"prompt_logprobs\" has {positions.Count} entries for a prompt of ") +
                string.Create(CultureInfo.InvariantCulture, $"{prompt.Length} tokens"));
        }

        // prompt_logprobs[j] is the distribution of token j given tokens 0..j−1: after prefix i it is entry i + 1.
        var result = new TokenLogprobs?[prompt.Length];
        for (int i = 0; i + 1 < prompt.Length; i++)
        {
            var entry = positions[i + 1]
                ?? throw Malformed(Completions, string.Create(CultureInfo.InvariantCulture, $"\"prompt_logprobs\"[{i + 1}] is null"));
            var logprobs = new TokenLogprobs();
            foreach (var (key, value) in entry)
            {
                var digits = key.StartsWith(TokenIdPrefix, StringComparison.Ordinal) ? key.AsSpan(TokenIdPrefix.Length) : key;
                int id = int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int parsed)
                    ? parsed
                    : throw Malformed(Completions, $"the \"prompt_logprobs\" key '{key}' is not a token id");
                logprobs.Values[id] = value.Logprob
                    ?? throw Malformed(Completions, $"\"prompt_logprobs\" entry '{key}' has no \"logprob\"");
            }

            result[i] = logprobs;
        }

        result[^1] = Generated(choice);
        return result;
    }

    private async Task<List<VllmChoice>> CompleteAsync(VllmCompletionRequest request, int prompts, CancellationToken cancellationToken)
    {
        string body = await Transport.PostAsync(Completions, request, WireJson.Default.VllmCompletionRequest, cancellationToken)
            .ConfigureAwait(false);
        var choices = Parse(body, Completions, WireJson.Default.VllmCompletionResponse).Choices
            ?? throw Malformed(Completions, "no \"choices\"");
        if (
            choices.Count != prompts
                || choices.Select(c => c.Index).Distinct().Count() != prompts
                || choices.Any(c => (uint)c.Index >= (uint)prompts))
        {
            throw Malformed(
                Completions,
                string.Create(CultureInfo.InvariantCulture, $"{choices.Count} choices with indices ") +
                string.Create(CultureInfo.InvariantCulture, $"[{string.Join(",", choices.Select(c => c.Index))}] for {prompts} prompts"));
        }

        return choices;
    }

    /// <summary>The top log-probabilities of the generated token's position.</summary>
    private static TokenLogprobs Generated(VllmChoice choice)
    {
        var top = choice.Logprobs?.TopLogprobs;
        if (top is not { Count: > 0 } || top[0] is not { } first)
        {
            throw Malformed(
                Completions, string.Create(CultureInfo.InvariantCulture, $"choice {choice.Index} has no \"logprobs.top_logprobs\""));
        }

        var result = new TokenLogprobs();
        foreach (var (key, value) in first)
        {
            result.Values[TokenId(key)] = value;
        }

        if (choice.Logprobs!.Tokens is { Count: > 0 } tokens)
        {
            result.Generated = TokenId(tokens[0]);
            result.GeneratedText = choice.Text;
        }

        return result;
    }

    private static int TokenId(string key)
        => key.StartsWith(TokenIdPrefix, StringComparison.Ordinal)
            && int.TryParse(key.AsSpan(TokenIdPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int id)
            ? id
            : throw new RemoteServerException(
                $"{Completions} returned the token '{key}' instead of token_id:N: the server ignored \"return_tokens_as_token_ids\" " +
                "(vLLM 0.6.1 or later is needed; is this a vLLM server? otherwise choose the llama.cpp dialect).");
}
