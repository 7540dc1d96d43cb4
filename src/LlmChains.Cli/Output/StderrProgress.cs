using System.Diagnostics;
using System.Globalization;

namespace LlmChains.Cli.Output;

/// <summary>
/// Progress on stderr for work that takes longer than a second: one line rewritten in place
/// ("building chain:  42%  (3.1 s)"), finished with a newline. Nothing is printed for quick work. Once the first second
/// has passed the line is rewritten every second even when the work reports nothing new (a long solve or a long
/// burn-in), so the elapsed time shows that it is alive; it starts at the last reported fraction, 0% before any.
/// With a describing function the line also names what is running ("analysing: mixing  42%  (3.1 s)"), and work
/// whose fraction is not known (NaN: an iterative solver that stops at a tolerance) shows the description alone
/// ("analysing: stationary 120 · residual 3.1e-09  (3.1 s)"), rewritten at most four times a second.
/// </summary>
internal sealed class StderrProgress<T> : IProgress<T>, IDisposable
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);

    private readonly TextWriter _error;
    private readonly string _label;
    private readonly Func<T, double> _fraction;
    private readonly Func<T, string?>? _describe;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private readonly Timer _heartbeat;
    private int _percent;
    private string? _description;
    private int _written;
    private TimeSpan _lastWrite;
    private bool _shown;
    private bool _disposed;

    public StderrProgress(TextWriter error, string label, Func<T, double> fraction, Func<T, string?>? describe = null)
    {
        _error = error;
        _label = label;
        _fraction = fraction;
        _describe = describe;
        // due a little after the first second: a timer may fire a few milliseconds early against the stopwatch
        _heartbeat = new Timer(_ => Write(force: true), null, Delay + TimeSpan.FromMilliseconds(50), Delay);
    }

    public void Report(T value)
    {
        double fraction = _fraction(value);
        int percent = double.IsNaN(fraction) ? -1 : (int)Math.Floor(100 * Math.Clamp(fraction, 0, 1));
        string? description = _describe?.Invoke(value);
        lock (_gate)
        {
            bool same = percent == _percent && description == _description;
            bool tooSoon = percent < 0 && _clock.Elapsed - _lastWrite < TimeSpan.FromSeconds(0.25);
            _percent = percent;
            _description = description;
            if (_shown && (same || tooSoon))
            {
                return;
            }
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
            _lastWrite = _clock.Elapsed;
            string state = (_percent, _description) switch
            {
                ( < 0, null) => "…",
                ( < 0, { } d) => d,
                (_, null) => string.Create(CultureInfo.InvariantCulture, $"{_percent,3}%"),
                (_, { } d) => string.Create(CultureInfo.InvariantCulture, $"{d} {_percent,3}%"),
            };
            string line = string.Create(CultureInfo.InvariantCulture, $"{_label}: {state}  ({_clock.Elapsed.TotalSeconds:F1} s)");
            _error.Write("\r" + line.PadRight(_written));
            _written = line.Length;
            _error.Flush();
        }
    }
}
