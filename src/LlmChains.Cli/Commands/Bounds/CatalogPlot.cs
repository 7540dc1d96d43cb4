using System.Globalization;
using LlmChains.Bounds;
using LlmChains.Cli.Plots;

namespace LlmChains.Cli.Commands.Bounds;

/// <summary>
/// The catalog plot: approximation error ε(N) = 2B̄·√(log(2/δ)/N) against the number of training tokens N on log–log
/// axes, one line per Table 2 model, with a marker at the model's own N_train (Fig. 1's x values).
/// </summary>
internal static class CatalogPlot
{
    private const double MinLog10Tokens = 11;
    private const double MaxLog10Tokens = 14.5;
    private const int Points = 64;

    public static void Save(IReadOnlyList<(CatalogEntry Model, PretrainingBound Bound)> models, double delta, string path)
    {
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        double minY = double.PositiveInfinity;
        double maxY = double.NegativeInfinity;
        for (int i = 0; i < models.Count; i++)
        {
            var (model, bound) = models[i];
            var color = palette.GetColor(i);
            var xs = new double[Points];
            var ys = new double[Points];
            for (int k = 0; k < Points; k++)
            {
                xs[k] = MinLog10Tokens + ((MaxLog10Tokens - MinLog10Tokens) * k / (Points - 1));
                ys[k] = Math.Log10(bound.ApproximationError(Math.Pow(10, xs[k]), delta));
                minY = Math.Min(minY, ys[k]);
                maxY = Math.Max(maxY, ys[k]);
            }

            var line = plot.Add.ScatterLine(xs, ys, color);
            line.LineWidth = 1.5f;
            line.LinePattern = model.Name.StartsWith("Gemma", StringComparison.Ordinal)
                ? ScottPlot.LinePattern.Dashed
                : ScottPlot.LinePattern.Solid;
            line.LegendText = string.Create(
                CultureInfo.InvariantCulture, $"{model.Name} (T = {model.VocabularySize:N0}, r = {model.EmbeddingDimension:N0})");

            var marker = plot.Add.Marker(
                Math.Log10(model.TrainingTokens), Math.Log10(bound.ApproximationError(model.TrainingTokens, delta)));
            marker.Color = color;
            marker.Size = 10;
            marker.Shape = ScottPlot.MarkerShape.FilledCircle;
        }

        plot.Axes.Bottom.TickGenerator = LogAxis.Ticks(MinLog10Tokens, MaxLog10Tokens, scientific: true);
        plot.Axes.Left.TickGenerator = LogAxis.Ticks(minY, maxY, scientific: false);
        plot.Axes.SetLimits(MinLog10Tokens, MaxLog10Tokens, minY - 0.05, maxY + 0.05);
        plot.Title("Approximation error ε = 2B·√(log(2/δ)/N), B = 2√(log T + 2T√r/τ), "
            + string.Create(CultureInfo.InvariantCulture, $"δ = {delta:G4}, τ = {models[0].Bound.Temperature:G4}, ‖Γ‖ = 1"));
        plot.XLabel("training tokens N (log scale; markers: Table 2's N_train)");
        plot.YLabel("approximation error ε (log scale)");
        plot.ShowLegend(ScottPlot.Alignment.LowerLeft);
        PlotFile.Save(plot, path, 1000, 650);
    }
}
