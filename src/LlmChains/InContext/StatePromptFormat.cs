using System.Globalization;
using System.Text;
using LlmChains.InContext.Internals;

namespace LlmChains.InContext;

/// <summary>
/// How a trajectory of states is written as prompt text (the paper's App. D.1; Liu et al., arXiv 2402.00795, for
/// multi-digit states): each state as its text, either
/// concatenated ("0120…", single-digit states on a tokenizer that keeps digits apart: Llama 2, Gemma) or each followed by a
/// separator ("1,0,1,", needed when the tokenizer merges digits, Llama 3; and always for multi-digit states, "532,150,").
/// </summary>
/// <remarks>
/// With a separator every state is followed by it, the last one included (Liu et al.'s final ","): the prediction of the
/// next state is read at that separator. Without a separator all state texts must have the same length, so the text
/// splits back into states unambiguously. Instances are immutable.
/// </remarks>
public sealed class StatePromptFormat
{
    private readonly string[] _texts;
    private readonly Dictionary<string, int> _states;

    /// <summary>Creates a format from the state texts and an optional separator.</summary>
    /// <param name="stateTexts">The text of each state: d ≥ 2 distinct non-empty texts.</param>
    /// <param name="separator">The separator written after every state, or <see langword="null"/> for none (then all
    /// texts must have one length).</param>
    /// <exception cref="ArgumentException">Fewer than 2 texts, an empty or repeated text, a text containing the
    /// separator, or texts of different lengths without a separator.</exception>
    public StatePromptFormat(IReadOnlyList<string> stateTexts, string? separator = null)
    {
        ArgumentNullException.ThrowIfNull(stateTexts);
        InContextGuard.StateCount(stateTexts.Count, nameof(stateTexts));
        if (separator is { Length: 0 })
        {
            throw new ArgumentException("The separator is empty; pass null for no separator.", nameof(separator));
        }

        _texts = new string[stateTexts.Count];
        _states = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _texts.Length; i++)
        {
            string text = stateTexts[i];
            if (string.IsNullOrEmpty(text))
            {
                throw new ArgumentException(InContextGuard.Inv($"The text of state {i} is empty."), nameof(stateTexts));
            }

            if (separator is not null && text.Contains(separator, StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    InContextGuard.Inv($"The text '{text}' of state {i} contains the separator '{separator}'."),
                    nameof(stateTexts));
            }

            if (!_states.TryAdd(text, i))
            {
                throw new ArgumentException(
                    InContextGuard.Inv($"The text '{text}' is used by states {_states[text]} and {i}."),
                    nameof(stateTexts));
            }

            _texts[i] = text;
        }

        if (separator is null && _texts.Any(t => t.Length != _texts[0].Length))
        {
            throw new ArgumentException(
                "Without a separator every state text must have the same length (multi-digit states of different " +
                "lengths need a separator, e.g. \",\").",
                nameof(separator));
        }

