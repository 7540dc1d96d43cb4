// The guards throw on behalf of the public members that call them, naming those members' parameters.
#pragma warning disable CA2208

using System.Globalization;

namespace LlmChains.Bounds.Internals;

/// <summary>
/// Argument checks shared by the bound calculators. Every failure is an <see cref="ArgumentOutOfRangeException"/>
/// (an <see cref="ArgumentException"/>) whose parameter name is the caller's and whose message names the symbol,
/// the allowed range and the offending value. NaN fails every check.
/// </summary>
internal static class BoundGuard
{
    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>T ≥ 1 (or d ≥ 1).</summary>
    internal static void Count(long value, string name, string symbol)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"The {symbol} must be ≥ 1; got {value}.");
        }
    }

    /// <summary>A finite value ≥ 0 (B_U, B_1, …).</summary>
    internal static void NonNegative(double value, string name, string symbol)
    {
        if (!(value >= 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"The {symbol} must be finite and ≥ 0; got {Format(value)}.");
        }
    }

    /// <summary>A finite value &gt; 0 (τ, t_min).</summary>
    internal static void Positive(double value, string name, string symbol)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"The {symbol} must be finite and > 0; got {Format(value)}.");
        }
    }

    /// <summary>A probability in (0, 1] (c_0, p_min).</summary>
    internal static void Probability(double value, string name, string symbol)
    {
        if (!(value > 0 && value <= 1))
        {
            throw new ArgumentOutOfRangeException(name, value, $"The {symbol} must be in (0, 1]; got {Format(value)}.");
        }
    }

    /// <summary>The confidence parameter δ ∈ (0, 1).</summary>
    internal static void Delta(double delta, string name = "delta")
    {
        if (!(delta > 0 && delta < 1))
        {
            throw new ArgumentOutOfRangeException(name, delta, $"The confidence parameter δ must be in (0, 1); got {Format(delta)}.");
        }
    }

    /// <summary>A target accuracy ε &gt; 0, finite.</summary>
    internal static void Epsilon(double epsilon, string name = "epsilon")
    {
        if (!(epsilon > 0) || double.IsInfinity(epsilon))
        {
            throw new ArgumentOutOfRangeException(name, epsilon, $"The target accuracy ε must be finite and > 0; got {Format(epsilon)}.");
        }
    }

    /// <summary>A sample count N ≥ 1, finite.</summary>
    internal static void SampleCount(double sampleCount, string name = "sampleCount")
    {
        if (!(sampleCount >= 1) || double.IsInfinity(sampleCount))
        {
            throw new ArgumentOutOfRangeException(
                name,
                sampleCount,
                $"The sample count N must be finite and ≥ 1; got {Format(sampleCount)}.");
        }
    }

    /// <summary>The mixing-matrix norm ‖Γ‖ ≥ 1 (Γ has a unit diagonal), finite.</summary>
    internal static void GammaNorm(double gammaNorm, string name = "gammaNorm")
    {
        if (!(gammaNorm >= 1) || double.IsInfinity(gammaNorm))
        {
            throw new ArgumentOutOfRangeException(
                name,
                gammaNorm,
                $"The mixing-matrix norm ‖Γ‖ must be finite and ≥ 1 (Γ has a unit diagonal); got {Format(gammaNorm)}.");
        }
    }
}
