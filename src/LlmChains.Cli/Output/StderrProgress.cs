using System.Diagnostics;
using System.Globalization;

namespace LlmChains.Cli.Output;

/// <summary>
/// Progress on stderr for work that takes longer than a second: one line rewritten in place
/// ("building chain:  42%  (3.1 s)"), finished with a newline. Nothing is printed for quick work. Once the first second
/// has passed the line is rewritten every second even when the work reports nothing new (a long solve or a long
/// burn-in), so the elapsed time shows that it is alive; it starts at the last reported fraction, 0% before any.
/// </summary>
internal sealed class StderrProgress<T> : IProgress<T>, IDisposable
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);

    private readonly TextWriter _error;
    private readonly string _label;
    private readonly Func<T, double> _fraction;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private readonly Timer _heartbeat;
    private int _percent;
    private bool _shown;
    private bool _disposed;

    public StderrProgress(TextWriter error, string label, Func<T, double> fraction)
    {
        _error = error;
        _label = label;
        _fraction = fraction;
        // due a little after the first second: a timer may fire a few milliseconds early against the stopwatch
        _heartbeat = new Timer(_ => Write(force: true), null, Delay + TimeSpan.FromMilliseconds(50), Delay);
    }

    public void Report(T value)
    {
        int percent = (int)Math.Floor(100 * Math.Clamp(_fraction(value), 0, 1));
        lock (_gate)
        {
            if (percent == _percent && _shown)
            {
                return;
            }

            _percent = percent;
        }

        Write(force: false);
    }

    public void Dispose()
    {
        _heartbeat.Dispose();
        lock (_gate)
        {
            _disposed = true;
            if (_shown)
            {
                _error.WriteLine();
                _error.Flush();
                _shown = false;
            }
        }
    }

    private void Write(bool force)
    {
        lock (_gate)
        {
            if (_disposed || _clock.Elapsed < Delay || (!force && !_shown && _percent == 0))
            {
                return;
            }

            _shown = true;
            _error.Write(string.Create(CultureInfo.InvariantCulture, $"\r{_label}: {_percent,3}%  ({_clock.Elapsed.TotalSeconds:F1} s)"));
            _error.Flush();
        }
    }
}
