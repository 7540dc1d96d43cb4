using LlmChains.Analysis;
using LlmChains.Analysis.Convergence;

namespace LlmChains.InContext;

/// <summary>The mixing quantities of one chain of an experiment and the Thm. 4.3 constant they give.</summary>
/// <param name="MinimumTransitionProbability">p_min = min P(x, y).</param>
/// <param name="MixingTime">t_min (as defined with Thm. 4.3, by <see cref="GeneratedChain.ComputeMixingTime"/>), +∞ for
/// a chain that does not mix, NaN when not computed.</param>
/// <param name="TMinResult">The full t_min result, or <see langword="null"/> when not computed.</param>
/// <param name="Bound">
/// The in-context bound for this chain (B_U and τ of the options), or <see langword="null"/> when Thm. 4.3 does not apply
/// (p_min = 0, t_min infinite or not computed).
/// </param>
/// <param name="Note">Why t_min or the bound is missing, or <see langword="null"/>.</param>
public sealed record ChainMixing(double MinimumTransitionProbability, double MixingTime, TMinResult? TMinResult, Bounds.InContextBound? Bound, string? Note);
