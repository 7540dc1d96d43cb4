using LlmChains.Chains.Internals;
using LlmChains.Models.Internals;

namespace LlmChains.Chains;

/// <summary>
/// The state space V_K^* of a model with vocabulary size T and context window K: every token sequence of
/// length 1..K, |V_K^*| = T(T^K − 1)/(T − 1) states (K when T = 1), indexed
/// by length (as in the paper's Figs. 2 and 3), then by base-T code with the first token most significant (our choice:
/// the paper does not fix the order within a length),
/// index(v) = offset(|v|) + code(v), offset(L) = Σ_{l&lt;L} T^l.
/// </summary>
/// <remarks>
/// Example T = 2, K = 3: 0, 1, 00, 01, 10, 11, 000, …, 111 have indices 0..13. The successors of a state
/// follow the generation–deletion process (Defs. B.1 and B.2; the paper's Definition 3.1 is imprecise,
/// the semantics here are those of the proof of Prop. 3.2): a state shorter than K appends the new token;
/// a state of length K drops its first token and appends. Sizes are checked: a space whose size overflows
/// a <see cref="long"/> cannot be created (use <see cref="Describe"/> for its size).
/// </remarks>
public sealed class StateSpace
{
    private readonly StateIndexing _indexing;

    /// <summary>Creates the state space.</summary>
    /// <param name="vocabularySize">T ≥ 1.</param>
    /// <param name="contextWindow">K ≥ 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">T or K &lt; 1, or |V_K^*| does not fit in a <see cref="long"/>.</exception>
    public StateSpace(int vocabularySize, int contextWindow)
    {
        ModelGuard.CheckSizes(vocabularySize, contextWindow);
        _indexing = ModelGuard.IndexingOrThrow(vocabularySize, contextWindow);
    }

    /// <summary>T.</summary>
    public int VocabularySize => _indexing.VocabularySize;

    /// <summary>K.</summary>
    public int ContextWindow => _indexing.ContextWindow;

    /// <summary>|V_K^*|.</summary>
    public long StateCount => _indexing.StateCount;

    /// <summary>The number of transient states, those shorter than K: |V_{K−1}^*|.</summary>
    public long TransientStateCount => _indexing.Offset(ContextWindow);

    /// <summary>The number of states of length K, T^K (the recurrent class ℛ when every token keeps positive probability, Prop. 3.3).</summary>
    public long FullLengthStateCount => _indexing.Power(ContextWindow);

    /// <summary>The index of the first state of length K, equal to <see cref="TransientStateCount"/>.</summary>
    public long FullLengthOffset => _indexing.Offset(ContextWindow);

    /// <summary>The number of non-zeros of Q_f, T·|V_K^*| (every row has exactly T successors).</summary>
    public long StoredTransitionCount => checked(StateCount * VocabularySize);

    internal StateIndexing Indexing => _indexing;

    /// <summary>Where each state's row sits in a chain's probability table.</summary>
    internal TableLayout TableLayout => new(VocabularySize, FullLengthOffset, _indexing.Power(ContextWindow - 1));

