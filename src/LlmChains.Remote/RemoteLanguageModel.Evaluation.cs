using System.Diagnostics;
using System.Globalization;
using LlmChains.Models;
using LlmChains.Remote.Internals;

namespace LlmChains.Remote;

public sealed partial class RemoteLanguageModel
{
    /// <summary>Contexts per wave, in units of a full round of concurrent requests.</summary>
    private const int RoundsPerWave = 4;

    /// <summary>
    /// Evaluates every context of V_K^* (from the cache where it has them, the others in batched, concurrent requests)
    /// and passes each with its T log-probabilities to <paramref name="handler"/>, wave by wave; each wave's new rows are
    /// appended to the cache before the handler sees them. Reports <see cref="RemoteModelOptions.Progress"/> after each
    /// wave.
    /// </summary>
    /// <param name="handler">Called once per context, sequentially, on the calling thread.</param>
    /// <param name="cancellationToken">Checked between waves and cancels the requests in flight.</param>
    /// <exception cref="RemoteServerException">The server failed or answered something that cannot be used.</exception>
    public void EvaluateAllContexts(ContextLogitsHandler handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        int t = _ids.Length;
        long total = 0;
        long level = 1;
        for (int length = 1; length <= ContextWindow; length++)
        {
            level = checked(level * t);
            total = checked(total + level);
        }

        var clock = Stopwatch.StartNew();
        long requestsAtStart = Requests;
        long done = 0;
        long fromCache = 0;
        int wave = _options.PromptsPerRequest * _options.MaxConcurrentRequests * RoundsPerWave;
        var contexts = new List<int[]>(wave);
        foreach (int[] context in Contexts(t, ContextWindow))
        {
            contexts.Add(context);
            if (contexts.Count == wave)
            {
                fromCache += RunWave(contexts, handler, cancellationToken);
                done += contexts.Count;
                contexts.Clear();
                Report(done, total, fromCache, clock);
            }
        }

        if (contexts.Count > 0)
        {
            fromCache += RunWave(contexts, handler, cancellationToken);
            done += contexts.Count;
            Report(done, total, fromCache, clock);
        }

        Log.Evaluated(_logger, done, fromCache, Requests - requestsAtStart, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Evaluates one wave and hands it to the handler; returns how many came from the cache.</summary>
    private int RunWave(List<int[]> contexts, ContextLogitsHandler handler, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var rows = new double[contexts.Count][];
        var missing = new List<int>();
        var prompts = new List<int[]>();
        for (int i = 0; i < contexts.Count; i++)
        {
            int[] prompt = Prompt(contexts[i]);
            rows[i] = _cache.Find(prompt)!;
            if (rows[i] is null)
            {
                missing.Add(i);
                prompts.Add(prompt);
            }
        }

        if (prompts.Count > 0)
        {
            double[][] evaluated = EvaluateAsync(prompts, cancellationToken).GetAwaiter().GetResult();
            var entries = new List<(int[], double[])>(prompts.Count);
            for (int j = 0; j < missing.Count; j++)
            {
                rows[missing[j]] = evaluated[j];
                entries.Add((prompts[j], evaluated[j]));
            }

            _cache.Add(entries);
        }

        for (int i = 0; i < contexts.Count; i++)
        {
            handler(contexts[i], rows[i]);
        }

        return contexts.Count - prompts.Count;
    }

    private void Report(long done, long total, long fromCache, Stopwatch clock)
    {
        if (_options.Progress is not { } progress)
        {
            return;
        }

        TimeSpan elapsed = clock.Elapsed;
        TimeSpan? remaining = done > 0 && elapsed > TimeSpan.Zero ? elapsed * ((double)(total - done) / done) : null;
        string eta = remaining is { } r ? Clock(r) : "?";
        progress.Report(new Progress("remote", done, total)
        {
            Detail = string.Create(CultureInfo.InvariantCulture, $"{fromCache:N0} from the cache, {Requests:N0} requests, ETA {eta}"),
        });
    }

    /// <summary>h:mm:ss or m:ss.</summary>
    private static string Clock(TimeSpan span)
        => span.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}:{span.Minutes:00}:{span.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}:{span.Seconds:00}");

    /// <summary>Every context of V_K^*: lengths 1..K, each in lexicographic order.</summary>
    private static IEnumerable<int[]> Contexts(int t, int k)
    {
        for (int length = 1; length <= k; length++)
        {
            var digits = new int[length];
            while (true)
            {
                yield return (int[])digits.Clone();
                int at = length - 1;
                while (at >= 0 && ++digits[at] == t)
                {
                    digits[at] = 0;
                    at--;
                }

                if (at < 0)
                {
                    break;
                }
            }
        }
    }

    /// <summary>
    /// The T log-probabilities after each prompt, from the server: batches of <see cref="RemoteModelOptions.PromptsPerRequest"/>,
    /// up to <see cref="RemoteModelOptions.MaxConcurrentRequests"/> in flight; tokens outside the top set are forced.
    /// </summary>
    private async Task<double[][]> EvaluateAsync(IReadOnlyList<int[]> prompts, CancellationToken cancellationToken)
    {
        var rows = new double[prompts.Count][];
        int size = _options.PromptsPerRequest;
        int batches = (prompts.Count + size - 1) / size;
        await Parallel.ForEachAsync(
            Enumerable.Range(0, batches),
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrentRequests, CancellationToken = cancellationToken },
            async (batch, token) =>
            {
                int start = batch * size;
                var slice = new int[Math.Min(size, prompts.Count - start)][];
                for (int i = 0; i < slice.Length; i++)
                {
                    slice[i] = prompts[start + i];
                }

                TokenLogprobs[] answers = await _protocol.NextTokenAsync(slice, _options.TopLogprobs, null, _ids, token)
                    .ConfigureAwait(false);
                var batchRows = new double[slice.Length][];
                for (int i = 0; i < slice.Length; i++)
                {
                    CheckGenerated(answers[i], null, slice[i]);
                    batchRows[i] = Extract(answers[i]);
                }

                await ForceMissingAsync(slice, batchRows, token).ConfigureAwait(false);
                for (int i = 0; i < slice.Length; i++)
                {
                    Check(batchRows[i], slice[i]);
                    rows[start + i] = batchRows[i];
                }
            }).ConfigureAwait(false);
        return rows;
    }

