using LlmChains.Analysis.Convergence;
using LlmChains.Bounds.Internals;

namespace LlmChains.Bounds;

/// <summary>
/// The depth-aware pre-training bound of Cor. E.3 (total variation) or Cor. E.6 (KL) of Zekri et al. (arXiv 2410.02724),
/// for the stricter parameter class W̃ (no LayerNorm; see <see cref="TransformerNormBounds"/>): Thm. 4.2 / E.5 with B_U/τ
/// replaced by (B_Θ)^L/τ, where B_Θ = [(1 + r·m·B_1·B_2)(1 + (r³/H)·B_O·B_V)]·(B_tok·B_U)^{1/L}, that is
/// (B_Θ)^L = [(1 + r·m·B_1·B_2)(1 + (r³/H)·B_O·B_V)]^L·B_tok·B_U (Lemma F.15). With M = max{log T + 2(B_Θ)^L/τ, log(1/c_0)},
/// B̄ = 2‖Γ‖·√M (total variation) or √2·‖Γ‖·M (KL).
/// </summary>
/// <remarks>
/// B̄ grows exponentially with the depth L; the number of heads H offsets the r³ term (the paper's reading of Cor.
/// E.3). (B_Θ)^L is computed as
/// LayerFactor^L·B_tok·B_U, without the 1/L-th root, so it is exact when B_tok·B_U = 0. Instances are immutable.
/// </remarks>
public sealed class DepthAwarePretrainingBound : IGeneralizationBound
{
    private readonly PretrainingTerms _terms;

    /// <summary>Creates the bound and validates every input.</summary>
    /// <param name="norms">The architecture sizes and weight-norm bounds (r, m, H, L, B_1, B_2, B_O, B_V, B_tok, B_U).</param>
    /// <param name="vocabularySize">The vocabulary size T ≥ 1.</param>
    /// <param name="temperature">The softmax temperature τ, finite and &gt; 0.</param>
    /// <param name="minimumProbability">c_0 ∈ (0, 1], or <see langword="null"/> to drop the log(1/c_0) term (App. E.1.1).</param>
    /// <param name="gammaNorm">‖Γ‖ ≥ 1; default 1 (independent windows).</param>
    /// <param name="divergence">Total variation (Cor. E.3, default) or KL (Cor. E.6).</param>
    /// <exception cref="ArgumentException">A field of <paramref name="norms"/> is invalid, T &lt; 1, τ ≤ 0, c_0 outside
    /// (0, 1], ‖Γ‖ &lt; 1, a NaN value, or (B_Θ)^L overflows a double.</exception>
    public DepthAwarePretrainingBound(
        TransformerNormBounds norms,
        int vocabularySize,
        double temperature,
        double? minimumProbability = null,
        double gammaNorm = 1,
        BoundDivergence divergence = BoundDivergence.TotalVariation)
    {
        norms.Validate();
        BoundGuard.Count(vocabularySize, nameof(vocabularySize), "vocabulary size T");
        PretrainingTerms.Validate(temperature, minimumProbability, gammaNorm, divergence);

        double layerFactor = norms.LayerFactor;
        double thetaToDepth = Math.Pow(layerFactor, norms.LayerCount) * norms.TokenNorm * norms.UnembeddingNorm;
        if (double.IsInfinity(thetaToDepth) || double.IsNaN(thetaToDepth))
        {
            throw new ArgumentOutOfRangeException(
                nameof(norms),
                norms,
                BoundText.Inv(
                    $"(B_Θ)^L = {BoundText.G(layerFactor)}^{norms.LayerCount}·B_tok·B_U overflows a double; reduce " +
                    $"the depth L or the weight norms."));
        }

        Norms = norms;
        VocabularySize = vocabularySize;
        Temperature = temperature;
        MinimumProbability = minimumProbability;
        GammaNorm = gammaNorm;
        Divergence = divergence;
        LayerFactor = layerFactor;
        ThetaNormToDepth = thetaToDepth;
        ThetaNorm = layerFactor * Math.Pow(norms.TokenNorm * norms.UnembeddingNorm, 1.0 / norms.LayerCount);
        _terms = new PretrainingTerms(vocabularySize, thetaToDepth, temperature, minimumProbability, gammaNorm, divergence);
        Assumptions = BoundText.Pretraining(
            divergence == BoundDivergence.TotalVariation
                ? "Cor. E.3 (total variation): with probability ≥ 1 − δ, R_pre(Θ) ≤ R̂_pre(Θ) + B̄·√(log(2/δ)/N), B̄ = " +
                  "2‖Γ‖·√max{log T + 2(B_Θ)^L/τ, log(1/c_0)}."
                : "Cor. E.6 (Kullback–Leibler): with probability ≥ 1 − δ, R_pre(Θ) ≤ R̂_pre(Θ) + B̄·√(log(2/δ)/N), B̄ = " +
                  "√2·‖Γ‖·max{log T + 2(B_Θ)^L/τ, log(1/c_0)}.",
            BoundText.Inv(
                $"Parameters in W̃ (no LayerNorm): r = {norms.EmbeddingDimension}, m = {norms.FeedForwardWidth}, H = " +
                $"{norms.HeadCount}, L = {norms.LayerCount}; per layer max|W_1| ≤ " +
                $"{BoundText.G(norms.FeedForwardInputNorm)}, max|W_2| ≤ {BoundText.G(norms.FeedForwardOutputNorm)}, " +
                $"max|W_O| ≤ {BoundText.G(norms.AttentionOutputNorm)}, max|W_V| ≤ " +
                $"{BoundText.G(norms.AttentionValueNorm)}; input tokens have ℓ1 norm ≤ B_tok = " +
                $"{BoundText.G(norms.TokenNorm)}; ‖W_U^⊤‖_{{2,1}} ≤ B_U = {BoundText.G(norms.UnembeddingNorm)}; so " +
                $"(B_Θ)^L = {BoundText.G(thetaToDepth)}."),
            _terms.ModelTerm,
            "log T + 2(B_Θ)^L/τ",
            minimumProbability,
            gammaNorm,
            divergence,
            temperature).AsReadOnly();
    }

