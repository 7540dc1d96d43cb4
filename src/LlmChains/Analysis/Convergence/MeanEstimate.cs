using System.Globalization;

namespace LlmChains.Analysis.Convergence;

/// <summary>
/// A sample mean of <see cref="Count"/> independent values with its Student-t confidence interval
/// mean ± t_{m−1, 1−α/2}·s/√m (s the sample standard deviation), cut at 0 below for non-negative values (entry times);
/// the interval is NaN when m &lt; 2.
/// </summary>
/// <param name="Mean">The sample mean.</param>
/// <param name="Lower">The lower limit, NaN when <see cref="Count"/> &lt; 2.</param>
/// <param name="Upper">The upper limit, NaN when <see cref="Count"/> &lt; 2.</param>
/// <param name="Count">m, the number of values.</param>
public readonly record struct MeanEstimate(double Mean, double Lower, double Upper, int Count)
{
    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Mean:G4} [{Lower:G4}, {Upper:G4}] (m = {Count})");
}
