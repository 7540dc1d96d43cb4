using System.Text.RegularExpressions;

namespace LlmChains.Cli.Parsing;

/// <summary>
/// Puts an exception's message on one line for the tool's error output: .NET's " (Parameter 'x')" and "Actual value
/// was …" suffixes go. (Errors about an option's value are raised by the tool itself, naming the option:
/// <see cref="OptionCheck"/>; a library error that reaches the user is shown as the library wrote it.)
/// </summary>
internal static partial class OptionMessages
{
    /// <summary>
    /// The message without .NET's " (Parameter 'x')" suffix and "Actual value was …" sentence, on one line.
    /// </summary>
    public static string Clean(string message, string? parameter = null)
    {
        string text = ParameterSuffix().Replace(message, string.Empty);
        text = ActualValue().Replace(text, string.Empty);
        if (parameter is not null)
        {
            text = text.Replace($" (Parameter '{parameter}')", string.Empty, StringComparison.Ordinal);
        }

        return string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [GeneratedRegex(@"\s*\(Parameter '[^']*'\)", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterSuffix();

    [GeneratedRegex(@"\s*Actual value was [^\r\n]*", RegexOptions.CultureInvariant)]
    private static partial Regex ActualValue();
}