    /// <summary>The architecture sizes and weight-norm bounds.</summary>
    public TransformerNormBounds Norms { get; }

    /// <summary>The vocabulary size T.</summary>
    public int VocabularySize { get; }

    /// <summary>The temperature τ.</summary>
    public double Temperature { get; }

    /// <summary>c_0, or <see langword="null"/> when the log(1/c_0) term is dropped.</summary>
    public double? MinimumProbability { get; }

    /// <summary>The mixing-matrix norm ‖Γ‖.</summary>
    public double GammaNorm { get; }

    /// <summary>Total variation (Cor. E.3) or KL (Cor. E.6).</summary>
    public BoundDivergence Divergence { get; }

    /// <summary>(1 + r·m·B_1·B_2)(1 + (r³/H)·B_O·B_V).</summary>
    public double LayerFactor { get; }

    /// <summary>B_Θ = LayerFactor·(B_tok·B_U)^{1/L}.</summary>
    public double ThetaNorm { get; }

    /// <summary>(B_Θ)^L = LayerFactor^L·B_tok·B_U, the quantity that replaces B_U in Thm. 4.2.</summary>
    public double ThetaNormToDepth { get; }

    /// <summary>The model term log T + 2(B_Θ)^L/τ.</summary>
    public double ModelTerm => _terms.ModelTerm;

    /// <summary>log(1/c_0), or <see langword="null"/> when c_0 was not given.</summary>
    public double? LanguageTerm => _terms.LanguageTerm;

    /// <summary>Whether the log(1/c_0) term is part of the maximum.</summary>
    public bool LanguageTermIncluded => LanguageTerm is not null;

    /// <summary>Whether log(1/c_0) exceeds the model term.</summary>
    public bool LanguageTermDominates => LanguageTerm > ModelTerm;

