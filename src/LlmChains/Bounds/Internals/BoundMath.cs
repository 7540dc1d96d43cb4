namespace LlmChains.Bounds.Internals;

/// <summary>The arithmetic shared by the bound calculators (Thm. 4.2, Prop. 4.1, App. E.3, Thm. 4.3, Prop.
/// E.2).</summary>
internal static class BoundMath
{
    /// <summary>Above this the integers are no longer exact doubles and N is returned without the ±1 check.</summary>
    private const double ExactIntegerLimit = 4503599627370496.0; // 2^52

    /// <summary>The model term log(size) + 2·norm/τ of M (Prop. F.9; size = T or d, norm = B_U or (B_Θ)^L).</summary>
    internal static double ModelTerm(double size, double norm, double temperature) => Math.Log(size) + (2 * norm / temperature);

    /// <summary>The language term log(1/c) of M (c = c_0 or p_min).</summary>
    internal static double LanguageTerm(double probability) => -Math.Log(probability);

    /// <summary>√log(2/δ).</summary>
    internal static double ConfidenceFactor(double delta) => Math.Sqrt(Math.Log(2 / delta));

    /// <summary>The generalization term B̄·√(scale/N)·√log(2/δ).</summary>
    internal static double Gap(double constant, double scale, double sampleCount, double delta)
        => constant * Math.Sqrt(scale / sampleCount) * ConfidenceFactor(delta);

    /// <summary>The bound on E‖·‖₁ = 2·gap (the TV identity of Prop. 4.1).</summary>
    internal static double ApproximationError(double constant, double scale, double sampleCount, double delta)
        => 2 * Gap(constant, scale, sampleCount, delta);

    /// <summary>
    /// ⌈4·B̄²·scale·log(2/δ)/ε²⌉ (Prop. 4.1 and E.2 with scale = 1, Thm. 4.3 inverted with scale = t_min), at least 1,
    /// then moved by at most a few units so that it is exactly the smallest integer N ≥ 1 whose
    /// <see cref="ApproximationError"/> (as evaluated in floating point) is ≤ ε.
    /// </summary>
    internal static double SampleComplexity(double constant, double scale, double epsilon, double delta)
    {
        double estimate = Math.Ceiling(4 * constant * constant * scale * Math.Log(2 / delta) / (epsilon * epsilon));
        return SmallestSatisfying(estimate, n => ApproximationError(constant, scale, n, delta) <= epsilon);
    }

    /// <summary>
    /// Adjusts an estimate of the smallest integer N ≥ 1 with <paramref name="satisfied"/>(N), assuming it is monotone
    /// (false, …, false, true, …). Below 2^52 the result is exact; above it the estimate is only raised, by the fewest
    /// representable steps, until it satisfies the predicate.
    /// </summary>
    internal static double SmallestSatisfying(double estimate, Func<double, bool> satisfied)
    {
        double n = Math.Max(1, estimate);
        if (double.IsNaN(n) || double.IsInfinity(n))
        {
            return n;
        }

        if (n > ExactIntegerLimit)
        {
            // beyond 2^52 not every integer is a double: only make sure the returned N satisfies the target
            for (int i = 0; i < 64 && !satisfied(n); i++)
            {
                n = Math.BitIncrement(n);
            }

            return n;
        }

        for (int i = 0; i < 64 && !satisfied(n); i++)
        {
            n++;
        }

        for (int i = 0; i < 64 && n > 1 && satisfied(n - 1); i++)
        {
            n--;
        }

        return n;
    }

    /// <summary>
    /// The temperature τ* at which log(size) + 2·norm/τ* = log(1/c): for τ ≥ τ* the language term sets the maximum.
    /// +∞ when log(1/c) ≤ log(size) (the model term dominates at every τ); 0 when norm = 0 and log(1/c) &gt; log(size).
    /// </summary>
    internal static double ThresholdTemperature(double size, double norm, double probability)
    {
        double excess = LanguageTerm(probability) - Math.Log(size);
        return excess <= 0 ? double.PositiveInfinity : 2 * norm / excess;
    }
}
