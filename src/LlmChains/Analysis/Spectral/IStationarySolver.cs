using LlmChains.Chains;

namespace LlmChains.Analysis.Spectral;

/// <summary>
/// Computes the stationary distribution of every recurrent class of a chain. <see cref="StationarySolver"/> is the
/// library's implementation (GTH, power, lazy power, GMRES-DR, or the automatic choice); implement this interface to
/// plug in a solver of your own (a GPU solver, a cached result, a mock in a test) — <see cref="ChainAnalyzer"/> takes
/// one through <see cref="ChainAnalysisOptions.StationarySolver"/>.
/// </summary>
public interface IStationarySolver
{
    /// <summary>One stationary distribution per recurrent class of <paramref name="structure"/>, in class order.</summary>
    /// <param name="chain">The chain.</param>
    /// <param name="structure">The chain's classes (<see cref="ChainStructure.Analyze"/>), computed once by the caller.</param>
    /// <param name="progress">Receives the solver's progress (stage "stationary"), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the solve.</param>
    /// <returns>
    /// As many results as <paramref name="structure"/> has recurrent classes, the i-th on the i-th class. A solver of
    /// your own builds them with <see cref="StationaryResult.FromDistribution"/>, which measures the residual itself.
    /// </returns>
    IReadOnlyList<StationaryResult> ComputeAll(
        IMarkovChain chain, ChainStructure structure, IProgress<Progress>? progress = null, CancellationToken cancellationToken = default);
}
