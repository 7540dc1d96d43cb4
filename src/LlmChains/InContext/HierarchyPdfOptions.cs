using LlmChains.InContext.Internals;
using LlmChains.Models;

namespace LlmChains.InContext;

/// <summary>Settings of <see cref="HierarchyPdfPredictor"/> (the recursive refinement of Liu et al.'s Hierarchy-PDF).
/// The paper does not state which were used for the 700-state experiment.</summary>
public sealed record HierarchyPdfOptions
{
    /// <summary>
    /// The default options: refine depth 1, <see cref="HierarchyRefineMode.Neighbor"/> (the setting of Liu et al.'s
    /// generator), τ = 1.
    /// </summary>
    public static HierarchyPdfOptions Default { get; } = new();

    /// <summary>
    /// D ∈ [0, P − 1] (P = digits per state): off-main branches are spawned at the D most significant digit positions, and
    /// each is refined down to D digits. 0 keeps the main branch only; P − 1 with <see cref="HierarchyRefineMode.All"/> gives
    /// every value its own mass (108 extra model queries per position for P = 3). Default 1.
    /// </summary>
    public int RefineDepth { get; init; } = 1;

    /// <summary>The off-branch mode at the first digit; default <see cref="HierarchyRefineMode.Neighbor"/>.</summary>
    public HierarchyRefineMode Mode { get; init; } = HierarchyRefineMode.Neighbor;

    /// <summary>
    /// Temperature and truncation applied to the ten digit logits at every query; default τ = 1 (plain softmax over the
    /// digits).
    /// </summary>
    public DecodingOptions Decoding { get; init; } = DecodingOptions.Default;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid option.</summary>
    /// <param name="precision">P, the digits per state.</param>
    public void Validate(int precision)
    {
        if (RefineDepth < 0 || RefineDepth > precision - 1)
        {
            throw OutOfRange(
                nameof(RefineDepth),
                RefineDepth,
                InContextGuard.Inv(
                    $"The refine depth D must lie in [0, P − 1] = [0, {precision - 1}] for {precision}-digit states; got {RefineDepth}."));
        }

        if (!Enum.IsDefined(Mode))
        {
            throw OutOfRange(nameof(Mode), Mode, InContextGuard.Inv($"Unknown refine mode {Mode}."));
        }

        ArgumentNullException.ThrowIfNull(Decoding);
        Decoding.Validate();
    }

    private static ArgumentOutOfRangeException OutOfRange(string name, object value, string message) => new(name, value, message);
}
