using System.Globalization;
using LlmChains.Analysis.Convergence.Internals;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Analysis.Convergence;

/// <summary>
/// Sampling-based convergence and repetition diagnostics for chains too large to analyse exactly (App. C, and the
/// paper's reading of Props. 3.3 and 3.4):
/// a coupling estimate of how far the law after t steps is from a reference (an upper bound on the total variation, with
/// confidence intervals), and the rate of repetition loops with the time to enter one. Memory is O(trajectories +
/// horizon) plus a few rows: no vector of length n, so chains of 10^8 states and more (or models whose chain is never
/// built) are handled at the cost of the rows the trajectories visit.
/// </summary>
/// <remarks>
/// <para>Seeded and deterministic: trajectory i uses its own random stream derived from (seed, i), so the results do not
/// depend on <see cref="SamplingOptions.MaxDegreeOfParallelism"/> or on scheduling.</para>
/// <para>Moves are drawn by inverse CDF over the positive entries of a row in ascending order. For a
/// <see cref="LanguageModelChain"/> and for a model the moves are tokens; for any other <see cref="IMarkovChain"/> they
/// are next states. See <see cref="SampledTotalVariation"/> and <see cref="RepetitionRateEstimate"/> for what exactly is
/// estimated and bounded.</para>
/// </remarks>
public static class SampledConvergence
{
    private const int CouplingStream = 1;
    private const int RepetitionStream = 2;

