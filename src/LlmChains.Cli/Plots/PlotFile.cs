namespace LlmChains.Cli.Plots;

/// <summary>Saves ScottPlot figures as PNG files.</summary>
internal static class PlotFile
{
    /// <summary>Saves <paramref name="plot"/> to <paramref name="path"/> (PNG), creating the folder; errors become one-line CLI errors.</summary>
    public static void Save(ScottPlot.Plot plot, string path, int width = 900, int height = 600)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        try
        {
            plot.SavePng(path, width, height);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or TypeInitializationException or DllNotFoundException)
        {
            throw new CliException($"{path}: could not write the plot: {e.Message}");
        }
    }
}
