using LlmChains.Analysis.Convergence;
using LlmChains.Bounds.Internals;

namespace LlmChains.Bounds;

/// <summary>
/// The pre-training generalization bound of Thm. 4.2 (total variation) or Thm. E.5 (Kullback–Leibler) of Zekri et al.
/// (arXiv 2410.02724): with probability at least 1 − δ over N training windows,
/// R_pre(Θ) ≤ R̂_pre(Θ) + B̄·√(log(2/δ)/N), where, with M = max{log T + 2B_U/τ, log(1/c_0)},
/// B̄ = 2‖Γ‖·√M (total variation) or B̄ = √2·‖Γ‖·M (KL).
/// </summary>
/// <remarks>
/// <para>
/// Inputs: the vocabulary size T, a bound B_U ≥ ‖W_U^⊤‖_{2,1} on the unembedding matrix, the temperature τ, the language's
/// minimum next-token probability c_0 (eq. 1; optional: when omitted the log(1/c_0) term is dropped, as the paper does
/// in App. E.1.1, which is valid only when log(1/c_0) ≤ log T + 2B_U/τ) and the norm ‖Γ‖ of the data's Marton-coupling
/// mixing matrix (1 for independent windows; see <see cref="MixingMatrixNormBound"/> for Markov data).
/// All logarithms are natural. <see cref="Assumptions"/> lists, in words, what the numbers assume.
/// </para>
/// <para>
/// Prop. 4.1: with R̂_pre = 0 and N ≥ N* = ⌈4B̄²/ε²·log(2/δ)⌉, E_S‖Q*(S,·) − Q_f(S,·)‖₁ ≤ ε with probability ≥ 1 − δ
/// (<see cref="SampleComplexity"/>); inverted, ε = 2B̄·√(log(2/δ)/N) (<see cref="ApproximationError"/>, Fig. 1).
/// Both exist only for total variation.
/// </para>
/// <para>Instances are immutable. The results are +∞ when 2B_U/τ overflows a double.</para>
/// </remarks>
public sealed class PretrainingBound : IGeneralizationBound
{
    private readonly PretrainingTerms _terms;

    /// <summary>Creates the bound and validates every input.</summary>
    /// <param name="vocabularySize">The vocabulary size T ≥ 1.</param>
    /// <param name="unembeddingNorm">B_U ≥ ‖W_U^⊤‖_{2,1} = Σ_i ‖row_i(W_U)‖₂, finite and ≥ 0. The paper's Fig. 1 uses T√r.</param>
    /// <param name="temperature">The softmax temperature τ, finite and &gt; 0.</param>
    /// <param name="minimumProbability">The language's minimum next-token probability c_0 ∈ (0, 1], or
    /// <see langword="null"/> to drop the log(1/c_0) term (App. E.1.1).</param>
    /// <param name="gammaNorm">The operator 2-norm ‖Γ‖ ≥ 1 of the data's mixing matrix; default 1 (independent windows).</param>
    /// <param name="divergence">Total variation (Thm. 4.2, default) or KL (Thm. E.5).</param>
    /// <exception cref="ArgumentException">T &lt; 1, B_U &lt; 0, τ ≤ 0, c_0 outside (0, 1], ‖Γ‖ &lt; 1, a NaN or
    /// infinite value, or an undefined <paramref name="divergence"/>; the message names the parameter and the
    /// value.</exception>
    public PretrainingBound(
        int vocabularySize,
        double unembeddingNorm,
        double temperature,
        double? minimumProbability = null,
        double gammaNorm = 1,
        BoundDivergence divergence = BoundDivergence.TotalVariation)
    {
        BoundGuard.Count(vocabularySize, nameof(vocabularySize), "vocabulary size T");
        BoundGuard.NonNegative(unembeddingNorm, nameof(unembeddingNorm), "unembedding norm B_U");
        PretrainingTerms.Validate(temperature, minimumProbability, gammaNorm, divergence);

        VocabularySize = vocabularySize;
        UnembeddingNorm = unembeddingNorm;
        Temperature = temperature;
        MinimumProbability = minimumProbability;
        GammaNorm = gammaNorm;
        Divergence = divergence;
        _terms = new PretrainingTerms(vocabularySize, unembeddingNorm, temperature, minimumProbability, gammaNorm, divergence);
        Assumptions = BoundText.Pretraining(
            divergence == BoundDivergence.TotalVariation
                ? "Thm. 4.2 (total variation): with probability ≥ 1 − δ, R_pre(Θ) ≤ R̂_pre(Θ) + B̄·√(log(2/δ)/N), B̄ = " +
                  "2‖Γ‖·√max{log T + 2B_U/τ, log(1/c_0)}."
                : "Thm. E.5 (Kullback–Leibler): with probability ≥ 1 − δ, R_pre(Θ) ≤ R̂_pre(Θ) + B̄·√(log(2/δ)/N), B̄ = " +
                  "√2·‖Γ‖·max{log T + 2B_U/τ, log(1/c_0)}.",
            BoundText.Inv(
                $"Parameters in W: ‖W_U^⊤‖_{{2,1}} ≤ B_U = {BoundText.G(unembeddingNorm)}; every hidden token is " +
                $"projected into the unit ℓ2 ball by LayerNorm/RMSNorm, and the last hidden states are averaged over " +
                $"positions (App. B.2)."),
            _terms.ModelTerm,
            "log T + 2B_U/τ",
            minimumProbability,
            gammaNorm,
            divergence,
            temperature).AsReadOnly();
    }

