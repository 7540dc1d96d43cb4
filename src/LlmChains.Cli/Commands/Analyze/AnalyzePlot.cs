using System.Globalization;
using LlmChains.Analysis;
using LlmChains.Analysis.Convergence;
using LlmChains.Analysis.Spectral;
using LlmChains.Cli.Plots;

namespace LlmChains.Cli.Commands.Analyze;

/// <summary>
/// The figure of <c>llmchains analyze --plot</c>: the total-variation curve d(t) with the Prop. 3.4 bound (log scale) on the
/// left, the computed eigenvalues in the unit disk on the right.
/// </summary>
internal static class AnalyzePlot
{
    private const double Floor = 1e-17;

    public static void Save(ChainAnalysis analysis, int contextWindow, int steps, string title, string path)
    {
        var left = new ScottPlot.Plot();
        double minLog = 0;
        if (analysis.Distances is { } curve)
        {
            int n = Math.Min(steps, curve.Steps);
            var xs = Enumerable.Range(0, n + 1).Select(t => (double)t).ToArray();
            var ys = xs.Select(t => Math.Log10(Math.Max(curve[(int)t], Floor))).ToArray();
            minLog = Math.Min(minLog, ys.Min());
            var line = left.Add.ScatterLine(xs, ys);
            line.LegendText = curve.IsWorstCase ? "d(t) = max_x TV(Q^t(x,·), π)" : "TV(μQ^t, π), μ uniform";
            line.LineWidth = 2;
        }

        if (analysis.Epsilon is { IsPositive: true } epsilon)
        {
            int n = Math.Max(steps, 1);
            var xs = Enumerable.Range(0, n + 1).Select(t => (double)t).ToArray();
            var ys = xs.Select(t => Math.Log10(Math.Max(ConvergenceBound.Bound((long)t, epsilon), Floor))).ToArray();
            minLog = Math.Min(minLog, ys.Min());
            var bound = left.Add.ScatterLine(xs, ys);
            bound.LegendText = string.Create(
                CultureInfo.InvariantCulture, $"Prop. 3.4 bound (1 − 2ε)^(⌊n/{contextWindow}⌋ − 1), ε = {epsilon.Epsilon:G3}");
            bound.LinePattern = ScottPlot.LinePattern.Dashed;
        }

        minLog = Math.Max(Math.Floor(minLog), -17);
        left.Axes.Left.TickGenerator = LogAxis.Ticks(minLog, 0, scientific: false);
        left.Axes.SetLimitsY(minLog - 0.1, 0.1);
        left.Title(title);
        left.XLabel("steps t");
        left.YLabel("total variation (log scale)");
        left.ShowLegend(ScottPlot.Alignment.LowerLeft);

        var right = new ScottPlot.Plot();
        var circle = right.Add.Circle(0, 0, 1);
        circle.LineColor = ScottPlot.Colors.Gray;
        if (analysis.Spectrum is { } spectrum)
        {
            var xs = spectrum.Eigenvalues.Select(z => z.Real).ToArray();
            var ys = spectrum.Eigenvalues.Select(z => z.Imaginary).ToArray();
            var markers = right.Add.ScatterPoints(xs, ys);
            markers.MarkerSize = 8;
            // the description goes under the axis, not in a legend box that would cover part of the unit circle
            string described = string.Create(
                CultureInfo.InvariantCulture, $"{xs.Length} eigenvalues, {spectrum.Method}; SLEM = {spectrum.Slem:G4}");
            right.XLabel($"Re λ   ({described})");
        }
        else
        {
            right.XLabel("Re λ");
        }

        right.Axes.SquareUnits();
        right.Axes.SetLimits(-1.1, 1.1, -1.1, 1.1);
        right.Title("spectrum of Q in the unit disk");
        right.YLabel("Im λ");
        PlotFile.SaveSideBySide(left, right, path, 820, 520, 520);
    }
}
