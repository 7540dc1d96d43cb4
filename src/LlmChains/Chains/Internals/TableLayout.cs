namespace LlmChains.Chains.Internals;

/// <summary>
/// Where the row of T probabilities of each state sits in the table of a <see cref="LanguageModelChain"/>. States
/// shorter than K keep their index as row. Full-length rows are grouped by suffix: the state with first token b and
/// window suffix s (index offset + b·T^{K−1} + s) has row offset + s·T + b, so the T sources of the full-length targets
/// with suffix s are T consecutive rows, and a step reads the table as one stream instead of T streams T^{K−1} rows
/// apart.
/// </summary>
/// <param name="vocabularySize">T.</param>
/// <param name="fullLengthOffset">The index of the first full-length state.</param>
/// <param name="suffixCount">T^{K−1}.</param>
internal readonly struct TableLayout(int vocabularySize, long fullLengthOffset, long suffixCount)
{
    /// <summary>The row of <paramref name="state"/>.</summary>
    public long RowOf(long state)
    {
        if (state < fullLengthOffset)
        {
            return state;
        }

        long local = state - fullLengthOffset;
        long first = local / suffixCount;
        return fullLengthOffset + ((local - (first * suffixCount)) * vocabularySize) + first;
    }

    /// <summary>The state whose row is <paramref name="row"/> (the inverse of <see cref="RowOf"/>).</summary>
    public long StateOf(long row)
    {
        if (row < fullLengthOffset)
        {
            return row;
        }

        long local = row - fullLengthOffset;
        long suffix = local / vocabularySize;
        return fullLengthOffset + ((local - (suffix * vocabularySize)) * suffixCount) + suffix;
    }

    /// <summary>The table index of the first probability of <paramref name="state"/>'s row.</summary>
    public long EntryOf(long state) => RowOf(state) * vocabularySize;
}