    /// <summary>
    /// Estimates, for t = 0..H, P(T &gt; t) for the coupling time T of two copies of <paramref name="chain"/> started from
    /// X_0 ~ μ = <paramref name="start"/> and Y_0 ~ ν = <paramref name="reference"/>: an upper bound on TV(μQ^t, νQ^t)
    /// (coupling inequality), and, with the default reference ν = μQ^B, on TV(μQ^t, π) up to the burn-in error TV(μQ^{t+B}, π).
    /// </summary>
    /// <remarks>
    /// Pair i draws X_0, then Y_0 (with its burn-in), then moves both copies with one uniform per step through a maximal
    /// coupling of their move laws: with probability Σ_a min(p_a, q_a) they take the same move a (the same token for a
    /// model's chain, so two windows that emit the same K tokens in a row coincide), otherwise each takes its own move from
    /// its residual law. Each copy is exactly the chain; once they meet they move together (T is their first meeting time).
    /// Cost: at most N·(H + burn-in) row reads. The same pairs give the lower confidence bound of
    /// <see cref="SampledTotalVariation.Separation"/>: a separating event on <see cref="SamplingOptions.Projection"/>
    /// chosen on the first half of the pairs and tested on the second (no extra row reads; the tail does not depend on it).
    /// </remarks>
    /// <param name="chain">The chain (any size).</param>
    /// <param name="start">μ, the law of X_0.</param>
    /// <param name="reference">ν, the law of Y_0; <see langword="null"/> for <paramref name="start"/> after
    /// <see cref="SamplingOptions.BurnIn"/> steps.</param>
    /// <param name="options">Trajectories, horizon, confidence, seed; <see langword="null"/> for
    /// <see cref="SamplingOptions.Default"/>.</param>
    /// <param name="progress">Receives throttled progress in trajectories.</param>
    /// <param name="cancellationToken">Cancels between trajectories (<see cref="OperationCanceledException"/>).</param>
    /// <returns>The estimated tail P(T &gt; t) with pointwise intervals and a simultaneous band, and the lower bound.</returns>
    /// <exception cref="ArgumentException">Invalid options, or a start state outside the chain.</exception>
    /// <exception cref="InvalidOperationException">A visited row has no positive entry.</exception>
    public static SampledTotalVariation EstimateTotalVariation(
        IMarkovChain chain,
        SampledStart start,
        SampledStart? reference = null,
        SamplingOptions? options = null,
        IProgress<Progress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chain);
        return Couple(SamplingKernel.For(chain), start, reference, options, progress, cancellationToken);
    }

    /// <summary>
    /// The coupling estimate of <see cref="EstimateTotalVariation"/>
    /// on the chain Q_f of <paramref name="model"/> under <paramref name="decoding"/>, read from the model on demand
    /// (the chain is never built, so |V_K^*| may be far beyond memory). States are indexed as in <see cref="StateSpace"/>.
    /// With a float64 <see cref="LanguageModelChain"/> of the same model and decoding the results are identical.
    /// </summary>
    /// <param name="model">The model (called from several threads unless
    /// <see cref="SamplingOptions.MaxDegreeOfParallelism"/> is 1).</param>
    /// <param name="decoding">Temperature and truncation.</param>
    /// <param name="start">μ, over the indices of V_K^*.</param>
    /// <param name="reference">ν; <see langword="null"/> for <paramref name="start"/> after
    /// <see cref="SamplingOptions.BurnIn"/> steps.</param>
    /// <param name="options">Options; <see langword="null"/> for the defaults.</param>
    /// <param name="progress">Receives throttled progress in trajectories.</param>
    /// <param name="cancellationToken">Cancels between trajectories.</param>
    /// <returns>The estimated tail P(T &gt; t).</returns>
    /// <exception cref="ArgumentException">Invalid options or decoding, a start state outside V_K^*, or |V_K^*| beyond
    /// a 64-bit index.</exception>
    public static SampledTotalVariation EstimateTotalVariationFromModel(
        ILanguageModel model,
        DecodingOptions decoding,
        SampledStart start,
        SampledStart? reference = null,
        SamplingOptions? options = null,
        IProgress<Progress>? progress = null,
        CancellationToken cancellationToken = default) =>
        Couple(ModelKernel(model, decoding), start, reference, options, progress, cancellationToken);

    /// <summary>
    /// Simulates N trajectories X_0 ~ μ = <paramref name="start"/>, …, X_H of <paramref name="chain"/> and estimates, for each
    /// t, the fraction in a repetition loop (a block of p ≤ <see cref="SamplingOptions.MaxLoopPeriod"/> states repeated
    /// <see cref="SamplingOptions.MinLoopRepeats"/> more times), the fraction that entered one by H, the distribution and
    /// mean of the entry time, and the loops seen at the horizon. Under greedy decoding this agrees with
    /// <see cref="RepetitionLoops.Find"/>: every trajectory ends in one of its cycles (see <see cref="RepetitionRateEstimate"/>).
    /// </summary>
    /// <param name="chain">The chain (any size).</param>
    /// <param name="start">μ, the law of X_0.</param>
    /// <param name="options">Options; <see langword="null"/> for <see cref="SamplingOptions.Default"/>.</param>
    /// <param name="progress">Receives throttled progress in trajectories.</param>
    /// <param name="cancellationToken">Cancels between trajectories.</param>
    /// <returns>The repetition statistics with Clopper–Pearson intervals.</returns>
    /// <exception cref="ArgumentException">Invalid options, or a start state outside the chain.</exception>
    public static RepetitionRateEstimate EstimateRepetition(
        IMarkovChain chain,
        SampledStart start,
        SamplingOptions? options = null,
        IProgress<Progress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chain);
        return Repeat(SamplingKernel.For(chain), start, options, progress, cancellationToken);
    }

    /// <summary>
    /// The repetition statistics of <see cref="EstimateRepetition"/>
    /// for the chain of <paramref name="model"/> under <paramref name="decoding"/>, read from the model on demand.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="decoding">Temperature and truncation.</param>
    /// <param name="start">μ, over the indices of V_K^*.</param>
    /// <param name="options">Options; <see langword="null"/> for the defaults.</param>
    /// <param name="progress">Receives throttled progress in trajectories.</param>
    /// <param name="cancellationToken">Cancels between trajectories.</param>
    /// <returns>The repetition statistics.</returns>
    /// <exception cref="ArgumentException">Invalid options or decoding, a start state outside V_K^*, or |V_K^*| beyond
    /// a 64-bit index.</exception>
    public static RepetitionRateEstimate EstimateRepetitionFromModel(
        ILanguageModel model,
        DecodingOptions decoding,
        SampledStart start,
        SamplingOptions? options = null,
        IProgress<Progress>? progress = null,
        CancellationToken cancellationToken = default) =>
        Repeat(ModelKernel(model, decoding), start, options, progress, cancellationToken);

    private static ModelSamplingKernel ModelKernel(ILanguageModel model, DecodingOptions decoding)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(decoding);
        decoding.Validate();
        return new ModelSamplingKernel(model, decoding, new StateSpace(model.VocabularySize, model.ContextWindow));
    }

    private static SampledTotalVariation Couple(
        SamplingKernel kernel,
        SampledStart start,
        SampledStart? reference,
        SamplingOptions? options,
        IProgress<Progress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        options ??= SamplingOptions.Default;
        options.Validate();
        long n = kernel.StateCount;
        start.Check(n, nameof(start));
        reference ??= start.AfterBurnIn(options.BurnIn);
        reference.Check(n, nameof(reference));
        int trajectories = options.Trajectories;
        int horizon = options.Steps;
        var projection = options.Projection ?? SampledProjection.Automatic(n, trajectories, horizon);
        var projector = projection.Bind(n, kernel.States, horizon, nameof(options));
        int bins = projector.Bins;
        var times = new int[trajectories]; // first meeting time, or horizon + 1 when they have not met by the horizon

        // Pass 1 (pairs 0..N₁−1) counts, for each t and bin b, #{f(X_t) = b} − #{f(Y_t) = b} (met pairs add nothing);
        // A_t = {b : count > 0}. Pass 2 (pairs N₁..N−1) counts the pairs with exactly one of f(X_t), f(Y_t) in A_t.
        // Each pair is the same (seeded) coupled pair as in the coupling tail, so the tail does not depend on the split.
        int selection = trajectories / 2;
        var excess = new int[checked((horizon + 1) * bins)];
        var above = new int[horizon + 1];
        var below = new int[horizon + 1];
        bool[]? inEvent = null;

        void Pair(int i, CouplingWorker worker)
        {
            var random = new TrajectoryRandom(options.Seed, i, CouplingStream);
            var walker = worker.Walker;
            long x = start.Draw(walker, ref random);
            long y = reference.Draw(walker, ref random);
            int t = 0;
            while (x != y)
            {
                int bx = projector.Map(x);
                int by = projector.Map(y);
                if (bx != by)
                {
                    int row = t * bins;
                    if (inEvent is null)
                    {
                        Interlocked.Increment(ref excess[row + bx]);
                        Interlocked.Decrement(ref excess[row + by]);
                    }
                    else
                    {
                        bool a = inEvent[row + bx];
                        if (a != inEvent[row + by])
                        {
                            (a ? worker.Above : worker.Below)[t]++;
                        }
                    }
                }

                if (t == horizon)
                {
                    break;
                }

                (x, y) = walker.CoupledStep(x, y, ref random);
                t++;
            }

            times[i] = x == y ? t : horizon + 1;
        }

        TrajectoryRunner.Run(
            0,
            selection,
            trajectories,
            options.MaxDegreeOfParallelism,
            () => new CouplingWorker(kernel, horizon),
            Pair,
            _ => { },
            progress,
            cancellationToken);
        inEvent = new bool[excess.Length];
        var eventBins = new int[horizon + 1];
        for (int t = 0; t <= horizon; t++)
        {
            for (int b = t * bins, end = b + bins; b < end; b++)
            {
                if (excess[b] > 0)
                {
                    inEvent[b] = true;
                    eventBins[t]++;
                }
            }
        }

        excess = [];
        TrajectoryRunner.Run(
            selection,
            trajectories - selection,
            trajectories,
            options.MaxDegreeOfParallelism,
            () => new CouplingWorker(kernel, horizon),
            Pair,
            worker =>
            {
                for (int t = 0; t <= horizon; t++)
                {
                    above[t] += worker.Above[t];
                    below[t] += worker.Below[t];
                }
            },
            progress,
            cancellationToken);

        // uncoupled[t] = #{i : T_i > t}
        var uncoupled = new int[horizon + 1];
        var met = new int[horizon + 2];
        foreach (int t in times)
        {
            met[t]++;
        }

        int remaining = trajectories;
        for (int t = 0; t <= horizon; t++)
        {
            remaining -= met[t];
            uncoupled[t] = remaining;
        }

        var separation = new SampledSeparation[horizon + 1];
        for (int t = 0; t <= horizon; t++)
        {
            separation[t] = t > 0 && eventBins[t] == eventBins[t - 1] && above[t] == above[t - 1] && below[t] == below[t - 1]
                ? separation[t - 1]
                : SampledSeparation.From(eventBins[t], above[t], below[t], trajectories - selection, options.Confidence);
        }

        return new SampledTotalVariation(
            start, reference, options, kernel.LabelsAreTokens, uncoupled, projection, bins, selection, separation);
    }

    private static RepetitionRateEstimate Repeat(
        SamplingKernel kernel,
        SampledStart start,
        SamplingOptions? options,
        IProgress<Progress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        options ??= SamplingOptions.Default;
        options.Validate();
        start.Check(kernel.StateCount, nameof(start));
        int trajectories = options.Trajectories;
        int horizon = options.Steps;
        int maxPeriod = options.MaxLoopPeriod;
        int repeats = options.MinLoopRepeats;
        var entries = new int[trajectories];
        var finalLoops = new long[]?[trajectories];
        var inLoop = new int[horizon + 1];
        TrajectoryRunner.Run(
            trajectories,
            options.MaxDegreeOfParallelism,
            () => new RepetitionWorker(new SamplingWalker(kernel), maxPeriod, horizon),
            (i, worker) =>
            {
                var random = new TrajectoryRandom(options.Seed, i, RepetitionStream);
                long x = start.Draw(worker.Walker, ref random);
                (entries[i], finalLoops[i]) = worker.Follow(x, repeats, ref random);
            },
            worker =>
            {
                for (int t = 0; t <= horizon; t++)
                {
                    inLoop[t] += worker.InLoop[t];
                }
            },
            progress,
            cancellationToken);

        var entryCounts = new int[horizon + 1];
        double sum = 0;
        int entered = 0;
        foreach (int e in entries)
        {
            if (e >= 0)
            {
                entryCounts[e]++;
                sum += e;
                entered++;
            }
        }

        MeanEstimate? meanEntry = null;
        if (entered > 0)
        {
            double mean = sum / entered;
            double squares = 0;
            foreach (int e in entries)
            {
                if (e >= 0)
                {
                    squares += (e - mean) * (e - mean);
                }
            }

            if (entered >= 2)
            {
                double half = MathNet.Numerics.Distributions.StudentT.InvCDF(
                    0, 1, entered - 1, 0.5 + (options.Confidence / 2)) * Math.Sqrt(squares / (entered - 1) / entered);
                meanEntry = new MeanEstimate(mean, Math.Max(0, mean - half), mean + half, entered); // entry times are ≥ 0
            }
            else
            {
                meanEntry = new MeanEstimate(mean, double.NaN, double.NaN, entered);
            }
        }

        return new RepetitionRateEstimate(start, options, inLoop, entryCounts, meanEntry, GroupLoops(finalLoops, options));
    }

    /// <summary>Counts the loops of the trajectories at the horizon, most frequent first, ties in lexicographic order
    /// of the states.</summary>
    private static SampledLoop[] GroupLoops(long[]?[] finalLoops, SamplingOptions options)
    {
        var counts = new Dictionary<string, (long[] States, int Count)>(StringComparer.Ordinal);
        foreach (long[]? loop in finalLoops)
        {
            if (loop is null)
            {
                continue;
            }

            string key = string.Join(",", loop.Select(s => s.ToString(CultureInfo.InvariantCulture)));
            counts[key] = counts.TryGetValue(key, out var found) ? (found.States, found.Count + 1) : (loop, 1);
        }

        return [.. counts.Values
            .OrderByDescending(v => v.Count)
            .ThenBy(v => v.States, LexicographicComparer.Instance)
            .Select(
                v => new SampledLoop(
                    v.States, v.States.Length, ProportionEstimate.ClopperPearson(v.Count, options.Trajectories, options.Confidence)))];
    }

    /// <summary>One worker of the coupling: its walker and its counts of the second half.</summary>
    private sealed class CouplingWorker(SamplingKernel kernel, int horizon)
    {
        internal SamplingWalker Walker { get; } = new(kernel);

        internal int[] Above { get; } = new int[horizon + 1];

        internal int[] Below { get; } = new int[horizon + 1];
    }

    /// <summary>Orders state sequences lexicographically (a shorter prefix first).</summary>
    private sealed class LexicographicComparer : IComparer<long[]>
    {
        internal static readonly LexicographicComparer Instance = new();

        public int Compare(long[]? x, long[]? y)
        {
            if (x is null || y is null)
            {
                return (x is null ? 0 : 1) - (y is null ? 0 : 1);
            }

            return x.AsSpan().SequenceCompareTo(y);
        }
    }
}