        Separator = separator;
    }

    /// <summary>The d single-digit states "0" … "d−1" (d ≤ 10), concatenated or with a separator.</summary>
    /// <param name="stateCount">d in 2..10.</param>
    /// <param name="separator">The separator (e.g. ","), or <see langword="null"/> (default) for none.</param>
    /// <returns>The format.</returns>
    /// <exception cref="ArgumentException">d outside 2..10.</exception>
    public static StatePromptFormat SingleDigits(int stateCount, string? separator = null)
    {
        InContextGuard.StateCount(stateCount, nameof(stateCount));
        if (stateCount > 10)
        {
            throw new ArgumentOutOfRangeException(
                nameof(stateCount),
                stateCount,
                InContextGuard.Inv($"Single-digit states allow d ≤ 10; got {stateCount}. Use MultiDigit with a separator."));
        }

        return new StatePromptFormat(
            Enumerable.Range(0, stateCount).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray(), separator);
    }

    /// <summary>
    /// Multi-digit states (e.g. the labels "150" … "849" of a <see cref="DiscretizedProcess"/>) each followed by a
    /// separator.
    /// </summary>
    /// <param name="labels">The state texts.</param>
    /// <param name="separator">The separator; default ",".</param>
    /// <returns>The format.</returns>
    public static StatePromptFormat MultiDigit(IReadOnlyList<string> labels, string separator = ",")
    {
        ArgumentException.ThrowIfNullOrEmpty(separator);
        return new StatePromptFormat(labels, separator);
    }

    /// <summary>The number of states d.</summary>
    public int StateCount => _texts.Length;

    /// <summary>The text of each state.</summary>
    public IReadOnlyList<string> StateTexts => _texts;

    /// <summary>The separator written after every state, or <see langword="null"/>.</summary>
    public string? Separator { get; }

    /// <summary>Writes a trajectory as text: "012…" or "0,1,2,…,".</summary>
    /// <param name="trajectory">States in 0..d−1.</param>
    /// <returns>The prompt text.</returns>
    /// <exception cref="ArgumentException">A state is out of range.</exception>
    public string Format(ReadOnlySpan<int> trajectory)
    {
        var text = new StringBuilder();
        for (int i = 0; i < trajectory.Length; i++)
        {
            int s = trajectory[i];
            if ((uint)s >= (uint)_texts.Length)
            {
                throw new ArgumentException(
                    InContextGuard.Inv($"State {s} at position {i} is outside 0..{_texts.Length - 1}."),
                    nameof(trajectory));
            }

            text.Append(_texts[s]);
            text.Append(Separator);
        }

        return text.ToString();
    }

    /// <summary>
    /// Reads a prompt text back into states (the inverse of <see cref="Format"/>; a missing final separator is
    /// accepted).
    /// </summary>
    /// <param name="text">The text.</param>
    /// <returns>The states.</returns>
    /// <exception cref="FormatException">A piece of the text is not a state (the message shows it and its position).</exception>
    public int[] Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var states = new List<int>();
        if (Separator is null)
        {
            int width = _texts[0].Length;
            if (text.Length % width != 0)
            {
                throw new FormatException(
                    InContextGuard.Inv($"The text has {text.Length} characters, not a multiple of the state width {width}."));
            }

            for (int at = 0; at < text.Length; at += width)
            {
                states.Add(Lookup(text.Substring(at, width), at));
            }
        }
        else
        {
            string[] pieces = text.Split(Separator);
            int at = 0;
            for (int i = 0; i < pieces.Length; i++)
            {
                if (i == pieces.Length - 1 && pieces[i].Length == 0)
                {
                    break;
                }

                states.Add(Lookup(pieces[i], at));
                at += pieces[i].Length + Separator.Length;
            }
        }

        return [.. states];
    }

    /// <summary>
    /// The token map of these states for a model whose vocabulary is given by token texts: state x is the token whose text
    /// is <c>StateTexts[x]</c>, and the separator the token whose text is <see cref="Separator"/>. Every state must be a
    /// single token (for multi-digit states written digit by digit use <see cref="HierarchyPdfPredictor"/>).
    /// </summary>
    /// <param name="vocabulary">The model's token texts, indexed by token id.</param>
    /// <returns>The map.</returns>
    /// <exception cref="ArgumentException">A state text or the separator is not a token of the vocabulary (the message
    /// names it).</exception>
    public StateTokenMap ToTokenMap(IReadOnlyList<string> vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int id = 0; id < vocabulary.Count; id++)
        {
            ids.TryAdd(vocabulary[id], id);
        }

        var tokens = new int[_texts.Length];
        for (int x = 0; x < tokens.Length; x++)
        {
            tokens[x] = ids.TryGetValue(_texts[x], out int id)
                ? id
                : throw new ArgumentException(
                    InContextGuard.Inv(
                        $"The vocabulary of {vocabulary.Count} tokens lacks the state token '{_texts[x]}' (state " +
                        $"{x}); every state must be a single token."),
                    nameof(vocabulary));
        }

        int? separator = null;
        if (Separator is not null)
        {
            separator = ids.TryGetValue(Separator, out int id)
                ? id
                : throw new ArgumentException(
                    InContextGuard.Inv($"The vocabulary of {vocabulary.Count} tokens lacks the separator token '{Separator}'."),
                    nameof(vocabulary));
        }

        return new StateTokenMap(tokens, separator);
    }

    private int Lookup(string piece, int position)
        => _states.TryGetValue(piece, out int state)
            ? state
            : throw new FormatException(
                InContextGuard.Inv($"'{piece}' at character {position} is not one of the {_texts.Length} state texts."));
}
