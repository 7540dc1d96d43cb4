using LlmChains.Analysis.Convergence.Internals;

namespace LlmChains.Analysis.Convergence;

/// <summary>
/// The coupling estimate of <see cref="SampledConvergence.EstimateTotalVariation"/>:
/// for t = 0..<see cref="Steps"/>, the fraction of N simulated pairs (X, Y) that have not met by time t, an unbiased
/// estimate of P(T &gt; t) for the coupling time T, with its Clopper–Pearson interval (an upper bound on
/// TV(μQ^t, νQ^t)); and, from the same pairs, a lower confidence bound on that TV from a separating event
/// (<see cref="Separation"/>), so that [<see cref="LowerLimit"/>, <see cref="UpperLimit"/>] brackets it.
/// </summary>
/// <remarks>
/// <para><b>What it bounds.</b> X_0 ~ μ (<see cref="Start"/>) and Y_0 ~ ν (<see cref="Reference"/>) are drawn
/// independently and move by a Markovian coupling (each copy is the chain; they agree on the next move with maximal
/// probability and stay together once they meet). The coupling inequality gives, for every t,
/// TV(μQ^t, νQ^t) ≤ P(X_t ≠ Y_t) = P(T &gt; t). So <see cref="Tail"/>[t] estimates an <i>upper bound</i> on
/// TV(μQ^t, νQ^t), and its <see cref="ProportionEstimate.Upper"/> limit is an upper confidence limit for that TV.
/// The bound can be loose (how loose depends on the coupling), but it never has a sampling bias.</para>
/// <para><b>Distance to π.</b> With ν = μQ^B (the default: a burn-in of B steps), TV(μQ^t, π) ≤ P(T &gt; t) + TV(μQ^{t+B}, π);
/// the second term is the burn-in error, which the sample does not measure. It is small when B is well beyond the
/// mixing time; for a periodic or reducible chain it need not vanish at all (a burn-in does not reach π), and the
/// curve then compares two laws, not one law with π.</para>
/// <para><b>Intervals.</b> Each t has its own interval (pointwise level <see cref="Confidence"/>).
/// <see cref="SimultaneousHalfWidth"/> is the Dvoretzky–Kiefer–Wolfowitz half-width: the band estimate ± it covers
/// the whole curve t ↦ P(T &gt; t) at once with probability ≥ <see cref="Confidence"/>.</para>
/// <para><b>Lower bound.</b> States are projected onto the bins of a statistic f (<see cref="Projection"/>). On the first
/// <see cref="SelectionPairs"/> pairs, A_t is the set of bins that X_t hits more often than Y_t; on the other pairs,
/// whose X_t and Y_t are independent of that choice, (k₊ − k₋)/N₂ estimates P(f(X_t) ∈ A_t) − P(f(Y_t) ∈ A_t), which is
/// ≤ TV(law of f(X_t), law of f(Y_t)) ≤ TV(μQ^t, νQ^t) for any fixed A_t. <see cref="SampledSeparation.Lower"/> is a
/// one-sided lower confidence limit that exceeds TV(μQ^t, νQ^t) with probability ≤ α/2, so that the bracket
/// [<see cref="LowerLimit"/>, <see cref="UpperLimit"/>] holds at each t with probability ≥ 1 − α. The limits are
/// pointwise; for k times chosen in advance, all k lower limits hold at once with probability ≥ 1 − kα/2 (Bonferroni).
/// Since TV(μQ^s, νQ^s) is non-increasing in s, the limit at t also bounds the distance at every s ≤ t. Against π the
/// lower bound has the same burn-in caveat: TV(μQ^t, π) ≥ TV(μQ^t, νQ^t) − TV(μQ^{t+B}, π).</para>
/// </remarks>
public sealed class SampledTotalVariation
{
    private readonly int[] _uncoupled;
    private readonly ProportionEstimate[] _tail;

    private readonly SampledSeparation[] _separation;

    internal SampledTotalVariation(
        SampledStart start,
        SampledStart reference,
        SamplingOptions options,
        bool labelsAreTokens,
        int[] uncoupled,
        SampledProjection projection,
        int projectionBins,
        int selectionPairs,
        SampledSeparation[] separation)
    {
        Projection = projection;
        ProjectionBins = projectionBins;
        SelectionPairs = selectionPairs;
        _separation = separation;
        Start = start;
        Reference = reference;
        Trajectories = options.Trajectories;
        Confidence = options.Confidence;
        Seed = options.Seed;
        CouplesTokens = labelsAreTokens;
        _uncoupled = uncoupled;
        _tail = new ProportionEstimate[uncoupled.Length];
        for (int t = 0; t < uncoupled.Length; t++)
        {
            _tail[t] = t > 0 && uncoupled[t] == uncoupled[t - 1]
                ? _tail[t - 1]
                : ProportionEstimate.ClopperPearson(uncoupled[t], Trajectories, Confidence);
        }

        SimultaneousHalfWidth = Math.Sqrt(Math.Log(2 / (1 - Confidence)) / (2.0 * Trajectories));
    }

