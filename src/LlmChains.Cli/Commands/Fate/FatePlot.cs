using LlmChains.Chains;
using LlmChains.Cli.Plots;

namespace LlmChains.Cli.Commands.Fate;

/// <summary>
/// The fate plot: one stacked bar per start with its absorption probabilities into each recurrent class, or with
/// --target the expected hitting time per start (starts whose time is infinite are left out).
/// </summary>
internal static class FatePlot
{
    private const int MaxBars = 200;

    public static void Save(FateReport r, string path)
    {
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int count = Math.Min(r.Starts.Length, MaxBars);
        string Label(long s) => r.Chain is LanguageModelChain lm
            ? lm.States.Format(s, string.Empty)
            : s.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (r.Hitting is { } h)
        {
            var bars = new List<ScottPlot.Bar>();
            for (int i = 0; i < count; i++)
            {
                if (double.IsFinite(h.ExpectedSteps[i]))
                {
                    bars.Add(new ScottPlot.Bar { Position = i, Value = h.ExpectedSteps[i], FillColor = palette.GetColor(0) });
                }
            }

            plot.Add.Bars(bars);
            plot.Title($"Expected steps to hit {h.Target}");
            plot.YLabel("E[steps]");
        }
        else
        {
            int classes = r.Absorption.Classes.Count;
            var bars = new List<ScottPlot.Bar>();
            for (int i = 0; i < count; i++)
            {
                double bottom = 0;
                for (int k = 0; k < classes; k++)
                {
                    double p = r.Absorption.GetProbability(i, k);
                    if (p > 0)
                    {
                        bars.Add(
                            new ScottPlot.Bar
                            {
                                Position = i,
                                ValueBase = bottom,
                                Value = bottom + p,
                                FillColor = palette.GetColor(k % 10),
                            });
                        bottom += p;
                    }
                }
            }

            plot.Add.Bars(bars);
            for (int k = 0; k < Math.Min(classes, 10); k++)
            {
                plot.Legend.ManualItems.Add(new ScottPlot.LegendItem { LabelText = $"class {k}", FillColor = palette.GetColor(k) });
            }

            plot.Title("Absorption probabilities per start (recurrent class = repetition loop)");
            plot.YLabel("P(ends in class)");
        }

        if (count <= 40)
        {
            var ticks = Enumerable.Range(0, count).Select(i => new ScottPlot.Tick(i, Label(r.Starts[i]))).ToArray();
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
            plot.Axes.Bottom.TickLabelStyle.Rotation = 90;
        }

        plot.XLabel("start");
        PlotFile.Save(plot, path);
    }
}
