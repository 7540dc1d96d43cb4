using LlmChains.Analysis;
using LlmChains.Analysis.Convergence;
using LlmChains.Bounds.Internals;
using LlmChains.Chains;

namespace LlmChains.Bounds;

/// <summary>
/// The in-context learning bound of Thm. 4.3 of Zekri et al. (arXiv 2410.02724) for a d-state Markov chain given in the
/// prompt: with probability at least 1 − δ over N_icl in-context tokens,
/// R_icl(Θ) ≤ inf_{ϑ ∈ W_mc} {R̂_icl(ϑ) + 𝒦(ϑ, Θ)} + B̄·√(t_min/N_icl)·√log(2/δ),
/// with B̄ = 2·√max{log d + 2B_U/τ, log(1/p_min)}.
/// </summary>
/// <remarks>
/// <para>
/// t_min = inf_{0≤ε&lt;1} t_mix(ε/2)·((2 − ε)/(1 − ε))² of the input chain (as defined with Thm. 4.3) is an input of
/// the constructor, or computed from the chain by <see cref="FromChain"/>;
/// it replaces ‖Γ‖ of the pre-training bound (Prop. F.18, Paulin 2015 Cor. 2.11).
/// </para>
/// <para>
/// Two sample complexities, both explicit: <see cref="SampleComplexityWithMixing"/> = ⌈4B̄²·t_min·log(2/δ)/ε²⌉ is what
/// Thm. 4.3 implies, and it is the <see cref="IGeneralizationBound.SampleComplexity"/> of this type;
/// <see cref="SampleComplexityAsPrinted"/> = ⌈4B̄²/ε²·log(2/δ)⌉ is Prop. E.2 as the paper prints it, whose proof applies
/// Thm. 4.3 but drops √t_min. The printed form is smaller by the factor t_min, which is at least 4 for
/// every chain with two or more states, so it is not implied by the theorem.
/// </para>
/// <para>Instances are immutable.</para>
/// </remarks>
public sealed class InContextBound : IGeneralizationBound
{
    /// <summary>Creates the bound and validates every input.</summary>
    /// <param name="stateCount">The number of states d ≥ 1 of the input chain.</param>
    /// <param name="unembeddingNorm">B_U ≥ ‖W_U^⊤‖_{2,1}, finite and ≥ 0.</param>
    /// <param name="temperature">τ, finite and &gt; 0.</param>
    /// <param name="minimumTransitionProbability">p_min ∈ (0, 1]: every transition probability of the input chain is ≥ p_min.</param>
    /// <param name="mixingTime">t_min of the input chain, finite and &gt; 0 (a chain that does not mix has t_min = ∞ and no bound).</param>
    /// <exception cref="ArgumentException">d &lt; 1, B_U &lt; 0, τ ≤ 0, p_min outside (0, 1], t_min ≤ 0, or a NaN or
    /// infinite value; the message names the parameter and the value.</exception>
    public InContextBound(
        int stateCount,
        double unembeddingNorm,
        double temperature,
        double minimumTransitionProbability,
        double mixingTime)
        : this(stateCount, unembeddingNorm, temperature, minimumTransitionProbability, mixingTime, [])
    {
    }

