using System.Globalization;
using LlmChains.Internals;

namespace LlmChains.Models.Internals;

/// <summary>
/// Every call of the library into a user's model goes through here: the logits buffer is filled with NaN first, so an
/// entry the model does not write is NaN and the callers' NaN checks catch it (instead of the previous call's value
/// silently giving another chain), and what the model throws is wrapped in a <see cref="LanguageModelException"/>
/// naming the state and context (cancellation propagates unchanged).
/// </summary>
internal static class ModelCalls
{
    /// <summary>The note the NaN messages carry.</summary>
    internal const string UnwrittenNote = "NaN: the model returned NaN or did not write that entry "
        + "(GetNextTokenLogits must write all T entries; the buffer is NaN before each call)";

    /// <summary>Calls <see cref="ILanguageModel.GetNextTokenLogits"/> on a NaN-filled buffer, wrapping what it throws.</summary>
    /// <param name="model">The model.</param>
    /// <param name="context">The context.</param>
    /// <param name="logits">The destination, filled with NaN before the call.</param>
    /// <param name="state">The state of V_K^* the context is, when the caller knows it.</param>
    internal static void GetLogits(ILanguageModel model, ReadOnlySpan<int> context, Span<double> logits, long? state = null)
    {
        logits.Fill(double.NaN);
        try
        {
            model.GetNextTokenLogits(context, logits);
        }
        catch (Exception e) when (IsModelFailure(e))
        {
            throw LanguageModelException.Wrap(model, nameof(ILanguageModel.GetNextTokenLogits), context, state, e);
        }
    }

    /// <summary>Whether an exception from a model call is wrapped: everything but cancellation and an already wrapped failure.</summary>
    internal static bool IsModelFailure(Exception e) => e is not OperationCanceledException and not LanguageModelException;

    /// <summary>The index of the first NaN in <paramref name="values"/>, or −1.</summary>
    internal static int FirstNaN(ReadOnlySpan<double> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (double.IsNaN(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Throws when the model left a NaN in <paramref name="logits"/>, naming the entry and the context.</summary>
    internal static void CheckWritten(ILanguageModel model, ReadOnlySpan<int> context, ReadOnlySpan<double> logits, long? state = null)
    {
        int at = FirstNaN(logits);
        if (at >= 0)
        {
            string where = state is { } s
                ? string.Create(CultureInfo.InvariantCulture, $"at state {s} (context {LanguageModelException.FormatContext(context)})")
                : $"on context {LanguageModelException.FormatContext(context)}";
            throw Invalid.Argument(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"The logits of {model.GetType().Name} {where} are invalid: the logit of token {at} is {UnwrittenNote}."));
        }
    }
}
