using LlmChains.Chains.Internals;
using System.Globalization;
using LlmChains.Models;
using LlmChains.Models.Internals;

namespace LlmChains.Chains;

public sealed partial class LanguageModelChain
{
    /// <summary>
    /// Fills the probability table from a model that evaluates V_K^* itself, sharing prefixes
    /// (<see cref="IPrefixSharingLanguageModel"/>): each reported context is ranked, decoded with the same rules and
    /// error messages as the context-by-context path, and stored; every state must be reported exactly once.
    /// </summary>
    /// <remarks>
    /// The model decides its own parallelism (the handler is sequential), so
    /// <see cref="ChainBuildOptions.MaxDegreeOfParallelism"/> does not apply.
    /// </remarks>
    private static void FillRowsByPrefixSharing(
        IPrefixSharingLanguageModel model,
        StateSpace states,
        DecodingOptions decoding,
        double[]? p64,
        float[]? p32,
        ProgressThrottle reporter,
        CancellationToken cancellationToken)
    {
        int t = states.VocabularySize;
        int k = states.ContextWindow;
        long count = states.StateCount;
        var seen = new ulong[(count + 63) / 64];
        var probabilities = new double[t];
        long done = 0;
        string name = model.GetType().Name;
        Exception? handlerFailure = null; // the handler's own exceptions (invalid logits, cancellation) propagate unchanged
        int[] lastContext = [];

        void Handle(ReadOnlySpan<int> context, ReadOnlySpan<double> logits)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string? error = StateIndexing.CheckContext(context, t, k);
            if (error is not null)
            {
                throw new InvalidOperationException($"{name}.EvaluateAllContexts reported an invalid context: {error}");
            }

            if (logits.Length != t)
            {
                throw new InvalidOperationException($"{name}.EvaluateAllContexts reported {logits.Length} logits; T = {t}.");
            }

            long state = states.Indexing.Rank(context);
            ulong bit = 1UL << (int)(state & 63);
            if ((seen[state >> 6] & bit) != 0)
            {
                throw new InvalidOperationException(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"{name}.EvaluateAllContexts reported state {state} (context [{string.Join(",", context.ToArray())}]) twice."));
            }

            seen[state >> 6] |= bit;
            DecodeRow(states, decoding, state, logits, probabilities);
            StoreRow(p64, p32, states.TableLayout.RowOf(state), probabilities);
            done++;
            reporter.Add(1);
            lastContext = context.ToArray();
        }

        try
        {
            model.EvaluateAllContexts(
                (context, logits) =>
                {
                    try
                    {
                        Handle(context, logits);
                    }
                    catch (Exception e)
                    {
                        handlerFailure = e;
                        throw;
                    }
                },
                cancellationToken);
        }
        catch (Exception e) when (!ReferenceEquals(e, handlerFailure) && ModelCalls.IsModelFailure(e))
        {
            string detail = string.Create(CultureInfo.InvariantCulture, $"(the last context reported, after {done:N0} of {count:N0})");
            throw LanguageModelException.Wrap(model, nameof(IPrefixSharingLanguageModel.EvaluateAllContexts), lastContext, null, e, detail);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (done != count)
        {
            long missing = 0;
            while ((seen[missing >> 6] & (1UL << (int)(missing & 63))) != 0)
            {
                missing++;
            }

            throw new InvalidOperationException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{name}.EvaluateAllContexts reported {done:N0} of the {count:N0} states; state {missing} " +
                    $"(context [{string.Join(",", states.Unrank(missing))}]) is missing."));
        }
    }

    /// <summary>
    /// Copies one row of probabilities into row <paramref name="row"/> of the float64 or float32 table
    /// (<see cref="TableLayout"/>).
    /// </summary>
    private static void StoreRow(double[]? p64, float[]? p32, long row, ReadOnlySpan<double> probabilities)
    {
        int t = probabilities.Length;
        if (p64 is not null)
        {
            probabilities.CopyTo(p64.AsSpan((int)(row * t), t));
        }
        else
        {
            Span<float> destination = p32.AsSpan((int)(row * t), t);
            for (int x = 0; x < t; x++)
            {
                destination[x] = (float)probabilities[x];
            }
        }
    }
}
