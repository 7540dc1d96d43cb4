using Microsoft.Extensions.Logging;

namespace LlmChains.Analysis.Spectral.Internals;

/// <summary>Log messages of <see cref="StationaryDistribution"/>.</summary>
internal static partial class StationaryLog
{
    [
        LoggerMessage(
            EventId = 200,
            Level = LogLevel.Information,
            Message = "Stationary distribution of a chain with {StateCount} states: {RecurrentClassCount} recurrent class(es), method " +
                "{Method}, tolerance {Tolerance:E1}")]
    internal static partial void Started(
        ILogger logger, long stateCount, int recurrentClassCount, StationaryMethod method, double tolerance);

    [
        LoggerMessage(
            EventId = 201,
            Level = LogLevel.Information,
            Message = "Stationary distribution done: {ClassCount} class(es), worst residual {Residual:E2}, {Iterations} matrix-vector " +
                "products, {Seconds:F3} s")]
    internal static partial void Finished(ILogger logger, int classCount, double residual, long iterations, double seconds);

    [
        LoggerMessage(
            EventId = 202, Level = LogLevel.Debug, Message = "Class {ClassId} ({Size} states, period {Period}): solving with {Method}")]
    internal static partial void ClassStarted(ILogger logger, int classId, long size, int period, StationaryMethod method);

    [
        LoggerMessage(
            EventId = 203,
            Level = LogLevel.Debug,
            Message = "Class {ClassId}: {Method} {Status}, residual {Residual:E2}, {Iterations} matrix-vector products, {Seconds:F3} s")]
    internal static partial void ClassFinished(
        ILogger logger, int classId, StationaryMethod method, SolveStatus status, double residual, int iterations, double seconds);

    [LoggerMessage(EventId = 204, Level = LogLevel.Debug, Message = "{Method} iteration {Iterations}: residual {Residual:E3}")]
    internal static partial void Iteration(ILogger logger, StationaryMethod method, int iterations, double residual);

    [
        LoggerMessage(
            EventId = 205,
            Level = LogLevel.Warning,
            Message = "Class {ClassId}: {Method} ended {Status} after {Iterations} matrix-vector products with residual {Residual:E2} " +
                "above the tolerance {Tolerance:E1}")]
    internal static partial void NotConverged(
        ILogger logger, int classId, StationaryMethod method, SolveStatus status, int iterations, double residual, double tolerance);

    [
        LoggerMessage(
            EventId = 206,
            Level = LogLevel.Debug,
            Message = "Class {ClassId}, Auto after {Iterations} products (residual {Residual:E2}): power needs ~{PowerProducts:F0} more " +
                "(rate {Rate:F6}), cost {PowerCost:F0} vector passes; GMRES-DR (d = {Degree}, lazy-chain rate bound {LazyRate:F6}) " +
                "~{GmresProducts:F0} products, cost {GmresCost:F0}; {Reason}")]
    internal static partial void AutoChoice(
        ILogger logger,
        int classId,
        int iterations,
        double residual,
        double powerProducts,
        double rate,
        double powerCost,
        double gmresProducts,
        int degree,
        double lazyRate,
        double gmresCost,
        string reason);

    [
        LoggerMessage(
            EventId = 207,
            Level = LogLevel.Debug,
            Message = "Class {ClassId}: clamped {Count} negative entries of total mass {Mass:E2} to 0 before normalising")]
    internal static partial void Clamped(ILogger logger, int classId, int count, double mass);

    [
        LoggerMessage(
            EventId = 208,
            Level = LogLevel.Debug,
            Message = "GMRES-DR: explicit residual {Explicit:E2} disagrees with the recurrence {Implicit:E2}; restarting from the " +
                "explicit residual")]
    internal static partial void KrylovResync(ILogger logger, double @explicit, double @implicit);

    [
        LoggerMessage(
            EventId = 209,
            Level = LogLevel.Information,
            Message = "GMRES-DR: restart length lowered from {Requested} to {Used} so that the basis fits in memory ({Bytes} bytes)")]
    internal static partial void RestartLowered(ILogger logger, int requested, int used, long bytes);

    [
        LoggerMessage(
            EventId = 210,
            Level = LogLevel.Warning,
            Message = "Class {ClassId}: GTH met a zero pivot at elimination step {Step} (underflow); falling back to GMRES-DR")]
    internal static partial void GthFallback(ILogger logger, int classId, int step);
}
