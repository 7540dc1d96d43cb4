using LlmChains.Bounds.Internals;

namespace LlmChains.Bounds;

/// <summary>Inverses of any <see cref="IGeneralizationBound"/>.</summary>
public static class GeneralizationBoundExtensions
{
    /// <summary>
    /// The smallest integer N ≥ 1 with <see cref="IGeneralizationBound.Gap"/>(N, δ) ≤ <paramref name="gap"/>: since the gap is
    /// proportional to N^{−1/2}, N = ⌈(Gap(1, δ)/gap)²⌉, checked against N − 1 and N. Unlike
    /// <see cref="IGeneralizationBound.SampleComplexity"/> this targets the risk gap itself (TV or KL), not the L1 distance,
    /// so it also exists for the KL variant.
    /// </summary>
    /// <param name="bound">The bound.</param>
    /// <param name="gap">The target gap, finite and &gt; 0.</param>
    /// <param name="delta">The failure probability δ ∈ (0, 1).</param>
    /// <returns>The sample count, an integer ≥ 1 (a double so that astronomical values do not overflow).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="bound"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="gap"/> ≤ 0 or not finite, or δ outside (0, 1).</exception>
    public static double SampleCountForGap(this IGeneralizationBound bound, double gap, double delta)
    {
        ArgumentNullException.ThrowIfNull(bound);
        if (!(gap > 0) || double.IsInfinity(gap))
        {
            throw new ArgumentOutOfRangeException(
                nameof(gap),
                gap,
                $"The target gap must be finite and > 0; got {BoundGuard.Format(gap)}.");
        }

        BoundGuard.Delta(delta);
        double atOne = bound.Gap(1, delta);
        double estimate = Math.Ceiling(atOne / gap * (atOne / gap));
        return BoundMath.SmallestSatisfying(estimate, n => bound.Gap(n, delta) <= gap);
    }
}
