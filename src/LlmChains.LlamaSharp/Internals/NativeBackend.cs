using System.Collections.Concurrent;
using LLama.Exceptions;
using LLama.Native;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmChains.LlamaSharp.Internals;

/// <summary>
/// Loads the llama.cpp native library once, routes its log to the last logger given (at Debug), keeps its recent
/// warnings and errors for exception messages, and turns a native load failure into a <see cref="ModelLoadException"/>.
/// </summary>
internal static class NativeBackend
{
    private const int RecentCapacity = 8;
    private static readonly Lock Gate = new();
    private static readonly ConcurrentQueue<string> Recent = new();
    private static ILogger s_logger = NullLogger.Instance;
    private static bool s_ready;
    private static Exception? s_failure;

    internal static void Ensure(ILoggerFactory? loggerFactory)
    {
        lock (Gate)
        {
            if (loggerFactory is not null)
            {
                s_logger = loggerFactory.CreateLogger("LlmChains.LlamaSharp.LlamaCpp");
            }

            if (s_ready)
            {
                return;
            }

            if (s_failure is not null)
            {
                throw Failure(s_failure);
            }

            try
            {
                if (!NativeLibraryConfig.LLama.LibraryHasLoaded)
                {
                    NativeLibraryConfig.All.WithLogCallback(OnLog);
                }

                NativeApi.llama_empty_call();
                s_ready = true;
            }
            catch (Exception e) when (IsNativeLoadFailure(e))
            {
                s_failure = e;
                throw Failure(e);
            }
        }
    }

    internal static bool IsNativeLoadFailure(Exception e)
        => e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException
            or TypeInitializationException or RuntimeError;

    internal static ModelLoadException Failure(Exception e)
    {
        Exception root = e;
        while (root is TypeInitializationException { InnerException: { } inner })
        {
            root = inner;
        }

        return new ModelLoadException(
            $"The llama.cpp native library (LLamaSharp 0.30.0 with LLamaSharp.Backend.Cpu) could not be loaded on " +
            $"this machine: {root.GetType().Name}: {FirstLine(root.Message)}"
            + " Check that the package LLamaSharp.Backend.Cpu is referenced and that its runtimes/<rid>/native files " +
              "were copied next to the application (the CPU needs AVX or the noavx build).",
            e);
    }

    /// <summary>llama.cpp's recent warnings and errors, joined, or an empty string.</summary>
    internal static string RecentMessages()
    {
        string joined = string.Join(" | ", Recent.ToArray().Select(m => m.Trim()).Where(m => m.Length > 0));
        return joined.Length == 0 ? string.Empty : $" llama.cpp said: {joined}";
    }

    internal static void ClearRecent() => Recent.Clear();

    private static string FirstLine(string message)
    {
        int end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }

    private static void OnLog(LLamaLogLevel level, string message)
    {
        if (level is LLamaLogLevel.Warning or LLamaLogLevel.Error)
        {
            Recent.Enqueue(message);
            while (Recent.Count > RecentCapacity && Recent.TryDequeue(out _))
            {
            }
        }

        Log.NativeMessage(s_logger, level, message);
    }
}