    /// <summary>Fills the NaN entries of <paramref name="rows"/>: one forced request per missing token (all prompts
    /// that lack it at once).</summary>
    private async Task ForceMissingAsync(int[][] prompts, double[][] rows, CancellationToken cancellationToken)
    {
        for (int x = 0; x < _ids.Length; x++)
        {
            var lacking = Enumerable.Range(0, prompts.Length).Where(i => double.IsNaN(rows[i][x])).ToArray();
            if (lacking.Length == 0)
            {
                continue;
            }

            int[][] forcedPrompts = [.. lacking.Select(i => prompts[i])];
            TokenLogprobs[] answers = await _protocol.NextTokenAsync(forcedPrompts, 1, _ids[x], null, cancellationToken)
                .ConfigureAwait(false);
            for (int j = 0; j < lacking.Length; j++)
            {
                var answer = answers[j];
                CheckGenerated(answer, x, forcedPrompts[j]);

                if (!answer.Values.TryGetValue(_ids[x], out double value))
                {
                    throw new RemoteServerException(
                        string.Create(CultureInfo.InvariantCulture, $"The server returned no log-probability for token {_ids[x]} ") +
                        string.Create(CultureInfo.InvariantCulture, $"('{_pieces[x]}') after prompt ") +
                        string.Create(CultureInfo.InvariantCulture, $"[{string.Join(",", forcedPrompts[j])}], even when made to ") +
                        string.Create(CultureInfo.InvariantCulture, $"generate it; it cannot give every state token (raise vLLM's ") +
                        string.Create(CultureInfo.InvariantCulture, $"--max-logprobs, or check the server's version: ") +
                        string.Create(CultureInfo.InvariantCulture, $"docs/remote-models.md)."));
                }

                CheckText(answer, x);
                rows[lacking[j]][x] = value;
            }
        }
    }

    /// <summary>The T log-probabilities found in an answer (NaN where a token is missing), the token texts checked.</summary>
    private double[] Extract(TokenLogprobs answer)
    {
        var row = new double[_ids.Length];
        for (int x = 0; x < _ids.Length; x++)
        {
            if (answer.Values.TryGetValue(_ids[x], out double value))
            {
                CheckText(answer, x);
                row[x] = value;
            }
            else
            {
                row[x] = double.NaN;
            }
        }

        return row;
    }

