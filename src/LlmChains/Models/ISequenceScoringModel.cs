namespace LlmChains.Models;

/// <summary>
/// An <see cref="ILanguageModel"/> that scores a whole token sequence in one pass (a transformer's forward pass with
/// logits at every position, as in the paper's Section 5 and Liu et al.'s Hierarchy-PDF), returning only the logits of
/// chosen candidate tokens at chosen
/// positions. The in-context predictors of LlmChains.InContext (the language-model and Hierarchy-PDF predictors) use it
/// automatically when the
/// model implements it, and otherwise call <see cref="ILanguageModel.GetNextTokenLogits"/> once per position.
/// </summary>
/// <remarks>
/// <para>Contract: row i of the result must equal, up to the model's floating-point noise, the logits of the candidate
/// tokens that <see cref="ILanguageModel.GetNextTokenLogits"/> gives for the context
/// tokens[max(0, p + 1 − K) .. p] (inclusive) with p = positions[i] and K = <see cref="ILanguageModel.ContextWindow"/>:
/// the last K tokens up to and including position p. A model that attends to the whole prefix satisfies this whenever
/// tokens.Length ≤ K and may throw <see cref="ArgumentException"/> for longer sequences.</para>
/// <para>Restricting the result to candidate tokens keeps memory at positions × candidates instead of positions × T
/// (T ~ 10^5 for real models).</para>
/// </remarks>
public interface ISequenceScoringModel : ILanguageModel
{
    /// <summary>Scores <paramref name="tokens"/> and writes the candidates' logits at every requested position.</summary>
    /// <param name="tokens">The sequence, token ids in 0..T−1, at least one token.</param>
    /// <param name="positions">Strictly increasing indices into <paramref name="tokens"/>.</param>
    /// <param name="candidates">Token ids in 0..T−1 whose logits are wanted (e.g. the d state tokens).</param>
    /// <param name="logits">Destination of positions.Length × candidates.Length values, row-major by position.</param>
    /// <param name="cancellationToken">Checked between model calls.</param>
    /// <exception cref="ArgumentException">An id or position is out of range, the destination has the wrong length, or
    /// the sequence is too long for the model.</exception>
    void ScoreSequence(
        ReadOnlySpan<int> tokens,
        ReadOnlySpan<int> positions,
        ReadOnlySpan<int> candidates,
        Span<double> logits,
        CancellationToken cancellationToken = default);
}
