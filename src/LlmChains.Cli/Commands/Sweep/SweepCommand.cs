using System.CommandLine;
using LlmChains.Analysis.Convergence;
using LlmChains.Cli.Commands.Shared;
using LlmChains.Cli.Output;
using LlmChains.Cli.Parsing;

namespace LlmChains.Cli.Commands.Sweep;

/// <summary>
/// <c>llmchains sweep</c>: analyses a model's chain over a grid of temperatures (the paper's temperature discussion,
/// Fig. 5): ε, log10 ε, SLEM, t_mix, the stationary entropy and the Prop. 3.4 steps per τ, as a table, JSON and a plot.
/// </summary>
internal static class SweepCommand
{
    public static Command Create(CommandContext context)
    {
        var models = new ModelOptions();
        var temperatures = new Option<string>("--temperatures")
        {
            Description = "Comma-separated temperatures, e.g. 0.1,0.2,0.5,1,2",
            DefaultValueFactory = _ => "0.1,0.2,0.5,1,2",
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout" };
        var plot = new Option<string?>("--plot") { Description = "Write ε(τ) and t_mix(τ) (log axes) to this PNG file" };
        var command = new Command(
            "sweep",
            "Analyse the chain of a model over a grid of temperatures: ε, SLEM, t_mix, stationary entropy, Prop. 3.4 steps "
                + "(paper Fig. 5). With no model options: the paper's toy example.");
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
            using (var progress = new StderrProgress<Progress>(context.Error, "sweeping temperatures", p => p.Fraction))
            {
                points = TemperatureSweep.Run(
                    model, grid, truncation, chainOptions: models.BuildOptions(parse, budget), progress: progress);
            }

            string? plotPath = parse.GetValue(plot);
            if (plotPath is not null)
            {
                SweepPlot.Save(points, description, plotPath);
            }

            return CommandReport.Print(new SweepReport(points, description, truncation, plotPath), parse.GetValue(json), context.Output);
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
}
