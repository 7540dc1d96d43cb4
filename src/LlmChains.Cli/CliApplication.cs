using System.CommandLine;
using LlmChains.Cli.Commands;

namespace LlmChains.Cli;

/// <summary>
/// The <c>llmchains</c> tool: builds the command tree, runs it, and turns every failure into one line on
/// stderr and a non-zero exit code (1 for bad input, 2 for bad usage, 70 for an internal error), never a stack trace.
/// </summary>
internal static class CliApplication
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("Language models as Markov chains (Zekri et al., arXiv 2410.02724): build and analyse the chain Q_f of a model.");
        var context = new CommandContext(output, error);
        root.Add(AnalyzeCommand.Create(context));
        root.Add(SweepCommand.Create(context));
        root.Add(BoundsCommand.Create(context));
        root.Add(IclCommand.Create(context));

        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            WriteError(error, $"{parse.Errors[0].Message} (see 'llmchains --help')");
            return ExitCodes.UsageError;
        }

        try
        {
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
        catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            WriteError(error, e.Message);
            return ExitCodes.InputError;
        }
#pragma warning disable CA1031 // the tool's contract: any failure is one line, never a stack trace
        catch (Exception e)
#pragma warning restore CA1031
        {
            WriteError(error, $"internal error ({e.GetType().Name}): {e.Message}");
            return ExitCodes.InternalError;
        }
    }

    /// <summary>Writes "llmchains: error: …" as a single line.</summary>
    public static void WriteError(TextWriter error, string message)
    {
        string oneLine = string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        error.WriteLine($"llmchains: error: {oneLine}");
    }
}

/// <summary>The writers a command prints to.</summary>
internal sealed record CommandContext(TextWriter Output, TextWriter Error);
