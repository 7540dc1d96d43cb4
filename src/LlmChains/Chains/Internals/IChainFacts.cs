namespace LlmChains.Chains.Internals;

/// <summary>
/// What a built-in chain knows about itself without a graph search or a pass over its rows. The analyses ask for this
/// capability instead of testing for concrete chain types, so a user's own <see cref="IMarkovChain"/> (which does not
/// have it) takes the general paths and gets the same results, and the built-in chains keep their shortcuts.
/// </summary>
internal interface IChainFacts
{
    /// <summary>
    /// A closed block of states [<see cref="ClosedBlockOffset"/>, n) whose complement is transient and visited at most
    /// once along any path (a nilpotent transient block, eq. (9)): spec(Q) = spec(block) ∪ {0} and every stationary
    /// distribution lives on the block. The block is a chain of its own on local indices. <see langword="null"/> when not known.
    /// </summary>
    IMarkovChain? ClosedBlock { get; }

    /// <summary>The first state of <see cref="ClosedBlock"/> (meaningless when it is null).</summary>
    long ClosedBlockOffset { get; }

    /// <summary>
    /// Whether <see cref="ClosedBlock"/> (or, without one, the whole chain) is known irreducible and aperiodic without a
    /// search (Prop. 3.3: a model's chain whose every stored transition is positive). False means "not known".
    /// </summary>
    bool KnownErgodic { get; }

    /// <summary>Whether every row was checked to be a probability distribution when the chain was built.</summary>
    bool RowsValidated { get; }

    /// <summary>The number of positive entries of Q when known without a pass over the rows, else <see langword="null"/>.</summary>
    long? KnownNonZeroCount { get; }
}
