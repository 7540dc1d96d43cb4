using System.Globalization;
using LlmChains.Analysis.Convergence;
using LlmChains.Cli.Output;
using LlmChains.InContext;

namespace LlmChains.Cli.Commands.Icl;

/// <summary>
/// What <c>llmchains icl</c> computed, and its two renderers: the readable report and the JSON object (the library's
/// <see cref="InContextExperimentResult.ToJson"/>, the contract of the experiment's results).
/// </summary>
/// <param name="Result">The experiment.</param>
/// <param name="Metric">The risk shown in the headline of the text (--metric).</param>
/// <param name="CsvPath">The CSV written, or null.</param>
/// <param name="PlotPath">The PNG written, or null.</param>
internal sealed record IclReport(InContextExperimentResult Result, RiskMetric Metric, string? CsvPath, string? PlotPath) : ICommandReport
{
    public void WriteJson(TextWriter o) => o.WriteLine(Result.ToJson());

    public void WriteText(TextWriter o)
    {
        WriteExperiment(Result, Metric, o);
        WrittenFiles.Write(o, ("csv", CsvPath), ("plot", PlotPath));
    }

    private static void WriteExperiment(InContextExperimentResult r, RiskMetric metric, TextWriter o)
    {
        var inv = CultureInfo.InvariantCulture;
        int last = r.ContextLengths.Count - 1;
        int n = r.ContextLengths[last];
        o.WriteLine("llmchains icl");
        o.WriteLine($"  chain        {r.ChainName}");
        o.WriteLine(string.Create(inv, $"  states       d = {r.StateCount}"));
        string each = r.ChainIsFixed ? "one chain, a new trajectory each" : "a new chain and trajectory each";
        o.WriteLine(string.Create(inv, $"  protocol     N = {n}, {r.Options.Repetitions} repetitions ({each}), ")
            + string.Create(inv, $"seed {r.Options.Seed}, {r.ContextLengths.Count} context lengths"));
        o.WriteLine($"  t_min        {MixingText(r)}");
        if (r.TheoryCurve is { } theory)
        {
            var bound = r.Chains.First(c => c.Bound is not null).Bound!;
            string constant = r.TheoryChainCount == 1
                ? string.Create(inv, $"B̄ = {bound.Constant:G5}")
                : string.Create(inv, $"mean over {r.TheoryChainCount} chains");
            o.WriteLine(string.Create(inv, $"  theory       Thm. 4.3 gap B̄·√(t_min/N)·√log(2/δ) = {theory[last]:G4} ")
                + string.Create(inv, $"at N = {n} ({constant}; ")
                + string.Create(inv, $"B_U = {r.Options.UnembeddingNorm:G4}, τ = {r.Options.Temperature:G4}, δ = {r.Options.Delta:G4})"));
        }
        else
        {
            string why = r.Chains.Select(c => c.Note).FirstOrDefault(x => x is not null) ?? "no finite t_min";
            o.WriteLine("  theory       Thm. 4.3 does not apply (" + why + ")");
        }

        o.WriteLine();
        string band = string.Create(inv, $"{r.Options.ConfidenceLevel * 100:G4}%");
        o.WriteLine(string.Create(inv, $"  risk at N = {n} (mean [{band} band]) ")
            + string.Create(inv, $"and scaling-law fit over N ∈ [{r.FitMinimumLength}, {r.FitMaximumLength}]"));
        int width = Math.Max(12, r.Predictors.Max(p => p.Name.Length));
        o.WriteLine($"  {"predictor".PadRight(width)}  {"per-position TV",-30}  {"slope ± SE (R²)",-24}  "
            + $"{"running mean R̂_icl",-30}  slope ± SE (R²)");
        foreach (var p in r.Predictors)
        {
            o.WriteLine($"  {p.Name.PadRight(width)}  {Risk(p.PerPosition, last),-30}  {Fit(p.PerPosition.Fit),-24}  "
                + $"{Risk(p.RunningMean, last),-30}  {Fit(p.RunningMean.Fit)}");
        }

        string risk = metric == RiskMetric.RunningMean ? "running mean" : "per-position risk";
        o.WriteLine(string.Create(inv, $"  (slope SE: jackknife over repetitions; ")
            + string.Create(inv, $"reference c·N^(−1/2) with c = {r.GetReferenceCoefficient(metric):G4} for the {risk})"));
        if (r.Comparisons.Count > 0)
        {
            o.WriteLine();
            o.WriteLine(string.Create(inv, $"  paired differences at N = {n} (negative: better than {r.Comparisons[0].Baseline})"));
            foreach (var c in r.Comparisons)
            {
                o.WriteLine($"  {c.Predictor.PadRight(width)}  per-position {Risk(c.PerPosition, last)}   "
                    + $"running mean {Risk(c.RunningMean, last)}");
            }
        }

        o.WriteLine();
        foreach (string note in r.Notes)
        {
            o.WriteLine($"  note: {note}");
        }
    }

    private static string MixingText(InContextExperimentResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        if (r.Chains.Count == 1)
        {
            var c = r.Chains[0];
            if (double.IsNaN(c.MixingTime))
            {
                return c.Note ?? "not computed";
            }

            if (double.IsPositiveInfinity(c.MixingTime))
            {
                return "∞ (" + (c.Note ?? "the chain does not mix") + ")";
            }

            string certified = c.TMinResult?.IsCertified == true ? "certified" : "upper bound, not certified";
            return string.Create(inv, $"{c.MixingTime:G5} ({certified}; p_min = {c.MinimumTransitionProbability:G4})");
        }

        var finite = r.Chains.Where(c => double.IsFinite(c.MixingTime)).Select(c => c.MixingTime).ToArray();
        return finite.Length == 0
            ? r.Chains.Select(c => c.Note).FirstOrDefault(x => x is not null) ?? "not computed"
            : string.Create(inv, $"mean {finite.Average():G5} over {finite.Length} chains (min {finite.Min():G4}, max {finite.Max():G4})");
    }

    private static string Risk(RiskCurve curve, int g)
        => double.IsNaN(curve.Lower[g])
            ? Value(curve.Mean[g])
            : $"{Value(curve.Mean[g])} [{Value(curve.Lower[g])}, {Value(curve.Upper[g])}]";

    /// <summary>G4, with rounding noise (|x| ≤ 1e−12, e.g. the TV of a prediction equal to the true row) shown as 0.</summary>
    private static string Value(double x)
        => Math.Abs(x) <= ScalingLawFit.NoiseFloor ? "0" : x.ToString("G4", CultureInfo.InvariantCulture);

    private static string Fit(ScalingLawFit? fit)
    {
        if (fit is null)
        {
            return "—";
        }

        double se = fit.SlopeStandardErrorAcrossRepetitions ?? fit.SlopeStandardError;
        return string.Create(CultureInfo.InvariantCulture, $"{fit.Slope:F3} ± {se:F3} ({fit.RSquared:F3})");
    }
}