    private InContextBound(
        int stateCount,
        double unembeddingNorm,
        double temperature,
        double minimumTransitionProbability,
        double mixingTime,
        IEnumerable<string> chainNotes)
    {
        BoundGuard.Count(stateCount, nameof(stateCount), "number of states d");
        BoundGuard.NonNegative(unembeddingNorm, nameof(unembeddingNorm), "unembedding norm B_U");
        BoundGuard.Positive(temperature, nameof(temperature), "temperature τ");
        BoundGuard.Probability(minimumTransitionProbability, nameof(minimumTransitionProbability), "minimum transition probability p_min");
        BoundGuard.Positive(mixingTime, nameof(mixingTime), "mixing time t_min");
        if (minimumTransitionProbability * stateCount > 1 + 1e-9)
        {
            // Each row holds d probabilities ≥ p_min that sum to 1, so p_min ≤ 1/d; a larger p_min describes no chain.
            throw new ArgumentOutOfRangeException(
                nameof(minimumTransitionProbability),
                minimumTransitionProbability,
                BoundText.Inv(
                    $"The minimum transition probability p_min = {BoundText.G(minimumTransitionProbability)} exceeds " +
                    $"1/d = {BoundText.G(1.0 / stateCount)}: the d = {stateCount} probabilities of a row, each ≥ " +
                    $"p_min, must sum to 1."));
        }

        StateCount = stateCount;
        UnembeddingNorm = unembeddingNorm;
        Temperature = temperature;
        MinimumTransitionProbability = minimumTransitionProbability;
        MixingTime = mixingTime;
        ModelTerm = BoundMath.ModelTerm(stateCount, unembeddingNorm, temperature);
        LanguageTerm = BoundMath.LanguageTerm(minimumTransitionProbability);
        MaxTerm = Math.Max(ModelTerm, LanguageTerm);
        Constant = 2 * Math.Sqrt(MaxTerm);
        ThresholdTemperature = BoundMath.ThresholdTemperature(stateCount, unembeddingNorm, minimumTransitionProbability);
        var lines = new List<string>
        {
            "Thm. 4.3: with probability ≥ 1 − δ, R_icl(Θ) ≤ inf_ϑ {R̂_icl(ϑ) + 𝒦(ϑ, Θ)} + B̄·√(t_min/N)·√log(2/δ), B̄ " +
            "= 2·√max{log d + 2B_U/τ, log(1/p_min)}.",
            BoundText.Inv(
                $"The prompt is one trajectory of a time-homogeneous Markov chain on d = {stateCount} states, each " +
                $"state one token; predictions are the softmax over the d state-token logits (Lemmas F.19–F.20)."),
            BoundText.Inv(
                $"Parameters in W: ‖W_U^⊤‖_{{2,1}} ≤ B_U = {BoundText.G(unembeddingNorm)}, LayerNorm projection of " +
                $"every hidden token (App. B.2); temperature τ = {BoundText.G(temperature)}."),
            BoundText.Inv(
                $"Every transition probability of the input chain is ≥ p_min = " +
                $"{BoundText.G(minimumTransitionProbability)} (structured chains with zero transitions, such as the " +
                $"constrained and polygonal walks, violate this)."),
            BoundText.Inv($"t_min = {BoundText.G(mixingTime)} (Prop. F.18, Paulin 2015 Cor. 2.11); it replaces ‖Γ‖ of Thm. 4.2."),
            "Gap and ApproximationError bound the statistical term only; the distribution-shift term inf_ϑ {R̂_icl(ϑ) " +
            "+ 𝒦(ϑ, Θ)} is not computed (SampleComplexity assumes it is 0).",
            "SampleComplexity = SampleComplexityWithMixing keeps √t_min as Thm. 4.3 implies; " +
            "SampleComplexityAsPrinted is Prop. E.2 as printed, which drops √t_min and is not implied by the theorem.",
        };
        lines.AddRange(chainNotes);
        if (stateCount >= 2 && mixingTime < 4)
        {
            lines.Add(
                BoundText.Inv(
                    $"t_min = {BoundText.G(mixingTime)} is below 4, the smallest value the definition gives for a " +
                    $"chain with two or more states."));
        }

        if (LanguageTerm > ModelTerm)
        {
            lines.Add(
                BoundText.Inv(
                    $"The term log(1/p_min) = {BoundText.G(LanguageTerm)} exceeds log d + 2B_U/τ = {BoundText.G(ModelTerm)} and sets B̄."));
        }

        Assumptions = lines.AsReadOnly();
    }

    /// <summary>The number of states d.</summary>
    public int StateCount { get; }

    /// <summary>B_U.</summary>
    public double UnembeddingNorm { get; }

    /// <summary>τ.</summary>
    public double Temperature { get; }

    /// <summary>p_min.</summary>
    public double MinimumTransitionProbability { get; }

    /// <summary>t_min of the input chain.</summary>
    public double MixingTime { get; }

    /// <summary>log d + 2B_U/τ.</summary>
    public double ModelTerm { get; }

    /// <summary>log(1/p_min).</summary>
    public double LanguageTerm { get; }

    /// <summary>Whether log(1/p_min) exceeds log d + 2B_U/τ and so sets B̄.</summary>
    public bool LanguageTermDominates => LanguageTerm > ModelTerm;

    /// <summary>M_icl = max{log d + 2B_U/τ, log(1/p_min)}.</summary>
    public double MaxTerm { get; }

    /// <summary>B̄ = 2·√M_icl.</summary>
    public double Constant { get; }

    /// <summary>The τ* = 2B_U/(log(1/p_min) − log d) above which log(1/p_min) sets B̄; +∞ when log(1/p_min) ≤ log d.</summary>
    public double ThresholdTemperature { get; }

    /// <summary>What the numbers assume, one sentence each.</summary>
    public IReadOnlyList<string> Assumptions { get; }

