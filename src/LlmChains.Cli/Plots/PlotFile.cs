namespace LlmChains.Cli.Plots;

/// <summary>Saves ScottPlot figures as PNG files.</summary>
internal static class PlotFile
{
    /// <summary>Saves <paramref name="plot"/> to <paramref name="path"/> (PNG), creating the folder; errors become one-line CLI errors.</summary>
    public static void Save(ScottPlot.Plot plot, string path, int width = 900, int height = 600)
    {
        Write(path, () => plot.SavePng(path, width, height));
    }

    /// <summary>Saves two plots side by side in one PNG (<paramref name="leftWidth"/> + <paramref name="rightWidth"/> wide).</summary>
    public static void SaveSideBySide(ScottPlot.Plot left, ScottPlot.Plot right, string path, int leftWidth, int rightWidth, int height)
    {
        Write(path, () =>
        {
            using var surface = SkiaSharp.SKSurface.Create(new SkiaSharp.SKImageInfo(leftWidth + rightWidth, height));
            surface.Canvas.Clear(SkiaSharp.SKColors.White);
            using var leftImage = SkiaSharp.SKBitmap.Decode(left.GetImageBytes(leftWidth, height, ScottPlot.ImageFormat.Png));
            using var rightImage = SkiaSharp.SKBitmap.Decode(right.GetImageBytes(rightWidth, height, ScottPlot.ImageFormat.Png));
            surface.Canvas.DrawBitmap(leftImage, 0, 0);
            surface.Canvas.DrawBitmap(rightImage, leftWidth, 0);
            using var image = surface.Snapshot();
            using var data = image.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(path, data.ToArray());
        });
    }

    private static void Write(string path, Action write)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        try
        {
            if (folder is not null)
            {
                Directory.CreateDirectory(folder);
            }

            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or TypeInitializationException or DllNotFoundException)
        {
            throw new CliException($"{path}: could not write the plot: {e.Message}");
        }
    }
}
