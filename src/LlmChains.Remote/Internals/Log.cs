using Microsoft.Extensions.Logging;

namespace LlmChains.Remote.Internals;

/// <summary>Log messages of the remote model (never the API key).</summary>
internal static partial class Log
{
    [
        LoggerMessage(
            EventId = 700,
            Level = LogLevel.Information,
            Message = "Connected to {Server} ({Dialect}), model {Model}: T = {T} tokens [{Tokens}] (ids {Ids}), K = {K}, BOS {Bos}, API " +
                "key {KeyState}")]
    internal static partial void Connected(
        ILogger logger,
        Uri server,
        ServerDialect dialect,
        string model,
        int t,
        string tokens,
        string ids,
        int k,
        string bos,
        string keyState);

    [LoggerMessage(EventId = 701, Level = LogLevel.Warning, Message = "Request failed ({Reason}); retry {Attempt} in {Seconds:F1} s")]
    internal static partial void Retrying(ILogger logger, string reason, int attempt, double seconds);

    [
        LoggerMessage(
            EventId = 702,
            Level = LogLevel.Information,
            Message = "Evaluated {States} contexts: {FromCache} from the cache, {Requests} requests, {Seconds:F2} s")]
    internal static partial void Evaluated(ILogger logger, long states, long fromCache, long requests, double seconds);

    [
        LoggerMessage(
            EventId = 703,
            Level = LogLevel.Information,
            Message = "Cache {Path}: {Entries} entries read, {Dropped} bytes of an unfinished record dropped")]
    internal static partial void CacheOpened(ILogger logger, string path, int entries, long dropped);
}
