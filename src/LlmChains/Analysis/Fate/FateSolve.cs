using LlmChains.Analysis.Spectral;

namespace LlmChains.Analysis.Fate;

/// <summary>
/// How one family of linear systems (I − M)·x = b of a fate quantity was solved, M the transitions among the unknown
/// states (substochastic), and how accurately.
/// </summary>
/// <param name="Method">Structural (no system), exact state reduction, or Krylov.</param>
/// <param name="Unknowns">The number of unknown states m (0 when structural).</param>
/// <param name="Systems">The number of right-hand sides solved.</param>
/// <param name="Products">Sparse matrix-vector products with M, over all right-hand sides (0 for the exact method).</param>
/// <param name="Residual">
/// The largest explicit residual ‖b − (I − M)·x‖_∞ over the right-hand sides (recomputed from the final x, also for the
/// exact method). Since ‖(I − M)^{-1}‖_∞ is the longest expected time to leave the unknown set, the error of x is at
/// most that time × the residual, plus rounding: the residual of an x of size X cannot be computed below about ε·X, so
/// a Krylov answer has a relative accuracy of about (longest time)·ε (3e−8 at 2·10^8 steps); the exact method's
/// subtraction-free elimination keeps a small relative error regardless.
/// </param>
/// <param name="Status">Converged, or why the Krylov solve stopped early.</param>
public readonly record struct FateSolve(FateMethod Method, long Unknowns, int Systems, long Products, double Residual, SolveStatus Status)
{
    /// <summary>
    /// The number of strongly connected blocks of the unknowns' transition graph. They are solved one by one, each after
    /// the blocks it can reach (block back substitution), so only blocks with cycles need a linear solve.
    /// </summary>
    public long Blocks { get; init; }

    /// <summary>The size of the largest block (1 when the unknowns have no cycles, as under greedy decoding); the
    /// method is Krylov when it exceeds <see cref="FateOptions.ExactMaxStates"/>.</summary>
    public long LargestBlock { get; init; }

    /// <summary>No system was needed.</summary>
    public static FateSolve None { get; } = new(FateMethod.Structural, 0, 0, 0, 0, SolveStatus.Converged);
}
