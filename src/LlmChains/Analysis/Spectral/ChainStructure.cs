using LlmChains.Analysis.Spectral.Internals;
using LlmChains.Chains;
using LlmChains.Chains.Internals;

namespace LlmChains.Analysis.Spectral;

/// <summary>
/// The communicating classes of a finite chain, which of them are recurrent (closed), and their periods
/// (App. C). For a model's chain Q_f whose every transition is positive (τ &gt; 0, no truncation,
/// finite logits) it uses Prop. 3.3 directly: the T^K full-length states form one recurrent aperiodic class and
/// every shorter state is a transient class of its own. Otherwise it runs an iterative Tarjan algorithm
/// (no recursion, O(states + non-zeros)) on the rows of the chain and a breadth-first level gcd for periods.
/// </summary>
/// <remarks>
/// Truncated decoding (top-k, top-p, min-p, greedy) or −∞ logits remove transitions: the chain may then have
/// several recurrent classes (the model's repetition loops), periodic ones, and transient full-length states.
/// Within a class of period d, <see cref="GetCyclicIndex"/> gives each state's cyclic subclass 0..d−1.
/// </remarks>
public sealed class ChainStructure
{
    private readonly int[]? _classOf;          // per state; null for the implicit Prop. 3.3 layout
    private readonly int[]? _cyclicIndex;      // per state: BFS level mod period (0 when aperiodic); null when all aperiodic
    private readonly CommunicatingClass[]? _classes;
    private readonly long _implicitRecurrentOffset;

    private ChainStructure(long stateCount, int[] classOf, CommunicatingClass[] classes, int[]? cyclicIndex)
    {
        StateCount = stateCount;
        _classOf = classOf;
        _classes = classes;
        _cyclicIndex = cyclicIndex;
        ClassCount = classes.Length;
        RecurrentClasses = Array.AsReadOnly(classes.Where(c => c.IsRecurrent).ToArray());
        RecurrentStateCount = RecurrentClasses.Sum(c => c.Size);
        UsedPropositionShortcut = false;
    }

    private ChainStructure(long stateCount, long recurrentOffset)
    {
        StateCount = stateCount;
        _implicitRecurrentOffset = recurrentOffset;
        ClassCount = checked((int)(recurrentOffset + 1));
        var recurrent = new CommunicatingClass(checked((int)recurrentOffset), stateCount - recurrentOffset, true, 1, recurrentOffset);
        RecurrentClasses = Array.AsReadOnly([recurrent]);
        RecurrentStateCount = recurrent.Size;
        UsedPropositionShortcut = true;
    }

    /// <summary>The number of states.</summary>
    public long StateCount { get; }

    /// <summary>The number of communicating classes.</summary>
    public int ClassCount { get; }

    /// <summary>The recurrent (closed) classes, by smallest state.</summary>
    public IReadOnlyList<CommunicatingClass> RecurrentClasses { get; }

    /// <summary>The number of states in recurrent classes.</summary>
    public long RecurrentStateCount { get; }

    /// <summary>The number of transient states.</summary>
    public long TransientStateCount => StateCount - RecurrentStateCount;

    /// <summary>Whether the whole chain is one communicating class.</summary>
    public bool IsIrreducible => ClassCount == 1;

    /// <summary>Whether every recurrent class has period 1.</summary>
    public bool IsAperiodic => RecurrentClasses.All(c => c.Period == 1);

    /// <summary>
    /// Whether the chain is an ergodic unichain: exactly one recurrent class, aperiodic, plus any transient
    /// states (Prop. 3.3). Exactly then the stationary distribution is unique and every start converges to it.
    /// </summary>
    public bool IsErgodicUnichain => RecurrentClasses.Count == 1 && RecurrentClasses[0].Period == 1;

    /// <summary>Whether the structure came from Prop. 3.3 (all transitions of Q_f positive) rather than from a graph search.</summary>
    public bool UsedPropositionShortcut { get; }

    /// <summary>The class with id <paramref name="id"/>.</summary>
    /// <param name="id">0..ClassCount−1.</param>
    public CommunicatingClass GetClass(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, ClassCount);
        if (_classes is not null)
        {
            return _classes[id];
        }

        return id < _implicitRecurrentOffset ? new CommunicatingClass(id, 1, false, 0, id) : RecurrentClasses[0];
    }

    /// <summary>The id of the class of <paramref name="state"/>.</summary>
    /// <param name="state">A state index.</param>
    public int GetClassOf(long state)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(state);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(state, StateCount);
        if (_classOf is not null)
        {
            return _classOf[state];
        }

        return (int)Math.Min(state, _implicitRecurrentOffset);
    }

    /// <summary>The cyclic subclass 0..d−1 of <paramref name="state"/> within its class of period d (0 when d ≤ 1).</summary>
    /// <param name="state">A state index.</param>
    public int GetCyclicIndex(long state)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(state);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(state, StateCount);
        return _cyclicIndex is null ? 0 : _cyclicIndex[state];
    }

    /// <summary>The states of class <paramref name="id"/>, ascending.</summary>
    /// <param name="id">0..ClassCount−1.</param>
    public long[] GetStates(int id)
    {
        var c = GetClass(id);
        var states = new long[c.Size];
        if (_classOf is null)
        {
            for (long i = 0; i < c.Size; i++)
            {
                states[i] = c.FirstState + i;
            }

            return states;
        }

        long n = 0;
        for (long s = c.FirstState; s < StateCount && n < c.Size; s++)
        {
            if (_classOf[s] == id)
            {
                states[n++] = s;
            }
        }

        return states;
    }

    /// <summary>Classifies the states of <paramref name="chain"/>.</summary>
    /// <param name="chain">Any chain with at most <see cref="int.MaxValue"/> states.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    public static ChainStructure Analyze(IMarkovChain chain, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chain);
        if (chain is IChainFacts { KnownErgodic: true } facts)
        {
            // Prop. 3.3: one ergodic class, the closed block (the whole chain when there is none), the rest transient
            return new ChainStructure(chain.StateCount, facts.ClosedBlock is null ? 0 : facts.ClosedBlockOffset);
        }

        if (chain.StateCount > int.MaxValue)
        {
            throw new ArgumentException(
                $"The chain has {chain.StateCount} states; the graph search handles at most {int.MaxValue}.", nameof(chain));
        }

        var graph = StronglyConnectedComponents.Find(chain, cancellationToken);
        return new ChainStructure(chain.StateCount, graph.ClassOf, graph.Classes, graph.CyclicIndex);
    }

    /// <summary>
    /// The structure a caller passed in an option (<paramref name="option"/> names it in the message) when it has the
    /// chain's size, <see langword="null"/> when none was passed; refuses one of another size.
    /// </summary>
    internal static ChainStructure? Given(ChainStructure? given, IMarkovChain chain, string option)
        => given is null || given.StateCount == chain.StateCount
            ? given
            : throw LlmChains.Internals.Invalid.Argument(FormattableString.Invariant(
                $"{option} has {given.StateCount} states but the chain has {chain.StateCount}; give its own."));

    /// <summary>The structure passed in an option (checked by <see cref="Given"/>), else the chain classified now.</summary>
    internal static ChainStructure GivenOrAnalyze(
        ChainStructure? given, IMarkovChain chain, string option, CancellationToken cancellationToken)
        => Given(given, chain, option) ?? Analyze(chain, cancellationToken);
}
