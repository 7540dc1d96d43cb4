namespace LlmChains.LlamaSharp;

/// <summary>
/// A model could not be loaded or evaluated through LLamaSharp: the llama.cpp native library (LLamaSharp.Backend.Cpu)
/// failed to load on this machine, llama.cpp refused the file, or it could not create an evaluation context. The message
/// says which, with llama.cpp's last error lines; the original exception is the inner exception.
/// </summary>
/// <remarks>
/// It derives from <see cref="IOException"/>. A file that is not well-formed GGUF is reported before llama.cpp sees it,
/// as a <see cref="LlmChains.Gguf.GgufFormatException"/>; a missing file as a <see cref="FileNotFoundException"/>.
/// </remarks>
public sealed class ModelLoadException : IOException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public ModelLoadException()
        : base("The model could not be loaded through LLamaSharp.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    public ModelLoadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the underlying failure.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The underlying failure.</param>
    public ModelLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
