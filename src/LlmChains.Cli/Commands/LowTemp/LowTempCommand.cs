using System.CommandLine;
using LlmChains.Analysis.LowTemperature;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Cli.Commands.Shared;
using LlmChains.Cli.Limits;
using LlmChains.Cli.Output;
using LlmChains.Cli.Parsing;
using LlmChains.Models;

namespace LlmChains.Cli.Commands.LowTemp;

/// <summary>
/// <c>llmchains lowtemp</c>: the exact τ → 0 asymptotics of a model's chain (or of a chain given by its resistances):
/// the repetition loops, their inter-loop resistances, stochastic potentials, radii and the stochastically stable
/// loops (docs/low-temperature.md).
/// </summary>
internal static class LowTempCommand
{
    /// <summary>The default temperatures of the plot, where exact π_τ is computed (GTH) for small chains.</summary>
    internal static readonly double[] PlotTemperatures = [1, 0.7, 0.5, 0.35, 0.25, 0.2, 0.15, 0.1, 0.07, 0.05];

    /// <summary>The largest chain whose exact π_τ is drawn in the plot (dense GTH).</summary>
    internal const int MaxExactStates = 4096;

    public static Command Create(CommandContext context)
    {
        var models = new ModelOptions();
        var matrix = new Option<string?>("--matrix")
        {
            Description = "Analyse a chain given by its resistances: MatrixMarket coordinate file, entry (i, j) = r(i → j) ≥ 0 (an " +
                "explicit 0 is a greedy edge, an absent entry no edge)",
        };
        var temperature = new Option<double?>("--temperature")
        {
            Description = "Also print the first-order predictions at this τ > 0: π_τ(L_j)/π_τ(L*) ≈ exp(−(γ_j − γ*)/τ) and E[exit time] " +
                "≈ exp(ρ_j/τ)",
        };
        var maxLoops = new Option<int>("--max-loops")
        {
            Description = "Refuse chains with more zero-resistance loops than this (1 to 100000)",
            DefaultValueFactory = _ => LowTemperatureOptions.Default.MaxLoops,
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout" };
        var plot = new Option<string?>("--plot")
        {
            Description = "Write −τ·log π_τ(L_j) against τ (exact, GTH, for chains up to 4,096 states) with the predicted limits γ_j − " +
                "γ* to this PNG file",
        };
        var command = new Command(
            "lowtemp",
            "The τ → 0 limit of temperature sampling: the repetition loops, their resistances, stochastic potentials γ and radii ρ, and " +
            "the stochastically stable loops that carry the stationary mass as τ → 0. With no model options: the paper's toy example.");
        // --precision is not offered: the resistances are always float32 (logit gaps), whatever the chain's storage.
        foreach (var option in models.All.Where(o => !ReferenceEquals(o, models.Precision)))
        {
            command.Add(option);
        }

        command.Add(matrix);
        command.Add(temperature);
        command.Add(maxLoops);
        command.Add(json);
        command.Add(plot);
        command.SetAction(parse =>
        {
            string? matrixPath = parse.GetValue(matrix);
            if (matrixPath is not null && models.AnyModelOptionGiven(parse))
            {
                throw new CliException(
                    "--matrix analyses a given chain; it cannot be combined with --model, --vocab or --context", ExitCodes.UsageError);
            }

            if (parse.GetValue(temperature) is { } tau && !(tau > 0 && double.IsFinite(tau)))
            {
                throw new CliException(
                    $"--temperature {tau.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}: the predictions need a " +
                    "temperature τ > 0",
                    ExitCodes.UsageError);
            }

            int loops = parse.GetValue(maxLoops);
            if (loops is < 1 or > 100_000)
            {
                throw new CliException($"--max-loops {loops}: give 1 to 100000", ExitCodes.UsageError);
            }

            var options = new LowTemperatureOptions { MaxLoops = loops };
            var budget = context.Memory(parse);
            LowTempReport report = matrixPath is not null
                ? AnalyzeMatrix(matrixPath, options, budget, context)
                : AnalyzeModel(models, parse, options, budget, context);
            report = report with { Temperature = parse.GetValue(temperature) };
            if (parse.GetValue(plot) is { } path)
            {
                using (var progress = new StderrProgress<double>(context.Error, "exact π_τ for the plot", f => f))
                {
                    report = report with { Curves = LowTempPlot.ExactCurves(report, PlotTemperatures, progress) };
                }

                LowTempPlot.Save(report, path);
                report = report with { PlotPath = path };
            }

            if (parse.GetValue(json))
            {
                report.WriteJson(context.Output);
            }
            else
            {
                report.WriteText(context.Output);
                WrittenFiles.Write(context.Output, ("plot", report.PlotPath));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static LowTempReport AnalyzeModel(
        ModelOptions models, ParseResult parse, LowTemperatureOptions options, MemoryBudget budget, CommandContext context)
    {
        var decoding = models.Decoding(parse, 1.0);
        var fitted = options;
        var (model, description) = models.CreateModel(parse, budget, (t, k) => fitted = Fit(t, k, options, budget, context));
        using var ownedModel = model as IDisposable;
        LowTemperatureResult result;
        using (var progress = new StderrProgress<Progress>(context.Error, "low-temperature analysis", Fraction))
        {
            result = NamingTheFlag(() => LowTemperatureAnalysis.Analyze(model, decoding, fitted, progress));
        }

        return new LowTempReport(description, result, model, decoding, null);
    }

    /// <summary>
    /// Runs the analysis; the refusals that only it can decide (top-p or min-p, which have no perturbation to analyse, and
    /// more loops than --max-loops, known once the loops are found) name the flag the user gave.
    /// </summary>
    private static LowTemperatureResult NamingTheFlag(Func<LowTemperatureResult> analyze)
    {
        try
        {
            return analyze();
        }
        catch (ArgumentException e) when (FlagOf(e.Message) is { } flag)
        {
            throw new CliException($"{flag}: {e.Message}", ExitCodes.UsageError);
        }
    }

    private static string? FlagOf(string message)
        => message.StartsWith("TopP is ", StringComparison.Ordinal) ? "--top-p"
            : message.StartsWith("MinP is ", StringComparison.Ordinal) ? "--min-p"
            : message.StartsWith("MaxLoops is ", StringComparison.Ordinal) ? "--max-loops"
            : null;

    private static LowTempReport AnalyzeMatrix(string path, LowTemperatureOptions options, MemoryBudget budget, CommandContext context)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"--matrix {path}: no such file");
        }

        budget.Require(new FileInfo(path).Length * 2.0, $"the resistance matrix {path}");
        var matrix = ResistanceMatrix.ReadMatrixMarket(path);
        LowTemperatureResult result;
        using (var progress = new StderrProgress<Progress>(context.Error, "low-temperature analysis", Fraction))
        {
            result = NamingTheFlag(() => LowTemperatureAnalysis.Analyze(matrix, options, progress));
        }

        return new LowTempReport($"resistance matrix {path}", result, null, null, matrix);
    }

    /// <summary>
    /// The options with as many concurrent searches as fit the budget (each holds state-sized arrays), at most one a
    /// processor; refused, with the one-search estimate, when even one does not fit. A reduction is said on standard error.
    /// </summary>
    private static LowTemperatureOptions Fit(
        int vocabularySize, int contextWindow, LowTemperatureOptions options, MemoryBudget budget, CommandContext context)
    {
        int most = options.MaxDegreeOfParallelism ?? Environment.ProcessorCount;
        int workers = most;
        while (workers > 1 && LowTemperatureAnalysis.EstimateMemoryBytes(
            vocabularySize, contextWindow, options with { MaxDegreeOfParallelism = workers }) > budget.Bytes)
        {
            workers--;
        }

        var fitted = options with { MaxDegreeOfParallelism = workers };
        RequireFits(vocabularySize, contextWindow, fitted, budget);
        if (workers < most)
        {
            context.Error.WriteLine(
                $"llmchains lowtemp: {workers} concurrent search{(workers == 1 ? "" : "es")} instead of {most} to stay " +
                $"within {MemoryBudget.OptionName} {MemoryBudget.Format(budget.Bytes)} (same result, longer run)");
        }

        return fitted;
    }

    /// <summary>Refuses, before the model is created, a (T, K) whose resistances and search arrays do not fit the budget.</summary>
    private static void RequireFits(int vocabularySize, int contextWindow, LowTemperatureOptions options, MemoryBudget budget)
    {
        double bytes = LowTemperatureAnalysis.EstimateMemoryBytes(vocabularySize, contextWindow, options);
        budget.Require(
            bytes,
            $"the low-temperature analysis of T = {vocabularySize}, K = {contextWindow} ({Math.Pow(vocabularySize, contextWindow):G4} " +
            "full-length states)");
    }

    /// <summary>The stages weighted roughly by their cost: logits 20%, loops 5%, resistances 70%, potentials 5%.</summary>
    private static double Fraction(Progress p) => p.Stage switch
    {
        "logits" => 0.2 * p.Fraction,
        "loops" => 0.2 + (0.05 * p.Fraction),
        "resistances" => 0.25 + (0.7 * p.Fraction),
        "potentials" => 0.95 + (0.05 * p.Fraction),
        _ => 0,
    } is var f && double.IsNaN(f) ? 0 : f;
}
