using System.Globalization;
using System.Runtime.CompilerServices;

namespace LlmChains.Internals;

/// <summary>
/// An interpolated string formatted with the invariant culture, for messages and notes. Unlike a
/// <see cref="FormattableString"/> it also accepts a sum of interpolated strings (<c>$"…" + $"…"</c>), so long
/// messages wrap across lines; the text is the same as <c>FormattableString.ToString(CultureInfo.InvariantCulture)</c>.
/// </summary>
[InterpolatedStringHandler]
internal ref struct InvariantText
{
    private DefaultInterpolatedStringHandler _inner;

    public InvariantText(int literalLength, int formattedCount)
        => _inner = new DefaultInterpolatedStringHandler(literalLength, formattedCount, CultureInfo.InvariantCulture);

    public void AppendLiteral(string value) => _inner.AppendLiteral(value);

    public void AppendFormatted<T>(T value) => _inner.AppendFormatted(value);

    public void AppendFormatted<T>(T value, string? format) => _inner.AppendFormatted(value, format);

    public void AppendFormatted<T>(T value, int alignment) => _inner.AppendFormatted(value, alignment);

    public void AppendFormatted<T>(T value, int alignment, string? format) => _inner.AppendFormatted(value, alignment, format);

    public void AppendFormatted(string? value) => _inner.AppendFormatted(value);

    /// <summary>The text; the handler's buffer returns to the pool.</summary>
    internal string ToStringAndClear() => _inner.ToStringAndClear();
}
