namespace LlmChains.Analysis.Spectral;

/// <summary>Which communicating classes <see cref="ChainAnalysisJson"/> lists one by one.</summary>
public enum ClassListing
{
    /// <summary>
    /// Every recurrent class and every transient class of two or more states; the transient classes of one state
    /// each (in a model's chain, every prompt shorter than K) are only counted (<c>transientSingletonClassCount</c>).
    /// </summary>
    Summary,

    /// <summary>Every class.</summary>
    All,
}
