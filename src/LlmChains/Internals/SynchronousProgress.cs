
namespace LlmChains.Internals;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls its handler on the reporting thread, in order (unlike
/// <see cref="Progress{T}"/>, which posts to a synchronization context and may deliver after the work has ended).
/// </summary>
internal sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
