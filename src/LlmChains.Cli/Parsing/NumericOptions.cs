using System.CommandLine;
using System.CommandLine.Parsing;

namespace LlmChains.Cli.Parsing;

/// <summary>
/// Gives every numeric option of a command tree the parser of <see cref="InvariantNumber"/>, so that no option is read
/// in the current culture (System.CommandLine's own converters use it: under a German locale "0.5" becomes 5) and a
/// bad value is reported with the option's name, never a .NET type name.
/// </summary>
internal static class NumericOptions
{
    /// <summary>Installs the invariant parsers on every option of <paramref name="command"/> and its subcommands.</summary>
    public static void Install(Command command)
    {
        foreach (var option in command.Options)
        {
            switch (option)
            {
                case Option<double> d:
                    d.CustomParser = result => Double(result, d.Name);
                    break;
                case Option<double?> d:
                    d.CustomParser = result => Double(result, d.Name);
                    break;
                case Option<int> i:
                    i.CustomParser = result => (int)Integer(result, i.Name, int.MinValue, int.MaxValue);
                    break;
                case Option<int?> i:
                    i.CustomParser = result => (int)Integer(result, i.Name, int.MinValue, int.MaxValue);
                    break;
                case Option<long> l:
                    l.CustomParser = result => Integer(result, l.Name, long.MinValue, long.MaxValue);
                    break;
                case Option<long?> l:
                    l.CustomParser = result => Integer(result, l.Name, long.MinValue, long.MaxValue);
                    break;
                case Option<float> or Option<float?> or Option<decimal> or Option<decimal?>
                    or Option<short> or Option<byte> or Option<uint> or Option<ulong>:
                    throw new InvalidOperationException($"{option.Name}: add an invariant parser for {option.ValueType.Name} options");
            }
        }

        foreach (var subcommand in command.Subcommands)
        {
            Install(subcommand);
        }
    }

    private static double Double(ArgumentResult result, string name)
    {
        string text = Single(result);
        if (InvariantNumber.TryParseDouble(text, out double value, out string? problem))
        {
            return value;
        }

        result.AddError($"{name}: {problem}");
        return 0;
    }

    private static long Integer(ArgumentResult result, string name, long min, long max)
    {
        string text = Single(result);
        if (InvariantNumber.TryParseInteger(text, min, max, out long value, out string? problem))
        {
            return value;
        }

        result.AddError($"{name}: {problem}");
        return 0;
    }

    private static string Single(ArgumentResult result) => result.Tokens.Count == 0 ? string.Empty : result.Tokens[^1].Value;
}
