using Microsoft.Extensions.Logging;

namespace LlmChains.Chains.Internals;

/// <summary>Log messages of the Chains namespace.</summary>
internal static partial class Log
{
    [LoggerMessage(
        EventId = 100,
        Level = LogLevel.Information,
        Message = "Building Q_f for T = {VocabularySize}, K = {ContextWindow}: {StateCount} states, decoding {Decoding}")]
    internal static partial void BuildStarted(
        ILogger logger,
        int vocabularySize,
        int contextWindow,
        long stateCount,
        LlmChains.Models.DecodingOptions decoding);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Built Q_f with {StateCount} states in {Seconds:F2} s")]
    internal static partial void BuildFinished(ILogger logger, long stateCount, double seconds);
}
