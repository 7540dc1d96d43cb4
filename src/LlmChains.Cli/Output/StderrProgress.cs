using System.Diagnostics;
using System.Globalization;

namespace LlmChains.Cli.Output;

/// <summary>
/// Progress on stderr for work that takes longer than a second: one line rewritten in place
/// ("building chain: 42%"), finished with a newline. Nothing is printed for quick work.
/// </summary>
internal sealed class StderrProgress<T>(TextWriter error, string label, Func<T, double> fraction) : IProgress<T>, IDisposable
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private int _lastPercent = -1;
    private bool _shown;

    public void Report(T value)
    {
        if (_clock.Elapsed < TimeSpan.FromSeconds(1))
        {
            return;
        }

        int percent = (int)Math.Floor(100 * Math.Clamp(fraction(value), 0, 1));
        lock (_gate)
        {
            if (percent == _lastPercent)
            {
                return;
            }

            _lastPercent = percent;
            _shown = true;
            error.Write(string.Create(CultureInfo.InvariantCulture, $"\r{label}: {percent,3}%  ({_clock.Elapsed.TotalSeconds:F1} s)"));
            error.Flush();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_shown)
            {
                error.WriteLine();
                _shown = false;
            }
        }
    }
}