    /// <summary>M = max{log T + 2(B_Θ)^L/τ, log(1/c_0)}.</summary>
    public double MaxTerm => _terms.MaxTerm;

    /// <summary>B̄ = 2‖Γ‖·√M (total variation) or √2·‖Γ‖·M (KL).</summary>
    public double Constant => _terms.Constant;

    /// <summary>
    /// The τ* = 2(B_Θ)^L/(log(1/c_0) − log T) above which the language term sets B̄; +∞ when log(1/c_0) ≤ log T;
    /// <see langword="null"/> without c_0.
    /// </summary>
    public double? ThresholdTemperature => _terms.ThresholdTemperature;

    /// <summary>
    /// The floor 1/(T·exp(2(B_Θ)^L/τ)) = exp(−model term) on every next-token probability of a model in the class
    /// (Lemmas F.7–F.8: softmax(x)_i ≥ 1/(T·e^{2‖x‖₁})).
    /// </summary>
    public double ModelProbabilityFloor => Math.Exp(-ModelTerm);

    /// <summary>
    /// The bound on each term d(P_L(·|S_n), P_Θ(·|S_n)) of the empirical risk: c₂ = √(2M) for total variation (Cor. F.10),
    /// M for KL (Lemma E.4). B̄ = √2·‖Γ‖·c₂ (TV) or √2·‖Γ‖·M (KL).
    /// </summary>
    public double PerTermBound => _terms.PerTermBound;

    /// <summary>What the numbers assume, one sentence each.</summary>
    public IReadOnlyList<string> Assumptions { get; }

    /// <inheritdoc/>
    public double Gap(double sampleCount, double delta)
        => _terms.Gap(sampleCount, delta);

    /// <summary>
    /// N* = ⌈4B̄²/ε²·log(2/δ)⌉ (Prop. 4.1 with this B̄), the smallest N with <see cref="ApproximationError"/> ≤ ε.
    /// Total variation only.
    /// </summary>
    /// <param name="epsilon">The target E‖·‖₁, finite and &gt; 0.</param>
    /// <param name="delta">δ ∈ (0, 1).</param>
    /// <returns>N*, an integer ≥ 1.</returns>
    /// <exception cref="ArgumentException">ε ≤ 0, δ outside (0, 1), or a NaN or infinite value.</exception>
    /// <exception cref="NotSupportedException">The KL variant (Cor. E.6).</exception>
    public double SampleComplexity(double epsilon, double delta)
        => _terms.SampleComplexity(epsilon, delta);

    /// <summary>ε = 2B̄·√(log(2/δ)/N), the bound on E‖Q*(S,·) − Q_f(S,·)‖₁ with R̂_pre = 0. Total variation only.</summary>
    /// <param name="sampleCount">N, finite and ≥ 1.</param>
    /// <param name="delta">δ ∈ (0, 1).</param>
    /// <returns>ε ≥ 0.</returns>
    /// <exception cref="ArgumentException">N &lt; 1, δ outside (0, 1), or a NaN or infinite value.</exception>
    /// <exception cref="NotSupportedException">The KL variant (Cor. E.6).</exception>
    public double ApproximationError(double sampleCount, double delta)
        => _terms.ApproximationError(sampleCount, delta);

    /// <summary>A one-line summary of the inputs, (B_Θ)^L and B̄.</summary>
    /// <returns>The summary.</returns>
    public override string ToString() => BoundText.Inv(
        $"DepthAwarePretrainingBound({_terms.DivergenceLabel}: T = {VocabularySize}, L = {Norms.LayerCount}, (B_Θ)^L " +
        $"= {BoundText.G(ThetaNormToDepth)}, τ = {BoundText.G(Temperature)}, c_0 = " +
        $"{(MinimumProbability is { } c ? BoundText.G(c) : "omitted")}, ‖Γ‖ = {BoundText.G(GammaNorm)}, B̄ = " +
        $"{BoundText.G(Constant)})");
}
