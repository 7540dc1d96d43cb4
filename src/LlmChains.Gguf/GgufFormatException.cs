namespace LlmChains.Gguf;

/// <summary>
/// The one exception <see cref="GgufFile"/> throws for a file that is not a well-formed GGUF file: bad magic, an
/// unsupported version, a truncated file, an unknown value or tensor type, a count, length or size that cannot fit in
/// the file or exceeds the reader's limits, a tensor outside the data section, or a well-known metadata key
/// (architecture, sizes, vocabulary) with the wrong type. The message names the problem and the byte offset.
/// <c>LlamaSharpLanguageModel.Load</c> (package LlmChains.LlamaSharp) also throws it for a well-formed file with a
/// hyper-parameter llama.cpp
/// would abort the process on (the message names the file, the key and the allowed range).
/// </summary>
/// <remarks>It derives from <see cref="IOException"/> (<see cref="InvalidDataException"/> is sealed), so callers that handle
/// file errors handle it too; the reader throws no other exception type for malformed input.</remarks>
public sealed class GgufFormatException : IOException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public GgufFormatException()
        : base("The file is not a well-formed GGUF file.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, and where.</param>
    public GgufFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an inner exception.</summary>
    /// <param name="message">What is wrong, and where.</param>
    /// <param name="innerException">The underlying failure.</param>
    public GgufFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a problem found at byte <paramref name="offset"/>.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="offset">The byte offset in the file where the problem was found.</param>
    public GgufFormatException(string message, long offset)
        : base(FormattableString.Invariant($"{message} (at byte {offset})"))
    {
        Offset = offset;
    }

    /// <summary>The same problem, reported for the file <paramref name="path"/>.</summary>
    internal GgufFormatException(string path, GgufFormatException inner)
        : base($"{path}: {inner.Message}", inner)
    {
        Offset = inner.Offset;
    }

    /// <summary>The byte offset where the problem was found, when known.</summary>
    public long? Offset { get; }
}
