// The guards throw on behalf of the public methods that call them, naming those methods' parameters.
#pragma warning disable CA2208

namespace LlmChains.Chains.Internals;

/// <summary>Argument checks shared by the chain types (kept out of the hot methods).</summary>
internal static class ChainGuard
{
    /// <summary>The arguments of a transposed step Q·values: lengths n, and no overlap.</summary>
    internal static void CheckTransposedStep(long stateCount, ReadOnlySpan<double> values, Span<double> result)
    {
        CheckStepLengths(stateCount, values.Length, result.Length, nameof(values), nameof(result));
        if (values.Overlaps(result))
        {
            throw new ArgumentException("The destination overlaps the values; StepTransposed needs separate buffers.", nameof(result));
        }
    }

    internal static void CheckStepLengths(
        long stateCount,
        int distributionLength,
        int nextLength,
        string distributionName = "distribution",
        string nextName = "next")
    {
        if (distributionLength != stateCount)
        {
            throw new ArgumentException(
                $"The {(distributionName == "distribution" ? "distribution" : "input vector")} has length " +
                $"{distributionLength}; the chain has {stateCount} states.",
                distributionName);
        }

        if (nextLength != stateCount)
        {
            throw new ArgumentException($"The destination has length {nextLength}; the chain has {stateCount} states.", nextName);
        }
    }

    internal static void CheckState(long state, long stateCount, string name = "state")
    {
        if ((ulong)state >= (ulong)stateCount)
        {
            throw new ArgumentOutOfRangeException(name, state, $"State index {state} is outside 0..{stateCount - 1}.");
        }
    }

    internal static void CheckRowDestinations(int maxRowNonZeros, int columnsLength, int probabilitiesLength)
    {
        if (columnsLength < maxRowNonZeros || probabilitiesLength < maxRowNonZeros)
        {
            throw new ArgumentException(
                $"Row destinations need room for {maxRowNonZeros} non-zeros; got {columnsLength} columns and " +
                $"{probabilitiesLength} probabilities.",
                "columns");
        }
    }
}
