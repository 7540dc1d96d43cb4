using System.Globalization;
using LlmChains.Analysis.Convergence.Internals;

namespace LlmChains.Analysis.Convergence;

/// <summary>
/// An estimated probability p from <see cref="Successes"/> out of <see cref="Trials"/> independent Bernoulli(p) draws,
/// with its exact (Clopper–Pearson) two-sided confidence interval [<see cref="Lower"/>, <see cref="Upper"/>].
/// </summary>
/// <param name="Successes">k, the number of draws that hit.</param>
/// <param name="Trials">N ≥ 1, the number of draws.</param>
/// <param name="Lower">The lower limit: the α/2 quantile of Beta(k, N − k + 1), 0 when k = 0.</param>
/// <param name="Upper">The upper limit: the 1 − α/2 quantile of Beta(k + 1, N − k), 1 when k = N.</param>
public readonly record struct ProportionEstimate(int Successes, int Trials, double Lower, double Upper)
{
    /// <summary>The point estimate k/N.</summary>
    public double Estimate => (double)Successes / Trials;

    /// <summary>
    /// The Clopper–Pearson interval at level <paramref name="confidence"/> = 1 − α: it covers p with probability at least
    /// 1 − α for every p (it is conservative), and each side misses with probability at most α/2.
    /// </summary>
    /// <param name="successes">k in 0..N.</param>
    /// <param name="trials">N ≥ 1.</param>
    /// <param name="confidence">1 − α in (0, 1).</param>
    /// <exception cref="ArgumentException">N &lt; 1, k outside 0..N, or the confidence outside (0, 1).</exception>
    public static ProportionEstimate ClopperPearson(int successes, int trials, double confidence)
    {
        if (trials < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(trials), trials, string.Create(CultureInfo.InvariantCulture, $"trials must be ≥ 1; got {trials}."));
        }

        if (successes < 0 || successes > trials)
        {
            throw new ArgumentOutOfRangeException(
                nameof(successes),
                successes,
                string.Create(CultureInfo.InvariantCulture, $"successes must lie in 0..{trials}; got {successes}."));
        }

        if (!(confidence > 0 && confidence < 1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(confidence),
                confidence,
                string.Create(CultureInfo.InvariantCulture, $"confidence must lie in (0, 1); got {confidence:R}."));
        }

        double alpha = 1 - confidence;
        double lower = successes == 0 ? 0 : BetaQuantile.Inverse(successes, trials - successes + 1, alpha / 2);
        double upper = successes == trials ? 1 : BetaQuantile.Inverse(successes + 1, trials - successes, 1 - (alpha / 2));
        return new ProportionEstimate(successes, trials, lower, upper);
    }

    /// <summary>Whether <paramref name="p"/> lies in [<see cref="Lower"/>, <see cref="Upper"/>].</summary>
    /// <param name="p">A probability.</param>
    public bool Covers(double p) => p >= Lower && p <= Upper;

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Estimate:G4} [{Lower:G4}, {Upper:G4}] ({Successes}/{Trials})");
}