    /// <summary>
    /// Refuses an answer whose generated token is not the one asked for (<paramref name="forced"/>), not one of the states
    /// (the request allowed only those), or is named by another text than the state's: the server ignores the
    /// restriction, or its vocabulary is not the one the ids were resolved on.
    /// </summary>
    private void CheckGenerated(TokenLogprobs answer, int? forced, int[] prompt)
    {
        if (answer.Generated is not { } generated)
        {
            return;
        }

        int state = Array.IndexOf(_ids, generated);
        if (forced is { } x && generated != _ids[x])
        {
            throw new RemoteServerException(
                string.Create(CultureInfo.InvariantCulture, $"Asked to generate token {_ids[x]} ('{_pieces[x]}') after prompt ") +
                string.Create(CultureInfo.InvariantCulture, $"[{string.Join(",", prompt)}], the server generated token {generated}: it ") +
                string.Create(CultureInfo.InvariantCulture, $"ignores allowed_token_ids/logit_bias, or its vocabulary is not the one ") +
                string.Create(CultureInfo.InvariantCulture, $"the ids were resolved on (a different model or tokenizer behind the same ") +
                string.Create(CultureInfo.InvariantCulture, $"address?)."));
        }

        if (state < 0 && Dialect == ServerDialect.Vllm)
        {
            throw new RemoteServerException(
                string.Create(CultureInfo.InvariantCulture, $"The server generated token {generated} after prompt ") +
                string.Create(CultureInfo.InvariantCulture, $"[{string.Join(",", prompt)}] although allowed_token_ids restricted it to ") +
                string.Create(CultureInfo.InvariantCulture, $"the state tokens [{string.Join(",", _ids)}]: its vocabulary is not the ") +
                string.Create(CultureInfo.InvariantCulture, $"one the ids were resolved on (a different model or tokenizer behind the ") +
                string.Create(CultureInfo.InvariantCulture, $"same address?), or it ignores allowed_token_ids."));
        }

        if (
            state >= 0
                && answer.GeneratedText is { Length: > 0 } text
                && !string.Equals(Normalize(text), Normalize(_pieces[state]), StringComparison.Ordinal))
        {
            throw new RemoteServerException(
                string.Create(CultureInfo.InvariantCulture, $"The server generated token {generated} with the text '{text}', but token ") +
                string.Create(CultureInfo.InvariantCulture, $"{generated} is '{_pieces[state]}' on the tokenizer the ids were resolved ") +
                string.Create(CultureInfo.InvariantCulture, $"with: the server's vocabulary is another one (a different model or ") +
                string.Create(CultureInfo.InvariantCulture, $"tokenizer behind the same address?)."));
        }
    }

    /// <summary>Refuses an answer that names state token x by another text: the server's tokenizer is another one.</summary>
    private void CheckText(TokenLogprobs answer, int x)
    {
        if (
            answer.Texts is { } texts
                && texts.TryGetValue(_ids[x], out string? text)
                && !string.Equals(Normalize(text), Normalize(_pieces[x]), StringComparison.Ordinal))
        {
            throw new RemoteServerException(
                string.Create(CultureInfo.InvariantCulture, $"The server calls token {_ids[x]} '{text}', but state {x} is ") +
                string.Create(CultureInfo.InvariantCulture, $"'{_pieces[x]}' on the tokenizer the ids were resolved with: the server's ") +
                string.Create(CultureInfo.InvariantCulture, $"vocabulary is another one (a different model or tokenizer behind the same ") +
                string.Create(CultureInfo.InvariantCulture, $"address?)."));
        }
    }

    /// <summary>A row of log-probabilities must be complete, finite or −∞, ≤ 0, and of total mass ≤ 1 over the T tokens.</summary>
    private void Check(double[] row, int[] prompt)
    {
        double mass = 0;
        for (int x = 0; x < row.Length; x++)
        {
            double v = row[x];
            if (double.IsNaN(v) || double.IsPositiveInfinity(v) || v > 1e-4)
            {
                throw new RemoteServerException(
                    string.Create(CultureInfo.InvariantCulture, $"The server's log-probability of token {_ids[x]} ('{_pieces[x]}') ") +
                    string.Create(CultureInfo.InvariantCulture, $"after prompt [{string.Join(",", prompt)}] is {v:R}, not a ") +
                    string.Create(CultureInfo.InvariantCulture, $"log-probability (finite and ≤ 0)."));
            }

            mass += Math.Exp(v);
        }

        if (mass > 1 + 1e-3)
        {
            throw new RemoteServerException(
                string.Create(CultureInfo.InvariantCulture, $"The server's probabilities of the {row.Length} state tokens after prompt ") +
                string.Create(CultureInfo.InvariantCulture, $"[{string.Join(",", prompt)}] sum to {mass:R} > 1: they are not the ") +
                string.Create(CultureInfo.InvariantCulture, $"model's (they were taken after a bias or a restriction; start vLLM with ") +
                string.Create(CultureInfo.InvariantCulture, $"the default --logprobs-mode raw_logprobs, or the llama.cpp server with ") +
                string.Create(CultureInfo.InvariantCulture, $"post_sampling_probs off: docs/remote-models.md)."));
        }
    }
}
