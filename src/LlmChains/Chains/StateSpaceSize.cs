namespace LlmChains.Chains;

/// <summary>Sizes of V_K^* and of the non-zeros of Q_f for a vocabulary T and context window K (see <see cref="StateSpace.Describe"/>).</summary>
/// <param name="VocabularySize">T.</param>
/// <param name="ContextWindow">K.</param>
/// <param name="StateCount">|V_K^*| exactly, or <see langword="null"/> when it overflows a <see cref="long"/>.</param>
/// <param name="Log10StateCount">log10 |V_K^*|.</param>
/// <param name="StoredTransitionCount">T·|V_K^*| exactly, or <see langword="null"/> when it overflows.</param>
/// <param name="Log10StoredTransitionCount">log10 of T·|V_K^*| = T²(T^K − 1)/(T − 1) (≈ (K+1)·log10 T).</param>
/// <param name="Density">The proportion of non-zero entries, (T − 1)/(T^K − 1) (Prop. 3.2); 0 when it underflows.</param>
/// <param name="Log10Density">log10 of the proportion of non-zeros.</param>
public readonly record struct StateSpaceSize(
    int VocabularySize,
    int ContextWindow,
    long? StateCount,
    double Log10StateCount,
    long? StoredTransitionCount,
    double Log10StoredTransitionCount,
    double Density,
    double Log10Density);
