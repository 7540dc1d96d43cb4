namespace LlmChains.InContext;

/// <summary>
/// Where an experiment's chains and trajectories come from: one fixed chain with fresh trajectories, a new random chain
/// per repetition, or a discretised continuous process (see <see cref="ChainSource"/>). Implement it to run the
/// experiment on your own chains.
/// </summary>
public interface IChainSource
{
    /// <summary>A short description for reports.</summary>
    string Name { get; }

    /// <summary>The number of states d ≥ 2 of every chain.</summary>
    int StateCount { get; }

    /// <summary>Whether every sample has the same chain (its t_min is then computed once).</summary>
    bool IsFixed { get; }

    /// <summary>Draws one repetition's chain and a trajectory of <paramref name="length"/> states.</summary>
    /// <param name="length">L ≥ 2.</param>
    /// <param name="random">The repetition's random source (seeded by the runner from the experiment seed and the
    /// repetition index).</param>
    /// <returns>
    /// The sample; its chain must have <see cref="StateCount"/> states and its trajectory <paramref name="length"/>
    /// states.
    /// </returns>
    InContextSample Sample(int length, Random random);
}
