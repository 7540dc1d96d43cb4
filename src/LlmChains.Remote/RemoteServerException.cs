namespace LlmChains.Remote;

/// <summary>
/// The inference server refused a request, kept failing after the retries, or answered something that cannot be used
/// (a malformed body, a missing token, ids of another tokenizer). The message says which and what to change; it never
/// contains the API key.
/// </summary>
public sealed class RemoteServerException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RemoteServerException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public RemoteServerException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public RemoteServerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status of the last answer, or <see langword="null"/> when there was none (timeout, dropped
    /// connection) or it was 200.</summary>
    public int? StatusCode { get; init; }
}
