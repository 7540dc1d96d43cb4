using LlmChains.Chains.Internals;
using LlmChains.Models;

namespace LlmChains.Chains;

/// <summary>
/// The exact Markov chain Q_f of an autoregressive model under a decoding setting (Prop. 3.2): the states
/// are V_K^* in the order of <see cref="StateSpace"/>, and the row of state v holds the T next-token
/// probabilities f_τ(v) at the T consecutive columns of v's successors (append a token, or drop the first
/// token and append at full length K).
/// </summary>
/// <remarks>
/// <para>Only the T probabilities of each state are stored (column indices are implicit), T·|V_K^*| values in
/// float64 or float32, the rows of the full-length states grouped by window suffix so that a step streams the table.
/// Q_f has the block form [[P_𝒯, P_𝒯ℛ], [0, P_ℛ]] (eq. (9), Figs. 2 and 3): the states shorter
/// than K are transient, and the T^K states of length K form a closed block P_ℛ, exposed as
/// <see cref="RecurrentBlock"/>.</para>
/// <para>Build it with <see cref="Build"/>. Instances are immutable and safe for concurrent use.</para>
/// </remarks>
public sealed partial class LanguageModelChain : IMarkovChain, IChainFacts
{
    private readonly double[]? _p64;
    private readonly float[]? _p32;
    private readonly FullLengthBlock _block;
    private readonly TableLayout _layout;
    private int _allPositive; // 0 unknown, 1 yes, −1 no

    private LanguageModelChain(StateSpace states, DecodingOptions decoding, double[]? p64, float[]? p32)
    {
        States = states;
        Decoding = decoding;
        _p64 = p64;
        _p32 = p32;
        _block = new FullLengthBlock(this);
        _layout = states.TableLayout;
    }

    /// <summary>The state space V_K^* and its indexing.</summary>
    public StateSpace States { get; }

    /// <summary>The decoding setting the probabilities were computed with.</summary>
    public DecodingOptions Decoding { get; }

    /// <summary>The storage precision of the probabilities.</summary>
    public ProbabilityPrecision Precision => _p64 is not null ? ProbabilityPrecision.Float64 : ProbabilityPrecision.Float32;

    /// <summary>T.</summary>
    public int VocabularySize => States.VocabularySize;

    /// <summary>K.</summary>
    public int ContextWindow => States.ContextWindow;

    /// <inheritdoc/>
    public long StateCount => States.StateCount;

    /// <inheritdoc/>
    /// <remarks>Always T: every row has T successors, some of probability 0 under truncated decoding.</remarks>
    public int MaxRowNonZeros => States.VocabularySize;

    /// <summary>The number of stored probabilities, T·|V_K^*| (the non-zeros of Q_f under untruncated decoding).</summary>
    public long StoredTransitionCount => States.StoredTransitionCount;

    /// <summary>The bytes of the probability table.</summary>
    public long ProbabilityBytes => StoredTransitionCount * (_p64 is not null ? sizeof(double) : sizeof(float));

    /// <summary>
    /// The block P_ℛ of the T^K full-length states (the blue block of Figs. 2 and 3), as a chain of its own on the
    /// indices 0..T^K−1 (local index j is global index <see cref="StateSpace.FullLengthOffset"/> + j). The block is
    /// closed: no full-length state leads to a shorter one. When the decoding keeps every token it is the
    /// single recurrent, aperiodic class of Q_f (Prop. 3.3) and π is zero outside it.
    /// </summary>
    public IMarkovChain RecurrentBlock => _block;

    IMarkovChain? IChainFacts.ClosedBlock => _block;

    long IChainFacts.ClosedBlockOffset => States.FullLengthOffset;

    bool IChainFacts.KnownErgodic => AllTransitionsPositive();

    bool IChainFacts.RowsValidated => true;

    long? IChainFacts.KnownNonZeroCount => AllTransitionsPositive() ? StoredTransitionCount : null;