    /// <summary>The index of the first state of length <paramref name="length"/>: Σ_{l&lt;L} T^l.</summary>
    /// <param name="length">L in 1..K+1 (K+1 gives |V_K^*|).</param>
    public long Offset(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, ContextWindow + 1);
        return _indexing.Offset(length);
    }

    /// <summary>Sizes of V_K^* and Q_f for any T and K, exact where they fit in a <see cref="long"/> and in log10 always.</summary>
    /// <param name="vocabularySize">T ≥ 1.</param>
    /// <param name="contextWindow">K ≥ 1.</param>
    public static StateSpaceSize Describe(int vocabularySize, int contextWindow)
    {
        ModelGuard.CheckSizes(vocabularySize, contextWindow);
        double log10States = ModelGuard.Log10StateCount(vocabularySize, contextWindow);
        long? states = StateIndexing.CountStates(vocabularySize, contextWindow);
        long? nonZeros = null;
        if (states is { } s && s <= long.MaxValue / vocabularySize)
        {
            nonZeros = s * vocabularySize;
        }

        // proportion of non-zeros = T/|V_K^*| = (T − 1)/(T^K − 1)
        double log10Density = Math.Log10(vocabularySize) - log10States;
        return new StateSpaceSize(vocabularySize, contextWindow, states, log10States, nonZeros, log10States + Math.Log10(vocabularySize), Math.Pow(10, log10Density), log10Density);
    }

    /// <summary>The length 1..K of state <paramref name="index"/>.</summary>
    /// <param name="index">A state index in 0..|V_K^*|−1.</param>
    public int GetLength(long index)
    {
        Internals.ChainGuard.CheckState(index, StateCount, nameof(index));
        return _indexing.LengthOf(index);
    }

    /// <summary>The index of a token sequence (rank).</summary>
    /// <param name="tokens">1..K tokens in 0..T−1, oldest first.</param>
    public long Rank(ReadOnlySpan<int> tokens)
    {
        string? error = StateIndexing.CheckContext(tokens, VocabularySize, ContextWindow);
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(tokens));
        }

        return _indexing.Rank(tokens);
    }

    /// <summary>Writes the tokens of state <paramref name="index"/> (unrank) and returns the length.</summary>
    /// <param name="index">A state index in 0..|V_K^*|−1.</param>
    /// <param name="tokens">Destination of at least the state's length (K always suffices).</param>
    public int Unrank(long index, Span<int> tokens)
    {
        Internals.ChainGuard.CheckState(index, StateCount, nameof(index));
        int length = _indexing.LengthOf(index);
        if (tokens.Length < length)
        {
            throw new ArgumentException($"State {index} has {length} tokens; the destination holds {tokens.Length}.", nameof(tokens));
        }

        return _indexing.Unrank(index, tokens);
    }

    /// <summary>The tokens of state <paramref name="index"/> as a new array.</summary>
    /// <param name="index">A state index in 0..|V_K^*|−1.</param>
    public int[] Unrank(long index)
    {
        var tokens = new int[ContextWindow];
        int length = Unrank(index, tokens);
        return tokens[..length];
    }

    /// <summary>The state reached from <paramref name="index"/> when the model emits <paramref name="token"/>.</summary>
    /// <remarks>Length L &lt; K, code c: offset(L+1) + c·T + x. Length K: offset(K) + (c mod T^{K−1})·T + x.</remarks>
    /// <param name="index">A state index.</param>
    /// <param name="token">The next token, 0..T−1.</param>
    public long Successor(long index, int token)
    {
        Internals.ChainGuard.CheckState(index, StateCount, nameof(index));
        if ((uint)token >= (uint)VocabularySize)
        {
            throw new ArgumentOutOfRangeException(nameof(token), token, $"Token {token} is outside the vocabulary 0..{VocabularySize - 1}.");
        }

        return SuccessorUnchecked(index, token);
    }

    internal long SuccessorUnchecked(long index, int token) => FirstSuccessor(index) + token;

    /// <summary>The first (token 0) successor; the T successors are consecutive from it.</summary>
    internal long FirstSuccessor(long index)
    {
        int k = ContextWindow;
        long t = VocabularySize;
        long fullOffset = _indexing.Offset(k);
        if (index >= fullOffset)
        {
            long code = index - fullOffset;
            return fullOffset + ((code % _indexing.Power(k - 1)) * t);
        }

        int length = _indexing.LengthOf(index);
        return _indexing.Offset(length + 1) + ((index - _indexing.Offset(length)) * t);
    }

    /// <summary>
    /// Writes the states with an edge into <paramref name="index"/> and returns their count: none for a
    /// length-1 state; the one prefix for length 2..K−1; for length K (K &gt; 1) the length-(K−1) prefix followed
    /// by the T states b·T^{K−1} + ⌊c/T⌋ that drop a first token b (T of them only when K = 1).
    /// </summary>
    /// <param name="index">A state index.</param>
    /// <param name="predecessors">Destination of at least T + 1 indices.</param>
    public int Predecessors(long index, Span<long> predecessors)
    {
        Internals.ChainGuard.CheckState(index, StateCount, nameof(index));
        int t = VocabularySize;
        if (predecessors.Length < t + 1)
        {
            throw new ArgumentException($"The destination must hold T + 1 = {t + 1} indices; it holds {predecessors.Length}.", nameof(predecessors));
        }

        int k = ContextWindow;
        int length = _indexing.LengthOf(index);
        long code = index - _indexing.Offset(length);
        int count = 0;
        if (length >= 2)
        {
            predecessors[count++] = _indexing.Offset(length - 1) + (code / t);
        }

        if (length == k)
        {
            long fullOffset = _indexing.Offset(k);
            long suffix = code / t;
            long stride = _indexing.Power(k - 1);
            for (int b = 0; b < t; b++)
            {
                predecessors[count++] = fullOffset + (b * stride) + suffix;
            }
        }

        return count;
    }

    /// <summary>A readable form of state <paramref name="index"/>: its tokens joined by <paramref name="separator"/>.</summary>
    /// <param name="index">A state index.</param>
    /// <param name="separator">Separator between tokens; default none when T ≤ 10, "," otherwise.</param>
    public string Format(long index, string? separator = null)
    {
        separator ??= VocabularySize <= 10 ? string.Empty : ",";
        return string.Join(separator, Unrank(index));
    }
}
