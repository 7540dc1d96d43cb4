using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace LlmChains.Cli.Parsing;

/// <summary>
/// Checks of the values of the tool's own options, made before the library is called, so that an error names the
/// option the user typed ("--states: The number of states d must be ≥ 2; got 1.") instead of a library parameter.
/// The library checks its arguments again; those checks are not translated back into option names.
/// </summary>
internal static class OptionCheck
{
    /// <summary>Throws "<paramref name="option"/>: <paramref name="message"/>" (exit code 1) unless <paramref name="valid"/>.</summary>
    /// <param name="valid">Whether the value is acceptable.</param>
    /// <param name="option">The option as typed, or the option and its value ("--predictor bayes:0").</param>
    /// <param name="message">What is wrong, with the value (formatted in the invariant culture).</param>
    public static void Require([DoesNotReturnIf(false)] bool valid, string option, FormattableString message)
    {
        if (!valid)
        {
            throw new CliException($"{option}: {message.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    /// <summary>A finite value &gt; 0.</summary>
    public static bool IsPositive(double value) => value > 0 && !double.IsInfinity(value);

    /// <summary>A finite value ≥ 0.</summary>
    public static bool IsNonNegative(double value) => value >= 0 && !double.IsInfinity(value);
}
