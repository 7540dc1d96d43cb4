using LlmChains.Analysis.Spectral;

namespace LlmChains.Analysis.Convergence;

/// <summary>The analysis of a model's chain at one temperature of a <see cref="TemperatureSweep"/>.</summary>
/// <param name="Temperature">τ.</param>
/// <param name="Analysis">The full analysis of the chain at τ.</param>
public sealed record TemperaturePoint(double Temperature, ChainAnalysis Analysis)
{
    /// <summary>ε(τ) (Prop. 3.4).</summary>
    public double Epsilon => Analysis.Epsilon?.Epsilon ?? double.NaN;

    /// <summary>log10 ε(τ), finite even where ε underflows.</summary>
    public double Log10Epsilon => Analysis.Epsilon?.Log10Epsilon ?? double.NaN;

    /// <summary>The second largest eigenvalue modulus at τ (NaN without spectrum).</summary>
    public double Slem => Analysis.Spectrum?.Slem ?? double.NaN;

    /// <summary>t_mix(1/4) at τ (+∞ when not mixing, NaN above the worst-case limit:
    /// <see cref="MixingTimeStatus.TooLargeForWorstCase"/>).</summary>
    public double MixingTime => Analysis.MixingTime?.Value ?? double.PositiveInfinity;

    /// <summary>The entropy (nats) of the stationary distribution at τ (NaN when it is not unique).</summary>
    public double StationaryEntropy => Analysis.StationaryEntropy ?? double.NaN;

    /// <summary>The steps after which the Prop. 3.4 bound falls below its target.</summary>
    public double BoundSteps => Analysis.BoundSteps ?? double.NaN;
}
