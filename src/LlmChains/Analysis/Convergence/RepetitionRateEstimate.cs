namespace LlmChains.Analysis.Convergence;

/// <summary>
/// Repetition statistics of <see cref="SampledConvergence.EstimateRepetition"/>
/// from N simulated trajectories X_0 ~ μ, X_1, …, X_H.
/// </summary>
/// <remarks>
/// <para><b>Definition.</b> A trajectory is <i>in a loop of period p at time t</i> when X_s = X_{s−p} for the last
/// R·p values of s ≤ t (R = <see cref="MinLoopRepeats"/>), i.e. the last (R + 1)·p states are one block of p states
/// repeated; its period is the smallest such p ≤ P (<see cref="MaxLoopPeriod"/>). For a model's chain, once the states
/// have full length this says the last (R + 1)·p + K − 1 generated tokens are p-periodic. The loop's entry time is the
/// start of the periodic stretch, t − run − p + 1 with run the number of consecutive s ≤ t with X_s = X_{s−p}.</para>
/// <para><b>Greedy decoding.</b> When every visited state has one successor (τ = 0, top-k = 1) a state can only recur on
/// the cycle the trajectory ends in (the recurrent classes of <see cref="RepetitionLoops.Find"/>), so the definition is
/// exact: a trajectory entering a cycle of length c ≤ P at time e is in the loop from time e + (R + 1)·c − 1 on, the entry
/// time found is e, and the loop frequencies at a horizon past every detection estimate the basin fractions of the
/// loops under μ. Cycles longer than P are not seen.</para>
/// <para><b>Stochastic decoding.</b> The rate at t is the probability that the text is currently repeating (a transient
/// event: the chain can leave the loop); the entry time is that of the first loop seen.</para>
/// <para>Every proportion carries a Clopper–Pearson interval (pointwise, level <see cref="Confidence"/>).</para>
/// </remarks>
public sealed class RepetitionRateEstimate
{
    private readonly ProportionEstimate[] _inLoop;
    private readonly int[] _entryCounts;

    internal RepetitionRateEstimate(
        SampledStart start,
        SamplingOptions options,
        int[] inLoopCounts,
        int[] entryCounts,
        MeanEstimate? meanEntry,
        IReadOnlyList<SampledLoop> loops)
    {
        Start = start;
        Trajectories = options.Trajectories;
        Confidence = options.Confidence;
        Seed = options.Seed;
        MaxLoopPeriod = options.MaxLoopPeriod;
        MinLoopRepeats = options.MinLoopRepeats;
        _entryCounts = entryCounts;
        _inLoop = new ProportionEstimate[inLoopCounts.Length];
        for (int t = 0; t < inLoopCounts.Length; t++)
        {
            _inLoop[t] = t > 0 && inLoopCounts[t] == inLoopCounts[t - 1]
                ? _inLoop[t - 1]
                : ProportionEstimate.ClopperPearson(inLoopCounts[t], Trajectories, Confidence);
        }

        Entered = ProportionEstimate.ClopperPearson(entryCounts.Sum(), Trajectories, Confidence);
        MeanEntryTime = meanEntry;
        Loops = loops;
    }

    /// <summary>μ, the law of X_0.</summary>
    public SampledStart Start { get; }

    /// <summary>N, the number of trajectories.</summary>
    public int Trajectories { get; }

    /// <summary>The horizon H.</summary>
    public int Steps => _inLoop.Length - 1;

    /// <summary>The confidence level of the intervals.</summary>
    public double Confidence { get; }

    /// <summary>The seed.</summary>
    public int Seed { get; }

    /// <summary>P, the largest period looked for.</summary>
    public int MaxLoopPeriod { get; }

    /// <summary>R, the repeats a block needs after its first occurrence.</summary>
    public int MinLoopRepeats { get; }

    /// <summary>For t = 0..H, the fraction of trajectories in a loop at time t, with its interval.</summary>
    public IReadOnlyList<ProportionEstimate> InLoop => _inLoop;

    /// <summary>The estimate at <paramref name="t"/>.</summary>
    /// <param name="t">0..H.</param>
    public ProportionEstimate this[int t] => _inLoop[t];

    /// <summary>The fraction of trajectories seen in a loop at some t ≤ H.</summary>
    public ProportionEstimate Entered { get; }

    /// <summary>For e = 0..H, the number of trajectories whose first loop seen was entered at time e (those never seen
    /// in a loop are not counted).</summary>
    public IReadOnlyList<int> EntryTimeCounts => _entryCounts;

    /// <summary>
    /// The mean entry time of the first loop among the trajectories seen in one (a conditional mean: it ignores the
    /// 1 − <see cref="Entered"/> that were not, so it is biased low when they exist), with its Student-t interval;
    /// <see langword="null"/> when no trajectory entered a loop.
    /// </summary>
    public MeanEstimate? MeanEntryTime { get; }

    /// <summary>The loops trajectories were in at the horizon, most frequent first (ties: smaller states first).</summary>
    public IReadOnlyList<SampledLoop> Loops { get; }
}
