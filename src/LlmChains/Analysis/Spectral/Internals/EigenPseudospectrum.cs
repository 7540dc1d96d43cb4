using System.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace LlmChains.Analysis.Spectral.Internals;

/// <summary>
/// How far the ε-pseudospectrum Λ_ε(T) = {z : σ_min(T − zI) ≤ ε} of a small matrix reaches along the ray through one
/// of its eigenvalues: the moduli [inner, outer] of the connected stretch of the ray around λ inside Λ_ε.
/// </summary>
/// <remarks>
/// For a well-conditioned eigenvalue the stretch is about |λ| ± κ(λ)·ε (first-order perturbation theory); for a
/// defective one — a Jordan block of size ℓ, as in the nilpotent part of a context-free model's chain — it is about
/// |λ| ± ε^{1/ℓ}, which is how far rounding can actually move such eigenvalues. Every eigenvalue of T + E with
/// ‖E‖₂ ≤ ε lies in Λ_ε(T).
/// </remarks>
internal static class EigenPseudospectrum
{
    private const int Bisections = 20;

    /// <summary>
    /// The stretch [inner, outer] of moduli along the ray through <paramref name="lambda"/> inside Λ_ε(T), T real n×n
    /// row-major. On a real ray the singular values come from a real SVD unless <paramref name="complexArithmetic"/>
    /// (the tests' cross-check).
    /// </summary>
    public static (double Inner, double Outer) RayExtent(double[] t, int n, Complex lambda, double epsilon, bool complexArithmetic = false)
    {
        double modulus = Complex.Abs(lambda);
        Complex direction = modulus > 0 ? lambda / modulus : Complex.One;
        Func<double, bool> inside;
        if (direction.Imaginary == 0 && !complexArithmetic)
        {
            // a real ray (the SLEM of a chain is often real): T − zI is real, and the real SVD costs a fraction of the complex one
            var real = Matrix<double>.Build.Dense(n, n, (i, j) => t[(i * n) + j]);
            double sign = direction.Real;
            inside = radius =>
            {
                var shifted = real.Clone();
                double z = radius * sign;
                for (int i = 0; i < n; i++)
                {
                    shifted[i, i] -= z;
                }

                return shifted.Svd(computeVectors: false).S[n - 1] <= epsilon;
            };
        }
        else
        {
            var matrix = Matrix<Complex>.Build.Dense(n, n, (i, j) => t[(i * n) + j]);
            inside = radius =>
            {
                var shifted = matrix.Clone();
                Complex z = radius * direction;
                for (int i = 0; i < n; i++)
                {
                    shifted[i, i] -= z;
                }

                return shifted.Svd(computeVectors: false).S[n - 1].Real <= epsilon;
            };
        }

        double outer = Extend(modulus, +1, epsilon, inside, double.MaxValue);
        double inner = Extend(modulus, -1, epsilon, inside, modulus);
        return (modulus - inner, modulus + outer);
    }

    /// <summary>How far (≥ 0, ≤ <paramref name="limit"/>) from <paramref name="start"/> in direction
    /// <paramref name="sign"/> the ray stays inside.</summary>
    private static double Extend(double start, int sign, double epsilon, Func<double, bool> inside, double limit)
    {
        double step = Math.Max(epsilon, 1e-300);
        double good = 0;
        double bad = double.NaN;
        while (step <= Math.Min(limit, 4.0))
        {
            if (inside(start + (sign * step)))
            {
                good = step;
                step *= 4;
            }
            else
            {
                bad = step;
                break;
            }
        }

        if (double.IsNaN(bad))
        {
            return Math.Min(limit, Math.Max(good, step));
        }

        for (int i = 0; i < Bisections && bad - good > 1e-3 * bad; i++)
        {
            double middle = 0.5 * (good + bad);
            if (inside(start + (sign * middle)))
            {
                good = middle;
            }
            else
            {
                bad = middle;
            }
        }

        return bad;
    }
}