    /// <summary>μ, the law of X_0.</summary>
    public SampledStart Start { get; }

    /// <summary>ν, the law of Y_0.</summary>
    public SampledStart Reference { get; }

    /// <summary>N, the number of simulated pairs.</summary>
    public int Trajectories { get; }

    /// <summary>The horizon: the largest t reported.</summary>
    public int Steps => _uncoupled.Length - 1;

    /// <summary>The confidence level of the intervals.</summary>
    public double Confidence { get; }

    /// <summary>The seed.</summary>
    public int Seed { get; }

    /// <summary>
    /// Whether the copies were coupled on tokens (a model's chain: two windows meet once they emit the same K tokens in a
    /// row) rather than on next states (a general chain: they meet when they jump to the same state).
    /// </summary>
    public bool CouplesTokens { get; }

    /// <summary>For t = 0..<see cref="Steps"/>, the number of pairs with X_t ≠ Y_t (non-increasing in t).</summary>
    public IReadOnlyList<int> UncoupledCounts => _uncoupled;

    /// <summary>For t = 0..<see cref="Steps"/>, P(T &gt; t) estimated with its interval: an upper bound on TV(μQ^t, νQ^t).</summary>
    public IReadOnlyList<ProportionEstimate> Tail => _tail;

    /// <summary>The estimate at <paramref name="t"/>.</summary>
    /// <param name="t">0..<see cref="Steps"/>.</param>
    public ProportionEstimate this[int t] => _tail[t];

    /// <summary>The number of pairs that met within the horizon.</summary>
    public int CoupledCount => Trajectories - _uncoupled[^1];

    /// <summary>The DKW half-width √(ln(2/α)/(2N)) of a band around the estimates that holds for every t at once.</summary>
    public double SimultaneousHalfWidth { get; }

    /// <summary>The statistic f whose bins the separating events are made of (the automatic choice when
    /// <see cref="SamplingOptions.Projection"/> was <see langword="null"/>).</summary>
    public SampledProjection Projection { get; }

    /// <summary>The number of bins of <see cref="Projection"/> on this chain.</summary>
    public int ProjectionBins { get; }

    /// <summary>N₁ = ⌊N/2⌋, the pairs on which the events A_t were chosen; the other N − N₁ test them.</summary>
    public int SelectionPairs { get; }

    /// <summary>For t = 0..<see cref="Steps"/>, the separating event's estimate and lower confidence limit for TV(μQ^t, νQ^t).</summary>
    public IReadOnlyList<SampledSeparation> Separation => _separation;

    /// <summary>The lower confidence limit of TV(μQ^t, νQ^t) at <paramref name="t"/> (misses with probability ≤ α/2).</summary>
    /// <param name="t">0..<see cref="Steps"/>.</param>
    public double LowerLimit(int t) => _separation[t].Lower;

    /// <summary>The upper confidence limit of TV(μQ^t, νQ^t) at <paramref name="t"/>: that of P(T &gt; t) (misses with
    /// probability ≤ α/2).</summary>
    /// <param name="t">0..<see cref="Steps"/>.</param>
    public double UpperLimit(int t) => _tail[t].Upper;

    /// <summary>
    /// The first t whose upper confidence limit of P(T &gt; t) is ≤ <paramref name="threshold"/>, or <see langword="null"/>
    /// when none is within the horizon. Since P(T &gt; t) is non-increasing, with probability ≥ 1 − α/2 it is at least the
    /// first t with P(T &gt; t) ≤ threshold, and TV(μQ^t, νQ^t) ≤ threshold from then on: a one-sided upper confidence
    /// bound on the time to come within <paramref name="threshold"/> of ν (of π up to the burn-in error).
    /// </summary>
    /// <param name="threshold">In (0, 1), e.g. 1/4 for t_mix.</param>
    public int? FirstStepBelow(double threshold)
    {
        Internals.ConvergenceGuard.CheckOpenUnit(threshold, nameof(threshold));
        for (int t = 0; t < _tail.Length; t++)
        {
            if (_tail[t].Upper <= threshold)
            {
                return t;
            }
        }

        return null;
    }
}
