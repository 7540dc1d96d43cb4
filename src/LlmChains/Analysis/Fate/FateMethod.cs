namespace LlmChains.Analysis.Fate;

/// <summary>How the linear system of a fate quantity was solved.</summary>
public enum FateMethod
{
    /// <summary>No linear system: every value followed from the chain's structure (and, for a model's chain, the backward pass over the prompt tree).</summary>
    Structural = 0,

    /// <summary>Subtraction-free state reduction (dense, exact up to rounding in every entry): at most <see cref="FateOptions.ExactMaxStates"/> unknowns.</summary>
    Exact = 1,

    /// <summary>Restarted GMRES with a Neumann-polynomial right preconditioner; see <see cref="FateSolve.Residual"/>.</summary>
    Krylov = 2,
}
