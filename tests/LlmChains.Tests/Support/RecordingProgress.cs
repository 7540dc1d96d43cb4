namespace LlmChains.Tests.Support;

/// <summary>A synchronous <see cref="IProgress{T}"/> that records every report (thread-safe).</summary>
internal sealed class RecordingProgress<T> : IProgress<T>
{
    private readonly Lock _gate = new();
    private readonly List<T> _reports = [];

    public IReadOnlyList<T> Reports
    {
        get
        {
            lock (_gate)
            {
                return [.. _reports];
            }
        }
    }

    public void Report(T value)
    {
        lock (_gate)
        {
            _reports.Add(value);
        }
    }
}
