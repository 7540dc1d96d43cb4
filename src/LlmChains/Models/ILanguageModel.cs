using LlmChains.Analysis.Convergence;

namespace LlmChains.Models;

/// <summary>
/// A generic autoregressive language model f : V_K^* → Δ(V) (the paper's notation): given a context of
/// 1 to <see cref="ContextWindow"/> token ids it produces one logit per vocabulary token.
/// </summary>
/// <remarks>
/// <para>Tokens are the integers 0..T−1. Logits may be −∞ (probability 0 under every decoding setting) but
/// never NaN or +∞.</para>
/// <para><b>Every one of the T entries must be written</b> on every call. The library fills the buffer with NaN before
/// each call, so an entry the model leaves unwritten is reported as an error naming the state, the context and the
/// token (instead of silently keeping the previous call's value and giving another chain).</para>
/// <para><b>Calls may be concurrent.</b> <see cref="Chains.LanguageModelChain.Build"/>,
/// <see cref="Analysis.Convergence.ConvergenceBound.EpsilonFromModel"/>,
/// <see cref="TabularModel.Capture"/> and the sampling diagnostics call the model from several threads at once (each
/// thread with its own buffers) unless the options restrict parallelism to one thread; a model that is not safe for
/// concurrent calls must serialise them itself or be used with <c>MaxDegreeOfParallelism = 1</c>.</para>
/// <para>An exception the model throws reaches the caller as a <see cref="LanguageModelException"/> naming the state and
/// context, with the model's exception as <see cref="Exception.InnerException"/>; <see cref="OperationCanceledException"/>
/// propagates unchanged.</para>
/// </remarks>
public interface ILanguageModel
{
    /// <summary>The vocabulary size T (number of distinct tokens), at least 1.</summary>
    int VocabularySize { get; }

    /// <summary>The context window K: the largest number of tokens the model reads, at least 1.</summary>
    int ContextWindow { get; }

    /// <summary>Writes the next-token logits z(context) ∈ R^T into <paramref name="logits"/>: all T entries.</summary>
    /// <param name="context">The context, oldest token first; 1 ≤ length ≤ K, tokens in 0..T−1.</param>
    /// <param name="logits">Destination of length T; it holds NaN on entry, and every entry must be written.</param>
    void GetNextTokenLogits(ReadOnlySpan<int> context, Span<double> logits);
}
