using System.Buffers;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using LlmChains.Analysis;
using LlmChains.Analysis.Convergence;
using LlmChains.Bounds;
using LlmChains.InContext.Internals;
using MathNet.Numerics.Distributions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmChains.InContext;

/// <summary>
/// The in-context learning experiment of the paper (Section 5 and App. D): repeat R times — draw a chain and a
/// trajectory X_1 … X_{N+1}, ask every predictor for P̂(· | X_1 … X_n), n = 1 … N, and measure
/// r_n = TV(P(X_n, ·), P̂(· | X_1 … X_n)) — then average over repetitions with confidence bands, fit the scaling law, and
/// put the Thm. 4.3 curve and the N^{−1/2} reference beside it.
/// </summary>
/// <remarks>
/// <para>Two metrics are reported because the paper does not say which it plots: the per-position risk r_N and the
/// running mean R̂_icl(N) = (1/N)·Σ_{n≤N} r_n, the empirical risk of Thm. 4.3 (<see cref="RiskMetric"/>). Both are
/// estimates of the risk at N; R̂_icl is smoother and, for an N^{−1/2} law, larger by about a factor 2.</para>
/// <para>Repetition r draws from <see cref="Random"/> seeded with a hash of (seed, r); repetitions run in parallel and
/// their results are combined in index order, so the output depends on the seed only, not on the thread count.</para>
/// <para>t_min of each chain comes from <see cref="GeneratedChain.ComputeMixingTime"/> (the Analysis API) and the theory
/// curve from <see cref="InContextBound.Gap"/>; neither is re-derived here.</para>
/// </remarks>
public static class InContextExperiment
{
    /// <summary>Runs the experiment.</summary>
    /// <param name="source">The chains and trajectories.</param>
    /// <param name="predictors">One or more predictors with distinct names; the first is the baseline of the comparisons.</param>
    /// <param name="options">N, R, seed, bands, fit range, bound parameters; default <see cref="InContextExperimentOptions.Default"/>.</param>
    /// <param name="progress">Receives the number of finished repetitions (at most about 100 reports).</param>
    /// <param name="cancellationToken">Cancels between repetitions and inside slow predictors.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException">An option is invalid, no predictor was given, two predictors share a name, the source has d &lt; 2, or a predictor rejects the chain (e.g. its vocabulary lacks a state token).</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static InContextExperimentResult Run(
        IChainSource source,
        IReadOnlyList<IInContextPredictor> predictors,
        InContextExperimentOptions? options = null,
        IProgress<Progress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(predictors);
        options ??= InContextExperimentOptions.Default;
        options.Validate();
        if (predictors.Count == 0)
        {
            throw new ArgumentException("Give at least one predictor.", nameof(predictors));
        }

        if (predictors.Any(p => p is null))
        {
            throw new ArgumentException("A predictor is null.", nameof(predictors));
        }

        if (predictors.Select(p => p.Name).Distinct(StringComparer.Ordinal).Count() != predictors.Count)
        {
            throw new ArgumentException($"Two predictors share a name ({string.Join(", ", predictors.Select(p => p.Name))}); names label the results.", nameof(predictors));
        }

        int d = source.StateCount;
        InContextGuard.StateCount(d, nameof(source));
        var logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger(typeof(InContextExperiment));
        if (logger.IsEnabled(LogLevel.Information))
        {
            string names = string.Join(", ", predictors.Select(p => p.Name));
            Log.ExperimentStarted(logger, source.Name, d, options.Length, options.Repetitions, names);
        }

        var clock = Stopwatch.StartNew();
        int n = options.Length;
        int r = options.Repetitions;
        int[] grid = Grid(n, options.EvaluationPoints);
        int g = grid.Length;
        int pc = predictors.Count;
        var perPosition = new double[pc][];
        var running = new double[pc][];
        for (int p = 0; p < pc; p++)
        {
            perPosition[p] = new double[r * g];
            running[p] = new double[r * g];
        }

