using System.Collections.ObjectModel;
using LlmChains.Models.Internals;

namespace LlmChains.Models;

/// <summary>
/// A count-based model trained on one token sequence: for every context length L = 1..K it counts the
/// token that follows each occurrence of each length-L context in the sequence, and predicts with
/// add-α smoothing: f(v)_x = (c(v, x) + α) / (c(v) + Tα), logits = log of that.
/// </summary>
/// <remarks>
/// A context that never occurs (c(v) = 0) gets the uniform distribution, whatever α. With α = 0 a token
/// never seen after an observed context gets logit −∞ (probability 0). α = 1 (Laplace) is the default.
/// Every position of the sequence contributes to every context length that fits before it, so a
/// sequence of n tokens gives n − L examples of length L (the paper's toy: 40 tokens, 37 of length 3).
/// </remarks>
public sealed class NGramModel : ILanguageModel
{
    private readonly StateIndexing _indexing;
    private readonly Dictionary<long, int[]> _counts = [];

    /// <summary>Trains the model on <paramref name="tokens"/>.</summary>
    /// <param name="tokens">The training sequence, tokens in 0..T−1, at least 2 tokens.</param>
    /// <param name="vocabularySize">T ≥ 1.</param>
    /// <param name="contextWindow">K ≥ 1.</param>
    /// <param name="alpha">The add-α smoothing constant, finite and ≥ 0 (default 1).</param>
    public NGramModel(ReadOnlySpan<int> tokens, int vocabularySize, int contextWindow, double alpha = 1.0)
    {
        ModelGuard.CheckSizes(vocabularySize, contextWindow);
        if (!(alpha >= 0) || double.IsInfinity(alpha))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, $"alpha must be finite and ≥ 0; got {alpha}.");
        }

        if (tokens.Length < 2)
        {
            throw new ArgumentException($"The training sequence has {tokens.Length} tokens; at least 2 are needed.", nameof(tokens));
        }

        for (int i = 0; i < tokens.Length; i++)
        {
            if ((uint)tokens[i] >= (uint)vocabularySize)
            {
                throw new ArgumentException(
                    $"Token {tokens[i]} at position {i} is outside the vocabulary 0..{vocabularySize - 1}.",
                    nameof(tokens));
            }
        }

        _indexing = ModelGuard.IndexingOrThrow(vocabularySize, contextWindow);
        Alpha = alpha;
        Sequence = new ReadOnlyCollection<int>(tokens.ToArray());
        for (int end = 1; end < tokens.Length; end++)
        {
            int next = tokens[end];
            for (int length = 1; length <= contextWindow && length <= end; length++)
            {
                long state = _indexing.Rank(tokens.Slice(end - length, length));
                if (!_counts.TryGetValue(state, out int[]? row))
                {
                    row = new int[vocabularySize];
                    _counts.Add(state, row);
                }

                row[next]++;
            }
        }

        ExampleCount = Math.Max(0, tokens.Length - contextWindow);
    }

    /// <summary>
    /// The paper's 40-digit parity sequence (Section 3.2): x_t = (x_{t−1} + x_{t−2} + x_{t−3}) mod 2.
    /// The paper does not give the first digits; this one starts 0, 0, 1.
    /// </summary>
    public static IReadOnlyList<int> PaperToySequence { get; } = CreateParitySequence(40, [0, 0, 1]);

    /// <summary>The training sequence.</summary>
    public IReadOnlyList<int> Sequence { get; }

    /// <summary>The smoothing constant α.</summary>
    public double Alpha { get; }

    /// <summary>The number of full-length (K-token context) training examples, n − K.</summary>
    public int ExampleCount { get; }

    /// <inheritdoc/>
    public int VocabularySize => _indexing.VocabularySize;

    /// <inheritdoc/>
    public int ContextWindow => _indexing.ContextWindow;

    /// <summary>
    /// The paper's toy example: an n-gram model with T = 2, K = 3, α = 1, trained on
    /// <see cref="PaperToySequence"/> (37 examples of length 3).
    /// </summary>
    public static NGramModel PaperToyExample() => new(PaperToySequence.ToArray(), 2, 3);

    /// <summary>Copies the counts c(v, ·) of the tokens seen after <paramref name="context"/> into <paramref name="counts"/>.</summary>
    public void GetCounts(ReadOnlySpan<int> context, Span<int> counts)
    {
        string? error = StateIndexing.CheckContext(context, VocabularySize, ContextWindow);
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(context));
        }

        if (counts.Length != VocabularySize)
        {
            throw new ArgumentException(
                $"The destination has length {counts.Length}; it must have length T = {VocabularySize}.",
                nameof(counts));
        }

        if (_counts.TryGetValue(_indexing.Rank(context), out int[]? row))
        {
            row.CopyTo(counts);
        }
        else
        {
            counts.Clear();
        }
    }

    /// <inheritdoc/>
    public void GetNextTokenLogits(ReadOnlySpan<int> context, Span<double> logits)
    {
        ModelGuard.CheckCall(context, logits, VocabularySize, ContextWindow);
        if (!_counts.TryGetValue(_indexing.Rank(context), out int[]? row))
        {
            logits.Clear();
            return;
        }

        double total = 0;
        foreach (int c in row)
        {
            total += c;
        }

        double logDenominator = Math.Log(total + (VocabularySize * Alpha));
        for (int x = 0; x < logits.Length; x++)
        {
            logits[x] = Math.Log(row[x] + Alpha) - logDenominator;
        }
    }

    private static ReadOnlyCollection<int> CreateParitySequence(int length, int[] start)
    {
        var x = new int[length];
        start.CopyTo(x, 0);
        for (int t = start.Length; t < length; t++)
        {
            x[t] = (x[t - 1] + x[t - 2] + x[t - 3]) % 2;
        }

        return new ReadOnlyCollection<int>(x);
    }
}
