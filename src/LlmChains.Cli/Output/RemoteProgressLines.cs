using System.Diagnostics;
using System.Globalization;

namespace LlmChains.Cli.Output;

/// <summary>
/// The progress of a remote evaluation on stderr, one line every 5 s at most (and the last one), once the work has
/// taken more than a second: contexts done of the total, how many came from the cache, requests sent, and the ETA.
/// </summary>
internal sealed class RemoteProgressLines(TextWriter error) : IProgress<Progress>
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(5);
    private readonly Stopwatch _sinceLine = Stopwatch.StartNew();
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private bool _first = true;

    public void Report(Progress value)
    {
        bool last = value.Done >= value.Total;
        lock (_gate)
        {
            if (_elapsed.Elapsed < TimeSpan.FromSeconds(1) || (!last && !_first && _sinceLine.Elapsed < Every))
            {
                return;
            }

            _first = false;
            _sinceLine.Restart();
            error.WriteLine(
                string.Create(CultureInfo.InvariantCulture, $"\rserver: {value.Done:N0} of {value.Total:N0} contexts ({value.Detail}), ") +
                string.Create(CultureInfo.InvariantCulture, $"{_elapsed.Elapsed.TotalSeconds:F1} s"));
            error.Flush();
        }
    }

}
