using System.Text.Json.Serialization;

namespace LlmChains.Remote.Internals;

/// <summary>Source-generated JSON for every request and answer (no reflection: the package is AOT-compatible).</summary>
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(VllmCompletionRequest))]
[JsonSerializable(typeof(VllmCompletionResponse))]
[JsonSerializable(typeof(VllmTokenizeRequest))]
[JsonSerializable(typeof(VllmTokenizeResponse))]
[JsonSerializable(typeof(VllmDetokenizeRequest))]
[JsonSerializable(typeof(VllmDetokenizeResponse))]
[JsonSerializable(typeof(LlamaCppCompletionRequest))]
[JsonSerializable(typeof(LlamaCppCompletion))]
[JsonSerializable(typeof(List<LlamaCppCompletion>))]
[JsonSerializable(typeof(LlamaCppTokenizeRequest))]
[JsonSerializable(typeof(LlamaCppTokenizeResponse))]
[JsonSerializable(typeof(LlamaCppDetokenizeRequest))]
[JsonSerializable(typeof(LlamaCppDetokenizeResponse))]
[JsonSerializable(typeof(ErrorBody))]
internal sealed partial class WireJson : JsonSerializerContext
{
}
