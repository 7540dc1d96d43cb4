using Microsoft.Extensions.Logging;

namespace LlmChains.Analysis.Convergence.Internals;

/// <summary>Log messages of the convergence analyses.</summary>
internal static partial class ConvergenceLog
{
    [
        LoggerMessage(
            EventId = 300,
            Level = LogLevel.Information,
            Message = "Worst-case TV over {StateCount} starts to t = {Steps} ({Blocks} blocks of {Width}, resident state: {Resident})")]
    internal static partial void WorstCaseStarted(ILogger logger, long stateCount, int steps, int blocks, int width, bool resident);

    [
        LoggerMessage(
            EventId = 301, Level = LogLevel.Information, Message = "Worst-case TV to t = {Steps} in {Seconds:F2} s; d(t) = {Last:G6}")]
    internal static partial void WorstCaseFinished(ILogger logger, int steps, double seconds, double last);

    [
        LoggerMessage(
            EventId = 302,
            Level = LogLevel.Debug,
            Message = "Mixing analysis at horizon {Horizon}: t_mix = {MixingTime}, t_min = {TMin} (certified: {Certified})")]
    internal static partial void MixingHorizon(ILogger logger, int horizon, double mixingTime, double tMin, bool certified);

    [
        LoggerMessage(
            EventId = 303,
            Level = LogLevel.Warning,
            Message = "Mixing analysis stopped at the horizon cap {Horizon}: t_mix = {MixingTime}, t_min = {TMin} (certified: " +
                "{Certified})")]
    internal static partial void MixingCapReached(ILogger logger, int horizon, double mixingTime, double tMin, bool certified);

    [
        LoggerMessage(
            EventId = 304,
            Level = LogLevel.Information,
            Message = "Chain is not an ergodic unichain ({RecurrentClasses} recurrent classes, periods {Periods}): mixing times are " +
                "infinite")]
    internal static partial void NotErgodic(ILogger logger, int recurrentClasses, string periods);

    [
        LoggerMessage(
            EventId = 305,
            Level = LogLevel.Information,
            Message = "ε dynamic program over {States} full-length states, K = {ContextWindow}: log ε = {LogEpsilon:G8} in {Seconds:F2} s")]
    internal static partial void EpsilonFinished(ILogger logger, long states, int contextWindow, double logEpsilon, double seconds);
}
