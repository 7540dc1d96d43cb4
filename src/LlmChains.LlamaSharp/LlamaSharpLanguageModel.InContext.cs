using System.Globalization;
using System.Text;
using LLama;
using LLama.Common;
using LLama.Native;
using LlmChains.LlamaSharp.Internals;
using LlmChains.Models;

namespace LlmChains.LlamaSharp;

public sealed partial class LlamaSharpLanguageModel
{
    /// <summary>At most this many logit floats are requested from one llama.cpp call (128 MiB).</summary>
    private const int MaxLogitFloatsPerCall = 32 << 20;

    /// <summary>
    /// The model's in-context predictions for the trajectory <paramref name="trajectory"/> (states 0..T−1): writes it as
    /// a prompt (as in the paper's App. D.1: one token per state, with a separator after each state when the tokenizer
    /// would merge
    /// consecutive states), evaluates the whole prompt in one forward pass with logits at every state, and returns for
    /// every n = 1..N the distribution of X_{n+1} given X_1..X_n, restricted to the T state tokens (the setting of Thm.
    /// 4.3) and decoded with
    /// <paramref name="decoding"/> (default τ = 1).
    /// </summary>
    /// <remarks>The whole prompt is the context (the paper's protocol); K (<see cref="ContextWindow"/>) is not used, only the
    /// model's training context bounds the prompt.</remarks>
    /// <param name="trajectory">X_1..X_N, N ≥ 1, each in 0..T−1.</param>
    /// <param name="encoding">The prompt encoding; <see cref="PromptEncoding.Auto"/> (default) asks the tokenizer.</param>
    /// <param name="decoding">Temperature and truncation applied to the T restricted logits; default τ = 1.</param>
    /// <param name="cancellationToken">Checked between llama.cpp calls.</param>
    /// <returns>The N predictions.</returns>
    /// <exception cref="ArgumentException">A state is out of range, the trajectory is empty, or the prompt exceeds the
    /// model's training context.</exception>
    /// <exception cref="InvalidOperationException">A separator is needed but is not a token of the vocabulary.</exception>
    public InContextPredictions PredictInContext(
        ReadOnlySpan<int> trajectory,
        PromptEncoding encoding = PromptEncoding.Auto,
        DecodingOptions? decoding = null,
        CancellationToken cancellationToken = default)
    {
        decoding ??= DecodingOptions.Default;
        decoding.Validate();
        if (trajectory.IsEmpty)
        {
            throw new ArgumentException("The trajectory is empty.", nameof(trajectory));
        }

        int t = VocabularySize;
        for (int i = 0; i < trajectory.Length; i++)
        {
            if ((uint)trajectory[i] >= (uint)t)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"State {trajectory[i]} at position {i} is outside 0..{t - 1}."),
                    nameof(trajectory));
            }
        }

        int[] states = trajectory.ToArray();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            bool agrees;
            if (encoding == PromptEncoding.Auto)
            {
                agrees = TokenizerReproduces(states, PromptEncoding.Concatenated);
                encoding = agrees ? PromptEncoding.Concatenated : PromptEncoding.Separated;
                if (!agrees)
                {
                    agrees = TokenizerReproduces(states, PromptEncoding.Separated);
                }
            }
            else
            {
                agrees = TokenizerReproduces(states, encoding);
            }

            bool separated = encoding == PromptEncoding.Separated;
            int separatorId = separated ? SeparatorId() : -1;
            int origin = _bos is null ? 0 : 1;
            int stride = separated ? 2 : 1;
            long total = origin + ((long)states.Length * stride);
            if (total > Math.Min(ModelContextLength, int.MaxValue))
            {
                throw new ArgumentException(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"The prompt of {states.Length} states needs {total} tokens ({encoding}), more than the " +
                        $"model's training context of {ModelContextLength}."),
                    nameof(trajectory));
            }

            var tokens = new int[total];
            var wanted = new bool[total];
            if (_bos is { } bos)
            {
                tokens[0] = bos;
            }

            for (int i = 0; i < states.Length; i++)
            {
                int at = origin + (i * stride);
                tokens[at] = _ids[states[i]];
                if (separated)
                {
                    tokens[at + 1] = separatorId;
                }

                wanted[at + stride - 1] = true;
            }

            Log.Prompt(_logger, states.Length, encoding, tokens.Length, agrees);
            double[] probabilities = EvaluatePrompt(tokens, wanted, decoding, cancellationToken);
            return new InContextPredictions(t, states.Length, probabilities, encoding, agrees, tokens.Length, PromptText(states, encoding));
        }
    }

    /// <summary>
    /// The encoding <see cref="PromptEncoding.Auto"/> chooses for this model: <see cref="PromptEncoding.Concatenated"/>
    /// when the tokenizer keeps every ordered pair of state tokens apart, otherwise <see cref="PromptEncoding.Separated"/>.
    /// </summary>
    public PromptEncoding ResolvePromptEncoding()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_autoEncoding is null)
            {
                int t = VocabularySize;
                bool apart = true;
                for (int a = 0; a < t && apart; a++)
                {
                    for (int b = 0; b < t && apart; b++)
                    {
                        apart = TokenizerReproduces([a, b, a], PromptEncoding.Concatenated);
                    }
                }

                _autoEncoding = apart ? PromptEncoding.Concatenated : PromptEncoding.Separated;
            }

            return _autoEncoding.Value;
        }
    }

    private int SeparatorId()
    {
        int id = File.FindToken(_separator);
        return id >= 0 ? id : throw new InvalidOperationException(
            $"The tokenizer merges consecutive states, and the separator '{_separator}' is not a token of the " +
            $"vocabulary; choose another LlamaSharpModelOptions.Separator.");
    }

    private string PromptText(int[] states, PromptEncoding encoding)
    {
        var text = new StringBuilder();
        foreach (int s in states)
        {
            text.Append(TokenPieces[s]);
            if (encoding == PromptEncoding.Separated)
            {
                text.Append(_separator);
            }
        }

        return text.ToString();
    }

    /// <summary>Whether tokenizing the prompt text gives exactly the token sequence we feed (a leading space token aside).</summary>
    private bool TokenizerReproduces(int[] states, PromptEncoding encoding)
    {
        bool separated = encoding == PromptEncoding.Separated;
        int separatorId = separated ? File.FindToken(_separator) : -1;
        if (separated && separatorId < 0)
        {
            return false;
        }

        var expected = new List<int>(states.Length * 2);
        var text = new StringBuilder();
        foreach (int s in states)
        {
            expected.Add(_ids[s]);
            text.Append(TokenText(_ids[s]));
            if (separated)
            {
                expected.Add(separatorId);
                text.Append(TokenText(separatorId));
            }
        }

        LLamaToken[] actual = _weights.Tokenize(text.ToString(), false, false, Encoding.UTF8);
        int skip = 0;
        while (skip < actual.Length && string.IsNullOrWhiteSpace(TokenText((int)actual[skip])))
        {
            skip++;
        }

        if (actual.Length - skip != expected.Count)
        {
            return false;
        }

        for (int i = 0; i < expected.Count; i++)
        {
            int got = (int)actual[skip + i];
            if (got != expected[i]
                && !(i == 0 && string.Equals(TokenText(got).Trim(), TokenText(expected[0]).Trim(), StringComparison.Ordinal)))
            {
                return false;
            }
        }

        return true;
    }

    private string TokenText(int id) => _weights.Vocab.LLamaTokenToString((LLamaToken)id, false) ?? string.Empty;

    /// <summary>Evaluates a prompt from an empty cache, in calls of at most the batch size, and decodes the wanted rows.</summary>
    private double[] EvaluatePrompt(int[] tokens, bool[] wanted, DecodingOptions decoding, CancellationToken cancellationToken)
    {
        int t = VocabularySize;
        int chunk = (int)Math.Clamp(MaxLogitFloatsPerCall / Math.Max(1, ModelVocabularySize), 1, 512);
        LLamaContext context = PromptContext(tokens.Length, chunk);
        SafeLLamaContextHandle handle = context.NativeHandle;
        handle.MemoryClear(false);
        var results = new List<double>(tokens.Length * t);
        var logits = new double[t];
        var row = new double[t];
        var batch = new LLamaBatch();
        for (int start = 0; start < tokens.Length; start += chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int end = Math.Min(tokens.Length, start + chunk);
            batch.Clear();
            for (int i = start; i < end; i++)
            {
                batch.Add((LLamaToken)tokens[i], i, LLamaSeqId.Zero, wanted[i]);
            }

            Decode(context, batch);
            for (int i = start; i < end; i++)
            {
                if (wanted[i])
                {
                    CopyRestricted(handle.GetLogitsIth(i - start), logits);
                    decoding.Apply(logits, row);
                    results.AddRange(row);
                }
            }
        }

        handle.MemoryClear(false);
        return [.. results];
    }

    /// <summary>The context for prompts, created on first use and recreated when a longer prompt comes.</summary>
    private LLamaContext PromptContext(int length, int batch)
    {
        if (_promptContext is not null && _promptContext.ContextSize >= length && _promptContext.BatchSize >= batch)
        {
            return _promptContext;
        }

        _promptContext?.Dispose();
        _promptContext = null;
        var parameters = new ModelParams(_parameters.ModelPath)
        {
            GpuLayerCount = 0,
            Threads = _parameters.Threads,
            BatchThreads = _parameters.BatchThreads,
            ContextSize = (uint)Math.Min(ModelContextLength, Math.Max(length, 256)),
            BatchSize = (uint)batch,
            UBatchSize = (uint)batch,
            SeqMax = 1,
            TypeK = _parameters.TypeK,
            TypeV = _parameters.TypeV,
            FlashAttention = _parameters.FlashAttention,
        };
        _promptContext = CreateContext(_weights, parameters, FilePath);
        return _promptContext;
    }
}
