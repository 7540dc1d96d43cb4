namespace LlmChains.Remote.Tests.Support;

/// <summary>What the loopback server does to one completion request instead of (or before) answering it.</summary>
public enum ServerFault
{
    /// <summary>429 with Retry-After: 1 and an OpenAI-style error body.</summary>
    TooManyRequests,

    /// <summary>500 with the dialect's error body.</summary>
    InternalError,

    /// <summary>Closes the connection without an answer.</summary>
    DropConnection,

    /// <summary>Waits 3 s before answering (past a short timeout).</summary>
    Slow,

    /// <summary>Answers 200 with a body that is not JSON.</summary>
    MalformedBody,
}