    /// <summary>The vocabulary size T.</summary>
    public int VocabularySize { get; }

    /// <summary>The unembedding-norm bound B_U ≥ ‖W_U^⊤‖_{2,1}.</summary>
    public double UnembeddingNorm { get; }

    /// <summary>The temperature τ.</summary>
    public double Temperature { get; }

    /// <summary>The language's minimum next-token probability c_0, or <see langword="null"/> when the log(1/c_0) term is dropped.</summary>
    public double? MinimumProbability { get; }

    /// <summary>The mixing-matrix norm ‖Γ‖ (1 for independent windows).</summary>
    public double GammaNorm { get; }

    /// <summary>The divergence of the risk: total variation (Thm. 4.2) or KL (Thm. E.5).</summary>
    public BoundDivergence Divergence { get; }

    /// <summary>The model term log T + 2B_U/τ of M.</summary>
    public double ModelTerm => _terms.ModelTerm;

    /// <summary>The language term log(1/c_0) of M, or <see langword="null"/> when c_0 was not given.</summary>
    public double? LanguageTerm => _terms.LanguageTerm;

    /// <summary>Whether the log(1/c_0) term is part of the maximum (false when c_0 was omitted, App. E.1.1).</summary>
    public bool LanguageTermIncluded => LanguageTerm is not null;

    /// <summary>Whether log(1/c_0) &gt; log T + 2B_U/τ, so that the architecture does not change the bound (the
    /// threshold remark after Thm. 4.2).</summary>
    public bool LanguageTermDominates => LanguageTerm > ModelTerm;

    /// <summary>M = max{log T + 2B_U/τ, log(1/c_0)} (Prop. F.9), or the model term alone when c_0 was omitted.</summary>
    public double MaxTerm => _terms.MaxTerm;

    /// <summary>B̄ = 2‖Γ‖·√M (total variation) or √2·‖Γ‖·M (KL).</summary>
    public double Constant => _terms.Constant;

    /// <summary>
    /// The temperature τ* = 2B_U/(log(1/c_0) − log T) at which the model term equals the language term; for τ ≥ τ* the
    /// language term sets B̄ (our reading of the threshold remark after Thm. 4.2 as a temperature). +∞ when log(1/c_0)
    /// ≤ log T (the model term dominates at every τ); <see langword="null"/> when c_0 was not given.
    /// </summary>
    public double? ThresholdTemperature => _terms.ThresholdTemperature;

    /// <summary>
    /// The floor 1/(T·exp(2B_U/τ)) = exp(−model term) on every next-token probability of a model in the class
    /// (Lemmas F.7–F.8: softmax(x)_i ≥ 1/(T·e^{2‖x‖₁})).
    /// </summary>
    public double ModelProbabilityFloor => Math.Exp(-ModelTerm);

    /// <summary>
    /// The bound on each term d(P_L(·|S_n), P_Θ(·|S_n)) of the empirical risk: c₂ = √(2M) for total variation (Cor. F.10),
    /// M for KL (Lemma E.4). B̄ = √2·‖Γ‖·c₂ (TV) or √2·‖Γ‖·M (KL).
    /// </summary>
    public double PerTermBound => _terms.PerTermBound;

    /// <summary>What the numbers assume, one sentence each (theorem, parameter class, temperature, data dependence, c_0, risk).</summary>
    public IReadOnlyList<string> Assumptions { get; }

    /// <summary>Creates the Kullback–Leibler variant (Thm. E.5): B̄ = √2·‖Γ‖·max{log T + 2B_U/τ, log(1/c_0)}.</summary>
    /// <param name="vocabularySize">The vocabulary size T ≥ 1.</param>
    /// <param name="unembeddingNorm">B_U, finite and ≥ 0.</param>
    /// <param name="temperature">τ, finite and &gt; 0.</param>
    /// <param name="minimumProbability">c_0 ∈ (0, 1], or <see langword="null"/> to drop the term.</param>
    /// <param name="gammaNorm">‖Γ‖ ≥ 1; default 1.</param>
    /// <returns>The KL bound.</returns>
    /// <exception cref="ArgumentException">As for the constructor.</exception>
    public static PretrainingBound KullbackLeibler(
        int vocabularySize,
        double unembeddingNorm,
        double temperature,
        double? minimumProbability = null,
        double gammaNorm = 1)
        => new(vocabularySize, unembeddingNorm, temperature, minimumProbability, gammaNorm, BoundDivergence.KullbackLeibler);

