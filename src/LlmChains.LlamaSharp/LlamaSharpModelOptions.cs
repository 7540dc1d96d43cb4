using Microsoft.Extensions.Logging;

namespace LlmChains.LlamaSharp;

/// <summary>Options of <see cref="LlamaSharpLanguageModel.Load"/>.</summary>
public sealed record LlamaSharpModelOptions
{
    /// <summary>The default options.</summary>
    public static LlamaSharpModelOptions Default { get; } = new();

    /// <summary>The most threads per processor <see cref="Threads"/> may ask for (4).</summary>
    public const int ThreadsPerProcessor = 4;

    /// <summary>
    /// The largest <see cref="Threads"/> accepted on this machine: <see cref="ThreadsPerProcessor"/> ×
    /// <see cref="Environment.ProcessorCount"/>, at most 512 (ggml's GGML_MAX_N_THREADS).
    /// </summary>
    /// <remarks>
    /// llama.cpp does not bound the thread count itself: 100,000 threads overflow its stack in the first evaluation and
    /// 2·10⁹ fail to allocate, both ending the process. More threads than processors never make an evaluation faster
    /// (llama.cpp's workers spin while they wait); the small multiple leaves room for measuring that, and for containers
    /// whose processor count is a CPU quota rather than the cores the threads actually run on.
    /// </remarks>
    public static int MaxThreads { get; } = Math.Min(ThreadsPerProcessor * Environment.ProcessorCount, 512);

    /// <summary>
    /// Threads llama.cpp uses for one evaluation, 1..<see cref="MaxThreads"/>; <see langword="null"/> (default) uses
    /// max(1, processors / 2), llama.cpp's own choice. Results do not depend on it (each logit is computed by one thread).
    /// On a busy machine fewer threads can be faster: llama.cpp's workers spin while they wait.
    /// </summary>
    public int? Threads { get; init; }

    /// <summary>
    /// Whether every context is preceded by the beginning-of-sequence token (it does not count towards K);
    /// <see langword="null"/> (default) follows the model's tokenizer (<c>tokenizer.ggml.add_bos_token</c>).
    /// Llama and Gemma models expect it.
    /// </summary>
    public bool? PrependBos { get; init; }

    /// <summary>
    /// In the prefix-sharing construction, evaluates the T full-length children of a length-(K − 1) context together in
    /// one llama.cpp call (T sequences sharing the cached prefix) instead of one call each. Same logits, same number of
    /// token evaluations, fewer calls (the weights are read once for T tokens). Default <see langword="true"/>.
    /// </summary>
    public bool BatchLeafSiblings { get; init; } = true;

    /// <summary>
    /// Keeps llama.cpp's key–value cache in float32 and turns flash attention off. Default <see langword="true"/>.
    /// A context evaluated in one call and the same context built up token by token (prefix sharing) then agree to
    /// ~2e−6 on a model with float32 weights (with llama.cpp's float16 cache and flash attention: up to ~2e−4). With
    /// float16 or quantized weights the paths differ anyway by ggml's rounding of activations before those products
    /// (~4e−4 on the float16 test fixture, either setting). It doubles the cache memory, 8 bytes × layers × key–value
    /// width per token: negligible for chains (K tokens), ~1.5 GiB for a 1,500-token in-context prompt on a 7B model.
    /// </summary>
    public bool PreciseCache { get; init; } = true;

    /// <summary>
    /// The separator token put after every state in an in-context prompt when the tokenizer would merge consecutive
    /// states (as in the paper's App. D.1: "1,0,1" rather than "101"). Default ",".
    /// </summary>
    public string Separator { get; init; } = ",";

    /// <summary>
    /// Logger factory (load and evaluation messages, llama.cpp's own log at Debug); <see langword="null"/> (default)
    /// logs nothing.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}
