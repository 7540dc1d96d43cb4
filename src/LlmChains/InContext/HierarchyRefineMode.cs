namespace LlmChains.InContext;

/// <summary>Which off-main branches Hierarchy-PDF refines at the most significant digit (after Liu et al.).</summary>
public enum HierarchyRefineMode
{
    /// <summary>Only the first digits d₁ ± 1 of the main branch (deeper levels always refine every other digit).</summary>
    Neighbor,

    /// <summary>Every other digit at every refined level.</summary>
    All,
}
