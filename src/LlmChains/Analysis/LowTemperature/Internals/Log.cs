using Microsoft.Extensions.Logging;

namespace LlmChains.Analysis.LowTemperature.Internals;

/// <summary>Log messages of the LowTemperature namespace.</summary>
internal static partial class Log
{
    [
        LoggerMessage(
            EventId = 450,
            Level = LogLevel.Information,
            Message = "Low-temperature analysis of a model's chain with {StateCount} states, decoding {Decoding}")]
    internal static partial void Started(ILogger logger, long stateCount, LlmChains.Models.DecodingOptions decoding);

    [
        LoggerMessage(
            EventId = 451,
            Level = LogLevel.Information,
            Message = "Low-temperature analysis of a resistance matrix with {StateCount} states")]
    internal static partial void StartedMatrix(ILogger logger, long stateCount);

    [
        LoggerMessage(
            EventId = 452,
            Level = LogLevel.Information,
            Message = "Low-temperature analysis done: {LoopCount} loops, {StableCount} stable, in {Seconds:F2} s")]
    internal static partial void Finished(ILogger logger, int loopCount, int stableCount, double seconds);
}
