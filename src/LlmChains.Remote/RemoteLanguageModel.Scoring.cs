using System.Globalization;
using LlmChains.Remote.Internals;

namespace LlmChains.Remote;

public sealed partial class RemoteLanguageModel
{
    /// <inheritdoc/>
    /// <remarks>
    /// The sequence is one prompt ([BOS] + its state tokens) and must have at most K tokens (the model attends to the
    /// whole prefix). On vLLM one request with <c>prompt_logprobs</c> gives every position; positions whose top set lacks
    /// a state token, and every position on the llama.cpp server (which has no prompt log-probabilities), are evaluated
    /// as next-token prompts, batched. Cached positions cost nothing. The logits are log-probabilities: the model's logits
    /// minus one constant per position.
    /// </remarks>
    public void ScoreSequence(
        ReadOnlySpan<int> tokens,
        ReadOnlySpan<int> positions,
        ReadOnlySpan<int> candidates,
        Span<double> logits,
        CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        int t = _ids.Length;
        if (tokens.IsEmpty || tokens.Length > ContextWindow)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The sequence has {tokens.Length} tokens; it must have between 1 and K = ") +
                string.Create(CultureInfo.InvariantCulture, $"{ContextWindow} (connect with a larger K to score longer sequences)."),
                nameof(tokens));
        }

        for (int i = 0; i < positions.Length; i++)
        {
            if ((uint)positions[i] >= (uint)tokens.Length || (i > 0 && positions[i] <= positions[i - 1]))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Position {positions[i]} (entry {i}) is outside 0..{tokens.Length - 1} ") +
                    string.Create(CultureInfo.InvariantCulture, $"or not after the previous one."),
                    nameof(positions));
            }
        }

        foreach (int c in candidates)
        {
            if ((uint)c >= (uint)t)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Candidate {c} is outside the vocabulary 0..{t - 1}."),
                    nameof(candidates));
            }
        }

        if (logits.Length != positions.Length * candidates.Length)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The destination has {logits.Length} values; it must have positions × ") +
                string.Create(CultureInfo.InvariantCulture, $"candidates = {positions.Length * candidates.Length}."),
                nameof(logits));
        }

        int[] prompt = Prompt(tokens);
        int origin = prompt.Length - tokens.Length;
        int[] wanted = positions.ToArray();
        var rows = new double[wanted.Length][];
        var open = new List<int>();
        for (int i = 0; i < wanted.Length; i++)
        {
            rows[i] = _cache.Find(prompt.AsSpan(0, origin + wanted[i] + 1))!;
            if (rows[i] is null)
            {
                open.Add(i);
            }
        }

        var entries = new List<(int[], double[])>();
        if (open.Count > 0 && _protocol.HasPromptLogprobs)
        {
            int last = origin + wanted[open[^1]];
            TokenLogprobs?[] answers = _protocol.PromptAsync(prompt[..(last + 1)], _options.TopLogprobs, _ids, cancellationToken)
                .GetAwaiter()
                .GetResult();
            CheckGenerated(answers[^1]!, null, prompt[..(last + 1)]);
            var stillOpen = new List<int>();
            foreach (int i in open)
            {
                double[]? row = answers[origin + wanted[i]] is { } answer ? Extract(answer) : null;
                if (row is null || row.Any(double.IsNaN))
                {
                    stillOpen.Add(i);
                    continue;
                }

                int[] prefix = prompt[..(origin + wanted[i] + 1)];
                Check(row, prefix);
                rows[i] = row;
                entries.Add((prefix, row));
            }

            open = stillOpen;
        }

        if (open.Count > 0)
        {
            int[][] prefixes = [.. open.Select(i => prompt[..(origin + wanted[i] + 1)])];
            double[][] evaluated = EvaluateAsync(prefixes, cancellationToken).GetAwaiter().GetResult();
            for (int j = 0; j < open.Count; j++)
            {
                rows[open[j]] = evaluated[j];
                entries.Add((prefixes[j], evaluated[j]));
            }
        }

        _cache.Add(entries);
        for (int i = 0; i < wanted.Length; i++)
        {
            for (int j = 0; j < candidates.Length; j++)
            {
                logits[(i * candidates.Length) + j] = rows[i][candidates[j]];
            }
        }
    }
}
