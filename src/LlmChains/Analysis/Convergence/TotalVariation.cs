using System.Globalization;
using LlmChains.Analysis.Convergence.Internals;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Chains.Internals;
using LlmChains.Internals;
using LlmChains.Internals.Numerics;

namespace LlmChains.Analysis.Convergence;

/// <summary>
/// Convergence to the stationary distribution (App. C, Def. C.8): total-variation curves, the mixing time
/// t_mix(ε) and t_min. Row vectors, one step x ← x·Q, TV(p, q) = ½‖p − q‖₁ (never L1 under that name).
/// </summary>
/// <remarks>
/// <para>The stationary distribution π is an explicit argument (compute it with <c>StationaryDistribution</c>); a π
/// with residual r puts a floor of about r/gap under d(t).</para>
/// <para><see cref="WorstCaseDistances"/> gives d(t) = max_x TV(Q^t(x, ·), π) exactly over every start, by batched
/// propagation, for chains whose n² doubles fit the worst-case budget (<see cref="ConvergenceOptions.WorstCaseMemoryLimitBytes"/>,
/// <see cref="WorstCaseBytes"/>, <see cref="MaxWorstCaseStatesFor"/>). <see cref="DistancesFrom"/>,
/// <see cref="DistancesFromState"/> and <see cref="DistancesFromPrompt"/> follow one start on a chain of any size.
/// <see cref="MixingTime"/> and <see cref="TMin"/> read a curve; <see cref="AnalyzeMixing"/> classifies the chain
/// first (infinite at once when it is not an ergodic unichain) and extends the horizon until t_mix is found and
/// t_min is certified.</para>
/// </remarks>
public static partial class TotalVariation
{
    /// <summary>
    /// The bytes of the exact worst case over all starts for <paramref name="stateCount"/> states: the n start
    /// distributions, n² doubles (n × ⌈n/16⌉·16, the starts going through the chain in blocks of 16):
    /// 8·n·16⌈n/16⌉ bytes. This is what <see cref="ConvergenceOptions.WorstCaseMemoryLimitBytes"/> is compared with.
    /// </summary>
    /// <remarks>
    /// What <see cref="AnalyzeMixing"/> allocates besides: a copy of the rows and its transpose (about 24 bytes per
    /// non-zero; none for a <see cref="SparseMarkovChain"/>, whose cached transpose is used), two blocks of n × 16
    /// doubles per thread and O(n) vectors. It keeps all n² doubles between horizon
    /// extensions only within <see cref="ConvergenceOptions.ResidentMemoryLimitBytes"/>; above that it recomputes a longer
    /// horizon from t = 0 in blocks (at most about twice the work) instead. The n² figure is therefore the working set of
    /// the computation (and a measure of its cost: every step touches all n² entries), not always its resident peak.
    /// </remarks>
    /// <param name="stateCount">n ≥ 0.</param>
    /// <returns>The bytes, as a double (no overflow).</returns>
    public static double WorstCaseBytes(long stateCount)
    {
        if (stateCount < 0)
        {
            throw Invalid.OutOfRange(FormattableString.Invariant($"stateCount must be ≥ 0; got {stateCount}."));
        }

        return (double)stateCount * (((stateCount + 15) / 16) * 16) * sizeof(double);
    }

    /// <summary>
    /// The largest n whose worst-case working set <see cref="WorstCaseBytes"/>(n) fits in <paramref name="budgetBytes"/>
    /// (capped at <see cref="int.MaxValue"/>). For example 1 GiB allows 11,584 states, 256 MiB 5,792 states.
    /// </summary>
    /// <param name="budgetBytes">The budget, ≥ 0.</param>
    /// <returns>The largest state count, ≥ 0.</returns>
    public static int MaxWorstCaseStatesFor(long budgetBytes)
    {
        if (budgetBytes < 0)
        {
            throw Invalid.OutOfRange(FormattableString.Invariant($"budgetBytes must be ≥ 0; got {budgetBytes}."));
        }

        long n = (long)Math.Min(int.MaxValue, Math.Sqrt(budgetBytes / (double)sizeof(double)) + 16);
        while (n > 0 && WorstCaseBytes(n) > budgetBytes)
        {
            n--;
        }

        return (int)n;
    }

    /// <summary>
    /// The default worst-case budget: a quarter of the memory available to the process
    /// (<see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>, which honours container limits), read at each call.
    /// </summary>
    public static long DefaultWorstCaseMemoryBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4;

    /// <summary>The largest chain the exact worst case accepts with the default budget:
    /// <see cref="MaxWorstCaseStatesFor"/>(<see cref="DefaultWorstCaseMemoryBytes"/>).</summary>
    public static int DefaultMaxWorstCaseStates => MaxWorstCaseStatesFor(DefaultWorstCaseMemoryBytes);

