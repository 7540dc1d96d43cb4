using System.Globalization;
using LlmChains.Cli.Plots;
using LlmChains.InContext;

namespace LlmChains.Cli.Commands.Icl;

/// <summary>
/// The in-context plot: mean risk against N (or N/t_min) on log–log axes, one line per predictor with its confidence
/// band, the Thm. 4.3 curve (dashed) and the reference c·N^(−1/2) (dotted), as in Figs. 6, 7 and 10 of the paper.
/// </summary>
internal static class IclPlot
{
    public static void Save(InContextExperimentResult result, RiskMetric metric, RiskAxis axis, string path)
    {
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        double[] x = result.GetAxis(axis).Select(Math.Log10).ToArray();
        double minY = double.PositiveInfinity;
        double maxY = double.NegativeInfinity;
        for (int p = 0; p < result.Predictors.Count; p++)
        {
            var risk = result.Predictors[p];
            var curve = risk.Get(metric);
            var color = palette.GetColor(p);
            var keep = Enumerable.Range(0, x.Length).Where(g => curve.Mean[g] > ScalingLawFit.NoiseFloor).ToArray();
            if (keep.Length < 2)
            {
                // a zero-risk predictor (e.g. the true chain) has nothing to draw on a log scale
                var empty = plot.Add.ScatterLine(new double[] { double.NaN }, new double[] { double.NaN }, color);
                empty.LegendText = risk.Name + " (risk 0)";
                continue;
            }

            double[] xs = keep.Select(g => x[g]).ToArray();
            double[] mean = keep.Select(g => Math.Log10(curve.Mean[g])).ToArray();
            if (keep.All(g => double.IsFinite(curve.Lower[g])))
            {
                double[] lower = keep.Select(g => Math.Log10(Math.Max(curve.Lower[g], curve.Mean[g] / 10))).ToArray();
                double[] upper = keep.Select(g => Math.Log10(curve.Upper[g])).ToArray();
                var band = plot.Add.FillY(xs, lower, upper);
                band.FillColor = color.WithAlpha(0.2);
                band.LineWidth = 0;
                minY = Math.Min(minY, lower.Min());
                maxY = Math.Max(maxY, upper.Max());
            }

            var line = plot.Add.ScatterLine(xs, mean, color);
            line.LineWidth = 2;
            string slope = curve.Fit is { } fit ? string.Create(CultureInfo.InvariantCulture, $", slope {fit.Slope:F2}") : string.Empty;
            line.LegendText = risk.Name + slope;
            minY = Math.Min(minY, mean.Min());
            maxY = Math.Max(maxY, mean.Max());
        }

        double c = result.GetReferenceCoefficient(metric);
        if (double.IsFinite(c))
        {
            double[] reference = result.GetReferenceCurve(metric).Select(Math.Log10).ToArray();
            var line = plot.Add.ScatterLine(x, reference, ScottPlot.Colors.Gray);
            line.LinePattern = ScottPlot.LinePattern.Dotted;
            line.LineWidth = 1.5f;
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"{c:G3}·N^(−1/2)");
            minY = Math.Min(minY, reference.Min());
            maxY = Math.Max(maxY, reference.Max());
        }

        if (result.TheoryCurve is { } theory)
        {
            double[] values = theory.Select(Math.Log10).ToArray();
            var line = plot.Add.ScatterLine(x, values, ScottPlot.Colors.Black);
            line.LinePattern = ScottPlot.LinePattern.Dashed;
            line.LineWidth = 1.5f;
            line.LegendText = string.Create(
                CultureInfo.InvariantCulture, $"Thm. 4.3: B̄·√(t_min/N)·√log(2/δ), δ = {result.Options.Delta:G3}");
            maxY = Math.Max(maxY, Math.Min(values.Max(), double.IsFinite(minY) ? minY + 6 : values.Max()));
            minY = Math.Min(minY, values.Min());
        }

        if (!double.IsFinite(minY) || !double.IsFinite(maxY))
        {
            minY = -3;
            maxY = 0;
        }

        if (maxY - minY < 1)
        {
            // at least one decade, so that the 1-2-5 ticks label the axis
            double middle = 0.5 * (minY + maxY);
            minY = middle - 0.5;
            maxY = middle + 0.5;
        }

        plot.Axes.Bottom.TickGenerator = LogAxis.Ticks(x[0], x[^1], scientific: false);
        plot.Axes.Left.TickGenerator = LogAxis.Ticks(minY, maxY, scientific: false);
        plot.Axes.SetLimits(x[0], x[^1], minY - 0.12, maxY + 0.08);
        string what = metric == RiskMetric.RunningMean ? "running mean R̂_icl(N)" : "per-position TV at N";
        plot.Title(Shorten(
            string.Create(CultureInfo.InvariantCulture, $"In-context learning: {result.ChainName}; ")
            + string.Create(CultureInfo.InvariantCulture, $"{result.Options.Repetitions} repetitions, ")
            + string.Create(CultureInfo.InvariantCulture, $"{result.Options.ConfidenceLevel * 100:G4}% bands")));
        plot.XLabel(axis == RiskAxis.ContextLength
            ? "context length N (log scale)"
            : string.Create(CultureInfo.InvariantCulture, $"N / t_min (log scale; t_min = {result.MeanMixingTime:G4})"));
        plot.YLabel($"{what}, TV (log scale)");
        plot.ShowLegend(ScottPlot.Edge.Bottom);
        PlotFile.Save(plot, path, 1000, 720);
    }

    private static string Shorten(string title) => title.Length <= 110 ? title : title[..107] + "…";
}
