using System.Globalization;
using LlmChains.Analysis.Convergence.Internals;
using LlmChains.Chains;

namespace LlmChains.Analysis.Convergence;

/// <summary>
/// Prop. 3.4: for an ergodic model chain and all n ≥ K, |(Q_f^n)_{ij} − π_j| ≤ (1 − 2ε)^{⌊n/K⌋−1}
/// with ε = min_{i, j ∈ ℛ} (Q_f^K)_{ij}; the first n at which that bound falls below a target, in closed form; and the
/// Dobrushin contraction coefficient δ(Q).
/// </summary>
/// <remarks>
/// ε ≤ T^{−K} ≤ ½ for T ≥ 2. A one-token vocabulary (T = 1) is a valid trivial chain with ε = 1: the base is taken as
/// max(0, 1 − 2ε) = 0, so the bound is 0 from n = 2K on (the chain is exactly at π from n = K − 1 on).
/// </remarks>
public static partial class ConvergenceBound
{
    /// <summary>
    /// The bound of Prop. 3.4, (1 − 2ε)^{⌊n/K⌋−1} for n ≥ K, and 1 for n &lt; K (where every |(Q^n)_{ij} − π_j| ≤ 1 holds
    /// trivially and the proposition says nothing). Computed as exp((⌊n/K⌋ − 1)·log1p(−2ε)), accurate for ε down to the
    /// smallest double.
    /// </summary>
    /// <param name="n">The number of steps, ≥ 0.</param>
    /// <param name="epsilon">ε in (0, 1] (ε ≤ T^{−K}: ≤ ½ for T ≥ 2, 1 for T = 1).</param>
    /// <param name="contextWindow">K ≥ 1.</param>
    /// <returns>The bound, in [0, 1], non-increasing in n.</returns>
    /// <exception cref="ArgumentException"><paramref name="n"/> &lt; 0, ε outside (0, 1], or K &lt; 1.</exception>
    public static double Bound(long n, double epsilon, int contextWindow)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ConvergenceGuard.CheckEpsilon(epsilon);
        ConvergenceGuard.CheckContextWindow(contextWindow);
        return BoundFromLogRate(n, Log1pMinusTwo(epsilon), contextWindow);
    }

    /// <summary>
    /// The bound of Prop. 3.4 from an <see cref="EpsilonResult"/>, using ln ε when ε itself underflows:
    /// log1p(−2ε) = −2ε(1 + ε + …) ≈ −2·exp(ln ε) there.
    /// </summary>
    /// <param name="n">The number of steps, ≥ 0.</param>
    /// <param name="epsilon">A positive ε (<see cref="EpsilonResult.IsPositive"/>).</param>
    /// <returns>The bound (1 − 2ε)^{⌊n/K⌋−1} for n ≥ K, 1 for n &lt; K.</returns>
    /// <exception cref="ArgumentException">ε = 0 (the proposition does not apply), or <paramref name="n"/> &lt; 0.</exception>
    public static double Bound(long n, EpsilonResult epsilon)
    {
        ArgumentNullException.ThrowIfNull(epsilon);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        return BoundFromLogRate(n, LogRate(epsilon), epsilon.ContextWindow);
    }

    /// <summary>
    /// The first n with <see cref="Bound(long, double, int)"/> ≤ <paramref name="target"/>, in closed form: with
    /// L = log1p(−2ε) &lt; 0, the exponent m = ⌊n/K⌋ − 1 must reach m* = max(1, ⌈ln(target)/L⌉), first at n = (m* + 1)·K.
    /// Never loops over n (with ε = 1e−6 as in Fig. 4(c), target 1/e gives 1,500,003 for K = 3 and 4,096,008,192 for K
    /// = 8192).
    /// </summary>
    /// <remarks>The ceiling is checked against the bound as <see cref="Bound(long, double, int)"/> evaluates it, so
    /// Bound(n) ≤ target &lt; Bound(n − 1) holds for the returned n in floating point too.</remarks>
    /// <param name="target">The level, in (0, 1).</param>
    /// <param name="epsilon">ε in (0, 1] (ε ≤ T^{−K}: ≤ ½ for T ≥ 2, 1 for T = 1).</param>
    /// <param name="contextWindow">K ≥ 1.</param>
    /// <returns>The first n.</returns>
    /// <exception cref="ArgumentException">target outside (0, 1), ε outside (0, 1], or K &lt; 1.</exception>
    /// <exception cref="OverflowException">n exceeds <see cref="long.MaxValue"/> (the message gives log10 n; use
    /// <see cref="Log10FirstStepBelow(double, double, int)"/>).</exception>
    public static long FirstStepBelow(double target, double epsilon, int contextWindow)
    {
        if (TryFirstStepBelow(target, epsilon, contextWindow, out long steps))
        {
            return steps;
        }

        throw new OverflowException(
            string.Create(CultureInfo.InvariantCulture, $"The first n with (1 − 2ε)^(⌊n/K⌋−1) ≤ {target:R} for ε = {epsilon:R}, K = ") +
            string.Create(CultureInfo.InvariantCulture, $"{contextWindow} is about ") +
            string.Create(CultureInfo.InvariantCulture, $"10^{Log10FirstStepBelow(target, epsilon, contextWindow):F2}, beyond a 64-bit ") +
            string.Create(CultureInfo.InvariantCulture, $"integer."));
    }

    /// <summary>As <see cref="FirstStepBelow(double, double, int)"/>, returning false instead of overflowing.</summary>
    /// <param name="target">The level, in (0, 1).</param>
    /// <param name="epsilon">ε in (0, 1] (ε ≤ T^{−K}: ≤ ½ for T ≥ 2, 1 for T = 1).</param>
    /// <param name="contextWindow">K ≥ 1.</param>
    /// <param name="steps">The first n, or <see cref="long.MaxValue"/> when it does not fit.</param>
    /// <returns>Whether n fits in a <see cref="long"/>.</returns>
    /// <exception cref="ArgumentException">target outside (0, 1), ε outside (0, 1], or K &lt; 1.</exception>
    public static bool TryFirstStepBelow(double target, double epsilon, int contextWindow, out long steps)
    {
        ConvergenceGuard.CheckOpenUnit(target, nameof(target));
        ConvergenceGuard.CheckEpsilon(epsilon);
        ConvergenceGuard.CheckContextWindow(contextWindow);
        double rate = Log1pMinusTwo(epsilon);
        double logTarget = Math.Log(target);
        long maxExponent = (long.MaxValue / contextWindow) - 1;
        double ratio = logTarget / rate; // > 0; +∞ when rate underflows to 0
        if (!(ratio < maxExponent))
        {
            steps = long.MaxValue;
            return false;
        }

        long m = Math.Max(1, (long)Math.Ceiling(ratio));

        // settle rounding at the boundary with the same expression Bound uses
        while (m > 1 && Math.Exp((m - 1) * rate) <= target)
        {
            m--;
        }

        while (Math.Exp(m * rate) > target)
        {
            if (m >= maxExponent)
            {
                steps = long.MaxValue;
                return false;
            }

            m++;
        }

        steps = (m + 1) * contextWindow;
        return true;
    }

    /// <summary>
    /// log10 of the first n with (1 − 2ε)^{⌊n/K⌋−1} ≤ <paramref name="target"/>, for any ε in (0, 1] however small:
    /// log10((m* + 1)·K) with m* as in <see cref="FirstStepBelow(double, double, int)"/>. Exact (the log10 of that
    /// integer) when n fits in a <see cref="long"/>.
    /// </summary>
    /// <param name="target">The level, in (0, 1).</param>
    /// <param name="epsilon">ε in (0, 1] (ε ≤ T^{−K}: ≤ ½ for T ≥ 2, 1 for T = 1).</param>
    /// <param name="contextWindow">K ≥ 1.</param>
    /// <returns>log10 n.</returns>
    /// <exception cref="ArgumentException">target outside (0, 1), ε outside (0, 1], or K &lt; 1.</exception>
    public static double Log10FirstStepBelow(double target, double epsilon, int contextWindow)
    {
        if (TryFirstStepBelow(target, epsilon, contextWindow, out long steps))
        {
            return Math.Log10(steps);
        }

        return Log10StepsFromLogRate(Math.Log(target), Math.Log(epsilon), contextWindow);
    }

    /// <summary>
    /// log10 of the first n with the Prop. 3.4 bound ≤ <paramref name="target"/> for an <see cref="EpsilonResult"/>,
    /// using ln ε when ε underflows (for example ε = 10^{−400} at very low temperature).
    /// </summary>
    /// <param name="target">The level, in (0, 1).</param>
    /// <param name="epsilon">A positive ε (<see cref="EpsilonResult.IsPositive"/>).</param>
    /// <returns>log10 n.</returns>
    /// <exception cref="ArgumentException">target outside (0, 1), or ε = 0.</exception>
    public static double Log10FirstStepBelow(double target, EpsilonResult epsilon)
    {
        ArgumentNullException.ThrowIfNull(epsilon);
        ConvergenceGuard.CheckOpenUnit(target, nameof(target));
        _ = LogRate(epsilon);
        if (epsilon.Epsilon > 0)
        {
            return Log10FirstStepBelow(target, epsilon.Epsilon, epsilon.ContextWindow);
        }

        return Log10StepsFromLogRate(Math.Log(target), epsilon.LogEpsilon, epsilon.ContextWindow);
    }

    /// <summary>
    /// ln max(0, 1 − 2ε): log1p(−2ε), accurate for tiny ε, and −∞ (a base of 0) for ε ≥ ½. ε &gt; ½ happens only for a
    /// one-token vocabulary (T = 1, ε = T^{−K} = 1), where 1 − 2ε = −1 would make the bound oscillate in sign; the
    /// contraction behind Prop. 3.4 there is the Dobrushin coefficient of Q_f^K on ℛ, 1 − T^K·ε = 0 (ℛ is one state,
    /// reached from every state within K − 1 steps, so Q_f^n = eπ exactly for n ≥ K − 1), so the base is 0.
    /// </summary>
    private static double Log1pMinusTwo(double epsilon) => epsilon >= 0.5 ? double.NegativeInfinity : LogOnePlus(-2 * epsilon);

    /// <summary>log(1 + x) for x ∈ (−1, 0], accurate for tiny |x| (the classic correction (log u)·x/(u − 1) with u = 1 + x).</summary>
    internal static double LogOnePlus(double x)
    {
        double u = 1 + x;
        if (u == 1)
        {
            return x;
        }

        return Math.Log(u) * x / (u - 1);
    }

    /// <summary>log1p(−2ε) for a result, from ln ε when ε underflows.</summary>
    private static double LogRate(EpsilonResult epsilon)
    {
        if (!epsilon.IsPositive)
        {
            throw new ArgumentException(
                "ε = 0: some K-step path has probability 0 (truncated decoding, or an underflowed probability), so Prop. 3.4 gives no " +
                "decay.",
                nameof(epsilon));
        }

        if (epsilon.Epsilon > 0)
        {
            ConvergenceGuard.CheckEpsilon(epsilon.Epsilon, nameof(epsilon));
            return Log1pMinusTwo(epsilon.Epsilon);
        }

        return -2 * Math.Exp(epsilon.LogEpsilon); // underflows to −0: the bound is 1 in double precision
    }

    private static double BoundFromLogRate(long n, double rate, int contextWindow)
    {
        long m = (n / contextWindow) - 1;
        if (m <= 0)
        {
            return 1; // n < 2K gives exponent 0 (n ≥ K) or the trivial bound (n < K)
        }

        return Math.Exp(m * rate);
    }

    /// <summary>log10((m* + 1)·K) with m* = ⌈ln(target)/log1p(−2ε)⌉ ≈ −ln(target)/(2ε) for tiny ε.</summary>
    private static double Log10StepsFromLogRate(double logTarget, double logEpsilon, int contextWindow)
    {
        // m* ≈ −ln(target)/(2ε)·(1 − ε + …); in logs: ln m* = ln(−ln target) − ln 2 − ln ε (+ ln(1 − ε) ≈ 0 here)
        double logExponent = Math.Log(-logTarget) - Math.Log(2) - logEpsilon;
        return (logExponent + Math.Log(contextWindow)) / Math.Log(10); // m* + 1 ≈ m* when m* does not fit in a long
    }
}
