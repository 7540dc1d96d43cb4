using LlmChains.Analysis.Spectral;
using Microsoft.Extensions.Logging;

namespace LlmChains.Analysis.Fate.Internals;

/// <summary>Log messages of the fate analyses.</summary>
internal static partial class FateLog
{
    [
        LoggerMessage(
            EventId = 400,
            Level = LogLevel.Information,
            Message = "{Stage}: {Unknowns} unknown states in {Blocks} strongly connected blocks (largest {Largest}), {Systems} " +
                "right-hand side(s), method {Method}")]
    internal static partial void Started(
        ILogger logger, string stage, int unknowns, int systems, int blocks, int largest, FateMethod method);

    [
        LoggerMessage(
            EventId = 401,
            Level = LogLevel.Debug,
            Message = "{Stage}, system {System}: {Products} products, relative residual {Residual:E2}")]
    internal static partial void Cycle(ILogger logger, string stage, int system, long products, double residual);

    [
        LoggerMessage(
            EventId = 402,
            Level = LogLevel.Warning,
            Message = "{Stage}, system {System}: GMRES ended {Status} after {Products} products with residual {Residual:E2}")]
    internal static partial void NotConverged(ILogger logger, string stage, int system, SolveStatus status, long products, double residual);

    [
        LoggerMessage(
            EventId = 404,
            Level = LogLevel.Debug,
            Message = "{Stage}, system {System}: GMRES stagnated at residual {Residual:E2}; restarting from the iterate with restart " +
                "length {RestartLength}")]
    internal static partial void Enlarged(ILogger logger, string stage, int system, int restartLength, double residual);

    [
        LoggerMessage(
            EventId = 403,
            Level = LogLevel.Information,
            Message = "{Stage} done: {Method}, {Products} products, residual {Residual:E2}, {Seconds:F3} s")]
    internal static partial void Finished(ILogger logger, string stage, FateMethod method, long products, double residual, double seconds);
}
