namespace LlmChains.InContext;

/// <summary>The continuous processes of Liu et al.'s dynamical-system experiments, used by the paper in Fig. 7 (right)
/// and Fig. 18 (App. D.5).</summary>
public enum ContinuousProcess
{
    /// <summary>Brownian motion x_{t+1} = x_t + μ·Δt + σ·√Δt·Z (paper defaults μ = 0, σ = 0.8).</summary>
    BrownianMotion,

    /// <summary>
    /// Ornstein–Uhlenbeck ("correlated Gaussian") dx = −θx·dt + σ·dW, sampled exactly:
    /// x_{t+1} = x_t·e^{−θΔt} + σ·√((1 − e^{−2θΔt})/(2θ))·Z (paper defaults θ = 0.5, σ = 0.8).
    /// </summary>
    OrnsteinUhlenbeck,

    /// <summary>Geometric Brownian motion x_{t+1} = x_t·exp((μ − σ²/2)Δt + σ√Δt·Z) (paper defaults σ = 0.6, μ = σ²/2, x_0 = 10).</summary>
    GeometricBrownianMotion,

    /// <summary>Independent x_t ~ N(0, σ²) (paper default σ = 1).</summary>
    UncorrelatedGaussian,

    /// <summary>Independent x_t ~ U(0, 1).</summary>
    UncorrelatedUniform,
}
