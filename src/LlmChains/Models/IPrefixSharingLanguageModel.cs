namespace LlmChains.Models;

/// <summary>
/// Receives the logits of one context during <see cref="IPrefixSharingLanguageModel.EvaluateAllContexts"/>.
/// </summary>
/// <param name="context">The context, oldest token first (1..K tokens in 0..T−1). Valid only during the call.</param>
/// <param name="logits">Its T next-token logits z(context). Valid only during the call.</param>
public delegate void ContextLogitsHandler(ReadOnlySpan<int> context, ReadOnlySpan<double> logits);

/// <summary>
/// An <see cref="ILanguageModel"/> that can evaluate the whole state space V_K^* at once, sharing work between
/// contexts with a common prefix. V_K^* is a trie (every context of length L + 1 extends one of length L), so a model
/// with a key–value cache that walks it depth-first, appending one token on the way down and dropping the last position
/// on the way back, pays one token evaluation per state instead of up to K (Σ_L L·T^L / |V_K^*| ≈ K·T/(T − 1) … K on
/// average for the context-by-context path).
/// </summary>
/// <remarks>
/// <para><see cref="Chains.LanguageModelChain.Build"/> uses this interface automatically when the model implements it;
/// the decoding, storage precision, memory checks, progress and cancellation are those of the ordinary path, and the
/// probabilities must agree with <see cref="ILanguageModel.GetNextTokenLogits"/> up to the model's floating-point noise.</para>
/// <para>Contract of <see cref="EvaluateAllContexts"/>: the handler is called exactly once for every context of V_K^*
/// (T = <see cref="ILanguageModel.VocabularySize"/>, K = <see cref="ILanguageModel.ContextWindow"/>), in any order
/// (depth-first is the natural one), from one thread at a time, never concurrently. Exceptions thrown by the handler
/// (invalid logits, cancellation) must propagate to the caller unchanged, and the model must stay usable afterwards.</para>
/// </remarks>
public interface IPrefixSharingLanguageModel : ILanguageModel
{
    /// <summary>
    /// Evaluates every context of V_K^* once and passes each context with its logits to <paramref name="handler"/>.
    /// </summary>
    /// <param name="handler">Called once per context, sequentially; the spans are valid only during the call.</param>
    /// <param name="cancellationToken">Checked between evaluations; cancellation throws <see cref="OperationCanceledException"/>.</param>
    void EvaluateAllContexts(ContextLogitsHandler handler, CancellationToken cancellationToken = default);
}
