using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Globalization;

namespace LlmChains.Cli.Parsing;

/// <summary>
/// Makes the help show the tool's command name. System.CommandLine names the root command after the entry assembly
/// (LlmChains.Cli.dll, under <c>dotnet run</c> and as an installed tool); the assembly cannot be called llmchains, since
/// the tool package also holds LlmChains.dll and the two names differ only in case. So the help is written as
/// System.CommandLine writes it, with the root's name replaced by <see cref="CliApplication.ToolName"/> at the start of
/// the usage lines.
/// </summary>
internal sealed class ToolHelp : SynchronousCommandLineAction
{
    private readonly HelpAction _help;
    private readonly string[] _from;
    private readonly string[] _to;

    private ToolHelp(HelpAction help, string rootName)
    {
        _help = help;
        _from = [$"  {rootName} ", $"  {rootName}{Environment.NewLine}"];
        _to = [$"  {CliApplication.ToolName} ", $"  {CliApplication.ToolName}{Environment.NewLine}"];
    }

    /// <summary>Replaces the action of the help option of <paramref name="root"/> (recursive: every subcommand's help).</summary>
    public static void Install(RootCommand root)
    {
        foreach (var option in root.Options.OfType<HelpOption>())
        {
            if (option.Action is HelpAction help)
            {
                option.Action = new ToolHelp(help, root.Name);
            }
        }
    }

    /// <summary>As for System.CommandLine's help: <c>--help</c> wins over parse errors.</summary>
    public override bool ClearsParseErrors => true;

    /// <inheritdoc/>
    public override int Invoke(ParseResult parseResult)
    {
        // System.CommandLine's help writes to the invocation's output (our own configuration, made for this one call):
        // catch it, rename, pass it on.
        var configuration = parseResult.InvocationConfiguration;
        TextWriter output = configuration.Output;
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        configuration.Output = text;
        int exitCode;
        try
        {
            exitCode = _help.Invoke(parseResult);
        }
        finally
        {
            configuration.Output = output;
        }

        string written = text.ToString();
        for (int i = 0; i < _from.Length; i++)
        {
            written = written.Replace(_from[i], _to[i], StringComparison.Ordinal);
        }

        output.Write(written);
        return exitCode;
    }
}
