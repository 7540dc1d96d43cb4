using System.Diagnostics;
using System.Globalization;
using LlmChains.Remote;

namespace LlmChains.Cli.Output;

/// <summary>
/// The progress of a remote evaluation on stderr, one line every 5 s at most (and the last one), once the work has
/// taken more than a second: contexts done of the total, how many came from the cache, requests sent, and the ETA.
/// </summary>
internal sealed class RemoteProgressLines(TextWriter error) : IProgress<RemoteProgress>
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(5);
    private readonly Stopwatch _sinceLine = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private bool _first = true;

    public void Report(RemoteProgress value)
    {
        bool last = value.Done >= value.Total;
        lock (_gate)
        {
            if (value.Elapsed < TimeSpan.FromSeconds(1) || (!last && !_first && _sinceLine.Elapsed < Every))
            {
                return;
            }

            _first = false;
            _sinceLine.Restart();
            string eta = value.Remaining is { } r ? Clock(r) : "?";
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\rserver: {value.Done:N0} of {value.Total:N0} contexts ({value.FromCache:N0} from the cache), {value.Requests:N0} requests, {value.Elapsed.TotalSeconds:F1} s, ETA {eta}"));
            error.Flush();
        }
    }

    private static string Clock(TimeSpan span)
        => span.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}:{span.Minutes:00}:{span.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}:{span.Seconds:00}");
}
