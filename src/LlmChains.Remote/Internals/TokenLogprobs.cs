namespace LlmChains.Remote.Internals;

/// <summary>The log-probabilities a server returned for one position: token id → log-probability (and its text when the
/// server says it).</summary>
internal sealed class TokenLogprobs
{
    internal Dictionary<int, double> Values { get; } = [];

    internal Dictionary<int, string>? Texts { get; set; }

    /// <summary>The generated token, when the answer names it.</summary>
    internal int? Generated { get; set; }

    /// <summary>The generated token's text, when the answer gives it.</summary>
    internal string? GeneratedText { get; set; }
}