        var gates = predictors.Select(p => p.SupportsConcurrentCalls ? null : new Lock()).ToArray();
        var chains = new ChainMixing?[source.IsFixed ? 1 : r];
        var fixedGate = new Lock();
        int completed = 0;
        int lastReported = -1;
        var parallel = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = options.MaxDegreeOfParallelism ?? -1 };
        try
        {
            Parallel.For(0, r, parallel, rep =>
            {
                var random = new Random(SeedSequence.Derive(options.Seed, rep));
                var sample = source.Sample(n + 1, random);
                if (sample.Chain.StateCount != d || sample.Trajectory.Length != n + 1)
                {
                    throw new InvalidOperationException(InContextGuard.Inv($"The chain source '{source.Name}' returned {sample.Chain.StateCount} states and {sample.Trajectory.Length} steps; expected {d} and {n + 1}."));
                }

                RunRepetition(sample, predictors, gates, grid, rep, perPosition, running, cancellationToken);
                if (source.IsFixed)
                {
                    lock (fixedGate)
                    {
                        chains[0] ??= Summarize(sample.Chain, options, logger, cancellationToken);
                    }
                }
                else
                {
                    chains[rep] = Summarize(sample.Chain, options, logger, cancellationToken);
                }

                if (logger.IsEnabled(LogLevel.Debug))
                {
                    var c = chains[source.IsFixed ? 0 : rep]!;
                    Log.RepetitionDone(logger, rep, c.MixingTime, c.MinimumTransitionProbability);
                }

                int done = Interlocked.Increment(ref completed);
                if (progress is not null)
                {
                    int percent = done * 100 / r;
                    int previous = Volatile.Read(ref lastReported);
                    if (percent != previous && Interlocked.CompareExchange(ref lastReported, percent, previous) == previous)
                    {
                        progress.Report(new Progress("in-context", done, r));
                    }
                }
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            var first = e.InnerExceptions.FirstOrDefault(x => x is not OperationCanceledException) ?? e.InnerExceptions[0];
            ExceptionDispatchInfo.Capture(first).Throw();
            throw;
        }

        var lengths = grid.Select(x => (double)x).ToArray();
        var fitRange = options.FitRange();
        double tQuantile = r >= 2 ? StudentT.InvCDF(0, 1, r - 1, 1 - ((1 - options.ConfidenceLevel) / 2)) : double.NaN;
        var risks = new PredictorRisk[pc];
        for (int p = 0; p < pc; p++)
        {
            risks[p] = new PredictorRisk(
                predictors[p].Name,
                Aggregate(perPosition[p], r, g, tQuantile, lengths, fitRange),
                Aggregate(running[p], r, g, tQuantile, lengths, fitRange));
        }

        var comparisons = new PredictorComparison[pc - 1];
        for (int p = 1; p < pc; p++)
        {
            comparisons[p - 1] = new PredictorComparison(
                predictors[p].Name,
                predictors[0].Name,
                Aggregate(Difference(perPosition[p], perPosition[0]), r, g, tQuantile, null, fitRange),
                Aggregate(Difference(running[p], running[0]), r, g, tQuantile, null, fitRange));
        }

        var chainArray = chains.Select(c => c!).ToArray();
        var bounds = chainArray.Where(c => c.Bound is not null).Select(c => c.Bound!).ToArray();
        double[]? theory = null;
        if (bounds.Length > 0)
        {
            theory = new double[g];
            for (int i = 0; i < g; i++)
            {
                double sum = 0;
                foreach (var bound in bounds)
                {
                    sum += bound.Gap(grid[i], options.Delta);
                }

                theory[i] = sum / bounds.Length;
            }
        }

        var notes = Notes(source, options, chainArray, bounds.Length, r);
        clock.Stop();
        if (logger.IsEnabled(LogLevel.Information))
        {
            Log.ExperimentFinished(logger, clock.Elapsed.TotalSeconds);
        }

        return new InContextExperimentResult(source.Name, d, source.IsFixed, options, grid, risks, comparisons, chainArray, theory, bounds.Length, fitRange, notes, clock.Elapsed);
    }

    /// <summary>Log-spaced context lengths 1 … N (all of them when <paramref name="points"/> is null or ≥ N).</summary>
    internal static int[] Grid(int length, int? points)
    {
        if (points is null || points.Value >= length)
        {
            return Enumerable.Range(1, length).ToArray();
        }

        var grid = new SortedSet<int> { 1, length };
        int m = points.Value;
        for (int i = 0; i < m; i++)
        {
            grid.Add((int)Math.Clamp(Math.Round(Math.Exp(Math.Log(length) * i / (m - 1))), 1, length));
        }

        return [.. grid];
    }

    private static void RunRepetition(InContextSample sample, IReadOnlyList<IInContextPredictor> predictors, Lock?[] gates, int[] grid, int rep, double[][] perPosition, double[][] running, CancellationToken cancellationToken)
    {
        ReadOnlySpan<int> trajectory = sample.Trajectory;
        var chain = sample.Chain;
        int d = chain.StateCount;
        int count = trajectory.Length - 1;
        int g = grid.Length;
        double[] predictions = ArrayPool<double>.Shared.Rent(count * d);
        try
        {
            for (int p = 0; p < predictors.Count; p++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Span<double> rows = predictions.AsSpan(0, count * d);
                if (gates[p] is { } gate)
                {
                    lock (gate)
                    {
                        predictors[p].Predict(trajectory, d, rows, cancellationToken);
                    }
                }
                else
                {
                    predictors[p].Predict(trajectory, d, rows, cancellationToken);
                }

                double sum = 0;
                int next = 0;
                for (int i = 0; i < count && next < g; i++)
                {
                    double tv = DenseRows.TotalVariation(chain.GetRow(trajectory[i]), rows.Slice(i * d, d));
                    sum += tv;
                    if (grid[next] == i + 1)
                    {
                        perPosition[p][(rep * g) + next] = tv;
                        running[p][(rep * g) + next] = sum / (i + 1);
                        next++;
                    }
                }
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(predictions);
        }
    }

    private static ChainMixing Summarize(GeneratedChain chain, InContextExperimentOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        int d = chain.StateCount;
        double pMin = chain.MinimumTransitionProbability;
        if (!options.ComputeMixingTime)
        {
            return new ChainMixing(pMin, double.NaN, null, null, "t_min not computed (ComputeMixingTime = false).");
        }

        if (d > options.MixingTimeStateLimit)
        {
            return new ChainMixing(pMin, double.NaN, null, null, InContextGuard.Inv($"t_min not computed: d = {d} exceeds MixingTimeStateLimit = {options.MixingTimeStateLimit}."));
        }

        TMinResult tMin;
        try
        {
            tMin = chain.ComputeMixingTime(new ConvergenceOptions { MaxDegreeOfParallelism = 1 }, cancellationToken);
        }
        catch (ArgumentException e)
        {
            if (logger.IsEnabled(LogLevel.Warning))
            {
                Log.MixingTimeFailed(logger, e.Message);
            }

            return new ChainMixing(pMin, double.NaN, null, null, "t_min could not be computed: " + e.Message);
        }

        if (!tMin.IsFinite)
        {
            string why = tMin.Status is MixingTimeStatus.NotErgodicUnichain or MixingTimeStatus.Periodic
                ? "t_min = ∞: the chain is periodic or has several recurrent classes, so d(t) does not tend to 0; Thm. 4.3 does not apply."
                : InContextGuard.Inv($"t_min not reached within {tMin.Horizon} steps; Thm. 4.3 curve omitted.");
            return new ChainMixing(pMin, tMin.Value, tMin, null, why);
        }

        if (!(pMin > 0))
        {
            return new ChainMixing(pMin, tMin.Value, tMin, null, "p_min = 0 (an impossible transition): Thm. 4.3 needs every transition probability ≥ p_min > 0; no theory curve.");
        }

        var bound = new InContextBound(d, options.UnembeddingNorm, options.Temperature, pMin, tMin.Value);
        string? note = tMin.IsCertified ? null : InContextGuard.Inv($"t_min ≤ {tMin.Value:G6}: smallest value over the horizon {tMin.Horizon}, not certified.");
        return new ChainMixing(pMin, tMin.Value, tMin, bound, note);
    }

    private static double[] Difference(double[] a, double[] b)
    {
        var result = new double[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            result[i] = a[i] - b[i];
        }

        return result;
    }

    /// <summary>Mean, band and sd at each grid point over the R repetitions; the fit (with its jackknife SE) when lengths are given.</summary>
    private static RiskCurve Aggregate(double[] values, int r, int g, double tQuantile, double[]? lengths, (int Minimum, int Maximum) fitRange)
    {
        var mean = new double[g];
        var lower = new double[g];
        var upper = new double[g];
        var sd = new double[g];
        for (int i = 0; i < g; i++)
        {
            double sum = 0;
            for (int rep = 0; rep < r; rep++)
            {
                sum += values[(rep * g) + i];
            }

            double m = sum / r;
            double squares = 0;
            for (int rep = 0; rep < r; rep++)
            {
                double e = values[(rep * g) + i] - m;
                squares += e * e;
            }

            mean[i] = m;
            sd[i] = r >= 2 ? Math.Sqrt(squares / (r - 1)) : double.NaN;
            double half = tQuantile * sd[i] / Math.Sqrt(r);
            lower[i] = m - half;
            upper[i] = m + half;
        }

        ScalingLawFit? fit = null;
        if (lengths is not null)
        {
            fit = ScalingLawFit.Fit(lengths, mean, fitRange.Minimum, fitRange.Maximum);
            if (fit is not null && r >= 3)
            {
                fit = fit with { SlopeStandardErrorAcrossRepetitions = Jackknife(values, r, g, mean, lengths, fitRange) };
            }
        }

        return new RiskCurve(mean, lower, upper, sd, fit);
    }

    /// <summary>The jackknife standard error over repetitions of the slope fitted to the mean curve.</summary>
    private static double? Jackknife(double[] values, int r, int g, double[] mean, double[] lengths, (int Minimum, int Maximum) fitRange)
    {
        var leaveOut = new double[g];
        var slopes = new double[r];
        for (int rep = 0; rep < r; rep++)
        {
            for (int i = 0; i < g; i++)
            {
                leaveOut[i] = ((mean[i] * r) - values[(rep * g) + i]) / (r - 1);
            }

            var fit = ScalingLawFit.Fit(lengths, leaveOut, fitRange.Minimum, fitRange.Maximum);
            if (fit is null)
            {
                return null;
            }

            slopes[rep] = fit.Slope;
        }

        double average = slopes.Average();
        double squares = slopes.Sum(s => (s - average) * (s - average));
        return Math.Sqrt((r - 1.0) / r * squares);
    }

    private static string[] Notes(IChainSource source, InContextExperimentOptions options, ChainMixing[] chains, int boundCount, int r)
    {
        var notes = new List<string>
        {
            "Per-position risk at N: TV(P(X_N, ·), P̂(· | X_1 … X_N)), the error of the prediction made after N states; running mean: R̂_icl(N) = (1/N)·Σ_{n≤N} TV(P(X_n, ·), P̂(· | X_1 … X_n)) (the empirical risk of Thm. 4.3). The paper does not say which it plots; both are given.",
            InContextGuard.Inv($"Bands: {options.ConfidenceLevel * 100:G4}% Student-t intervals of the mean over {r} repetitions ({(source.IsFixed ? "one fixed chain, a new trajectory each" : "a new chain and trajectory each")}); TV = ½‖·‖₁."),
            InContextGuard.Inv($"Scaling-law fits: least squares of log risk on log N over N in [{options.FitRange().Minimum}, {options.FitRange().Maximum}]; slope SE from the fit and from a jackknife over repetitions."),
        };
        if (boundCount > 0)
        {
            notes.Add(InContextGuard.Inv($"Theory: Thm. 4.3's B̄·√(t_min/N)·√log(2/δ) with B_U = {options.UnembeddingNorm:G4}, τ = {options.Temperature:G4}, δ = {options.Delta:G4}, averaged over {boundCount} chain(s); only its N- and t_min-scaling are meaningful (the constant is vacuous for real models)."));
        }

        foreach (string note in chains.Select(c => c.Note).OfType<string>().Distinct(StringComparer.Ordinal).Take(5))
        {
            notes.Add(note);
        }

        return [.. notes];
    }
}
