namespace LlmChains.InContext;

/// <summary>The x axis of an in-context risk curve.</summary>
public enum RiskAxis
{
    /// <summary>The context length N (Fig. 6(a, b)).</summary>
    ContextLength,

    /// <summary>N/t_min (Fig. 6(c)), with the chain's t_min (the mean t_min when the chain is drawn anew per repetition).</summary>
    ContextOverMixingTime,
}
