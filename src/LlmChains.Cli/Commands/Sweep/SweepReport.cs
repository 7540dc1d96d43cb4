using System.Globalization;
using LlmChains.Analysis;
using LlmChains.Analysis.Convergence;
using LlmChains.Cli.Output;
using LlmChains.Models;

namespace LlmChains.Cli.Commands.Sweep;

/// <summary>What <c>llmchains sweep</c> computed (one analysis per temperature), and its text table and JSON object.</summary>
/// <param name="Points">The analysis at each temperature, in the order given.</param>
/// <param name="Description">The model, in one line.</param>
/// <param name="Truncation">The truncations of the decoding (the temperature varies).</param>
/// <param name="PlotPath">The PNG written, or null.</param>
internal sealed record SweepReport(IReadOnlyList<TemperaturePoint> Points, string Description, DecodingOptions Truncation, string? PlotPath)
    : ICommandReport
{
    public void WriteText(TextWriter o)
    {
        var inv = CultureInfo.InvariantCulture;
        bool none = Truncation.TopK is null && Truncation.TopP is null && Truncation.MinP is null;
        o.WriteLine("llmchains sweep");
        o.WriteLine($"  source       {Description}");
        o.WriteLine($"  truncation   {(none ? "none" : Truncation.ToString())}");
        o.WriteLine();
        o.WriteLine("       τ            ε    log10 ε        SLEM       t_mix   H(π) nats   recurrent classes   Prop. 3.4 steps");
        foreach (var p in Points)
        {
            o.WriteLine(string.Create(inv, $"  {p.Temperature,6:G4}  {p.Epsilon,11:G4}  {Fixed(p.Log10Epsilon, 3),9}  {p.Slem,10:F6}  ")
                + string.Create(inv, $"{MixingCell(p),10}  {Fixed(p.StationaryEntropy, 4),10}  ")
                + string.Create(inv, $"{p.Analysis.Structure.RecurrentClasses.Count,18}   {Show(p.BoundSteps)}"));
        }

        if (Points.Any(p => p.Analysis.MixingTime?.Status == MixingTimeStatus.NotReachedWithinHorizon))
        {
            o.WriteLine();
            o.WriteLine("  t_mix > N: not reached within the N steps computed (the chain mixes, more slowly than that)");
        }

        WrittenFiles.Write(o, ("plot", PlotPath));
    }

    public void WriteJson(TextWriter o) => CommandReport.WriteJsonObject(o, w =>
    {
        w.WriteString("source", Description);
        CommandReport.Number(w, "topK", Truncation.TopK);
        CommandReport.Number(w, "topP", Truncation.TopP);
        CommandReport.Number(w, "minP", Truncation.MinP);
        w.WriteStartArray("points");
        foreach (var p in Points)
        {
            w.WriteStartObject();
            w.WriteNumber("temperature", p.Temperature);
            CommandReport.Number(w, "epsilon", p.Epsilon);
            CommandReport.Number(w, "log10Epsilon", p.Log10Epsilon);
            CommandReport.Number(w, "slem", p.Slem);
            CommandReport.Number(w, "spectralGap", p.Analysis.Spectrum?.SpectralGap);
            CommandReport.Number(w, "tMix", p.MixingTime);
            w.WriteString("tMixStatus", p.Analysis.MixingTime?.Status.ToString());
            CommandReport.Number(w, "tMin", p.Analysis.TMin?.Value);
            CommandReport.Number(w, "stationaryEntropy", p.StationaryEntropy);
            CommandReport.Number(w, "boundSteps", p.BoundSteps);
            w.WriteNumber("recurrentClassCount", p.Analysis.Structure.RecurrentClasses.Count);
            w.WriteBoolean("isErgodicUnichain", p.Analysis.Structure.IsErgodicUnichain);
            CommandReport.Number(w, "stationaryResidual", p.Analysis.Stationary?.Residual);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (PlotPath is not null)
        {
            w.WriteString("plot", PlotPath);
        }
    });

    /// <summary>
    /// t_mix as a number, "∞" only where it is infinite (several classes, periodic), "> N" where it was not reached within N steps.
    /// </summary>
    private static string MixingCell(TemperaturePoint p) => p.Analysis.MixingTime switch
    {
        { Status: MixingTimeStatus.NotReachedWithinHorizon } m => string.Create(CultureInfo.InvariantCulture, $"> {m.Horizon:N0}"),
        { Status: MixingTimeStatus.TooLargeForWorstCase } => "–",
        { } m => Show(m.Value),
        null => "–",
    };

    /// <summary>
    /// A number with <paramref name="digits"/> decimals, "−∞"/"∞" for infinities and "–" for NaN (not "-Infinity", "NaN").
    /// </summary>
    private static string Fixed(double value, int digits) => double.IsNaN(value)
        ? "–"
        : double.IsNegativeInfinity(value)
            ? "−∞"
            : double.IsPositiveInfinity(value)
                ? "∞"
                : value.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string Show(double value) => double.IsPositiveInfinity(value)
        ? "∞"
        : double.IsNaN(value) ? "–" : value.ToString(value >= 1e9 ? "G4" : "N0", CultureInfo.InvariantCulture);
}
