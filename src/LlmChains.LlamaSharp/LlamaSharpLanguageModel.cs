using System.Globalization;
using LLama;
using LLama.Common;
using LLama.Exceptions;
using LLama.Native;
using LlmChains.Gguf;
using LlmChains.LlamaSharp.Internals;
using LlmChains.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmChains.LlamaSharp;

/// <summary>
/// A real language model read from a GGUF file (Llama, Gemma, Mistral, … through LLamaSharp and llama.cpp on the CPU),
/// seen as the model f : V_K^* → Δ(V) of the paper on a sub-vocabulary: the T tokens of a <see cref="TokenSubset"/>
/// are the states 0..T−1, the logits are the model's logits of those T tokens (as in the paper's in-context setup,
/// Section 4: restrict, then the
/// chain's softmax renormalises over them), and K is chosen by the user (at most the model's training context).
/// </summary>
/// <remarks>
/// <para>Each context is evaluated after the beginning-of-sequence token when the model's tokenizer adds one
/// (<see cref="LlamaSharpModelOptions.PrependBos"/>); it does not count towards K.</para>
/// <para><see cref="GetNextTokenLogits"/> evaluates one context from scratch (|context| + 1 token evaluations);
/// <see cref="EvaluateAllContexts"/> walks V_K^* depth-first with llama.cpp's key–value cache, one token evaluation per
/// state, and <see cref="Chains.LanguageModelChain.Build"/> uses it automatically. Results are deterministic for a given
/// file, token subset and K (llama.cpp computes each logit on one thread, so the thread count does not matter either).
/// The two paths agree to ~1e−6 on models with float32 weights; with float16 or quantized weights they differ by
/// llama.cpp's own batch-versus-incremental noise (ggml rounds activations to float16 or 8 bits before those products):
/// ~4e−4 on the float16 test fixture, more for 4-bit models.</para>
/// <para>Calls are serialised (one llama.cpp context); llama.cpp itself uses <see cref="Threads"/> threads. Dispose the
/// model to free the weights.</para>
/// </remarks>
public sealed partial class LlamaSharpLanguageModel : IPrefixSharingLanguageModel, IDisposable
{
    private readonly Lock _gate = new();
    private readonly LLamaWeights _weights;
    private readonly ModelParams _parameters;
    private readonly LLamaContext _context;
    private readonly int[] _ids;
    private readonly int? _bos;
    private readonly bool _batchLeaves;
    private readonly string _separator;
    private readonly ILogger _logger;
    private readonly LLamaBatch _batch = new();
    private LLamaContext? _promptContext;
    private PromptEncoding? _autoEncoding;
    private bool _disposed;

    private LlamaSharpLanguageModel(
        string path,
        GgufFile file,
        LLamaWeights weights,
        ModelParams parameters,
        LLamaContext context,
        int[] ids,
        string[] pieces,
        int contextWindow,
        int? bos,
        LlamaSharpModelOptions options,
        ILogger logger)
    {
        FilePath = path;
        File = file;
        _weights = weights;
        _parameters = parameters;
        _context = context;
        _ids = ids;
        TokenPieces = pieces;
        ContextWindow = contextWindow;
        _bos = bos;
        _batchLeaves = options.BatchLeafSiblings && ids.Length + 1 <= MaxSequences;
        _separator = options.Separator;
        _logger = logger;
        Threads = (int)parameters.Threads!;
    }

    /// <summary>The largest number of llama.cpp sequences used for the sibling batches.</summary>
    private const int MaxSequences = 64;

    /// <inheritdoc/>
    /// <remarks>T, the number of tokens of the subset.</remarks>
    public int VocabularySize => _ids.Length;

    /// <inheritdoc/>
    public int ContextWindow { get; }

    /// <summary>The GGUF file.</summary>
    public string FilePath { get; }

    /// <summary>The file's header, metadata and tensor descriptions (read by the pure C# reader before llama.cpp saw it).</summary>
    public GgufFile File { get; }

    /// <summary>The model's full vocabulary size.</summary>
    public int ModelVocabularySize => _weights.Vocab.Count;

