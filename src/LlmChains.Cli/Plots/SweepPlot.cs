using LlmChains.Analysis;

namespace LlmChains.Cli.Plots;

/// <summary>The figure of <c>llmchains sweep --plot</c>: ε(τ) (left) and t_mix(τ) (right), both on log–log axes.</summary>
internal static class SweepPlot
{
    public static void Save(IReadOnlyList<TemperaturePoint> points, string title, string path)
    {
        var positive = points.Where(p => p.Temperature > 0).ToArray();
        double[] logTau = positive.Select(p => Math.Log10(p.Temperature)).ToArray();
        var left = Panel(logTau, positive.Select(p => p.Log10Epsilon).ToArray(), "ε = min (Q^K)_ij (log scale)", "ε(τ): the Prop. 3.4 constant");
        var mixing = positive.Where(p => double.IsFinite(p.MixingTime) && p.MixingTime > 0).ToArray();
        var right = Panel(mixing.Select(p => Math.Log10(p.Temperature)).ToArray(), mixing.Select(p => Math.Log10(p.MixingTime)).ToArray(), "t_mix(1/4) (log scale)", "t_mix(τ): higher τ forgets the prompt sooner");
        left.Title(title.Length > 70 ? title[..70] + "…" : title);
        PlotFile.SaveSideBySide(left, right, path, 640, 640, 480);
    }

    private static ScottPlot.Plot Panel(double[] logTau, double[] logValues, string yLabel, string legend)
    {
        var plot = new ScottPlot.Plot();
        if (logTau.Length > 0)
        {
            var line = plot.Add.Scatter(logTau, logValues);
            line.LegendText = legend;
            line.LineWidth = 2;
            double xMin = logTau.Min(), xMax = logTau.Max(), yMin = logValues.Min(), yMax = logValues.Max();
            plot.Axes.Bottom.TickGenerator = LogAxis.Ticks(xMin, xMax, scientific: false);
            plot.Axes.Left.TickGenerator = LogAxis.Ticks(yMin, yMax, scientific: false);
            plot.Axes.SetLimits(xMin - 0.1, xMax + 0.1, yMin - 0.3, yMax + 0.3);
            plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        }

        plot.XLabel("temperature τ (log scale)");
        plot.YLabel(yLabel);
        return plot;
    }
}