    /// <summary>The default threshold ε = 1/4 of t_mix(ε).</summary>
    public const double DefaultThreshold = 0.25;

    /// <summary>Total variation TV(p, q) = ½ Σ_i |p_i − q_i|.</summary>
    /// <remarks>
    /// Summed in ascending i up to 65,536 entries; longer vectors are summed in fixed chunks of that size (in
    /// parallel) whose partial sums are added in order, so the result does not depend on the thread count.
    /// NaN entries give NaN.
    /// </remarks>
    /// <param name="p">A vector.</param>
    /// <param name="q">A vector of the same length.</param>
    /// <returns>½‖p − q‖₁.</returns>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static double Distance(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        if (p.Length != q.Length)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"p has length {p.Length} and q has length {q.Length}; they must be equal."),
                nameof(q));
        }

        return VectorKernels.TotalVariation(p, q);
    }

    /// <summary>
    /// TV(μQ^t, π) for t = 0..<paramref name="steps"/> from the start distribution μ = <paramref name="start"/>, by
    /// <paramref name="steps"/> calls of <see cref="IMarkovChain.Step"/> (any chain size; memory two vectors of n doubles).
    /// </summary>
    /// <param name="chain">The chain.</param>
    /// <param name="start">μ: finite, ≥ 0, summing to 1 (within 1e−6), length n.</param>
    /// <param name="stationary">π: finite, ≥ 0, summing to 1 (within 1e−6), length n.</param>
    /// <param name="steps">The horizon, ≥ 0.</param>
    /// <param name="progress">Receives throttled progress in steps.</param>
    /// <param name="cancellationToken">Cancels between steps (<see cref="OperationCanceledException"/>).</param>
    /// <returns>The curve (<see cref="TotalVariationStart.Distribution"/>), non-increasing in t when π is stationary.</returns>
    /// <exception cref="ArgumentException">A vector has the wrong length, a negative, NaN or infinite entry, or does
    /// not sum to 1; <paramref name="steps"/> &lt; 0; or the vectors do not fit in memory.</exception>
    public static TotalVariationCurve DistancesFrom(
        IMarkovChain chain,
        ReadOnlySpan<double> start,
        ReadOnlySpan<double> stationary,
        int steps,
        IProgress<Progress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ConvergenceGuard.CheckSteps(steps);
        CheckVectorSize(chain);
        ConvergenceGuard.CheckDistribution(start, chain.StateCount, nameof(start));
        ConvergenceGuard.CheckDistribution(stationary, chain.StateCount, nameof(stationary));
        double[] x = GC.AllocateUninitializedArray<double>((int)chain.StateCount);
        start.CopyTo(x);
        double[] distances = Follow(chain, x, stationary, steps, progress, cancellationToken);
        return new TotalVariationCurve(distances, TotalVariationStart.Distribution, KnownErgodicity(chain), null, null);
    }

    /// <summary>TV(δ_x Q^t, π) for t = 0..<paramref name="steps"/> from the single state x = <paramref name="state"/>
    /// (any chain size).</summary>
    /// <param name="chain">The chain.</param>
    /// <param name="state">The start state x, 0..n−1.</param>
    /// <param name="stationary">π: finite, ≥ 0, summing to 1 (within 1e−6), length n.</param>
    /// <param name="steps">The horizon, ≥ 0.</param>
    /// <param name="progress">Receives throttled progress in steps.</param>
    /// <param name="cancellationToken">Cancels between steps.</param>
    /// <returns>The curve (<see cref="TotalVariationStart.State"/>), non-increasing in t when π is stationary.</returns>
    /// <exception cref="ArgumentException"><paramref name="state"/> is out of range, π is invalid, or
    /// <paramref name="steps"/> &lt; 0.</exception>
    public static TotalVariationCurve DistancesFromState(
        IMarkovChain chain,
        long state,
        ReadOnlySpan<double> stationary,
        int steps,
        IProgress<Progress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chain);
        if ((ulong)state >= (ulong)chain.StateCount)
        {
            throw new ArgumentOutOfRangeException(
                nameof(state),
                state,
                string.Create(CultureInfo.InvariantCulture, $"State index {state} is outside 0..{chain.StateCount - 1}."));
        }

        ConvergenceGuard.CheckSteps(steps);
        CheckVectorSize(chain);
        ConvergenceGuard.CheckDistribution(stationary, chain.StateCount, nameof(stationary));
        var x = new double[chain.StateCount];
        x[state] = 1;
        double[] distances = Follow(chain, x, stationary, steps, progress, cancellationToken);
        return new TotalVariationCurve(distances, TotalVariationStart.State, KnownErgodicity(chain), null, state);
    }

    /// <summary>
    /// TV(δ_v Q_f^t, π) for t = 0..<paramref name="steps"/> from the state v of a prompt: the prompt's last K tokens
    /// (the model sees only those, Def. B.2), ranked by <see cref="StateSpace.Rank"/>. This is how far multi-step
    /// generation from the prompt is from the stationary law after t tokens (the paper's reading of Props. 3.3 and
    /// 3.4).
    /// </summary>
    /// <param name="chain">The model's chain Q_f.</param>
    /// <param name="prompt">One or more tokens in 0..T−1, oldest first; longer than K keeps the last K.</param>
    /// <param name="stationary">π over V_K^*: finite, ≥ 0, summing to 1 (within 1e−6).</param>
    /// <param name="steps">The horizon, ≥ 0.</param>
    /// <param name="progress">Receives throttled progress in steps.</param>
    /// <param name="cancellationToken">Cancels between steps.</param>
    /// <returns>The curve (<see cref="TotalVariationStart.State"/>, with <see cref="TotalVariationCurve.StartState"/>
    /// the prompt's state).</returns>
    /// <exception cref="ArgumentException">The prompt is empty or has a token outside 0..T−1, π is invalid, or
    /// <paramref name="steps"/> &lt; 0.</exception>
    public static TotalVariationCurve DistancesFromPrompt(
        LanguageModelChain chain,
        ReadOnlySpan<int> prompt,
        ReadOnlySpan<double> stationary,
        int steps,
        IProgress<Progress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chain);
        long state = PromptState(chain, prompt);
        return DistancesFromState(chain, state, stationary, steps, progress, cancellationToken);
    }

    /// <summary>The state of a prompt: its last K tokens.</summary>
    internal static long PromptState(LanguageModelChain chain, ReadOnlySpan<int> prompt)
    {
        if (prompt.IsEmpty)
        {
            throw new ArgumentException("The prompt is empty; it needs at least one token.", nameof(prompt));
        }

        int t = chain.VocabularySize;
        for (int i = 0; i < prompt.Length; i++)
        {
            if ((uint)prompt[i] >= (uint)t)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"prompt[{i}] = {prompt[i]} is outside the vocabulary 0..{t - 1}."),
                    nameof(prompt));
            }
        }

        int k = chain.ContextWindow;
        return chain.States.Rank(prompt.Length > k ? prompt[^k..] : prompt);
    }

    /// <summary>Steps x in place (with one more buffer) and returns TV(x_t, π) for t = 0..steps.</summary>
    private static double[] Follow(
        IMarkovChain chain,
        double[] x,
        ReadOnlySpan<double> stationary,
        int steps,
        IProgress<Progress>? progress,
        CancellationToken cancellationToken)
    {
        var distances = new double[steps + 1];
        distances[0] = VectorKernels.TotalVariation(x, stationary);
        if (steps == 0)
        {
            return distances;
        }

        double[] y = GC.AllocateUninitializedArray<double>(x.Length);
        int every = Math.Max(1, steps / 100);
        for (int t = 1; t <= steps; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            chain.Step(x, y);
            (x, y) = (y, x);
            distances[t] = VectorKernels.TotalVariation(x, stationary);
            if (progress is not null && (t % every == 0 || t == steps))
            {
                progress.Report(new Progress("distances", t, steps));
            }
        }

        return distances;
    }

    /// <summary>Ergodicity when it is cheap to know: Prop. 3.3 for untruncated model chains, a graph search up to
    /// <see cref="DefaultMaxWorstCaseStates"/> states; otherwise unknown.</summary>
    private static bool? KnownErgodicity(IMarkovChain chain)
    {
        if (chain is IChainFacts { KnownErgodic: true })
        {
            return true;
        }

        return chain.StateCount <= DefaultMaxWorstCaseStates ? ChainStructure.Analyze(chain).IsErgodicUnichain : null;
    }

    /// <summary>Refuses, before allocating, a chain whose two vectors do not fit.</summary>
    private static void CheckVectorSize(IMarkovChain chain)
    {
        long n = chain.StateCount;
        if (n > Array.MaxLength)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The chain has {n:N0} states; a vector holds at most {Array.MaxLength:N0} ") +
                string.Create(CultureInfo.InvariantCulture, $"entries."),
                nameof(chain));
        }

        double bytes = 2.0 * n * sizeof(double);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (bytes > available)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Following one start on {n:N0} states needs two vectors, ") +
                string.Create(CultureInfo.InvariantCulture, $"{bytes / (1 << 20):F1} MiB, more than the {available / (1 << 20):N0} MiB ") +
                string.Create(CultureInfo.InvariantCulture, $"available."),
                nameof(chain));
        }
    }
}
