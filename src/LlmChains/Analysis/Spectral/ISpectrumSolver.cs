using LlmChains.Chains;

namespace LlmChains.Analysis.Spectral;

/// <summary>
/// Computes the leading eigenvalues of a chain's transition matrix and the SLEM. <see cref="SpectrumSolver"/> is the
/// library's implementation (dense for small chains, Krylov–Schur above); implement this interface to plug in an
/// eigensolver of your own — <see cref="ChainAnalyzer"/> takes one through
/// <see cref="ChainAnalysisOptions.SpectrumSolver"/>.
/// </summary>
public interface ISpectrumSolver
{
    /// <summary>The spectrum of <paramref name="chain"/>.</summary>
    /// <param name="chain">The chain.</param>
    /// <param name="progress">Receives the solver's progress (stage "spectrum"), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the computation.</param>
    /// <returns>The eigenvalues, largest modulus first, and the SLEM; a solver of your own builds the result with
    /// <see cref="SpectrumResult.FromEigenvalues"/>.</returns>
    SpectrumResult Compute(IMarkovChain chain, IProgress<Progress>? progress = null, CancellationToken cancellationToken = default);
}
