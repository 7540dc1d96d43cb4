using LlmChains.Analysis;
using LlmChains.Analysis.Convergence;
using LlmChains.Cli.Plots;

namespace LlmChains.Cli.Commands.Sweep;

/// <summary>
/// The figure of <c>llmchains sweep --plot</c>: ε(τ) (left) and t_mix(τ) (right), both on log–log axes. Every requested
/// τ &gt; 0 is drawn: a t_mix that is infinite or not reached is marked by a triangle on the top edge of its panel; τ = 0
/// (greedy), which a log axis cannot show, is named in the panel's x label. The title wraps instead of being cut.
/// </summary>
internal static class SweepPlot
{
    public static void Save(IReadOnlyList<TemperaturePoint> points, string title, string path)
    {
        var positive = points.Where(p => p.Temperature > 0).ToArray();
        string greedy = points.Any(p => p.Temperature == 0) ? "; τ = 0 (greedy): in the table" : string.Empty;
        // legends in the corner the curve leaves empty: ε grows with τ, t_mix falls
        var left = Panel(
            positive,
            p => p.Log10Epsilon,
            "ε = min (Q^K)_ij (log scale)",
            "ε(τ): the Prop. 3.4 constant",
            greedy,
            ScottPlot.Alignment.LowerRight);
        var right = Panel(
            positive,
            p => p.MixingTime > 0 && double.IsFinite(p.MixingTime) ? Math.Log10(p.MixingTime) : double.NaN,
            "t_mix(1/4) (log scale)",
            "t_mix(τ): higher τ forgets the prompt sooner",
            greedy,
            ScottPlot.Alignment.LowerLeft);
        left.Title(Wrap(title, 60));
        PlotFile.SaveSideBySide(left, right, path, 640, 640, 480);
    }

    private static ScottPlot.Plot Panel(
        TemperaturePoint[] points,
        Func<TemperaturePoint,
        double> log10Value,
        string yLabel,
        string legend,
        string greedy,
        ScottPlot.Alignment legendCorner)
    {
        var plot = new ScottPlot.Plot();
        var drawn = points.Where(p => double.IsFinite(log10Value(p))).ToArray();
        var missing = points.Where(p => !double.IsFinite(log10Value(p))).ToArray();
        double[] allTau = points.Select(p => Math.Log10(p.Temperature)).ToArray();
        if (allTau.Length > 0)
        {
            double xMin = allTau.Min(), xMax = allTau.Max();
            double yMin = drawn.Length > 0 ? drawn.Min(log10Value) : 0, yMax = drawn.Length > 0 ? drawn.Max(log10Value) : 1;
            if (drawn.Length > 0)
            {
                var line = plot.Add.Scatter(drawn.Select(p => Math.Log10(p.Temperature)).ToArray(), drawn.Select(log10Value).ToArray());
                line.LegendText = legend;
                line.LineWidth = 2;
            }

            if (missing.Length > 0)
            {
                var marks = plot.Add.ScatterPoints(
                    missing.Select(p => Math.Log10(p.Temperature)).ToArray(), missing.Select(_ => yMax + 0.2).ToArray());
                marks.MarkerShape = ScottPlot.MarkerShape.FilledTriangleUp;
                marks.MarkerSize = 10;
                marks.Color = ScottPlot.Colors.Red;
                marks.LegendText = "∞ or not reached within the horizon";
            }

            plot.Axes.Bottom.TickGenerator = LogAxis.Ticks(xMin, xMax, scientific: false);
            plot.Axes.Left.TickGenerator = LogAxis.Ticks(yMin, yMax, scientific: false);
            plot.Axes.SetLimits(xMin - 0.1, xMax + 0.1, yMin - 0.3, yMax + (missing.Length > 0 ? 0.5 : 0.3));
            plot.ShowLegend(legendCorner);
        }

        plot.XLabel("τ (log scale)" + greedy);
        plot.YLabel(yLabel);
        return plot;
    }

    /// <summary>Breaks <paramref name="text"/> into lines of at most about <paramref name="width"/> characters at spaces.</summary>
    internal static string Wrap(string text, int width)
    {
        var lines = new List<string>();
        var line = new System.Text.StringBuilder();
        foreach (string word in text.Split(' '))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                lines.Add(line.ToString());
                line.Clear();
            }

            line.Append(line.Length > 0 ? " " : string.Empty).Append(word);
        }

        lines.Add(line.ToString());
        return string.Join('\n', lines);
    }
}
