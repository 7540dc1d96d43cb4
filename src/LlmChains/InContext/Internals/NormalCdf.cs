using MathNet.Numerics;

namespace LlmChains.InContext.Internals;

/// <summary>Interval probabilities of a normal law, accurate in both tails.</summary>
internal static class NormalCdf
{
    /// <summary>Φ(z) = ½·erfc(−z/√2).</summary>
    internal static double Cdf(double z) => 0.5 * SpecialFunctions.Erfc(-z / Math.Sqrt(2));

    /// <summary>P(a ≤ Z &lt; b) for Z ~ N(0, 1), computed from the upper tail when both ends are positive (no cancellation).</summary>
    internal static double Interval(double a, double b)
    {
        if (!(b > a) || a > 39 || b < -39)
        {
            return 0; // Φ(−39) ≈ 1e−333 is below the smallest double
        }

        if (a >= 0)
        {
            return Math.Max(0, Cdf(-a) - Cdf(-b));
        }

        return Math.Max(0, Cdf(b) - Cdf(a));
    }
}
