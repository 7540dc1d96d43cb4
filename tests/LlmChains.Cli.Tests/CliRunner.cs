namespace LlmChains.Cli.Tests;

/// <summary>Runs the tool in process and captures what it prints.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = CliApplication.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>A fresh temporary file with the given content; deleted by the caller's using.</summary>
    public static TempFile File(string extension, string content) => new(extension, content);

    public sealed class TempFile : IDisposable
    {
        public TempFile(string extension, string content)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"llmchains-{Guid.NewGuid():N}{extension}");
            System.IO.File.WriteAllText(Path, content);
        }

        public string Path { get; }

        public void Dispose() => System.IO.File.Delete(Path);
    }
}
