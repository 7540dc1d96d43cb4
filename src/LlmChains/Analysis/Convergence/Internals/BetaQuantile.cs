using MathNet.Numerics;

namespace LlmChains.Analysis.Convergence.Internals;

/// <summary>Quantiles of the Beta distribution by bisection on the regularized incomplete beta function (monotone,
/// always converges).</summary>
internal static class BetaQuantile
{
    /// <summary>The x in [0, 1] with I_x(a, b) = p, to about 1e−17 absolute (64 bisections).</summary>
    internal static double Inverse(double a, double b, double p)
    {
        double lo = 0, hi = 1;
        for (int i = 0; i < 64; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi)
            {
                break;
            }

            if (SpecialFunctions.BetaRegularized(a, b, mid) < p)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return 0.5 * (lo + hi);
    }
}