    internal double[]? Doubles => _p64;

    /// <summary>Where each state's row sits in <see cref="Doubles"/> or <see cref="Singles"/>.</summary>
    internal TableLayout Layout => _layout;

    /// <summary>
    /// Whether every one of the T·|V_K^*| stored probabilities is positive, so that Q_f has exactly T·|V_K^*| non-zeros
    /// and Prop. 3.3 applies (one recurrent aperiodic class, the full-length states). True for τ &gt; 0 without truncation
    /// unless the model emits −∞ logits or probabilities underflow. Computed once, in O(T·|V_K^*|).
    /// </summary>
    public bool AllTransitionsPositive()
    {
        if (_allPositive == 0)
        {
            bool positive = _p64 is not null ? !_p64.AsSpan().ContainsAnyExceptInRange(double.Epsilon, double.MaxValue) : !_p32.AsSpan().ContainsAnyExceptInRange(float.Epsilon, float.MaxValue);
            _allPositive = positive ? 1 : -1;
        }

        return _allPositive > 0;
    }

    internal float[]? Singles => _p32;

    /// <summary>Copies the next-token distribution of <paramref name="state"/> (row of Q_f over its T successors).</summary>
    /// <param name="state">A state index.</param>
    /// <param name="probabilities">Destination of length T.</param>
    public void GetNextTokenProbabilities(long state, Span<double> probabilities)
    {
        ChainGuard.CheckState(state, StateCount);
        int t = VocabularySize;
        if (probabilities.Length != t)
        {
            throw new ArgumentException($"The destination has length {probabilities.Length}; it must have length T = {t}.", nameof(probabilities));
        }

        CopyRow(state, probabilities);
    }

    /// <summary>Q_f(from, to): the probability of the token that turns <paramref name="from"/> into <paramref name="to"/>, or 0 when <paramref name="to"/> is not a successor.</summary>
    /// <param name="from">Row state index.</param>
    /// <param name="to">Column state index.</param>
    public double GetTransitionProbability(long from, long to)
    {
        ChainGuard.CheckState(from, StateCount, nameof(from));
        ChainGuard.CheckState(to, StateCount, nameof(to));
        long first = States.FirstSuccessor(from);
        long x = to - first;
        if (x < 0 || x >= VocabularySize)
        {
            return 0;
        }

        long at = _layout.EntryOf(from) + x;
        return _p64 is not null ? _p64[at] : _p32![at];
    }

    /// <inheritdoc/>
    public int GetRow(long state, Span<long> columns, Span<double> probabilities)
    {
        ChainGuard.CheckState(state, StateCount);
        ChainGuard.CheckRowDestinations(MaxRowNonZeros, columns.Length, probabilities.Length);
        return GetRowUnchecked(state, States.FirstSuccessor(state), 0, columns, probabilities);
    }

    /// <summary>Writes the non-zeros of <paramref name="state"/> with columns relative to <paramref name="columnShift"/>.</summary>
    internal int GetRowUnchecked(long state, long firstColumn, long columnShift, Span<long> columns, Span<double> probabilities)
    {
        int t = VocabularySize;
        long at = _layout.EntryOf(state);
        int count = 0;
        for (int x = 0; x < t; x++)
        {
            double p = _p64 is not null ? _p64[at + x] : _p32![at + x];
            if (p > 0)
            {
                columns[count] = firstColumn + x - columnShift;
                probabilities[count] = p;
                count++;
            }
        }

        return count;
    }

    private void CopyRow(long state, Span<double> destination)
    {
        int t = VocabularySize;
        long at = _layout.EntryOf(state);
        if (_p64 is not null)
        {
            _p64.AsSpan(checked((int)at), t).CopyTo(destination);
        }
        else
        {
            ReadOnlySpan<float> row = _p32.AsSpan(checked((int)at), t);
            for (int x = 0; x < t; x++)
            {
                destination[x] = row[x];
            }
        }
    }
}
