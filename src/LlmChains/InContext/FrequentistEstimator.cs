using LlmChains.InContext.Internals;

namespace LlmChains.InContext;

/// <summary>
/// The counting (frequentist) estimator of a Markov chain from the prompt prefix (the paper's frequentist
/// baseline, after Wolfer and Kontorovich 2019; App. E.1.2, Figs. 7, 16 and 18): after X_1 … X_n, with N_{x→y} the
/// number of transitions x → y among (X_i, X_{i+1}), i &lt; n, and
/// N_x = Σ_y N_{x→y}, the prediction for X_{n+1} is row X_n of
/// P̂(x, y) = (N_{x→y} + α)/(N_x + dα), and the uniform row 1/d when N_x = 0 (the paper gives no convention for unseen
/// states; this one is common).
/// </summary>
/// <remarks>α = 0 (default) is the maximum-likelihood estimator; α &gt; 0 is add-α (Laplace for α = 1). O(L·d) time and
/// d² counts per call. Stateless and thread-safe.</remarks>
public sealed class FrequentistEstimator : IInContextPredictor
{
    /// <summary>Creates the estimator.</summary>
    /// <param name="smoothing">α ≥ 0, finite; default 0 (no smoothing).</param>
    /// <exception cref="ArgumentOutOfRangeException">α is negative, NaN or infinite.</exception>
    public FrequentistEstimator(double smoothing = 0)
    {
        if (!(smoothing >= 0) || double.IsInfinity(smoothing))
        {
            throw new ArgumentOutOfRangeException(
                nameof(smoothing),
                smoothing,
                InContextGuard.Inv($"The add-α smoothing must be finite and ≥ 0; got {smoothing}."));
        }

        Smoothing = smoothing;
        Name = smoothing == 0 ? "frequentist" : InContextGuard.Inv($"frequentist (add-{smoothing:G4})");
    }

    /// <summary>α of add-α smoothing (0: none).</summary>
    public double Smoothing { get; }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public bool SupportsConcurrentCalls => true;

    /// <inheritdoc/>
    public void Predict(
        ReadOnlySpan<int> trajectory,
        int stateCount,
        Span<double> predictions,
        CancellationToken cancellationToken = default)
    {
        InContextGuard.PredictorCall(trajectory, stateCount, predictions);
        CountingPredictor.Predict(trajectory, stateCount, predictions, null, Smoothing, cancellationToken);
    }
}
