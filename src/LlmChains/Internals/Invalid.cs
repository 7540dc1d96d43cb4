using System.Globalization;

namespace LlmChains.Internals;

/// <summary>
/// The exceptions of invalid arguments and options, with messages that read as one line: the message names the
/// parameter or option, the allowed range and the value, and no parameter name is attached, so .NET appends neither
/// " (Parameter 'x')" nor "Actual value was …" (what CLI users see is exactly the message).
/// </summary>
internal static class Invalid
{
    /// <summary>A value outside its allowed range: an <see cref="ArgumentOutOfRangeException"/> with the message only.</summary>
    internal static ArgumentOutOfRangeException OutOfRange(string message) => new(paramName: null, message);

    /// <summary>An invalid argument that is not a range violation: an <see cref="ArgumentException"/> with the message only.</summary>
    internal static ArgumentException Argument(string message) => new(message);

    /// <summary>A number as the messages print it: round-trip, invariant culture.</summary>
    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
