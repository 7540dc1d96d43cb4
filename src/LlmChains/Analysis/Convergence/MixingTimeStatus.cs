using LlmChains.Analysis.Spectral;

namespace LlmChains.Analysis.Convergence;

/// <summary>How a mixing quantity (t_mix or t_min) was settled.</summary>
public enum MixingTimeStatus
{
    /// <summary>Found within the computed horizon (for t_min, see also <see cref="TMinResult.IsCertified"/>).</summary>
    Reached,

    /// <summary>
    /// Not reached within the computed horizon: reported as +∞, but a longer horizon may give a finite value
    /// (the chain is ergodic, or its structure is unknown).
    /// </summary>
    NotReachedWithinHorizon,

    /// <summary>
    /// The chain is not an ergodic unichain (several recurrent classes, or a periodic one): d(t) does not tend to 0
    /// and the value is +∞ for every horizon. Decided from <see cref="ChainStructure"/>.
    /// </summary>
    NotErgodicUnichain,

    /// <summary>
    /// The chain has one recurrent class and it is periodic (period p ≥ 2; for example a 2-cycle, or a model chain at
    /// τ = 0 falling into a loop): d(t) ≥ 1 − 1/p ≥ ½ for every t (a start in the class is on one of its p cyclic
    /// subclasses, each of π-mass 1/p), so t_mix(ε) is never reached for ε &lt; 1 − 1/p and t_min is +∞. The curve d(t) is
    /// still computed over the requested horizon.
    /// </summary>
    Periodic,

    /// <summary>
    /// The chain is larger than the exact worst case over all starts accepts (<see cref="ChainAnalysisOptions.WorstCaseMaxStates"/>,
    /// <see cref="ConvergenceOptions.WorstCaseMemoryLimitBytes"/>), so t_mix and t_min, which are worst-case quantities, were not
    /// computed: the value is NaN. The curve from the uniform start is in <see cref="ChainAnalysis.UniformStartDistances"/>,
    /// and <see cref="ChainAnalysisOptions.Sampling"/> gives sampled estimates with confidence intervals.
    /// </summary>
    TooLargeForWorstCase,
}
