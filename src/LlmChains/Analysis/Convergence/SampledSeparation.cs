using System.Globalization;

namespace LlmChains.Analysis.Convergence;

/// <summary>
/// The lower bound on TV(μQ^t, νQ^t) at one t from a separating event A (a set of bins of the projection f, chosen on
/// the first half of the pairs): on the other <see cref="Trials"/> pairs (X_t, Y_t), <see cref="Above"/> have
/// f(X_t) ∈ A and f(Y_t) ∉ A, and <see cref="Below"/> the reverse. With p₊ and p₋ their probabilities,
/// p₊ − p₋ = P(f(X_t) ∈ A) − P(f(Y_t) ∈ A) ≤ TV(μQ^t, νQ^t).
/// </summary>
/// <param name="EventBins">|A|, the number of bins in the event (0 when the first half saw no excess anywhere).</param>
/// <param name="Above">k₊, the pairs with f(X_t) ∈ A and f(Y_t) ∉ A.</param>
/// <param name="Below">k₋, the pairs with f(Y_t) ∈ A and f(X_t) ∉ A.</param>
/// <param name="Trials">N₂ ≥ 1, the pairs of the second half.</param>
/// <param name="Lower">
/// The lower confidence limit max(0, L₊ − U₋): L₊ the one-sided 1 − α/4 Clopper–Pearson lower limit of p₊ and U₋ the
/// one-sided 1 − α/4 upper limit of p₋, so it exceeds TV(μQ^t, νQ^t) with probability ≤ α/2 (α = 1 − confidence).
/// </param>
public readonly record struct SampledSeparation(int EventBins, int Above, int Below, int Trials, double Lower)
{
    /// <summary>(k₊ − k₋)/N₂: an unbiased estimate of P(f(X_t) ∈ A) − P(f(Y_t) ∈ A), itself ≤ TV(μQ^t, νQ^t) (it may be
    /// negative).</summary>
    public double Estimate => (double)(Above - Below) / Trials;

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Estimate:G4} (≥ {Lower:G4}; {Above}−{Below} of {Trials}, |A| = {EventBins})");

    /// <summary>Computes the limit from the counts at level 1 − α = <paramref name="confidence"/>.</summary>
    internal static SampledSeparation From(int eventBins, int above, int below, int trials, double confidence)
    {
        double sided = 1 - ((1 - confidence) / 2); // two-sided at 1 − α/2: each side misses with probability ≤ α/4
        double lower = ProportionEstimate.ClopperPearson(above, trials, sided)
            .Lower - ProportionEstimate.ClopperPearson(below, trials, sided)
            .Upper;
        return new SampledSeparation(eventBins, above, below, trials, Math.Max(0, lower));
    }
}
