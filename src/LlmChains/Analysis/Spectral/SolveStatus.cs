namespace LlmChains.Analysis.Spectral;

/// <summary>How an iterative solve ended.</summary>
public enum SolveStatus
{
    /// <summary>The residual reached the tolerance.</summary>
    Converged = 0,

    /// <summary>The budget of matrix–vector products ran out before the residual reached the tolerance.</summary>
    MaxIterationsReached = 1,

    /// <summary>
    /// The tolerance is below what the stored chain and double precision can certify, and the residual reached that
    /// floor: it is dominated by how far the stored rows of Q are from summing to 1 (float32 storage, or a general
    /// chain accepted within its row-sum tolerance), or it is rounding noise. For a stationary distribution: the
    /// residual of the normalised x is at most 2·|Σ(x·Q) − Σx| or at most 16·u·(nnz/row + ⌈log₂ n⌉), u = 2⁻⁵³. The
    /// reported residual is the best the stored chain allows. GTH, a direct method, reports it whenever its residual
    /// is above the tolerance.
    /// </summary>
    Stagnated = 2,

    /// <summary>
    /// The result comes from a solver outside the library (<see cref="StationaryResult.FromDistribution"/>) and its
    /// residual, measured by the library with one step of the chain, is above the tolerance it was given.
    /// </summary>
    AboveTolerance = 3,
}
