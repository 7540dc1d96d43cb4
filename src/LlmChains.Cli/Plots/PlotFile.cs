using System.Globalization;
using LlmChains.Cli.Output;

namespace LlmChains.Cli.Plots;

/// <summary>Saves ScottPlot figures as PNG files, atomically (<see cref="AtomicFile"/>).</summary>
internal static class PlotFile
{
    /// <summary>
    /// Saves <paramref name="plot"/> to <paramref name="path"/> (PNG), creating the folder; errors become one-line CLI errors.
    /// </summary>
    public static void Save(ScottPlot.Plot plot, string path, int width = 900, int height = 600)
    {
        AtomicFile.Write(
            path, "the plot", file => File.WriteAllBytes(file, Render(() => plot.GetImageBytes(width, height, ScottPlot.ImageFormat.Png))));
    }

    /// <summary>Saves two plots side by side in one PNG (<paramref name="leftWidth"/> + <paramref name="rightWidth"/> wide).</summary>
    public static void SaveSideBySide(ScottPlot.Plot left, ScottPlot.Plot right, string path, int leftWidth, int rightWidth, int height)
    {
        AtomicFile.Write(path, "the plot", file =>
        {
            using var surface = SkiaSharp.SKSurface.Create(new SkiaSharp.SKImageInfo(leftWidth + rightWidth, height));
            surface.Canvas.Clear(SkiaSharp.SKColors.White);
            using var leftImage = SkiaSharp.SKBitmap.Decode(Render(() => left.GetImageBytes(leftWidth, height, ScottPlot.ImageFormat.Png)));
            using var rightImage = SkiaSharp.SKBitmap.Decode(
                Render(() => right.GetImageBytes(rightWidth, height, ScottPlot.ImageFormat.Png)));
            surface.Canvas.DrawBitmap(leftImage, 0, 0);
            surface.Canvas.DrawBitmap(rightImage, leftWidth, 0);
            using var image = surface.Snapshot();
            using var data = image.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(file, data.ToArray());
        });
    }

    /// <summary>
    /// Renders in the invariant culture: ScottPlot labels the ticks of linear axes with the current culture, which would
    /// print 0,5 under a German locale (the log axes have invariant labels of their own, <see cref="LogAxis"/>).
    /// </summary>
    private static byte[] Render(Func<byte[]> render)
    {
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            return render();
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }
}
