namespace LlmChains.Chains.Internals;

/// <summary>The closed block P_ℛ of the full-length states of a <see cref="LanguageModelChain"/>, on local indices 0..T^K−1.</summary>
internal sealed class FullLengthBlock(LanguageModelChain chain) : IMarkovChain, IChainFacts
{
    IMarkovChain? IChainFacts.ClosedBlock => null;

    long IChainFacts.ClosedBlockOffset => 0;

    bool IChainFacts.KnownErgodic => AllTransitionsPositive();

    bool IChainFacts.RowsValidated => true;

    long? IChainFacts.KnownNonZeroCount => AllTransitionsPositive() ? StateCount * chain.VocabularySize : null;

    private int _allPositive; // 0 unknown, 1 yes, −1 no

    public long StateCount => chain.States.FullLengthStateCount;

    public int MaxRowNonZeros => chain.VocabularySize;

    public long GlobalOffset => chain.States.FullLengthOffset;

    /// <summary>
    /// Whether every stored transition of the block is positive (all T successors of every full-length state): one
    /// vectorised pass over the block's slice of the table, cached; immediate when the whole chain is known positive.
    /// </summary>
    internal bool AllTransitionsPositive()
    {
        if (_allPositive == 0)
        {
            bool positive = chain.AllTransitionsPositive();
            if (!positive)
            {
                int first = checked((int)(GlobalOffset * chain.VocabularySize));
                positive = chain.Doubles is { } doubles
                    ? !doubles.AsSpan(first).ContainsAnyExceptInRange(double.Epsilon, double.MaxValue)
                    : !chain.Singles.AsSpan(first).ContainsAnyExceptInRange(float.Epsilon, float.MaxValue);
            }

            _allPositive = positive ? 1 : -1;
        }

        return _allPositive > 0;
    }

    public unsafe void Step(ReadOnlySpan<double> distribution, Span<double> next)
    {
        ChainGuard.CheckStepLengths(StateCount, distribution.Length, next.Length);
        fixed (double* x = distribution)
        fixed (double* y = next)
        {
            if (chain.Doubles is { } doubles)
            {
                fixed (double* p = doubles)
                {
                    chain.StepFull(x, p, y, fullLengthOnly: true);
                }
            }
            else
            {
                fixed (float* p = chain.Singles)
                {
                    chain.StepFull(x, p, y, fullLengthOnly: true);
                }
            }
        }
    }

    public int GetRow(long state, Span<long> columns, Span<double> probabilities)
    {
        ChainGuard.CheckState(state, StateCount);
        ChainGuard.CheckRowDestinations(MaxRowNonZeros, columns.Length, probabilities.Length);
        long global = GlobalOffset + state;
        return chain.GetRowUnchecked(global, chain.States.FirstSuccessor(global), GlobalOffset, columns, probabilities);
    }
}
