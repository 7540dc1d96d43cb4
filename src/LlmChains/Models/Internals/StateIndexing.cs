namespace LlmChains.Models.Internals;

/// <summary>
/// The fixed state order: by length 1..K (as in the paper's Figs. 2 and 3), then by base-T code (first token most
/// significant). index(v) = offset(|v|) + code(v), offset(L) = Σ_{l&lt;L} T^l. Shared by the models that
/// address per-state tables and by <see cref="Chains.StateSpace"/>.
/// </summary>
internal sealed class StateIndexing
{
    private readonly long[] _offsets; // _offsets[L] = offset of length L, L = 1..K+1 (index K+1 = state count)
    private readonly long[] _powers;  // _powers[i] = T^i, i = 0..K

    private StateIndexing(int vocabularySize, int contextWindow, long[] offsets, long[] powers)
    {
        VocabularySize = vocabularySize;
        ContextWindow = contextWindow;
        _offsets = offsets;
        _powers = powers;
    }

    internal int VocabularySize { get; }

    internal int ContextWindow { get; }

    internal long StateCount => _offsets[ContextWindow + 1];

    internal long Offset(int length) => _offsets[length];

    internal long Power(int exponent) => _powers[exponent];

    /// <summary>|V_K^*| = T + T² + … + T^K, or null when it overflows a <see cref="long"/>; no allocation, at most 64 steps.</summary>
    internal static long? CountStates(int vocabularySize, int contextWindow)
    {
        if (vocabularySize == 1)
        {
            return contextWindow;
        }

        long total = 0;
        long power = 1;
        for (int length = 1; length <= contextWindow; length++)
        {
            if (power > long.MaxValue / vocabularySize)
            {
                return null;
            }

            power *= vocabularySize;
            if (total > long.MaxValue - power)
            {
                return null;
            }

            total += power;
        }

        return total;
    }

    /// <summary>Creates the indexing, or returns <see langword="null"/> when |V_K^*| does not fit in a <see cref="long"/>.</summary>
    internal static StateIndexing? TryCreate(int vocabularySize, int contextWindow)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(contextWindow, 1);
        if (CountStates(vocabularySize, contextWindow) is null || contextWindow > Array.MaxLength - 2)
        {
            return null; // decided before the K + 2 offsets are allocated (K may be near int.MaxValue)
        }

        var offsets = new long[contextWindow + 2];
        var powers = new long[contextWindow + 1];
        powers[0] = 1;
        try
        {
            checked
            {
                for (int i = 1; i <= contextWindow; i++)
                {
                    powers[i] = powers[i - 1] * vocabularySize;
                }

                offsets[1] = 0;
                for (int length = 1; length <= contextWindow; length++)
                {
                    offsets[length + 1] = offsets[length] + powers[length];
                }
            }
        }
        catch (OverflowException)
        {
            return null;
        }

        return new StateIndexing(vocabularySize, contextWindow, offsets, powers);
    }

    /// <summary>The length (1..K) of the state with index <paramref name="index"/> (assumed in range).</summary>
    internal int LengthOf(long index)
    {
        int length = 1;
        while (index >= _offsets[length + 1])
        {
            length++;
        }

        return length;
    }

    /// <summary>The index of a context (assumed valid: 1 ≤ length ≤ K, tokens in range).</summary>
    internal long Rank(ReadOnlySpan<int> context)
    {
        long code = 0;
        long t = VocabularySize;
        foreach (int token in context)
        {
            code = (code * t) + token;
        }

        return _offsets[context.Length] + code;
    }

    /// <summary>Writes the tokens of state <paramref name="index"/> into <paramref name="destination"/>; returns the length.</summary>
    internal int Unrank(long index, Span<int> destination)
    {
        int length = LengthOf(index);
        long code = index - _offsets[length];
        int t = VocabularySize;
        for (int k = length - 1; k >= 0; k--)
        {
            destination[k] = (int)(code % t);
            code /= t;
        }

        return length;
    }

    /// <summary>
    /// Checks a context against the vocabulary and the window; returns an error message or <see langword="null"/>.
    /// </summary>
    internal static string? CheckContext(ReadOnlySpan<int> context, int vocabularySize, int contextWindow)
    {
        if (context.Length < 1 || context.Length > contextWindow)
        {
            return $"The context has {context.Length} tokens; it must have between 1 and K = {contextWindow}.";
        }

        for (int i = 0; i < context.Length; i++)
        {
            if ((uint)context[i] >= (uint)vocabularySize)
            {
                return $"Token {context[i]} at position {i} of the context is outside the vocabulary 0..{vocabularySize - 1}.";
            }
        }

        return null;
    }
}