    /// <summary>The model's training context length (the largest K, together with the BOS token).</summary>
    public int ModelContextLength => _weights.ContextSize;

    /// <summary>The model's vocabulary ids of the T state tokens (state x is token <c>TokenIds[x]</c>).</summary>
    public IReadOnlyList<int> TokenIds => _ids;

    /// <summary>The vocabulary texts of the T state tokens.</summary>
    public IReadOnlyList<string> TokenPieces { get; }

    /// <summary>The beginning-of-sequence token put before every context, or <see langword="null"/>.</summary>
    public int? BosToken => _bos;

    /// <summary>The number of threads llama.cpp uses.</summary>
    public int Threads { get; }

    /// <summary>Tokens evaluated by llama.cpp since the load or <see cref="ResetCounters"/> (the BOS token included).</summary>
    public long TokenEvaluations { get; private set; }

    /// <summary>llama.cpp decode calls since the load or <see cref="ResetCounters"/>.</summary>
    public long DecodeCalls { get; private set; }

    /// <summary>
    /// Loads a GGUF model for the chain on the sub-vocabulary <paramref name="tokens"/> with context window
    /// <paramref name="contextWindow"/>.
    /// </summary>
    /// <param name="path">The GGUF file.</param>
    /// <param name="tokens">The T state tokens (texts matched exactly against the vocabulary, or ids).</param>
    /// <param name="contextWindow">K ≥ 1, at most the model's training context (minus one for the BOS token).</param>
    /// <param name="options">Threads, BOS, separator, logging; default <see cref="LlamaSharpModelOptions.Default"/>.</param>
    /// <returns>The model; dispose it.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="GgufFormatException">The file is not well-formed GGUF, or has a hyper-parameter llama.cpp would abort
    /// the process on (block count, head counts, norm epsilons, RoPE parameters, expert counts; see docs/real-models.md),
    /// both checked before llama.cpp reads it.</exception>
    /// <exception cref="ArgumentException">A token is not in the vocabulary, K is out of range, or an option is invalid
    /// (<see cref="LlamaSharpModelOptions.Threads"/> outside 1..<see cref="LlamaSharpModelOptions.MaxThreads"/>).</exception>
    /// <exception cref="ModelLoadException">The native library failed to load, or llama.cpp refused the model.</exception>
    public static LlamaSharpLanguageModel Load(string path, TokenSubset tokens, int contextWindow, LlamaSharpModelOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(contextWindow, 1);
        options ??= LlamaSharpModelOptions.Default;
        if (options.Threads is { } requested && (requested < 1 || requested > LlamaSharpModelOptions.MaxThreads))
        {
            throw new ArgumentException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Threads must be between 1 and {LlamaSharpModelOptions.MaxThreads} on this machine " +
                    $"({LlamaSharpModelOptions.ThreadsPerProcessor} per processor, {Environment.ProcessorCount} " +
                    $"processors); got {requested}."));
        }

        if (string.IsNullOrEmpty(options.Separator))
        {
            throw new ArgumentException("The separator must be a non-empty token text.", nameof(options));
        }

        if (!System.IO.File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such file.", path);
        }

        GgufFile file = GgufFile.Read(path);
        if (file.Architecture is null)
        {
            throw new GgufFormatException($"{path} has no general.architecture; it is not a model file.");
        }

        if (file.Tokens is null)
        {
            throw new GgufFormatException($"{path} has no tokenizer.ggml.tokens; a vocabulary is needed to find the state tokens.");
        }

        LlamaHyperParameters.Validate(file, path); // values llama.cpp would abort the process on
        var (ids, pieces) = ResolveTokens(file, tokens, path);
        long trainContext = file.ContextLength ?? long.MaxValue;
        var logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<LlamaSharpLanguageModel>();
        NativeBackend.Ensure(options.LoggerFactory);

        int threads = options.Threads ?? Math.Max(1, Environment.ProcessorCount / 2);
        int t = ids.Length;
        var parameters = new ModelParams(Path.GetFullPath(path))
        {
            GpuLayerCount = 0,
            Threads = threads,
            BatchThreads = threads,
        };
        if (options.PreciseCache)
        {
            parameters.TypeK = GGMLType.GGML_TYPE_F32;
            parameters.TypeV = GGMLType.GGML_TYPE_F32;
            parameters.FlashAttention = false;
        }

        LLamaWeights weights;
        NativeBackend.ClearRecent();
        try
        {
            weights = LLamaWeights.LoadFromFile(parameters);
        }
        catch (Exception e) when (e is LoadWeightsFailedException or RuntimeError or InvalidOperationException or ArgumentException)
        {
            throw new ModelLoadException(
                $"llama.cpp could not load {path} ({file.Architecture}): {e.Message}.{NativeBackend.RecentMessages()}",
                e);
        }
        catch (Exception e) when (NativeBackend.IsNativeLoadFailure(e))
        {
            throw NativeBackend.Failure(e);
        }

        try
        {
            bool bos = options.PrependBos ?? weights.Vocab.ShouldAddBOS;
            int? bosToken = bos ? weights.Vocab.BOS is { } b ? (int)b : throw new ArgumentException(
                $"{path} has no beginning-of-sequence token; set PrependBos = false.",
                nameof(options)) : null;
            int reserved = bos ? 1 : 0;
            if (contextWindow + reserved > Math.Min(trainContext, weights.ContextSize))
            {
                // no parameter name or value: the message is shown as one line
                throw new ArgumentOutOfRangeException(
                    null,
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"K = {contextWindow} does not fit the model's training context of {weights.ContextSize} " +
                        $"tokens{(bos ? " (one is the BOS token)" : string.Empty)}."));
            }

            if (weights.Vocab.Count != file.Tokens.Count)
            {
                throw new ModelLoadException(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"llama.cpp reports {weights.Vocab.Count} tokens for {path}, but its tokenizer.ggml.tokens " +
                        $"has {file.Tokens.Count}."));
            }

            bool batchLeaves = options.BatchLeafSiblings && t + 1 <= MaxSequences;
            // llama.cpp asserts (aborting the process) unless max(outputs, sequences) ≤ its output buffer = the batch size
            int sequences = batchLeaves ? t + 1 : 1;
            int width = Math.Max(contextWindow + reserved, sequences);
            parameters.ContextSize = (uint)(contextWindow + reserved + (batchLeaves ? t : 0));
            parameters.BatchSize = (uint)width;
            parameters.UBatchSize = (uint)width;
            parameters.SeqMax = (uint)sequences;
            parameters.KVUnified = true;
            LLamaContext context = CreateContext(weights, parameters, path);
            var model = new LlamaSharpLanguageModel(
                Path.GetFullPath(path), file, weights, parameters, context, ids, pieces, contextWindow, bosToken, options, logger);
            string tokenList = string.Join(",", pieces);
            Log.Loaded(
                logger, model.FilePath, file.Architecture, model.ModelVocabularySize, model.ModelContextLength, t,
                tokenList, contextWindow, bos, threads);
            return model;
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    /// <remarks>Evaluates [BOS] + context from an empty cache in one llama.cpp call and returns the T restricted logits.</remarks>
    public void GetNextTokenLogits(ReadOnlySpan<int> context, Span<double> logits)
    {
        CheckContext(context, logits);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            SafeLLamaContextHandle handle = _context.NativeHandle;
            handle.MemoryClear(false);
            _batch.Clear();
            int position = 0;
            if (_bos is { } bos)
            {
                _batch.Add((LLamaToken)bos, position++, LLamaSeqId.Zero, false);
            }

            for (int i = 0; i < context.Length; i++)
            {
                _batch.Add((LLamaToken)_ids[context[i]], position++, LLamaSeqId.Zero, i == context.Length - 1);
            }

            Decode(_context, _batch);
            CopyRestricted(handle.GetLogitsIth(_batch.TokenCount - 1), logits);
        }
    }

    /// <summary>Sets <see cref="TokenEvaluations"/> and <see cref="DecodeCalls"/> to 0.</summary>
    public void ResetCounters()
    {
        lock (_gate)
        {
            TokenEvaluations = 0;
            DecodeCalls = 0;
        }
    }

    /// <summary>Frees the llama.cpp contexts and the weights.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _promptContext?.Dispose();
            _context.Dispose();
            _weights.Dispose();
        }
    }

    /// <inheritdoc/>
    public override string ToString()
        => string.Create(
            CultureInfo.InvariantCulture,
            $"{Path.GetFileName(FilePath)} ({File.Architecture}) on tokens [{string.Join(",", TokenPieces)}], T = " +
            $"{VocabularySize}, K = {ContextWindow}");

    private static (int[] Ids, string[] Pieces) ResolveTokens(GgufFile file, TokenSubset tokens, string path)
    {
        IReadOnlyList<string> vocabulary = file.Tokens!;
        var ids = new int[tokens.Count];
        var pieces = new string[tokens.Count];
        for (int x = 0; x < tokens.Count; x++)
        {
            if (tokens.Pieces is { } texts)
            {
                int id = file.FindToken(texts[x]);
                if (id < 0)
                {
                    throw new ArgumentException(
                        $"Token '{texts[x]}' is not in the vocabulary of {path} ({vocabulary.Count} tokens); give the " +
                        $"exact token text or its id (id:N).",
                        nameof(tokens));
                }

                ids[x] = id;
                pieces[x] = texts[x];
            }
            else
            {
                int id = tokens.Ids![x];
                if (id >= vocabulary.Count)
                {
                    throw new ArgumentException(
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"Token id {id} is outside the vocabulary of {path} (0..{vocabulary.Count - 1})."),
                        nameof(tokens));
                }

                ids[x] = id;
                pieces[x] = vocabulary[id];
            }
        }

        return (ids, pieces);
    }

    private static LLamaContext CreateContext(LLamaWeights weights, ModelParams parameters, string path)
    {
        try
        {
            return weights.CreateContext(parameters);
        }
        catch (Exception e) when (e is RuntimeError or InvalidOperationException or ArgumentException)
        {
            throw new ModelLoadException(
                $"llama.cpp could not create an evaluation context for {path} (context {parameters.ContextSize}, " +
                $"batch {parameters.BatchSize}, {parameters.SeqMax} sequences): {e.Message}.{NativeBackend.RecentMessages()}",
                e);
        }
    }

    private void CheckContext(ReadOnlySpan<int> context, Span<double> logits)
    {
        if (context.Length < 1 || context.Length > ContextWindow)
        {
            throw new ArgumentException(
                $"The context has {context.Length} tokens; it must have between 1 and K = {ContextWindow}.",
                nameof(context));
        }

        foreach (int token in context)
        {
            if ((uint)token >= (uint)_ids.Length)
            {
                throw new ArgumentException($"Token {token} is outside the vocabulary 0..{_ids.Length - 1}.", nameof(context));
            }
        }

        if (logits.Length != _ids.Length)
        {
            throw new ArgumentException(
                $"The logits destination has length {logits.Length}; it must have length T = {_ids.Length}.",
                nameof(logits));
        }
    }

    /// <summary>Runs one llama.cpp decode and counts it; a failure becomes an <see cref="InvalidOperationException"/>.</summary>
    private void Decode(LLamaContext context, LLamaBatch batch)
    {
        DecodeResult result = context.NativeHandle.Decode(batch);
        DecodeCalls++;
        TokenEvaluations += batch.TokenCount;
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"llama.cpp failed to evaluate {batch.TokenCount} tokens of {Path.GetFileName(FilePath)}: " +
                    $"{result}.{NativeBackend.RecentMessages()}"));
        }
    }

    /// <summary>Copies the logits of the T state tokens out of a full-vocabulary logit row.</summary>
    private void CopyRestricted(ReadOnlySpan<float> full, Span<double> logits)
    {
        for (int x = 0; x < _ids.Length; x++)
        {
            logits[x] = full[_ids[x]];
        }
    }
}
