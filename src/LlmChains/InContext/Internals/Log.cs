using Microsoft.Extensions.Logging;

namespace LlmChains.InContext.Internals;

/// <summary>Log messages of the InContext namespace.</summary>
internal static partial class Log
{
    [LoggerMessage(
        EventId = 500,
        Level = LogLevel.Information,
        Message = "In-context experiment on {Chain}: d = {StateCount}, N = {Length}, {Repetitions} repetitions, predictors {Predictors}")]
    internal static partial void ExperimentStarted(
        ILogger logger, string chain, int stateCount, int length, int repetitions, string predictors);

    [LoggerMessage(EventId = 501, Level = LogLevel.Information, Message = "In-context experiment finished in {Seconds:F2} s")]
    internal static partial void ExperimentFinished(ILogger logger, double seconds);

    [LoggerMessage(
        EventId = 502,
        Level = LogLevel.Debug,
        Message = "Repetition {Repetition}: t_min = {TMin}, p_min = {MinimumProbability}")]
    internal static partial void RepetitionDone(ILogger logger, int repetition, double tMin, double minimumProbability);

    [LoggerMessage(EventId = 503, Level = LogLevel.Warning, Message = "t_min of a chain could not be computed: {Reason}")]
    internal static partial void MixingTimeFailed(ILogger logger, string reason);

    [LoggerMessage(
        EventId = 504,
        Level = LogLevel.Debug,
        Message = "Chain with t_min in [{Minimum}, {Maximum}]: attempt {Attempt} gave t_min = {TMin}")]
    internal static partial void MixingTimeAttempt(ILogger logger, double minimum, double maximum, int attempt, double tMin);
}
