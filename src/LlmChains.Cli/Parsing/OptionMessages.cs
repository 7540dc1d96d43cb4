using System.CommandLine;
using System.Text.RegularExpressions;

namespace LlmChains.Cli.Parsing;

/// <summary>
/// Turns the library's argument errors into the tool's one-line messages: the " (Parameter 'x')" and "Actual value
/// was …" suffixes of .NET go, and the parameter is named by the option the user typed (TopK → --top-k).
/// </summary>
internal static partial class OptionMessages
{
    /// <summary>Library parameter and property names whose option is not their kebab-case form.</summary>
    private static readonly Dictionary<string, string> Renamed = new(StringComparer.Ordinal)
    {
        ["vocabularySize"] = "--vocab",
        ["VocabularySize"] = "--vocab",
        ["contextWindow"] = "--context",
        ["ContextWindow"] = "--context",
        ["stateCount"] = "--states",
        ["StateCount"] = "--states",
        ["Trajectories"] = "--sample",
        ["Steps"] = "--tv-steps",
        ["Confidence"] = "--confidence",
        ["MaxDegreeOfParallelism"] = "--threads",
        ["Threads"] = "--threads",
        ["minimumProbability"] = "--min-prob",
        ["minimumTransitionProbability"] = "--min-prob",
        ["sampleCount"] = "--tokens",
        ["mixingTime"] = "--t-min",
        ["concentration"] = "--alpha",
    };

    /// <summary>The message of <paramref name="e"/> for the command that <paramref name="parse"/> ran.</summary>
    public static string For(ArgumentException e, ParseResult parse)
    {
        string message = Clean(e.Message, e.ParamName);
        // Without a parameter name, the library's messages start with the property they are about ("TopK must be ≥ 1").
        var leading = LeadingName().Match(message);
        string? name = e.ParamName ?? (leading.Success ? leading.Groups[1].Value : null);
        string? option = OptionFor(name, parse.CommandResult.Command);
        return option is null || message.StartsWith(option, StringComparison.Ordinal) ? message : $"{option}: {message}";
    }

    /// <summary>The option of <paramref name="command"/> that sets the library parameter <paramref name="name"/>, if any.</summary>
    public static string? OptionFor(string? name, Command command)
    {
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        string option = Renamed.TryGetValue(name, out string? renamed) ? renamed : "--" + Kebab().Replace(name, "$1-$2").ToLowerInvariant();
        return command.Options.Any(o => o.Name == option || o.Aliases.Contains(option)) || command.Parents.OfType<Command>().Any(c => c.Options.Any(o => o.Recursive && o.Name == option))
            ? option
            : null;
    }

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

    [GeneratedRegex(@"^([A-Z][A-Za-z0-9]*) (must|is|has)\b", RegexOptions.CultureInvariant)]
    private static partial Regex LeadingName();

    [GeneratedRegex("([a-z0-9])([A-Z])", RegexOptions.CultureInvariant)]
    private static partial Regex Kebab();
}
