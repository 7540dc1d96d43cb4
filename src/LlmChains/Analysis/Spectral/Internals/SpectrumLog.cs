using Microsoft.Extensions.Logging;

namespace LlmChains.Analysis.Spectral.Internals;

/// <summary>Log messages of <see cref="Spectrum"/>.</summary>
internal static partial class SpectrumLog
{
    [
        LoggerMessage(
            EventId = 230,
            Level = LogLevel.Information,
            Message = "Spectrum of a chain with {StateCount} states ({Size} analysed): method {Method}")]
    internal static partial void Started(ILogger logger, long stateCount, long size, string method);

    [
        LoggerMessage(
            EventId = 231,
            Level = LogLevel.Debug,
            Message = "Restart {Restarts}: {Products} products, power {Degree}, {Converged}/{Wanted} converged, SLEM estimate " +
                "{Slem:G10}, largest residual {Residual:E2}")]
    internal static partial void Restart(
        ILogger logger, int restarts, long products, int degree, int converged, int wanted, double slem, double residual);

    [
        LoggerMessage(
            EventId = 232,
            Level = LogLevel.Information,
            Message = "Spectrum by {Method}: SLEM {Slem:G10} ± {Bound:E2}, gap {Gap:G6}, {Products} products, {Restarts} restarts, " +
                "{Seconds:F2} s")]
    internal static partial void Finished(
        ILogger logger, string method, double slem, double bound, double gap, int products, int restarts, double seconds);

    [
        LoggerMessage(
            EventId = 233,
            Level = LogLevel.Warning,
            Message = "The Krylov method did not converge in {Restarts} restarts ({Products} products): largest relative residual " +
                "{Residual:E2} > tolerance {Tolerance:E2}; SLEM estimate {Slem:G10}")]
    internal static partial void NotConverged(ILogger logger, int restarts, int products, double residual, double tolerance, double slem);
}
