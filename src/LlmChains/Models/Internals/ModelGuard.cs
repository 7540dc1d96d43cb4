namespace LlmChains.Models.Internals;

/// <summary>Argument checks shared by the built-in models.</summary>
internal static class ModelGuard
{
    internal static void CheckCall(ReadOnlySpan<int> context, Span<double> logits, int vocabularySize, int contextWindow)
    {
        string? error = StateIndexing.CheckContext(context, vocabularySize, contextWindow);
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(context));
        }

        if (logits.Length != vocabularySize)
        {
            throw new ArgumentException(
                $"The logits destination has length {logits.Length}; it must have length T = {vocabularySize}.",
                nameof(logits));
        }
    }

    internal static void CheckSizes(
        int vocabularySize,
        int contextWindow,
        string vocabularyName = "vocabularySize",
        string contextName = "contextWindow")
    {
        if (vocabularySize < 1)
        {
            throw new ArgumentOutOfRangeException(
                vocabularyName,
                vocabularySize,
                $"The vocabulary size T must be ≥ 1; got {vocabularySize}.");
        }

        if (contextWindow < 1)
        {
            throw new ArgumentOutOfRangeException(contextName, contextWindow, $"The context window K must be ≥ 1; got {contextWindow}.");
        }
    }

    /// <summary>The state indexing, or an <see cref="ArgumentOutOfRangeException"/> when |V_K^*| overflows a <see cref="long"/>.</summary>
    internal static StateIndexing IndexingOrThrow(int vocabularySize, int contextWindow)
    {
        return StateIndexing.TryCreate(vocabularySize, contextWindow)
            ?? throw new ArgumentOutOfRangeException(
                nameof(contextWindow),
                contextWindow,
                string.Create(
                    System.Globalization.CultureInfo.InvariantCulture,
                    $"|V_K^*| for T = {vocabularySize}, K = {contextWindow} has about " +
                    $"10^{Log10StateCount(vocabularySize, contextWindow):F2} states, beyond the range of a 64-bit index."));
    }

    /// <summary>log10 |V_K^*| without overflow.</summary>
    internal static double Log10StateCount(int vocabularySize, int contextWindow)
    {
        if (vocabularySize == 1)
        {
            return Math.Log10(contextWindow);
        }

        // |V_K^*| = T (T^K − 1)/(T − 1) ⇒ log10 = log10 T + K log10 T + log10(1 − T^−K) − log10(T − 1)
        double lt = Math.Log10(vocabularySize);
        double tail = Math.Log10(-double.ExpM1(-contextWindow * Math.Log(vocabularySize)));
        return lt + (contextWindow * lt) + tail - Math.Log10(vocabularySize - 1);
    }
}
