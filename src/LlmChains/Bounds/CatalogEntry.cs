using LlmChains.Bounds.Internals;

namespace LlmChains.Bounds;

/// <summary>
/// One model of Table 2 of Zekri et al. (arXiv 2410.02724): its number of training tokens N_train, vocabulary size T and
/// embedding dimension r, with the unembedding-norm bound B_U the paper uses for Fig. 1 (T√r, App. E.1.1) unless
/// overridden with <c>model with { UnembeddingNorm = … }</c>.
/// </summary>
public sealed record CatalogEntry
{
    private readonly double? _unembeddingNorm;

    /// <summary>Creates a catalog entry and validates it.</summary>
    /// <param name="name">The model's name, not empty.</param>
    /// <param name="trainingTokens">N_train, finite and ≥ 1.</param>
    /// <param name="vocabularySize">T ≥ 1.</param>
    /// <param name="embeddingDimension">r ≥ 1.</param>
    /// <exception cref="ArgumentException">An empty name, or a value out of range.</exception>
    public CatalogEntry(string name, double trainingTokens, int vocabularySize, int embeddingDimension)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        BoundGuard.SampleCount(trainingTokens, nameof(trainingTokens));
        BoundGuard.Count(vocabularySize, nameof(vocabularySize), "vocabulary size T");
        BoundGuard.Count(embeddingDimension, nameof(embeddingDimension), "embedding dimension r");
        Name = name;
        TrainingTokens = trainingTokens;
        VocabularySize = vocabularySize;
        EmbeddingDimension = embeddingDimension;
    }

    /// <summary>The model's name as in Table 2.</summary>
    public string Name { get; }

    /// <summary>The number of pre-training tokens N_train.</summary>
    public double TrainingTokens { get; }

    /// <summary>The vocabulary size T.</summary>
    public int VocabularySize { get; }

    /// <summary>The embedding dimension r.</summary>
    public int EmbeddingDimension { get; }

    /// <summary>
    /// B_U: T√r by default (the paper's estimate of ‖W_U^⊤‖_{2,1}, App. E.1.1), or the value set with <c>with { UnembeddingNorm = … }</c>
    /// (finite, ≥ 0).
    /// </summary>
    /// <exception cref="ArgumentException">A negative, NaN or infinite value is set.</exception>
    public double UnembeddingNorm
    {
        get => _unembeddingNorm ?? DefaultUnembeddingNorm;
        init
        {
            BoundGuard.NonNegative(value, nameof(UnembeddingNorm), "unembedding norm B_U");
            _unembeddingNorm = value;
        }
    }

    /// <summary>T√r, the paper's B_U for Fig. 1.</summary>
    public double DefaultUnembeddingNorm => VocabularySize * Math.Sqrt(EmbeddingDimension);

    /// <summary>Whether <see cref="UnembeddingNorm"/> was overridden.</summary>
    public bool IsUnembeddingNormOverridden => _unembeddingNorm is not null;

    /// <summary>The Thm. 4.2 bound of this model: B̄ = 2‖Γ‖·√(log T + 2B_U/τ) with c_0 dropped unless given (App. E.1.1).</summary>
    /// <param name="temperature">τ, finite and &gt; 0; the paper takes τ ≈ 1.</param>
    /// <param name="gammaNorm">‖Γ‖ ≥ 1; the paper takes 1.</param>
    /// <param name="minimumProbability">c_0 ∈ (0, 1], or <see langword="null"/> (the paper drops the term).</param>
    /// <returns>The bound.</returns>
    /// <exception cref="ArgumentException">τ, ‖Γ‖ or c_0 out of range.</exception>
    public PretrainingBound ToPretrainingBound(double temperature = 1, double gammaNorm = 1, double? minimumProbability = null)
        => new(VocabularySize, UnembeddingNorm, temperature, minimumProbability, gammaNorm);

    /// <summary>
    /// The Fig. 1 approximation error ε = 2B̄·√(log(2/δ)/N_train) with τ = 1, ‖Γ‖ = 1 and no c_0 term, the
    /// simplifications of App. E.1.1.
    /// δ = 0.05 reproduces the plotted range; δ = 2/e gives the table's "√log(2/δ) = 1" column.
    /// </summary>
    /// <param name="delta">δ ∈ (0, 1).</param>
    /// <param name="temperature">τ, finite and &gt; 0; default 1.</param>
    /// <returns>ε (a fraction; Fig. 1 plots it ×1e−2).</returns>
    /// <exception cref="ArgumentException">δ outside (0, 1), or τ ≤ 0.</exception>
    public double ApproximationError(double delta, double temperature = 1)
        => ToPretrainingBound(temperature).ApproximationError(TrainingTokens, delta);
}
