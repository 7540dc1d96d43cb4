using System.Text.Json.Serialization;

namespace LlmChains.Remote.Internals;

/// <summary>The llama.cpp server's <c>POST /completion</c> request (the fields this client sends).</summary>
internal sealed class LlamaCppCompletionRequest
{
    /// <summary>One token-id array per prompt.</summary>
    [JsonPropertyName("prompt")] public required IReadOnlyList<int[]> Prompt { get; init; }

    [JsonPropertyName("n_predict")] public int NPredict { get; init; } = 1;

    [JsonPropertyName("n_probs")] public int NProbs { get; init; }

    /// <summary>False: the probabilities are the softmax of the raw logits, before logit_bias and the samplers.</summary>
    [JsonPropertyName("post_sampling_probs")] public bool PostSamplingProbs { get; init; }

    [JsonPropertyName("temperature")] public double Temperature { get; init; }

    /// <summary>No truncation by the samplers (the reported probabilities are before them anyway).</summary>
    [JsonPropertyName("top_k")] public int TopK { get; init; }

    [JsonPropertyName("top_p")] public double TopP { get; init; } = 1;

    [JsonPropertyName("min_p")] public double MinP { get; init; }

    [JsonPropertyName("cache_prompt")] public bool CachePrompt { get; init; } = true;

    /// <summary>[[id, bias], …].</summary>
    [JsonPropertyName("logit_bias")] [
        JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double[][]? LogitBias { get; init; }
}

/// <summary>One prompt's result (the answer is an array of these for several prompts).</summary>
internal sealed class LlamaCppCompletion
{
    [JsonPropertyName("index")] public int Index { get; init; }

    [JsonPropertyName("completion_probabilities")] public List<LlamaCppTokenProbability>? CompletionProbabilities { get; init; }
}

/// <summary>The generated token and the top tokens at its position.</summary>
internal sealed class LlamaCppTokenProbability
{
    [JsonPropertyName("id")] public int? Id { get; init; }

    [JsonPropertyName("token")] public string? Token { get; init; }

    [JsonPropertyName("logprob")] public double? Logprob { get; init; }

    [JsonPropertyName("top_logprobs")] public List<LlamaCppTopLogprob>? TopLogprobs { get; init; }
}

/// <summary>One of the top tokens.</summary>
internal sealed class LlamaCppTopLogprob
{
    [JsonPropertyName("id")] public int? Id { get; init; }

    [JsonPropertyName("token")] public string? Token { get; init; }

    [JsonPropertyName("logprob")] public double? Logprob { get; init; }
}

/// <summary>The llama.cpp server's <c>POST /tokenize</c> request.</summary>
internal sealed class LlamaCppTokenizeRequest
{
    [JsonPropertyName("content")] public required string Content { get; init; }

    [JsonPropertyName("add_special")] public bool AddSpecial { get; init; }
}

/// <summary>The llama.cpp server's <c>POST /tokenize</c> answer.</summary>
internal sealed class LlamaCppTokenizeResponse
{
    [JsonPropertyName("tokens")] public List<int>? Tokens { get; init; }
}

/// <summary>The llama.cpp server's <c>POST /detokenize</c> request.</summary>
internal sealed class LlamaCppDetokenizeRequest
{
    [JsonPropertyName("tokens")] public required int[] Tokens { get; init; }
}

/// <summary>The llama.cpp server's <c>POST /detokenize</c> answer.</summary>
internal sealed class LlamaCppDetokenizeResponse
{
    [JsonPropertyName("content")] public string? Content { get; init; }
}
