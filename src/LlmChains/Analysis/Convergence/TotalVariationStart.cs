namespace LlmChains.Analysis.Convergence;

/// <summary>Which starts a <see cref="TotalVariationCurve"/> measures.</summary>
public enum TotalVariationStart
{
    /// <summary>d(t) = max over every start state x of TV(Q^t(x, ·), π): the worst case of Def. C.8.</summary>
    WorstCase,

    /// <summary>TV(μQ^t, π) from one given start distribution μ.</summary>
    Distribution,

    /// <summary>TV(δ_x Q^t, π) from one start state x (a state index, or a prompt's state).</summary>
    State,
}
