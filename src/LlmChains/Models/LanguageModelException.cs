using System.Globalization;

namespace LlmChains.Models;

/// <summary>
/// A user's model (an <see cref="ILanguageModel"/> or one of its extensions) threw while the library evaluated it; the
/// model's exception is the <see cref="Exception.InnerException"/>, and the message names the model, the method, the
/// state (when the call was for a state of V_K^*) and the context being evaluated.
/// </summary>
/// <remarks>
/// Every place the library calls a model wraps what the model throws in this exception (chain construction, ε,
/// sampling, trajectories, logit capture, in-context predictors), except <see cref="OperationCanceledException"/>,
/// which propagates unchanged so that cancellation stays a cancellation.
/// </remarks>
public sealed class LanguageModelException : Exception
{
    /// <summary>Creates an exception with a default message.</summary>
    public LanguageModelException()
        : base("The language model threw an exception.")
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">The message.</param>
    public LanguageModelException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> wrapping <paramref name="innerException"/>.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">What the model threw.</param>
    public LanguageModelException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    private LanguageModelException(string message, Exception innerException, string modelName, string method, int[] context, long? state)
        : base(message, innerException)
    {
        ModelName = modelName;
        Method = method;
        Context = context;
        State = state;
    }

    /// <summary>The model's type name, or <see langword="null"/> when not known.</summary>
    public string? ModelName { get; }

    /// <summary>The model method that threw (for example <c>GetNextTokenLogits</c>), or <see langword="null"/> when not known.</summary>
    public string? Method { get; }

    /// <summary>The context (token ids, oldest first) being evaluated, or <see langword="null"/> when not known.</summary>
    public IReadOnlyList<int>? Context { get; }

    /// <summary>
    /// The index of the state of V_K^* being evaluated (<see cref="Chains.StateSpace.Rank"/>), or
    /// <see langword="null"/>.
    /// </summary>
    public long? State { get; }

    /// <summary>Wraps what <paramref name="model"/> threw from <paramref name="method"/> on <paramref name="context"/>.</summary>
    internal static LanguageModelException Wrap(
        object model,
        string method,
        ReadOnlySpan<int> context,
        long? state,
        Exception inner,
        string? detail = null)
    {
        string name = model.GetType().Name;
        string where = state is { } s
            ? string.Create(CultureInfo.InvariantCulture, $"at state {s} (context {FormatContext(context)})")
            : $"on context {FormatContext(context)}";
        if (detail is not null)
        {
            where += " " + detail;
        }

        string message = $"The model {name}.{method} threw {inner.GetType().Name} {where}: {OneLine(inner.Message)}";
        return new LanguageModelException(message, inner, name, method, context.ToArray(), state);
    }

    /// <summary>[a,b,c], or the last 32 tokens after "…," for longer contexts.</summary>
    internal static string FormatContext(ReadOnlySpan<int> context)
    {
        const int shown = 32;
        var parts = new List<string>(Math.Min(context.Length, shown) + 1);
        if (context.Length > shown)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"… {context.Length - shown} more"));
        }

        foreach (int token in context[Math.Max(0, context.Length - shown)..])
        {
            parts.Add(token.ToString(CultureInfo.InvariantCulture));
        }

        return "[" + string.Join(",", parts) + "]";
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
