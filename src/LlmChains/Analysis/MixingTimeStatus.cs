namespace LlmChains.Analysis;

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
    /// and the value is +∞ for every horizon. Decided from <see cref="ChainStructure"/> without propagating.
    /// </summary>
    NotErgodicUnichain,
}
