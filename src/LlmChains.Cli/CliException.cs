namespace LlmChains.Cli;

/// <summary>A problem with the user's input that ends the command with a one-line message and a non-zero exit code.</summary>
internal sealed class CliException(string message, int exitCode = ExitCodes.InputError) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>Process exit codes of the tool.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int InputError = 1;
    public const int UsageError = 2;
    public const int Cancelled = 130;
    public const int InternalError = 70;
}
