namespace LlmChains.Analysis.Fate;

/// <summary>What the chain's graph says about reaching a target set from a start (decided exactly, before any solve).</summary>
public enum HittingOutcome
{
    /// <summary>The start is in the target: probability 1, time 0.</summary>
    InTarget = 0,

    /// <summary>Every path from the start reaches the target: probability 1, finite expected time.</summary>
    Certain = 1,

    /// <summary>The target can be reached, but the chain can also enter states from which it cannot: probability in (0,
    /// 1), expected time infinite.</summary>
    Possible = 2,

    /// <summary>No path leads from the start to the target: probability 0, expected time infinite.</summary>
    Unreachable = 3,
}
