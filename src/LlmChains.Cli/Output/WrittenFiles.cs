namespace LlmChains.Cli.Output;

/// <summary>The lines of a command's text output that name the files it wrote ("  csv          wrote /full/path").</summary>
internal static class WrittenFiles
{
    /// <summary>One line per file given (a null path was not asked for and is skipped).</summary>
    public static void Write(TextWriter output, params (string Label, string? Path)[] files)
    {
        foreach (var (label, path) in files)
        {
            if (path is not null)
            {
                output.WriteLine($"  {label,-12} wrote {Path.GetFullPath(path)}");
            }
        }
    }
}
