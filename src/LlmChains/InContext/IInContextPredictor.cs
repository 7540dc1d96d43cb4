namespace LlmChains.InContext;

/// <summary>
/// Something that learns a Markov chain in context: given a trajectory X_1 … X_L of a d-state chain, it returns for every
/// n = 1 … L − 1 its predicted next-state distribution P̂(X_{n+1} = · | X_1 … X_n) ∈ Δ_d (the paper's setting of Thm.
/// 4.3).
/// </summary>
/// <remarks>
/// Prediction n may use X_1 … X_n only. (The one exception is documented by <see cref="HierarchyPdfPredictor"/>: as in
/// Liu et al., the digits of X_{n+1} choose where its multi-resolution PDF is refined, never the probabilities.)
/// Implementations must be deterministic: the experiment runner's results depend only on its seed.
/// </remarks>
public interface IInContextPredictor
{
    /// <summary>A short name for reports and plots ("frequentist", "Bayes (α = 1)", …).</summary>
    string Name { get; }

    /// <summary>
    /// Whether <see cref="Predict"/> may be called from several threads at once; otherwise the runner serialises the
    /// calls.
    /// </summary>
    bool SupportsConcurrentCalls { get; }

    /// <summary>Writes the L − 1 predictions for the trajectory.</summary>
    /// <param name="trajectory">X_1 … X_L, L ≥ 2, states in 0..d−1.</param>
    /// <param name="stateCount">d ≥ 2.</param>
    /// <param name="predictions">Destination of (L − 1)·d values, row-major: row n − 1 is the prediction after X_1 …
    /// X_n; each row sums to 1.</param>
    /// <param name="cancellationToken">Checked between positions by slow predictors.</param>
    /// <exception cref="ArgumentException">d &lt; 2, L &lt; 2, a state out of range, a destination of the wrong length,
    /// or a d the predictor does not support.</exception>
    void Predict(ReadOnlySpan<int> trajectory, int stateCount, Span<double> predictions, CancellationToken cancellationToken = default);
}
