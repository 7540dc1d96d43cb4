using LlmChains.InContext.Internals;

namespace LlmChains.InContext;

/// <summary>
/// Parameters of a discretised continuous process (after Liu et al.'s generator, which the paper's
/// Fig. 7 (right) and App. D.5 follow). The defaults are those of Liu et al.'s generator (the paper does not print its
/// own): Δt = 0.2, 1000 steps, the per-process σ, θ, μ and x_0 below, and the series rescaled into [0.15, 0.85] and
/// written with 3 digits, which gives the 700 states "150" … "849".
/// </summary>
/// <param name="Kind">The process.</param>
public sealed record ContinuousProcessOptions(ContinuousProcess Kind)
{
    /// <summary>Number of time steps (series length); default 1000. The experiment runner replaces it by the trajectory length.</summary>
    public int Steps { get; init; } = 1000;

    /// <summary>Δt &gt; 0; default 0.2.</summary>
    public double TimeStep { get; init; } = 0.2;

    /// <summary>
    /// σ &gt; 0: 0.8 for Brownian motion and Ornstein–Uhlenbeck, 0.6 for geometric Brownian motion, 1 for the
    /// uncorrelated Gaussian (unused for the uniform).
    /// </summary>
    public double Sigma { get; init; } = Kind switch
    {
        ContinuousProcess.GeometricBrownianMotion => 0.6,
        ContinuousProcess.UncorrelatedGaussian => 1.0,
        _ => 0.8,
    };

    /// <summary>θ &gt; 0 of the Ornstein–Uhlenbeck process; default 0.5.</summary>
    public double Theta { get; init; } = 0.5;

    /// <summary>The drift μ: 0 for Brownian motion, σ²/2 = 0.18 for geometric Brownian motion (so log x is driftless).</summary>
    public double Drift { get; init; } = Kind == ContinuousProcess.GeometricBrownianMotion ? 0.18 : 0.0;

    /// <summary>x_0: 10 for geometric Brownian motion (must be &gt; 0), 0 otherwise (unused by the uncorrelated processes).</summary>
    public double InitialValue { get; init; } = Kind == ContinuousProcess.GeometricBrownianMotion ? 10.0 : 0.0;

    /// <summary>The lower end of the rescaled range; default 0.15.</summary>
    public double Lower { get; init; } = 0.15;

    /// <summary>The upper end of the rescaled range; default 0.85.</summary>
    public double Upper { get; init; } = 0.85;

    /// <summary>Digits written per value (the precision of Liu et al.), 1..6; default 3.</summary>
    public int Digits { get; init; } = 3;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid parameter.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Kind))
        {
            throw new ArgumentOutOfRangeException(nameof(Kind), Kind, InContextGuard.Inv($"Unknown process {Kind}."));
        }

        InContextGuard.Length(Steps, nameof(Steps), "The number of steps");
        Positive(TimeStep, nameof(TimeStep), "Δt");
        Positive(Sigma, nameof(Sigma), "σ");
        Positive(Theta, nameof(Theta), "θ");
        if (!double.IsFinite(Drift))
        {
            throw new ArgumentOutOfRangeException(nameof(Drift), Drift, InContextGuard.Inv($"The drift μ must be finite; got {Drift}."));
        }

        if (!double.IsFinite(InitialValue) || (Kind == ContinuousProcess.GeometricBrownianMotion && !(InitialValue > 0)))
        {
            throw new ArgumentOutOfRangeException(
                nameof(InitialValue),
                InitialValue,
                InContextGuard.Inv($"x_0 must be finite (and > 0 for geometric Brownian motion); got {InitialValue}."));
        }

        if (Digits is < 1 or > 6)
        {
            throw new ArgumentOutOfRangeException(nameof(Digits), Digits, InContextGuard.Inv($"Digits must be in 1..6; got {Digits}."));
        }

        double scale = Math.Pow(10, Digits);
        if (!(Lower >= 0 && Lower < Upper && Upper <= 1) || Math.Round(Upper * scale) - Math.Round(Lower * scale) < 2)
        {
            throw new ArgumentOutOfRangeException(
                nameof(Lower),
                Lower,
                InContextGuard.Inv(
                    $"The rescaled range [{Lower}, {Upper}] must satisfy 0 ≤ lower < upper ≤ 1 and hold at least 2 " +
                    $"values at {Digits} digits."));
        }
    }

    private static void Positive(double value, string name, string symbol)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, InContextGuard.Inv($"{symbol} must be finite and > 0; got {value}."));
        }
    }
}
