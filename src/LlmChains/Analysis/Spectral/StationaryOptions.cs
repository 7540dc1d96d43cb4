using System.Globalization;
using Microsoft.Extensions.Logging;

namespace LlmChains.Analysis.Spectral;

/// <summary>Options of <see cref="StationaryDistribution.Compute"/> and <see cref="StationaryDistribution.ComputeAll"/>.</summary>
public sealed record StationaryOptions
{
    /// <summary>The default options.</summary>
    public static StationaryOptions Default { get; } = new();

    /// <summary>The method; default <see cref="StationaryMethod.Auto"/> (see its documentation for the rule).</summary>
    public StationaryMethod Method { get; init; } = StationaryMethod.Auto;

    /// <summary>
    /// The target residual ‖π·Q − π‖₁ (L1 norm, π normalised to sum 1, Q restricted to the class); finite and &gt; 0.
    /// Default 1e−12. Iterative methods stop on this residual, never on the step size ‖x_{k+1} − x_k‖.
    /// </summary>
    public double Tolerance { get; init; } = 1e-12;

    /// <summary>
    /// The budget of matrix–vector products x ↦ x·Q per recurrent class, ≥ 1; default 100,000. Running out is
    /// reported as <see cref="SolveStatus.MaxIterationsReached"/>, not thrown. Not used by <see cref="StationaryMethod.Gth"/>.
    /// </summary>
    public int MaxIterations { get; init; } = 100_000;

    /// <summary>
    /// A warm start for the iterative methods (for example the solution at a nearby temperature): a vector over
    /// all states of the chain (full length, not the class), finite and ≥ 0. Its restriction to each class is
    /// normalised and used as the first iterate; a class on which it has no mass starts from the uniform
    /// distribution. Ignored by <see cref="StationaryMethod.Gth"/>. Default <see langword="null"/> (uniform start).
    /// </summary>
    public double[]? InitialGuess { get; init; }

    /// <summary>
    /// The largest class <see cref="StationaryMethod.Auto"/> solves by GTH (dense, n² doubles of memory); ≥ 1.
    /// Default 4096 (128 MiB).
    /// </summary>
    public int GthMaxStates { get; init; } = 4096;

    /// <summary>
    /// The Krylov subspace dimension m of GMRES-DR (vectors kept between restarts, each as long as the class),
    /// ≥ 3; default 30. It is lowered automatically when m + 5 class-length vectors would not fit in half the
    /// available memory.
    /// </summary>
    public int RestartLength { get; init; } = 30;

    /// <summary>
    /// The number k of harmonic Ritz vectors GMRES-DR carries across restarts (deflating the k eigenvalues of Q
    /// nearest 1, the slow modes), 0 ≤ k ≤ <see cref="RestartLength"/> − 2; default 8. 0 gives plain restarted GMRES(m).
    /// </summary>
    public int DeflatedVectors { get; init; } = 8;

    /// <summary>
    /// The degree d of the polynomial preconditioner of GMRES-DR, 1..64: each Krylov vector costs d steps of the lazy
    /// chain (I + Q)/2, and the system solved is x·(I − ((I + Q)/2)^d + 1uᵀ) = uᵀ (same solution π). d = 1 is plain
    /// GMRES-DR on I − Q + 1uᵀ. <see langword="null"/> (default) chooses d from the cost of a step relative to the
    /// orthogonalisation, counted in memory traffic (the power of 2 nearest 8·(2(m + k) + 6)/(2 + MaxRowNonZeros),
    /// within 1..64): 64 for T up to about 12, 32 for T ≈ 20, 16 for T = 50, 8 for T = 100. Either way d is lowered
    /// so that one cycle, about (m + 2)·d products, fits in the remaining <see cref="MaxIterations"/>; and when the
    /// preconditioned system stops at its own floor above the chain's (rows that do not sum exactly to 1, e.g.
    /// float32 storage, leave it at up to about 2d times the row-sum defect), the solve finishes with d = 1.
    /// </summary>
    public int? KrylovPolynomialDegree { get; init; }

    /// <summary>
    /// The classification of the chain, when the caller already has it from <see cref="ChainStructure.Analyze"/>
    /// (it must belong to the same chain); <see langword="null"/> (default) classifies the chain first.
    /// </summary>
    public ChainStructure? Structure { get; init; }

    /// <summary>
    /// Logger factory: Information at start and finish, Debug for throttled per-iteration residuals, Warning on
    /// non-convergence. Default <see langword="null"/> (no logging).
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid option and its value.</summary>
    /// <remarks>The length of <see cref="InitialGuess"/> is checked against the chain by the solver.</remarks>
    public void Validate()
    {
        if (!Enum.IsDefined(Method))
        {
            throw new ArgumentOutOfRangeException(
                nameof(Method),
                Method,
                $"Method must be one of {string.Join(", ", Enum.GetNames<StationaryMethod>())}; got {(int)Method}.");
        }

        if (!(Tolerance > 0) || double.IsInfinity(Tolerance))
        {
            throw new ArgumentOutOfRangeException(
                nameof(Tolerance),
                Tolerance,
                string.Create(CultureInfo.InvariantCulture, $"Tolerance must be finite and > 0; got {Tolerance}."));
        }

        if (MaxIterations < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, $"MaxIterations must be ≥ 1; got {MaxIterations}.");
        }

        if (GthMaxStates < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(GthMaxStates), GthMaxStates, $"GthMaxStates must be ≥ 1; got {GthMaxStates}.");
        }

        if (RestartLength < 3)
        {
            throw new ArgumentOutOfRangeException(nameof(RestartLength), RestartLength, $"RestartLength must be ≥ 3; got {RestartLength}.");
        }

        if (DeflatedVectors < 0 || DeflatedVectors > RestartLength - 2)
        {
            throw new ArgumentOutOfRangeException(
                nameof(DeflatedVectors),
                DeflatedVectors,
                $"DeflatedVectors must lie in 0..RestartLength − 2 = 0..{RestartLength - 2}; got {DeflatedVectors}.");
        }

        if (KrylovPolynomialDegree is { } degree && (degree < 1 || degree > 64))
        {
            throw new ArgumentOutOfRangeException(
                nameof(KrylovPolynomialDegree), degree, $"KrylovPolynomialDegree must lie in 1..64; got {degree}.");
        }

        if (InitialGuess is { } guess)
        {
            for (int i = 0; i < guess.Length; i++)
            {
                double g = guess[i];
                if (!(g >= 0) || double.IsInfinity(g))
                {
                    throw new ArgumentException(
                        string.Create(CultureInfo.InvariantCulture, $"InitialGuess[{i}] = {g}; the warm start must be finite and ≥ 0."),
                        nameof(InitialGuess));
                }
            }
        }
    }
}
