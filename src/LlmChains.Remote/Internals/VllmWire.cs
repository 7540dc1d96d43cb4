using System.Text.Json.Serialization;

namespace LlmChains.Remote.Internals;

/// <summary>vLLM's <c>POST /v1/completions</c> request (the fields this client sends).</summary>
internal sealed class VllmCompletionRequest
{
    [JsonPropertyName("model")] public required string Model { get; init; }

    [JsonPropertyName("prompt")] public required IReadOnlyList<int[]> Prompt { get; init; }

    [JsonPropertyName("max_tokens")] public int MaxTokens { get; init; } = 1;

    [JsonPropertyName("temperature")] public double Temperature { get; init; }

    [JsonPropertyName("logprobs")] public int Logprobs { get; init; }

    [JsonPropertyName("return_tokens_as_token_ids")] public bool ReturnTokensAsTokenIds { get; init; } = true;

    [JsonPropertyName("prompt_logprobs")] [
        JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? PromptLogprobs { get; init; }

    /// <summary>1 and −1 (0 in recent versions means the same): no truncation, whatever the model's generation_config says.</summary>
    [JsonPropertyName("top_p")] public double TopP { get; init; } = 1;

    [JsonPropertyName("top_k")] public int TopK { get; init; } = -1;

    [JsonPropertyName("min_p")] public double MinP { get; init; }

    [JsonPropertyName("allowed_token_ids")] [
        JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int[]? AllowedTokenIds { get; init; }
}

/// <summary>vLLM's completion answer.</summary>
internal sealed class VllmCompletionResponse
{
    [JsonPropertyName("choices")] public List<VllmChoice>? Choices { get; init; }
}

/// <summary>One choice: the prompt of the same <see cref="Index"/>.</summary>
internal sealed class VllmChoice
{
    [JsonPropertyName("index")] public int Index { get; init; }

    /// <summary>The generated text (decoded even when tokens are returned as ids).</summary>
    [JsonPropertyName("text")] public string? Text { get; init; }

    [JsonPropertyName("logprobs")] public VllmLogprobs? Logprobs { get; init; }

    /// <summary>Per prompt position (the first is null): token id (as a string) → its log-probability there.</summary>
    [JsonPropertyName("prompt_logprobs")] public List<Dictionary<string, VllmPromptLogprob>?>? PromptLogprobs { get; init; }
}

/// <summary>The generated tokens' log-probabilities (OpenAI completions shape).</summary>
internal sealed class VllmLogprobs
{
    /// <summary>The generated tokens, "token_id:N" with <c>return_tokens_as_token_ids</c>.</summary>
    [JsonPropertyName("tokens")] public List<string>? Tokens { get; init; }

    /// <summary>Per generated token: "token_id:N" → log-probability.</summary>
    [JsonPropertyName("top_logprobs")] public List<Dictionary<string, double>?>? TopLogprobs { get; init; }
}

/// <summary>One entry of <c>prompt_logprobs</c>.</summary>
internal sealed class VllmPromptLogprob
{
    [JsonPropertyName("logprob")] public double? Logprob { get; init; }
}

/// <summary>vLLM's <c>POST /tokenize</c> request.</summary>
internal sealed class VllmTokenizeRequest
{
    [JsonPropertyName("model")] public required string Model { get; init; }

    [JsonPropertyName("prompt")] public required string Prompt { get; init; }

    [JsonPropertyName("add_special_tokens")] public bool AddSpecialTokens { get; init; }
}

/// <summary>vLLM's <c>POST /tokenize</c> answer.</summary>
internal sealed class VllmTokenizeResponse
{
    [JsonPropertyName("tokens")] public List<int>? Tokens { get; init; }
}

/// <summary>vLLM's <c>POST /detokenize</c> request.</summary>
internal sealed class VllmDetokenizeRequest
{
    [JsonPropertyName("model")] public required string Model { get; init; }

    [JsonPropertyName("tokens")] public required int[] Tokens { get; init; }
}

/// <summary>vLLM's <c>POST /detokenize</c> answer.</summary>
internal sealed class VllmDetokenizeResponse
{
    [JsonPropertyName("prompt")] public string? Prompt { get; init; }
}
