using Microsoft.Extensions.Logging;

namespace LlmChains.Analysis.Spectral;

/// <summary>Options of <see cref="Spectrum.Compute"/>.</summary>
public sealed record SpectrumOptions
{
    /// <summary>The default options.</summary>
    public static SpectrumOptions Default { get; } = new();

    /// <summary>
    /// How many eigenvalues of largest modulus to report above the dense limit (the eigenvalue 1 included), ≥ 1.
    /// Default 6. The dense method reports every eigenvalue whatever the count; a count ≥ n − 1 asks for every
    /// eigenvalue and is computed densely (at most 4096 states). When the count would split a complex conjugate pair
    /// (Q is real, so its complex eigenvalues pair up with equal modulus), the conjugate is reported too.
    /// </summary>
    public int Count { get; init; } = 6;

    /// <summary>
    /// Convergence tolerance of the Krylov method, in (0, 1). Default 1e−10. An eigenvalue λ with unit Ritz vector x
    /// is converged when its explicit residual ‖xQ − λx‖₂ ≤ Tolerance·max(|λ|, 10⁻⁴).
    /// </summary>
    public double Tolerance { get; init; } = 1e-10;

    /// <summary>
    /// The largest Krylov basis m of the restarted Arnoldi method, &gt; <see cref="Count"/>; <see langword="null"/>
    /// (default) uses max(40, 2·Count + 10), in every case at most n − 1. The basis takes m + 1 vectors of n doubles.
    /// A smaller basis can converge to the wrong eigenvalues when many have nearly the same modulus (seen with m = 24
    /// on a T = 4 chain, where ARPACK's default basis of 20 fails the same way): the residuals certify the values found,
    /// not that none larger was missed. Cross-check with another <see cref="Seed"/> or a larger m.
    /// </summary>
    public int? KrylovDimension { get; init; }

    /// <summary>Restart cycles allowed before giving up with <see cref="SpectrumResult.Converged"/> false, ≥ 0. Default 1000.</summary>
    public int MaxRestarts { get; init; } = 1000;

    /// <summary>
    /// The largest chain (the recurrent block for a model's chain) whose full spectrum is computed by a dense
    /// eigen-decomposition, ≥ 1. Default 512: MathNet's managed dense EVD costs about 1 s at 512 states, 8 s at 1024 and
    /// grows as n³ (see docs/spectrum.md), while the Krylov method needs a fraction of a second at these sizes.
    /// </summary>
    public int DenseMaxStates { get; init; } = 512;

    /// <summary>Seed of the Krylov start vector (default 0). Results are deterministic for a seed.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// The classification of the chain, when the caller already has it from <see cref="ChainStructure.Analyze"/>
    /// (it must belong to the same chain); <see langword="null"/> (default) classifies the chain again (a model's chain
    /// analyses its closed block and does not need it).
    /// </summary>
    public ChainStructure? Structure { get; init; }

    /// <summary>Logger factory: Information at start and finish, Debug per restart, Warning on non-convergence;
    /// <see langword="null"/> (default) logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}
