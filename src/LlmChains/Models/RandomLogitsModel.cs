using LlmChains.Models.Internals;

namespace LlmChains.Models;

/// <summary>
/// A model with independent random logits z_x(v) ~ N(0, scale²) for every state v and token x,
/// reproducible from a seed. Nothing is stored: each logit is computed on demand from a counter-based
/// hash of (seed, state index, token), so the logits do not depend on the order of calls or on threads.
/// </summary>
/// <remarks>
/// Logit (v, x) = scale · √(−2 ln u₁) · cos(2π u₂), where u₁ ∈ (0, 1] and u₂ ∈ [0, 1) are 53-bit uniforms
/// taken from SplitMix64 applied to two counters derived from (seed, index(v)·T + x). It is safe for
/// concurrent calls.
/// </remarks>
public sealed class RandomLogitsModel : ILanguageModel, IStateIndexedModel
{
    private readonly StateIndexing _indexing;
    private readonly ulong _key;

    /// <summary>Creates the model.</summary>
    /// <param name="vocabularySize">T ≥ 1.</param>
    /// <param name="contextWindow">K ≥ 1, with |V_K^*| within the range of a 64-bit index.</param>
    /// <param name="scale">Standard deviation of the logits, finite and ≥ 0 (default 1).</param>
    /// <param name="seed">Seed of the logits (default 0).</param>
    public RandomLogitsModel(int vocabularySize, int contextWindow, double scale = 1.0, int seed = 0)
    {
        ModelGuard.CheckSizes(vocabularySize, contextWindow);
        if (!(scale >= 0) || double.IsInfinity(scale))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, $"scale must be finite and ≥ 0; got {scale}.");
        }

        _indexing = ModelGuard.IndexingOrThrow(vocabularySize, contextWindow);
        Scale = scale;
        Seed = seed;
        _key = SplitMix64((ulong)(uint)seed ^ 0x5851F42D4C957F2DUL);
    }

    /// <summary>The standard deviation of the logits.</summary>
    public double Scale { get; }

    /// <summary>The seed.</summary>
    public int Seed { get; }

    /// <inheritdoc/>
    public int VocabularySize => _indexing.VocabularySize;

    /// <inheritdoc/>
    public int ContextWindow => _indexing.ContextWindow;

    /// <inheritdoc/>
    public void GetNextTokenLogits(ReadOnlySpan<int> context, Span<double> logits)
    {
        ModelGuard.CheckCall(context, logits, VocabularySize, ContextWindow);
        GetLogitsOfState(_indexing.Rank(context), logits);
    }

    /// <inheritdoc/>
    public void GetLogitsOfState(long stateIndex, Span<double> logits)
    {
        ulong baseCounter = (ulong)stateIndex * (ulong)VocabularySize;
        for (int x = 0; x < logits.Length; x++)
        {
            ulong counter = (baseCounter + (ulong)x) << 1;
            ulong a = SplitMix64(counter ^ _key);
            ulong b = SplitMix64((counter | 1) ^ _key);
            double u1 = ((a >> 11) + 1) * (1.0 / (1UL << 53)); // (0, 1]
            double u2 = (b >> 11) * (1.0 / (1UL << 53));       // [0, 1)
            logits[x] = Scale * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        }
    }

    private static ulong SplitMix64(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
