using Microsoft.Extensions.Logging;

namespace LlmChains.LlamaSharp.Internals;

/// <summary>Log messages of the LlamaSharp adapter.</summary>
internal static partial class Log
{
    [LoggerMessage(
        EventId = 600,
        Level = LogLevel.Information,
        Message = "Loaded {Path} ({Architecture}, vocabulary {Vocabulary}, training context {TrainContext}) "
            + "with T = {T} tokens [{Tokens}], K = {K}, BOS {Bos}, {Threads} threads")]
    internal static partial void Loaded(
        ILogger logger, string path, string architecture, int vocabulary, int trainContext, int t, string tokens, int k, bool bos,
        int threads);

    [LoggerMessage(
        EventId = 601,
        Level = LogLevel.Information,
        Message = "Evaluated {States} contexts by prefix sharing: {Tokens} token evaluations in {Calls} llama.cpp calls, {Seconds:F2} s")]
    internal static partial void PrefixSharingDone(ILogger logger, long states, long tokens, long calls, double seconds);

    [LoggerMessage(
        EventId = 602,
        Level = LogLevel.Debug,
        Message = "In-context prompt of {States} states: {Encoding} encoding, {Tokens} tokens, tokenizer agrees: {Agrees}")]
    internal static partial void Prompt(ILogger logger, int states, PromptEncoding encoding, int tokens, bool agrees);

    [LoggerMessage(EventId = 603, Level = LogLevel.Debug, Message = "llama.cpp {Level}: {Message}")]
    internal static partial void NativeMessage(ILogger logger, LLama.Native.LLamaLogLevel level, string message);
}
