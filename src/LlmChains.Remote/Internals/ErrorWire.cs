using System.Text.Json.Serialization;

namespace LlmChains.Remote.Internals;

/// <summary>
/// An error body: <c>{"error": {"message": …}}</c> (OpenAI, llama.cpp, recent vLLM) or <c>{"message": …}</c> (older
/// vLLM, <c>{"object": "error", "message": …}</c>).
/// </summary>
internal sealed class ErrorBody
{
    [JsonPropertyName("error")] public ErrorDetail? Error { get; init; }

    [JsonPropertyName("message")] public string? Message { get; init; }
}

/// <summary>The inner error object.</summary>
internal sealed class ErrorDetail
{
    [JsonPropertyName("message")] public string? Message { get; init; }

    [JsonPropertyName("type")] public string? Type { get; init; }
}
