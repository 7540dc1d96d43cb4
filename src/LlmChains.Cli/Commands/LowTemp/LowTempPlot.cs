using System.Globalization;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Cli.Plots;

namespace LlmChains.Cli.Commands.LowTemp;

/// <summary>
/// The figure of <c>llmchains lowtemp --plot</c>: the exact −τ·log π_τ(L_j) (stationary mass of each loop's states,
/// GTH on the dense chain at τ) against τ, with the predicted limits γ_j − γ* as dashed horizontal lines of the same
/// colour — the picture that shows the asymptotics are right. Drawn for chains of at most
/// <see cref="LowTempCommand.MaxExactStates"/> states and at most 10 loops; points where π_τ(L_j) underflows are left out.
/// </summary>
internal static class LowTempPlot
{
    private const int MaxLoops = 10;

    /// <summary>Exact −τ·log π_τ(L_j) at each temperature, or null when the chain is too large for dense GTH.</summary>
    public static IReadOnlyList<ExactPoint>? ExactCurves(LowTempReport report, double[] temperatures, IProgress<double> progress)
    {
        var r = report.Result;
        if (r.StateCount > LowTempCommand.MaxExactStates)
        {
            return null;
        }

        var points = new List<ExactPoint>();
        for (int q = 0; q < temperatures.Length; q++)
        {
            double tau = temperatures[q];
            IMarkovChain chain = report.Model is { } model
                ? LanguageModelChain.Build(model, report.Decoding! with { Temperature = tau })
                : report.Matrix!.AtTemperature(tau);
            var values = new double?[r.LoopCount];
            double[]? pi = null;
            try
            {
                pi = StationaryDistribution.Gth(Dense(chain));
            }
            catch (ArgumentException)
            {
                // probabilities underflowed (the chain became reducible in double precision): no point at this τ
            }

            if (pi is not null)
            {
                for (int j = 0; j < r.LoopCount; j++)
                {
                    double mass = r.Loops[j].States.Sum(s => pi[s]);
                    values[j] = mass > 0 && double.IsFinite(mass) ? -tau * Math.Log(mass) : null;
                }
            }

            points.Add(new ExactPoint(tau, values));
            progress.Report((q + 1.0) / temperatures.Length);
        }

        return points;
    }

    public static void Save(LowTempReport report, string path)
    {
        var r = report.Result;
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int shown = Math.Min(r.LoopCount, MaxLoops);
        for (int j = 0; j < shown; j++)
        {
            var color = palette.GetColor(j);
            var loop = r.Loops[j];
            string name = report.LoopText(loop) is { } text
                ? "\"" + (text.Length > 12 ? text[..11] + "…" : text) + "\""
                : "loop " + j.ToString(CultureInfo.InvariantCulture);
            if (report.Curves is { } curves)
            {
                var drawn = curves.Where(p => p.MinusTauLogMass[j] is not null).ToArray();
                if (drawn.Length > 0)
                {
                    var line = plot.Add.Scatter(
                        drawn.Select(p => p.Temperature).ToArray(), drawn.Select(p => p.MinusTauLogMass[j]!.Value).ToArray());
                    line.Color = color;
                    line.LineWidth = 2;
                    line.LegendText = string.Create(CultureInfo.InvariantCulture, $"{name}: exact −τ·log π_τ");
                }
            }

            double limit = loop.Potential - r.MinimumPotential;
            if (double.IsFinite(limit))
            {
                var h = plot.Add.HorizontalLine(limit);
                h.Color = color;
                h.LinePattern = ScottPlot.LinePattern.Dashed;
                h.LineWidth = 1.5f;
                h.LegendText = string.Create(CultureInfo.InvariantCulture, $"{name}: γ − γ* = ") +
                    string.Create(CultureInfo.InvariantCulture, $"{limit:G4}{(loop.IsStable ? " (stable)" : string.Empty)}");
            }
        }

        plot.Axes.Bottom.Label.Text = "temperature τ";
        plot.Axes.Left.Label.Text = "−τ·log π_τ(loop)  (→ γ − γ* as τ → 0)";
        string note = report.Curves is null
            ? string.Create(CultureInfo.InvariantCulture, $" (exact curves only up to {LowTempCommand.MaxExactStates:N0} states)")
            : string.Empty;
        plot.Title(Wrap(report.Description, 70) + note);
        plot.Axes.SetLimitsX(0, (report.Curves?.Max(p => p.Temperature) ?? 1) * 1.05);
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        PlotFile.Save(plot, path, 900, 600);
    }

    private static double[,] Dense(IMarkovChain chain)
    {
        int n = (int)chain.StateCount;
        var dense = new double[n, n];
        var columns = new long[Math.Max(1, chain.MaxRowNonZeros)];
        var probabilities = new double[columns.Length];
        for (int i = 0; i < n; i++)
        {
            int count = chain.GetRow(i, columns, probabilities);
            for (int e = 0; e < count; e++)
            {
                dense[i, columns[e]] += probabilities[e];
            }
        }

        return dense;
    }

    private static string Wrap(string text, int width) => text.Length <= width ? text : string.Concat(text.AsSpan(0, width - 1), "…");
}
