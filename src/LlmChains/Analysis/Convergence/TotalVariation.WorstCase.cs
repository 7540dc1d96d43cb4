using System.Diagnostics;
using LlmChains.Analysis.Convergence.Internals;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmChains.Analysis.Convergence;

public static partial class TotalVariation
{
    /// <summary>
    /// The worst-case curve d(t) = max_x TV(Q^t(x, ·), π) for t = 0..<paramref name="steps"/> (Def. C.8), exactly, over
    /// every start state x, for chains of at most <see cref="ConvergenceOptions.MaxWorstCaseStates"/> states (n² doubles
    /// within <see cref="ConvergenceOptions.WorstCaseMemoryLimitBytes"/>). Periodic and reducible chains get the whole curve
    /// too (it does not tend to 0 for them).
    /// </summary>
    /// <remarks>
    /// <para>Batched propagation: the n one-hot starts go through the chain 16 at a time as the lanes of an n × 16
    /// block, so one pass over the rows of Q advances 16 start vectors; blocks run in parallel, each through all its
    /// steps, with memory O(threads·n·16) besides a copy of the rows (read once through
    /// <see cref="IMarkovChain.GetRow"/>). Work is O(n·nnz·steps) at most, less in early steps (zero lanes are
    /// skipped). The result is bitwise identical to n separate <see cref="IMarkovChain.Step"/> loops followed by
    /// <see cref="TotalVariation"/> on the built-in chains, and does not depend on the thread count.</para>
    /// <para>d(t) is non-increasing. It tends to 0 exactly when the chain is an ergodic unichain and π is its stationary
    /// law; <see cref="TotalVariationCurve.IsErgodicUnichain"/> is filled from <see cref="ChainStructure.Analyze"/>.</para>
    /// </remarks>
    /// <param name="chain">A chain of at most <see cref="ConvergenceOptions.MaxWorstCaseStates"/> states.</param>
    /// <param name="stationary">π: finite, ≥ 0, summing to 1 (within 1e−6), length n.</param>
    /// <param name="steps">The horizon, ≥ 0.</param>
    /// <param name="options">Parallelism and logging; default <see cref="ConvergenceOptions.Default"/>.</param>
    /// <param name="progress">Receives throttled progress (block-steps).</param>
    /// <param name="cancellationToken">Cancels between steps (<see cref="OperationCanceledException"/>).</param>
    /// <returns>The worst-case curve, with the maximising start of each t.</returns>
    /// <exception cref="ArgumentException">
    /// The chain has more than <see cref="ConvergenceOptions.MaxWorstCaseStates"/> states (the message gives n² doubles
    /// in bytes, the budget and the limit), π is invalid,
    /// <paramref name="steps"/> &lt; 0, or an option is invalid.
    /// </exception>
    public static TotalVariationCurve WorstCaseDistances(
        IMarkovChain chain,
        ReadOnlySpan<double> stationary,
        int steps,
        ConvergenceOptions? options = null,
        IProgress<Progress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chain);
        options ??= ConvergenceOptions.Default;
        options.Validate();
        ConvergenceGuard.CheckSteps(steps);
        ConvergenceGuard.CheckWorstCaseSize(chain.StateCount, "the worst-case d(t)", options);
        ConvergenceGuard.CheckDistribution(stationary, chain.StateCount, nameof(stationary));
        var structure = ChainStructure.GivenOrAnalyze(options.Structure, chain, "ConvergenceOptions.Structure", cancellationToken);
        var engine = new BatchedPropagation(
            chain, stationary, ConvergenceGuard.Parallelism(options.MaxDegreeOfParallelism), residentBudgetBytes: 0, cancellationToken);
        Run(engine, steps, options, progress, cancellationToken);
        return new TotalVariationCurve(
            engine.Distances, TotalVariationStart.WorstCase, structure.IsErgodicUnichain, engine.Maximizers, null);
    }

    private static void Run(
        BatchedPropagation engine,
        int steps,
        ConvergenceOptions options,
        IProgress<Progress>? progress,
        CancellationToken cancellationToken)
    {
        var logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger(typeof(TotalVariation));
        if (logger.IsEnabled(LogLevel.Information))
        {
            ConvergenceLog.WorstCaseStarted(
                logger, engine.StateCount, steps, engine.BlockCount, BatchedPropagation.Width, engine.IsResident);
        }

        var clock = Stopwatch.StartNew();
        engine.Advance(steps, progress, cancellationToken);
        if (logger.IsEnabled(LogLevel.Information))
        {
            ConvergenceLog.WorstCaseFinished(logger, steps, clock.Elapsed.TotalSeconds, engine.LastDistance);
        }
    }
}
