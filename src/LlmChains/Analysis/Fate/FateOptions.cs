using System.Globalization;
using LlmChains.Analysis.Spectral;
using Microsoft.Extensions.Logging;

namespace LlmChains.Analysis.Fate;

/// <summary>
/// Options of the fate analyses (<see cref="Absorption"/>, <see cref="Hitting"/>, <see cref="Committor"/>,
/// <see cref="FirstPassage"/>): when a linear system is solved exactly and when by a Krylov method, and how far.
/// </summary>
public sealed record FateOptions
{
    /// <summary>The defaults.</summary>
    public static FateOptions Default { get; } = new();

    /// <summary>
    /// Strongly connected blocks of unknowns with at most this many states are solved exactly by subtraction-free state
    /// reduction (dense, O(m³) time, m² doubles); larger blocks by preconditioned GMRES. Default 1,024.
    /// </summary>
    public int ExactMaxStates { get; init; } = 1024;

    /// <summary>
    /// Krylov stopping rule: the explicit residual ‖b − (I − M)·x‖_∞ of the system at most Tolerance·‖b‖_∞. Default 1e−10.
    /// </summary>
    public double Tolerance { get; init; } = 1e-10;

    /// <summary>The most matrix-vector products one Krylov solve may use. Default 200,000.</summary>
    public int MaxProducts { get; init; } = 200_000;

    /// <summary>The Krylov subspace dimension m of restarted GMRES(m) (m + 1 vectors of the unknowns' length). Default 20.</summary>
    public int RestartLength { get; init; } = 20;

    /// <summary>
    /// The degree d of the Neumann-series right preconditioner p(M) = I + M + … + M^{d−1}, so that GMRES sees
    /// (I − M)·p(M) = I − M^d (d products per Krylov vector). Default 4; 1 means no preconditioner.
    /// </summary>
    public int PreconditionerDegree { get; init; } = 4;

    /// <summary>
    /// The largest recurrent class whose dense mean first-passage matrix and Kemeny's constant are computed
    /// (n² doubles, O(n³) time). Default 2,000.
    /// </summary>
    public int MeanFirstPassageMaxStates { get; init; } = 2000;

    /// <summary>The chain's classification, when already known (otherwise it is computed).</summary>
    public ChainStructure? Structure { get; init; }

    /// <summary>Threads of the parallel kernels (null: every processor).</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>Where start/finish (Information), per-cycle residuals (Debug) and non-convergence (Warning) go; null
    /// logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Checks every value; throws <see cref="ArgumentOutOfRangeException"/> naming the first bad one.</summary>
    public void Validate()
    {
        if (ExactMaxStates < 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(ExactMaxStates), ExactMaxStates, $"ExactMaxStates must be ≥ 0; got {ExactMaxStates}.");
        }

        if (!(Tolerance > 0) || double.IsInfinity(Tolerance))
        {
            throw new ArgumentOutOfRangeException(
                nameof(Tolerance),
                Tolerance,
                string.Create(CultureInfo.InvariantCulture, $"Tolerance must be finite and > 0; got {Tolerance}."));
        }

        if (MaxProducts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxProducts), MaxProducts, $"MaxProducts must be ≥ 1; got {MaxProducts}.");
        }

        if (RestartLength < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(RestartLength), RestartLength, $"RestartLength must be ≥ 2; got {RestartLength}.");
        }

        if (PreconditionerDegree < 1 || PreconditionerDegree > 64)
        {
            throw new ArgumentOutOfRangeException(
                nameof(PreconditionerDegree), PreconditionerDegree, $"PreconditionerDegree must lie in 1..64; got {PreconditionerDegree}.");
        }

        if (MeanFirstPassageMaxStates < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MeanFirstPassageMaxStates),
                MeanFirstPassageMaxStates,
                $"MeanFirstPassageMaxStates must be ≥ 1; got {MeanFirstPassageMaxStates}.");
        }

        if (MaxDegreeOfParallelism is { } degree && degree < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxDegreeOfParallelism), degree, $"MaxDegreeOfParallelism must be ≥ 1 (or null for every processor); got {degree}.");
        }
    }
}
