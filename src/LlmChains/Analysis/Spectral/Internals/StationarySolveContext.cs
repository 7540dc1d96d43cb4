using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace LlmChains.Analysis.Spectral.Internals;

/// <summary>
/// The per-class state shared by the stationary solvers: the count of matrix–vector products, cancellation, and
/// throttled progress (at most every 100 ms) and Debug logging (at most every second) of the residual.
/// </summary>
internal sealed class StationarySolveContext(
    ILogger logger, IProgress<Progress>? progress, int classId, CancellationToken cancellationToken)
{
    private static readonly long ProgressInterval = Stopwatch.Frequency / 10;
    private static readonly long LogInterval = Stopwatch.Frequency;

    private long _nextProgress;
    private long _nextLog;

    public ILogger Logger => logger;

    public CancellationToken CancellationToken => cancellationToken;

    public int ClassId => classId;

    /// <summary>Matrix–vector products so far.</summary>
    public int Iterations { get; set; }

    /// <summary>Reports the residual after an iteration, throttled.</summary>
    public void Report(StationaryMethod method, double residual)
    {
        if (progress is null && !logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        long now = Stopwatch.GetTimestamp();
        if (progress is not null && now >= _nextProgress)
        {
            _nextProgress = now + ProgressInterval;
            progress.Report(Solving(Iterations, residual));
        }

        if (now >= _nextLog && logger.IsEnabled(LogLevel.Debug))
        {
            _nextLog = now + LogInterval;
            StationaryLog.Iteration(logger, method, Iterations, residual);
        }
    }

    /// <summary>Reports the final state unthrottled.</summary>
    public void ReportFinal(double residual) => progress?.Report(Solving(Iterations, residual));

    /// <summary>A solver's progress: products so far (no total: it stops at a tolerance) and the residual.</summary>
    private static Progress Solving(int products, double residual)
        => new("stationary", products, 0)
        {
            Detail = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"residual {residual:E2}"),
        };
}