    /// <summary>
    /// The bound for a given input chain P: d = its number of states, p_min = min_{x,y} P(x, y) and t_min computed by
    /// <see cref="TotalVariation.AnalyzeMixing"/> from π (given, or by GTH elimination): the worst-case d(t) and our closed
    /// form t_min = min_t t·((2 − 2d(t))/(1 − 2d(t)))² of the paper's infimum.
    /// </summary>
    /// <remarks>
    /// Thm. 4.3 needs p_min &gt; 0, so every transition of P must be positive (such a chain is irreducible and aperiodic and
    /// t_min is finite). When the horizon cap of <paramref name="options"/> stops the search before t_min is certified,
    /// the value used is the smallest over the computed horizon, an upper bound on t_min (so the bound stays valid);
    /// <see cref="Assumptions"/> says which.
    /// </remarks>
    /// <param name="chain">The input chain, 1..2048 states when π is not given (else up to
    /// <see cref="ConvergenceOptions.MaxWorstCaseStates"/> of <paramref name="options"/>).</param>
    /// <param name="unembeddingNorm">B_U, finite and ≥ 0.</param>
    /// <param name="temperature">τ, finite and &gt; 0.</param>
    /// <param name="stationaryDistribution">π of the chain, or <see langword="null"/> to compute it by GTH elimination.</param>
    /// <param name="options">Horizons and parallelism of the mixing analysis; default <see cref="ConvergenceOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the mixing analysis.</param>
    /// <returns>The bound, whose <see cref="Assumptions"/> record where d, p_min and t_min came from.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="chain"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A zero transition probability (p_min = 0), too many states, a bad π, B_U or
    /// τ, or t_min not reached within the horizon cap.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static InContextBound FromChain(
        IMarkovChain chain,
        double unembeddingNorm,
        double temperature,
        IReadOnlyList<double>? stationaryDistribution = null,
        ConvergenceOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chain);
        long n = chain.StateCount;
        int worstCaseLimit = (options ?? ConvergenceOptions.Default).MaxWorstCaseStates;
        if (n > (stationaryDistribution is null ? DenseChain.MaxStates : worstCaseLimit))
        {
            throw new ArgumentOutOfRangeException(
                null,
                BoundText.Inv(
                    $"The chain has {n:N0} states; t_min is computed for at most {DenseChain.MaxStates:N0} states " +
                    $"without π (dense GTH) and {worstCaseLimit:N0} with it (the exact worst case: n² doubles, " +
                    $"{LanguageModelChain.FormatBytes(TotalVariation.WorstCaseBytes(n))} here, within " +
                    $"ConvergenceOptions.WorstCaseMemoryLimitBytes)."));
        }

        var columns = new long[Math.Max(1, chain.MaxRowNonZeros)];
        var probabilities = new double[columns.Length];
        double pMin = double.PositiveInfinity;
        for (long x = 0; x < n; x++)
        {
            int count = chain.GetRow(x, columns, probabilities);
            if (count < n)
            {
                long missing = 0;
                for (int k = 0; k < count && columns[k] == missing; k++)
                {
                    missing++;
                }

                throw new ArgumentException(
                    BoundText.Inv(
                        $"The chain has the zero transition probability P({x}, {missing}) = 0; Thm. 4.3 needs every " +
                        $"transition probability ≥ p_min > 0."),
                    nameof(chain));
            }

            for (int k = 0; k < count; k++)
            {
                pMin = Math.Min(pMin, probabilities[k]);
            }
        }

        double[] pi = stationaryDistribution?.ToArray()
            ?? DenseChain.StationaryGth(DenseChain.ToDense(chain, nameof(chain)), (int)n)
            ?? throw new ArgumentException("The chain is reducible; pass its stationary distribution.", nameof(chain));
        var mixing = TotalVariation.AnalyzeMixing(chain, pi, options: options, cancellationToken: cancellationToken);
        var tMin = mixing.TMin;
        if (!tMin.IsFinite)
        {
            throw new ArgumentException(
                BoundText.Inv(
                    $"t_min of the chain is infinite within the horizon {tMin.Horizon} ({tMin.Status}); raise " +
                    $"ConvergenceOptions.MaxSteps."),
                nameof(chain));
        }

        var notes = new List<string>
        {
            BoundText.Inv(
                $"From the given chain: d = {n} states, p_min = min P(x, y) = {BoundText.G(pMin)}, π " +
                $"{(stationaryDistribution is null ? "by GTH elimination" : "given")}."),
            tMin.IsCertified
                ? BoundText.Inv(
                    $"t_min = {BoundText.G(tMin.Value)} from the worst-case TV curve, attained at t = " +
                    $"{tMin.AttainedAt} with d(t) = {BoundText.G(tMin.DistanceAtMinimum)}; certified (no longer " +
                    $"horizon can lower it).")
                : BoundText.Inv(
                    $"t_min ≤ {BoundText.G(tMin.Value)}: the smallest value over the horizon {tMin.Horizon}, not " +
                    $"certified; an upper bound on t_min, so the bound stays valid but may be loose."),
        };
        return new InContextBound(checked((int)n), unembeddingNorm, temperature, pMin, tMin.Value, notes);
    }

    /// <summary>The statistical term B̄·√(t_min/N_icl)·√log(2/δ) of Thm. 4.3.</summary>
    /// <param name="sampleCount">N_icl, finite and ≥ 1.</param>
    /// <param name="delta">δ ∈ (0, 1).</param>
    /// <returns>The gap, ≥ 0.</returns>
    /// <exception cref="ArgumentException">N &lt; 1, δ outside (0, 1), or a NaN or infinite value.</exception>
    public double Gap(double sampleCount, double delta)
    {
        BoundGuard.SampleCount(sampleCount);
        BoundGuard.Delta(delta);
        return BoundMath.Gap(Constant, MixingTime, sampleCount, delta);
    }

    /// <summary>The same as <see cref="SampleComplexityWithMixing"/>: what Thm. 4.3 implies.</summary>
    /// <param name="epsilon">The target E‖Q(S,·) − Q_f(S,·)‖₁, finite and &gt; 0.</param>
    /// <param name="delta">δ ∈ (0, 1).</param>
    /// <returns>N*, an integer ≥ 1.</returns>
    /// <exception cref="ArgumentException">ε ≤ 0, δ outside (0, 1), or a NaN or infinite value.</exception>
    public double SampleComplexity(double epsilon, double delta) => SampleComplexityWithMixing(epsilon, delta);

    /// <summary>
    /// N* = ⌈4B̄²·t_min·log(2/δ)/ε²⌉: with no distribution shift and N_icl ≥ N*, E‖Q(S,·) − Q_f(S,·)‖₁ ≤ ε with
    /// probability ≥ 1 − δ, as Thm. 4.3 implies; the smallest N with <see cref="ApproximationError"/> ≤ ε.
    /// </summary>
    /// <param name="epsilon">ε, finite and &gt; 0.</param>
    /// <param name="delta">δ ∈ (0, 1).</param>
    /// <returns>N*, an integer ≥ 1.</returns>
    /// <exception cref="ArgumentException">ε ≤ 0, δ outside (0, 1), or a NaN or infinite value.</exception>
    public double SampleComplexityWithMixing(double epsilon, double delta)
    {
        BoundGuard.Epsilon(epsilon);
        BoundGuard.Delta(delta);
        return BoundMath.SampleComplexity(Constant, MixingTime, epsilon, delta);
    }

    /// <summary>
    /// Prop. E.2 as printed: N* = ⌈4B̄²/ε²·log(2/δ)⌉, without t_min. The paper's proof applies Thm. 4.3 but drops √t_min,
    /// so this is not implied by the theorem; it is provided to reproduce the paper.
    /// </summary>
    /// <param name="epsilon">ε, finite and &gt; 0.</param>
    /// <param name="delta">δ ∈ (0, 1).</param>
    /// <returns>N*, an integer ≥ 1.</returns>
    /// <exception cref="ArgumentException">ε ≤ 0, δ outside (0, 1), or a NaN or infinite value.</exception>
    public double SampleComplexityAsPrinted(double epsilon, double delta)
    {
        BoundGuard.Epsilon(epsilon);
        BoundGuard.Delta(delta);
        return BoundMath.SampleComplexity(Constant, 1, epsilon, delta);
    }

    /// <summary>ε = 2B̄·√(t_min/N_icl)·√log(2/δ): with no distribution shift, E‖Q(S,·) − Q_f(S,·)‖₁ ≤ ε with probability ≥ 1 − δ.</summary>
    /// <param name="sampleCount">N_icl, finite and ≥ 1.</param>
    /// <param name="delta">δ ∈ (0, 1).</param>
    /// <returns>ε ≥ 0.</returns>
    /// <exception cref="ArgumentException">N &lt; 1, δ outside (0, 1), or a NaN or infinite value.</exception>
    public double ApproximationError(double sampleCount, double delta)
    {
        BoundGuard.SampleCount(sampleCount);
        BoundGuard.Delta(delta);
        return BoundMath.ApproximationError(Constant, MixingTime, sampleCount, delta);
    }

    /// <summary>A one-line summary of the inputs and B̄.</summary>
    /// <returns>The summary.</returns>
    public override string ToString() => BoundText.Inv(
        $"InContextBound(d = {StateCount}, B_U = {BoundText.G(UnembeddingNorm)}, τ = {BoundText.G(Temperature)}, " +
        $"p_min = {BoundText.G(MinimumTransitionProbability)}, t_min = {BoundText.G(MixingTime)}, B̄ = " +
        $"{BoundText.G(Constant)})");
}
