using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using LlmChains.Cli.Commands.Analyze;
using LlmChains.Cli.Commands.Bounds;
using LlmChains.Cli.Commands.Export;
using LlmChains.Cli.Commands.Fate;
using LlmChains.Cli.Commands.Gguf;
using LlmChains.Cli.Commands.Icl;
using LlmChains.Cli.Commands.Sweep;
using LlmChains.Cli.Limits;
using LlmChains.Cli.Parsing;

namespace LlmChains.Cli;

/// <summary>
/// The <c>llmchains</c> tool: builds the command tree, runs it, and turns every failure into one line on
/// stderr and a non-zero exit code (1 for bad input, 2 for bad usage, 70 for an internal error), never a stack trace.
/// </summary>
internal static class CliApplication
{
    /// <summary>The tool's name in usage lines, help and messages (the assembly is LlmChains.Cli; see <see cref="ToolHelp"/>).</summary>
    public const string ToolName = "llmchains";

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        // System.CommandLine's own messages are localised by the UI culture; the tool speaks one language.
        var uiCulture = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
        try
        {
            return RunInvariant(args, output, error);
        }
        finally
        {
            CultureInfo.CurrentUICulture = uiCulture;
        }
    }

    /// <summary>Writes "llmchains: error: …" as a single line.</summary>
    public static void WriteError(TextWriter error, string message)
    {
        string oneLine = string.Join(
            ' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        error.WriteLine($"{ToolName}: error: {oneLine}");
    }

    /// <summary>Builds the command tree (also used by the tests that walk every option).</summary>
    internal static RootCommand CreateRoot(CommandContext context)
    {
        var root = new RootCommand(
            "Language models as Markov chains (Zekri et al., arXiv 2410.02724): build and analyse the chain Q_f of a model.")
        {
            Options = { context.MaxMemory },
        };
        root.Add(AnalyzeCommand.Create(context));
        root.Add(SweepCommand.Create(context));
        root.Add(BoundsCommand.Create(context));
        root.Add(IclCommand.Create(context));
        root.Add(ExportCommand.Create(context));
        root.Add(GgufCommand.Create(context));
        root.Add(Commands.LowTemp.LowTempCommand.Create(context));
        root.Add(FateCommand.Create(context));
        NumericOptions.Install(root);
        ToolHelp.Install(root);
        return root;
    }

    private static int RunInvariant(string[] args, TextWriter output, TextWriter error)
    {
        var context = new CommandContext(
            output, error, new Option<string?>(MemoryBudget.OptionName) { Description = MemoryBudget.Help, Recursive = true });
        var root = CreateRoot(context);
        ParseResult parse = root.Parse(args, new ParserConfiguration());
        if (parse.Errors.Count > 0)
        {
            WriteError(error, $"{UsageProblem(parse)} (see '{Usage(parse)} --help')");
            return ExitCodes.UsageError;
        }

        try
        {
            // --max-memory is validated for every command, also those that allocate too little to consult it
            _ = context.Memory(parse);
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (CliException e)
        {
            WriteError(error, e.Message);
            return e.ExitCode;
        }
        catch (OperationCanceledException)
        {
            WriteError(error, "cancelled");
            return ExitCodes.Cancelled;
        }
        catch (InsufficientMemoryException e)
        {
            WriteError(error, $"out of memory: {e.Message} ({MemoryBudget.OptionName} sets the budget)");
            return ExitCodes.InputError;
        }
        catch (Exception e) when (e is LlmChains.Remote.RemoteServerException || e.InnerException is LlmChains.Remote.RemoteServerException)
        {
            WriteError(
                error,
                $"inference server: {OptionMessages.Clean((e as LlmChains.Remote.RemoteServerException ?? e.InnerException!).Message)}");
            return ExitCodes.InputError;
        }
        catch (ArgumentException e)
        {
            // the options are checked by the commands (their errors name the option); what the library refuses beyond
            // that (a file's chain, a model's vocabulary) it says in its own words
            WriteError(error, OptionMessages.Clean(e.Message, e.ParamName));
            return ExitCodes.InputError;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException
            or FormatException or OverflowException)
        {
            WriteError(error, OptionMessages.Clean(e.Message));
            return ExitCodes.InputError;
        }
#pragma warning disable CA1031 // the tool's contract: any failure is one line, never a stack trace
        catch (Exception e)
#pragma warning restore CA1031
        {
            WriteError(error, $"internal error ({e.GetType().Name}): {OptionMessages.Clean(e.Message)}");
            return ExitCodes.InternalError;
        }
    }

    /// <summary>The first parse error, as the user should read it: an unknown word with the closest command or option.</summary>
    private static string UsageProblem(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        if (parse.UnmatchedTokens.Count > 0)
        {
            string word = parse.UnmatchedTokens[0];
            string? closest = CommandSuggestion.Closest(command, word);
            string kind = word.StartsWith('-') ? "option" : command.Subcommands.Count > 0 ? "command" : "argument";
            string where = command is RootCommand ? ToolName : Usage(parse);
            string known = word.StartsWith('-') || command.Subcommands.Count == 0
                ? string.Empty
                : $"; the commands are {string.Join(", ", command.Subcommands.Select(c => c.Name))}";
            return closest is not null
                ? $"unknown {kind} '{word}' for '{where}'; did you mean '{closest}'?"
                : $"unknown {kind} '{word}' for '{where}'{known}";
        }

        bool commandMissing = parse.Errors.Any(e => e.SymbolResult is null || ReferenceEquals(e.SymbolResult, parse.CommandResult));
        if (command.Subcommands.Count > 0 && commandMissing)
        {
            return $"give a command: {string.Join(", ", command.Subcommands.Select(c => c.Name))}";
        }

        var first = parse.Errors[0];
        string message = OptionMessages.Clean(first.Message);
        string? option = first.SymbolResult switch
        {
            OptionResult o => o.Option.Name,
            ArgumentResult { Parent: OptionResult o } => o.Option.Name,
            _ => null,
        };
        return option is not null && !message.Contains(option, StringComparison.Ordinal) ? $"{option}: {message}" : message;
    }

    /// <summary>"llmchains bounds icl": the tool's name and the command path, for help hints.</summary>
    private static string Usage(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as CommandResult)
        {
            names.Add(result.Command is RootCommand ? ToolName : result.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }
}

/// <summary>The writers a command prints to, and the global <c>--max-memory</c> option.</summary>
internal sealed record CommandContext(TextWriter Output, TextWriter Error, Option<string?> MaxMemory)
{
    /// <summary>The memory budget of this invocation.</summary>
    public MemoryBudget Memory(ParseResult parse) => MemoryBudget.Parse(parse.GetValue(MaxMemory));
}