    /// <summary>
    /// The bound of a transformer known only by its vocabulary T and embedding dimension r, with the paper's estimate
    /// B_U = T√r of ‖W_U^⊤‖_{2,1} (App. E.1.1, used for Fig. 1 and Table 2); for a model file, read the exact B_U instead
    /// (<c>LlmChains.Gguf</c>'s <c>GgufNorms.UnembeddingNorm</c>).
    /// </summary>
    /// <param name="vocabularySize">The vocabulary size T ≥ 1.</param>
    /// <param name="embeddingDimension">The embedding dimension r ≥ 1.</param>
    /// <param name="temperature">τ, finite and &gt; 0; default 1.</param>
    /// <param name="minimumProbability">c_0 ∈ (0, 1], or <see langword="null"/> (default) to drop the term.</param>
    /// <param name="gammaNorm">‖Γ‖ ≥ 1; default 1 (independent windows).</param>
    /// <param name="divergence">Total variation (Thm. 4.2, default) or Kullback–Leibler (Thm. E.5).</param>
    /// <returns>The bound with B_U = T√r.</returns>
    /// <exception cref="ArgumentException">r &lt; 1, or as for the constructor.</exception>
    public static PretrainingBound FromEmbeddingDimension(
        int vocabularySize,
        int embeddingDimension,
        double temperature = 1,
        double? minimumProbability = null,
        double gammaNorm = 1,
        BoundDivergence divergence = BoundDivergence.TotalVariation)
    {
        BoundGuard.Count(embeddingDimension, nameof(embeddingDimension), "embedding dimension r");
        BoundGuard.Count(vocabularySize, nameof(vocabularySize), "vocabulary size T");
        return new(vocabularySize, vocabularySize * Math.Sqrt(embeddingDimension), temperature, minimumProbability, gammaNorm, divergence);
    }

    /// <inheritdoc/>
    public double Gap(double sampleCount, double delta)
        => _terms.Gap(sampleCount, delta);

    /// <summary>
    /// Prop. 4.1: N* = ⌈4B̄²/ε²·log(2/δ)⌉, the smallest N with <see cref="ApproximationError"/>(N, δ) ≤ ε (checked against
    /// N − 1 and N in floating point; at least 1). Total variation only.
    /// </summary>
    /// <param name="epsilon">The target E‖Q*(S,·) − Q_f(S,·)‖₁, finite and &gt; 0.</param>
    /// <param name="delta">δ ∈ (0, 1).</param>
    /// <returns>N*, an integer ≥ 1.</returns>
    /// <exception cref="ArgumentException">ε ≤ 0, δ outside (0, 1), or a NaN or infinite value.</exception>
    /// <exception cref="NotSupportedException">The bound is the KL variant: KL is not a metric and Prop. 4.1 uses
    /// total-variation identities.</exception>
    public double SampleComplexity(double epsilon, double delta)
        => _terms.SampleComplexity(epsilon, delta);

    /// <summary>
    /// The approximation error of Fig. 1, ε = 2B̄·√(log(2/δ)/N): with R̂_pre = 0 and probability ≥ 1 − δ,
    /// E‖Q*(S,·) − Q_f(S,·)‖₁ ≤ ε (Prop. 4.1 inverted; twice <see cref="Gap"/>). Total variation only.
    /// </summary>
    /// <param name="sampleCount">The number of training tokens N, finite and ≥ 1.</param>
    /// <param name="delta">δ ∈ (0, 1).</param>
    /// <returns>ε ≥ 0.</returns>
    /// <exception cref="ArgumentException">N &lt; 1, δ outside (0, 1), or a NaN or infinite value.</exception>
    /// <exception cref="NotSupportedException">The bound is the KL variant.</exception>
    public double ApproximationError(double sampleCount, double delta)
        => _terms.ApproximationError(sampleCount, delta);

    /// <summary>A one-line summary of the inputs and B̄.</summary>
    /// <returns>The summary.</returns>
    public override string ToString() => BoundText.Inv(
        $"PretrainingBound({_terms.DivergenceLabel}: T = {VocabularySize}, B_U = {BoundText.G(UnembeddingNorm)}, τ = " +
        $"{BoundText.G(Temperature)}, c_0 = {(MinimumProbability is { } c ? BoundText.G(c) : "omitted")}, ‖Γ‖ = " +
        $"{BoundText.G(GammaNorm)}, B̄ = {BoundText.G(Constant)})");
}
