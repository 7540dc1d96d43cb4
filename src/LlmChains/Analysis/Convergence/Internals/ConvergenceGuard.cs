using System.Globalization;
using LlmChains.Internals;

// The guards throw on behalf of the public methods that call them, naming those methods' parameters.
#pragma warning disable CA2208

namespace LlmChains.Analysis.Convergence.Internals;

/// <summary>Argument checks of <see cref="TotalVariation"/> and <see cref="ConvergenceBound"/> (kept out of the hot methods).</summary>
internal static class ConvergenceGuard
{
    /// <summary>How far Σ p may be from 1 for a vector to count as a probability distribution.</summary>
    internal const double SumTolerance = 1e-6;

    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    internal static void CheckSteps(int steps, string name = "steps")
    {
        if (steps < 0)
        {
            throw new ArgumentOutOfRangeException(
                name, steps, string.Create(CultureInfo.InvariantCulture, $"{name} must be ≥ 0; got {steps}."));
        }
    }

    /// <summary>A probability vector of length <paramref name="stateCount"/>: finite, ≥ 0, summing to 1 within
    /// <see cref="SumTolerance"/>.</summary>
    internal static void CheckDistribution(ReadOnlySpan<double> p, long stateCount, string name)
    {
        if (p.Length != stateCount)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{name} has length {p.Length}; the chain has {stateCount} states."), name);
        }

        double sum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double v = p[i];
            if (!(v >= 0) || double.IsPositiveInfinity(v))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"{name}[{i}] = {Format(v)}; a distribution needs finite entries ≥ 0."),
                    name);
            }

            sum += v;
        }

        if (!(Math.Abs(sum - 1) <= SumTolerance))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{name} sums to {Format(sum)}; a distribution must sum to 1 (within ") +
                string.Create(CultureInfo.InvariantCulture, $"{SumTolerance:G2})."),
                name);
        }
    }

    /// <summary>A threshold strictly inside (0, 1).</summary>
    internal static void CheckOpenUnit(double value, string name)
    {
        if (!(value > 0 && value < 1))
        {
            throw new ArgumentOutOfRangeException(
                name, value, string.Create(CultureInfo.InvariantCulture, $"{name} must lie in (0, 1); got {Format(value)}."));
        }
    }

    /// <summary>ε of Prop. 3.4, in (0, 1]: ε ≤ T^−K, which is ≤ ½ for T ≥ 2 and 1 for the one-token vocabulary.</summary>
    internal static void CheckEpsilon(double epsilon, string name = "epsilon")
    {
        if (!(epsilon > 0 && epsilon <= 1))
        {
            throw Invalid.OutOfRange(
                string.Create(CultureInfo.InvariantCulture, $"{name} must lie in (0, 1] (ε = min (Q_f^K)_ij ≤ T^−K: at most 1/2 for T ≥ ") +
                string.Create(CultureInfo.InvariantCulture, $"2, exactly 1 for T = 1); got {Format(epsilon)}."));
        }
    }

    internal static void CheckContextWindow(int contextWindow, string name = "contextWindow")
    {
        if (contextWindow < 1)
        {
            throw new ArgumentOutOfRangeException(
                name, contextWindow, string.Create(CultureInfo.InvariantCulture, $"{name} (K) must be ≥ 1; got {contextWindow}."));
        }
    }

    /// <summary>Refuses, before any work, a chain whose worst-case working set (n² doubles) exceeds the budget of
    /// <paramref name="options"/>.</summary>
    internal static void CheckWorstCaseSize(long stateCount, string what, ConvergenceOptions? options)
    {
        long budget = (options ?? ConvergenceOptions.Default).WorstCaseBudgetBytes;
        int limit = TotalVariation.MaxWorstCaseStatesFor(budget);
        if (stateCount > limit)
        {
            string source = options?.WorstCaseMemoryLimitBytes is null
                ? "a quarter of the available memory, the default of ConvergenceOptions.WorstCaseMemoryLimitBytes"
                : "ConvergenceOptions.WorstCaseMemoryLimitBytes";
            throw Invalid.Argument(
                string.Create(CultureInfo.InvariantCulture, $"The chain has {stateCount:N0} states; {what} is exact over all starts and ") +
                string.Create(CultureInfo.InvariantCulture, $"needs n² doubles, ") +
                string.Create(CultureInfo.InvariantCulture, $"{FormatBytes(TotalVariation.WorstCaseBytes(stateCount))}, more than the ") +
                string.Create(CultureInfo.InvariantCulture, $"worst-case budget of {FormatBytes(budget)} ({source}), which allows at ") +
                string.Create(CultureInfo.InvariantCulture, $"most {limit:N0} states. Raise the budget, or use ") +
                string.Create(CultureInfo.InvariantCulture, $"TotalVariation.DistancesFrom for a given start, SampledConvergence for ") +
                string.Create(CultureInfo.InvariantCulture, $"sampled estimates, or ConvergenceBound for bounds."));
        }
    }

    internal static string FormatBytes(double bytes) => Chains.LanguageModelChain.FormatBytes(bytes);

    internal static int Parallelism(int? maxDegreeOfParallelism) => maxDegreeOfParallelism ?? Environment.ProcessorCount;
}
