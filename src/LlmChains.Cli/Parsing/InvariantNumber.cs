using System.Globalization;
using System.Text.RegularExpressions;

namespace LlmChains.Cli.Parsing;

/// <summary>
/// Reads the numbers a user types, in the invariant culture whatever the machine's locale: a point for decimals, an
/// optional exponent, no thousands separators, no NaN or infinity, nothing before or after the number. "0.5" is one
/// half in every locale; "0,5", "1,5" and "1,000" are refused rather than read as 5, 15 or 1000.
/// </summary>
internal static partial class InvariantNumber
{
    /// <summary>Parses a finite decimal number; false with a message fragment when <paramref name="text"/> is not one.</summary>
    public static bool TryParseDouble(string text, out double value, out string? problem)
    {
        value = 0;
        if (!Decimal().IsMatch(text))
        {
            problem = NotANumber(text);
            return false;
        }

        value = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (!double.IsFinite(value))
        {
            problem = $"'{text}' is too large (beyond ±1.8e308)";
            return false;
        }

        problem = null;
        return true;
    }

    /// <summary>
    /// Parses a whole number in [<paramref name="min"/>, <paramref name="max"/>]: digits with an optional sign and an
    /// optional exponent (1e6), never a decimal point, so that "1.000" (a thousand in German) is refused rather than read as 1.
    /// </summary>
    public static bool TryParseInteger(string text, long min, long max, out long value, out string? problem)
    {
        value = 0;
        if (!Decimal().IsMatch(text))
        {
            problem = NotANumber(text);
            return false;
        }

        if (text.Contains('.', StringComparison.Ordinal))
        {
            problem = $"'{text}' is not a whole number (digits only, e.g. 1000 or 1e3; no decimal point or thousands separator)";
            return false;
        }

        double approximate = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (approximate != Math.Floor(approximate))
        {
            problem = $"'{text}' is not a whole number";
            return false;
        }

        bool exact = long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
        if (!exact)
        {
            if (approximate is >= -9.2e18 and <= 9.2e18)
            {
                value = (long)approximate;
            }
            else
            {
                problem = string.Create(CultureInfo.InvariantCulture, $"'{text}' is out of range: give a whole number from {min} to {max}");
                return false;
            }
        }

        if (value < min || value > max)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"'{text}' is out of range: give a whole number from {min} to {max}");
            return false;
        }

        problem = null;
        return true;
    }

    /// <summary>
    /// Parses a finite number or throws a usage error naming <paramref name="what"/> (an option, or an option and a part of its value).
    /// </summary>
    public static double ParseDouble(string text, string what)
        => TryParseDouble(text, out double value, out string? problem) ? value : throw new CliException(
            $"{what}: {problem}", ExitCodes.UsageError);

    private static string NotANumber(string text)
    {
        string hint = text.Contains(',', StringComparison.Ordinal)
            ? " (write decimals with a point, e.g. 0.5, and no thousands separators)"
            : " (e.g. 0.5, 3 or 1e-6)";
        return $"'{text}' is not a number{hint}";
    }

    /// <summary>An optional sign, ASCII digits with at most one decimal point, an optional exponent; nothing else.</summary>
    [GeneratedRegex(@"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Decimal();
}
