#pragma warning disable CA1720 // Float64 and Float32 name the storage formats on purpose

namespace LlmChains.Chains;

/// <summary>How <see cref="LanguageModelChain"/> stores its transition probabilities.</summary>
public enum ProbabilityPrecision
{
    /// <summary>float64, 8 bytes a probability (default). Rows sum to 1 within a few ulps.</summary>
    Float64 = 0,

    /// <summary>
    /// float32, 4 bytes a probability: half the memory and bandwidth. Each probability is rounded to the
    /// nearest float, so a row sums to 1 within about T·6e−8; all arithmetic on the stored values is in float64.
    /// </summary>
    Float32 = 1,
}
