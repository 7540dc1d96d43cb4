namespace LlmChains.Chains;

/// <summary>Progress of a chain construction: how many of the states have their row.</summary>
/// <param name="StatesDone">States whose next-token distribution has been computed.</param>
/// <param name="StateCount">All states, |V_K^*|.</param>
public readonly record struct ChainBuildProgress(long StatesDone, long StateCount)
{
    /// <summary>The fraction done, in [0, 1].</summary>
    public double Fraction => StateCount == 0 ? 1 : (double)StatesDone / StateCount;
}
