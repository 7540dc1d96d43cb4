using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using LlmChains.Analysis;
using LlmChains.Cli.Limits;
using LlmChains.Cli.Output;
using LlmChains.Cli.Parsing;
using LlmChains.Cli.Plots;

namespace LlmChains.Cli.Commands;

/// <summary>
/// <c>llmchains sweep</c>: analyses a model's chain over a grid of temperatures (the paper's temperature discussion,
/// Fig. 5): ε, log10 ε, SLEM, t_mix, the stationary entropy and the Prop. 3.4 steps per τ, as a table, JSON and a plot.
/// </summary>
internal static class SweepCommand
{
    public static Command Create(CommandContext context)
    {
        var models = new ModelOptions();
        var temperatures = new Option<string>("--temperatures") { Description = "Comma-separated temperatures, e.g. 0.1,0.2,0.5,1,2", DefaultValueFactory = _ => "0.1,0.2,0.5,1,2" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout" };
        var plot = new Option<string?>("--plot") { Description = "Write ε(τ) and t_mix(τ) (log axes) to this PNG file" };
        var command = new Command("sweep", "Analyse the chain of a model over a grid of temperatures: ε, SLEM, t_mix, stationary entropy, Prop. 3.4 steps (paper Fig. 5). With no model options: the paper's toy example.");
        foreach (var option in models.All)
        {
            command.Add(option);
        }

        command.Add(temperatures);
        command.Add(json);
        command.Add(plot);
        command.SetAction(parse =>
        {
            double[] grid = ParseTemperatures(parse.GetValue(temperatures)!);
            var truncation = models.Decoding(parse, 1.0);
            var budget = context.Memory(parse);
            var (model, description) = models.CreateModel(parse, budget, remoteProgress: new RemoteProgressLines(context.Error));
            using var ownedModel = model as IDisposable;
            IReadOnlyList<TemperaturePoint> points;
            using (var progress = new StderrProgress<(int Done, int Count)>(context.Error, "sweeping temperatures", p => (double)p.Done / p.Count))
            {
                points = TemperatureSweep.Run(model, grid, truncation, chainOptions: models.BuildOptions(parse, budget), progress: progress);
            }

            if (parse.GetValue(plot) is { } path)
            {
                SweepPlot.Save(points, description, path);
            }

            if (parse.GetValue(json))
            {
                WriteJson(points, description, truncation, parse.GetValue(plot), context.Output);
            }
            else
            {
                WriteText(points, description, truncation, context.Output);
                WrittenFiles.Write(context.Output, ("plot", parse.GetValue(plot)));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    internal static double[] ParseTemperatures(string text)
    {
        var values = new List<double>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            double tau = InvariantNumber.ParseDouble(part, "--temperatures");
            if (!(tau >= 0))
            {
                throw new CliException($"--temperatures: '{part}' is not a temperature ≥ 0", ExitCodes.UsageError);
            }

            values.Add(tau);
        }

        return values.Count == 0 ? throw new CliException("--temperatures: no temperature given", ExitCodes.UsageError) : [.. values];
    }

    private static void WriteText(IReadOnlyList<TemperaturePoint> points, string description, Models.DecodingOptions truncation, TextWriter o)
    {
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine("llmchains sweep");
        o.WriteLine($"  source       {description}");
        o.WriteLine($"  truncation   {(truncation.TopK is null && truncation.TopP is null && truncation.MinP is null ? "none" : truncation.ToString())}");
        o.WriteLine();
        o.WriteLine("       τ            ε    log10 ε        SLEM       t_mix   H(π) nats   recurrent classes   Prop. 3.4 steps");
        foreach (var p in points)
        {
            o.WriteLine(string.Create(inv, $"  {p.Temperature,6:G4}  {p.Epsilon,11:G4}  {Fixed(p.Log10Epsilon, 3),9}  {p.Slem,10:F6}  {MixingCell(p),10}  {Fixed(p.StationaryEntropy, 4),10}  {p.Analysis.Structure.RecurrentClasses.Count,18}   {Show(p.BoundSteps)}"));
        }

        if (points.Any(p => p.Analysis.MixingTime?.Status == MixingTimeStatus.NotReachedWithinHorizon))
        {
            o.WriteLine();
            o.WriteLine("  t_mix > N: not reached within the N steps computed (the chain mixes, more slowly than that)");
        }
    }

    /// <summary>t_mix as a number, "∞" only where it is infinite (several classes, periodic), "> N" where it was not reached within N steps.</summary>
    private static string MixingCell(TemperaturePoint p) => p.Analysis.MixingTime switch
    {
        { Status: MixingTimeStatus.NotReachedWithinHorizon } m => string.Create(CultureInfo.InvariantCulture, $"> {m.Horizon:N0}"),
        { Status: MixingTimeStatus.TooLargeForWorstCase } => "–",
        { } m => Show(m.Value),
        null => "–",
    };

    /// <summary>A number with <paramref name="digits"/> decimals, "−∞"/"∞" for infinities and "–" for NaN (not "-Infinity", "NaN").</summary>
    private static string Fixed(double value, int digits) => double.IsNaN(value) ? "–" : double.IsNegativeInfinity(value) ? "−∞" : double.IsPositiveInfinity(value) ? "∞" : value.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string Show(double value) => double.IsPositiveInfinity(value) ? "∞" : double.IsNaN(value) ? "–" : value.ToString(value >= 1e9 ? "G4" : "N0", CultureInfo.InvariantCulture);

    private static void WriteJson(IReadOnlyList<TemperaturePoint> points, string description, Models.DecodingOptions truncation, string? plot, TextWriter o)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("source", description);
            AnalyzeOutput.Number(w, "topK", truncation.TopK);
            AnalyzeOutput.Number(w, "topP", truncation.TopP);
            AnalyzeOutput.Number(w, "minP", truncation.MinP);
            w.WriteStartArray("points");
            foreach (var p in points)
            {
                w.WriteStartObject();
                w.WriteNumber("temperature", p.Temperature);
                AnalyzeOutput.Number(w, "epsilon", p.Epsilon);
                AnalyzeOutput.Number(w, "log10Epsilon", p.Log10Epsilon);
                AnalyzeOutput.Number(w, "slem", p.Slem);
                AnalyzeOutput.Number(w, "spectralGap", p.Analysis.Spectrum?.SpectralGap);
                AnalyzeOutput.Number(w, "tMix", p.MixingTime);
                w.WriteString("tMixStatus", p.Analysis.MixingTime?.Status.ToString());
                AnalyzeOutput.Number(w, "tMin", p.Analysis.TMin?.Value);
                AnalyzeOutput.Number(w, "stationaryEntropy", p.StationaryEntropy);
                AnalyzeOutput.Number(w, "boundSteps", p.BoundSteps);
                w.WriteNumber("recurrentClassCount", p.Analysis.Structure.RecurrentClasses.Count);
                w.WriteBoolean("isErgodicUnichain", p.Analysis.Structure.IsErgodicUnichain);
                AnalyzeOutput.Number(w, "stationaryResidual", p.Analysis.Stationary?.Residual);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (plot is not null)
            {
                w.WriteString("plot", plot);
            }

            w.WriteEndObject();
        }

        o.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}
