using System.Buffers;
using System.Globalization;
using LlmChains.Internals;
using LlmChains.Models.Internals;
using LlmChains.Models;

namespace LlmChains.InContext.Internals;

/// <summary>
/// Logits of candidate tokens at positions of a token sequence: one <see cref="ISequenceScoringModel.ScoreSequence"/>
/// call when the model offers it, otherwise one <see cref="ILanguageModel.GetNextTokenLogits"/> call per position on the
/// last K tokens (the sliding window of the model's context).
/// </summary>
internal static class ModelScoring
{
    internal static void Score(
        ILanguageModel model,
        ReadOnlySpan<int> tokens,
        ReadOnlySpan<int> positions,
        ReadOnlySpan<int> candidates,
        Span<double> logits,
        CancellationToken cancellationToken)
    {
        if (model is ISequenceScoringModel scoring)
        {
            logits.Fill(double.NaN);
            try
            {
                scoring.ScoreSequence(tokens, positions, candidates, logits, cancellationToken);
            }
            catch (Exception e) when (ModelCalls.IsModelFailure(e))
            {
                throw LanguageModelException.Wrap(model, nameof(ISequenceScoringModel.ScoreSequence), tokens, null, e);
            }

            int at = ModelCalls.FirstNaN(logits);
            if (at >= 0 && candidates.Length > 0)
            {
                throw Invalid.Argument(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"The scores of {model.GetType().Name}.ScoreSequence on context " +
                        $"{LanguageModelException.FormatContext(tokens)} are invalid: the logit of candidate " +
                        $"{candidates[at % candidates.Length]} at position {positions[at / candidates.Length]} is " +
                        $"NaN: the model returned NaN or did not write that entry (ScoreSequence must write every " +
                        $"entry; the buffer is NaN before the call)."));
            }

            return;
        }

        int t = model.VocabularySize;
        int k = model.ContextWindow;
        double[] full = ArrayPool<double>.Shared.Rent(t);
        try
        {
            for (int i = 0; i < positions.Length; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int p = positions[i];
                int start = Math.Max(0, p + 1 - k);
                ModelCalls.GetLogits(model, tokens[start..(p + 1)], full.AsSpan(0, t));
                ModelCalls.CheckWritten(model, tokens[start..(p + 1)], full.AsSpan(0, t));
                Gather(full, candidates, logits.Slice(i * candidates.Length, candidates.Length));
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(full);
        }
    }

    /// <summary>The candidates' logits after <paramref name="context"/> (its last K tokens).</summary>
    internal static void Query(
        ILanguageModel model,
        ReadOnlySpan<int> context,
        ReadOnlySpan<int> candidates,
        Span<double> logits,
        double[] scratch)
    {
        int t = model.VocabularySize;
        int k = model.ContextWindow;
        int start = Math.Max(0, context.Length - k);
        ModelCalls.GetLogits(model, context[start..], scratch.AsSpan(0, t));
        ModelCalls.CheckWritten(model, context[start..], scratch.AsSpan(0, t));
        Gather(scratch, candidates, logits);
    }

    private static void Gather(ReadOnlySpan<double> full, ReadOnlySpan<int> candidates, Span<double> destination)
    {
        for (int j = 0; j < candidates.Length; j++)
        {
            destination[j] = full[candidates[j]];
        }
    }
}
