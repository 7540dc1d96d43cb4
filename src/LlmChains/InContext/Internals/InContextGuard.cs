using System.Globalization;
using LlmChains.Internals;

namespace LlmChains.InContext.Internals;

/// <summary>Argument checks shared by the in-context types; every message names the parameter and the value.</summary>
internal static class InContextGuard
{
    internal static string Inv(ref InvariantText text) => text.ToStringAndClear();

    /// <summary>d ≥ 2: in-context learning of a chain with one state is trivial and TV is always 0.</summary>
    internal static void StateCount(int stateCount, string paramName)
    {
        if (stateCount < 2)
        {
            throw new ArgumentOutOfRangeException(paramName, stateCount, Inv($"The number of states d must be ≥ 2; got {stateCount}."));
        }
    }

    /// <summary>
    /// d ≥ 2 for a chain stored densely (d×d doubles, twice while it is generated): refused before allocating when
    /// d² exceeds the largest array or the bytes exceed the memory available, with the estimate.
    /// </summary>
    internal static void DenseStateCount(int stateCount, string paramName)
    {
        StateCount(stateCount, paramName);
        double entries = (double)stateCount * stateCount;
        double bytes = 2 * entries * sizeof(double);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (entries > Array.MaxLength || bytes > available)
        {
            throw new ArgumentOutOfRangeException(
                paramName,
                Inv($"A dense chain of d = {stateCount} states needs {entries:G3} entries " +
                    $"({Chains.LanguageModelChain.FormatBytes(bytes)} while it is generated); at most " +
                    $"{Array.MaxLength:N0} entries and the {Chains.LanguageModelChain.FormatBytes(available)} available fit."));
        }
    }

    /// <summary>N ≥ 2.</summary>
    internal static void Length(int length, string paramName, string what = "The trajectory length N")
    {
        if (length < 2)
        {
            throw new ArgumentOutOfRangeException(
                paramName,
                length,
                Inv($"{what} must be ≥ 2 (one observed transition at least); got {length}."));
        }
    }

    /// <summary>A finite α &gt; 0.</summary>
    internal static void Concentration(double alpha, string paramName)
    {
        if (!(alpha > 0) || double.IsInfinity(alpha))
        {
            throw new ArgumentOutOfRangeException(
                paramName,
                alpha,
                Inv($"The Dirichlet concentration α must be finite and > 0; got {alpha}."));
        }
    }

    /// <summary>Checks a predictor call: d ≥ 2, L ≥ 2, states in 0..d−1, destination of (L − 1)·d.</summary>
    internal static void PredictorCall(ReadOnlySpan<int> trajectory, int stateCount, Span<double> predictions)
    {
        StateCount(stateCount, nameof(stateCount));
        Length(trajectory.Length, nameof(trajectory));
        for (int i = 0; i < trajectory.Length; i++)
        {
            if ((uint)trajectory[i] >= (uint)stateCount)
            {
                throw new ArgumentException(
                    Inv($"State {trajectory[i]} at position {i} of the trajectory is outside 0..{stateCount - 1}."),
                    nameof(trajectory));
            }
        }

        long expected = (long)(trajectory.Length - 1) * stateCount;
        if (predictions.Length != expected)
        {
            throw new ArgumentException(
                Inv($"The predictions destination has length {predictions.Length}; it must hold (N − 1)·d = {expected} " +
                    $"values for N = {trajectory.Length}, d = {stateCount}."),
                nameof(predictions));
        }
    }
}
