namespace LlmChains.Cli.Output;

/// <summary>
/// Writes an output file (PNG, CSV) through a temporary file in the same folder that is renamed over the target once
/// complete: a run killed mid-write leaves the old file or the new one, never a truncated one. An existing file is
/// replaced. Errors become one-line CLI errors naming the file.
/// </summary>
internal static class AtomicFile
{
    /// <summary>
    /// Refuses, before any work is done, a target that cannot be a file: not a valid name, or a folder. (A folder that
    /// cannot be written still fails only when writing, with the same one-line message.)
    /// </summary>
    /// <param name="path">The target file.</param>
    /// <param name="what">What will be written, for messages.</param>
    public static void Check(string path, string what)
    {
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new CliException($"{path}: not a valid file name for {what}");
        }

        if (Directory.Exists(full) || path.EndsWith(Path.DirectorySeparatorChar) || path.EndsWith(Path.AltDirectorySeparatorChar))
        {
            throw new CliException($"{path}: is a folder; give a file name for {what}");
        }
    }

    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/>, which receives the temporary file's path.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="what">What is written, for messages ("the plot", "the CSV").</param>
    /// <param name="write">Writes the whole content to the path it is given.</param>
    public static void Write(string path, string what, Action<string> write)
    {
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new CliException($"{path}: not a valid file name for {what}");
        }

        if (Directory.Exists(full))
        {
            throw new CliException($"{path}: is a folder; give a file name for {what}");
        }

        string folder = Path.GetDirectoryName(full) ?? ".";
        string temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(folder);
            write(temporary);
            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or TypeInitializationException or DllNotFoundException)
        {
            throw new CliException($"{path}: could not write {what}: {e.Message}");
        }
        finally
        {
            TryDelete(temporary);
        }
    }

    private static void TryDelete(string temporary)
    {
        try
        {
            File.Delete(temporary);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // the temporary file stays behind only when the folder forbids deleting it; nothing to report
        }
    }
}
