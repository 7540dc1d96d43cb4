namespace LlmChains.Analysis.Fate;

/// <summary>How the linear system of a fate quantity was solved.</summary>
public enum FateMethod
{
    /// <summary>No linear system: every value followed from the chain's structure (and, for a model's chain, the
    /// backward pass over the prompt tree).</summary>
    Structural = 0,

    /// <summary>
    /// Exact up to rounding: block back substitution over the strongly connected blocks of the unknowns, each block of at
    /// most <see cref="FateOptions.ExactMaxStates"/> states by subtraction-free state reduction (a block of one state is
    /// one division).
    /// </summary>
    Exact = 1,

    /// <summary>As <see cref="Exact"/>, but at least one block was larger than <see cref="FateOptions.ExactMaxStates"/>
    /// and was solved by restarted GMRES with a Neumann-polynomial right preconditioner; see
    /// <see cref="FateSolve.Residual"/>.</summary>
    Krylov = 2,
}
