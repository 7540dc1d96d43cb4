using System.CommandLine;
using System.Globalization;
using LlmChains.Cli.Commands.Shared;
using LlmChains.Cli.Limits;
using LlmChains.Cli.Output;
using LlmChains.Cli.Parsing;
using LlmChains.InContext;

namespace LlmChains.Cli.Commands.Icl;

/// <summary>
/// <c>llmchains icl</c>: the in-context learning experiment of the paper (Section 5 and App. D): risk of one or
/// more predictors against the context length N, with confidence bands, scaling-law fits, t_min and the Thm. 4.3
/// curve; text, JSON (<c>--json</c>, stdout holds only the JSON), CSV (<c>--csv FILE</c>) and a log–log PNG (<c>--plot FILE</c>).
/// </summary>
internal static class IclCommand
{
    public static Command Create(CommandContext context)
    {
        var chain = new Option<string>("--chain") { Description = IclChainSpec.Help, DefaultValueFactory = _ => "random" };
        var states = new Option<int?>("--states") { Description = "Number of states d ≥ 2 (default 3; 9 for clique; processes have 700)" };
        var length = new Option<int>("--length") { Description = "Largest context length N ≥ 2", DefaultValueFactory = _ => 1000 };
        var repetitions = new Option<int>("--repetitions")
        {
            Description = "Repetitions R ≥ 1 (trajectories; ≥ 2 for bands)",
            DefaultValueFactory = _ => 32,
        };
        var predictor = new Option<string[]>("--predictor") { Description = IclPredictorSpec.Help };
        var seed = new Option<int>("--seed")
        {
            Description = "Seed (results do not depend on the thread count)",
            DefaultValueFactory = _ => 0,
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout" };
        var plot = new Option<string?>("--plot")
        {
            Description = "Write a log–log PNG of the risk against N with bands, the Thm. 4.3 curve and c·N^(−1/2)",
        };
        var csv = new Option<string?>("--csv") { Description = "Write the curves as CSV (long format) to this file" };
        var alpha = new Option<double>("--alpha")
        {
            Description = "Dirichlet α of --chain dirichlet (and the prior of a bare 'bayes')",
            DefaultValueFactory = _ => 1.0,
        };
        var eta = new Option<double>("--eta")
        {
            Description = "η ∈ (0, 3/4] of --chain clique (paper: 0.02)",
            DefaultValueFactory = _ => 0.02,
        };
        var labels = new Option<string?>("--labels")
        {
            Description = "Label vector τ of --chain clique as 0s and 1s (d/3 of them; default all 0)",
        };
        var perturbation = new Option<double>("--perturbation")
        {
            Description = "Perturbation ε ∈ [0, 1/4] of --chain clique",
            DefaultValueFactory = _ => 0.0,
        };
        var resample = new Option<bool>("--resample-chain")
        {
            Description = "Draw a new random chain for every repetition (default: one chain, new trajectories)",
        };
        var start = new Option<string?>("--start") { Description = "Start state X_1: an index, or 'random' (default 0, as Liu et al.)" };
        var metric = new Option<string>("--metric")
        {
            Description = "Risk shown in the text headline and the plot: per-position (TV at N) | running-mean (R̂_icl(N))",
            DefaultValueFactory = _ => "per-position",
        };
        metric.AcceptOnlyFromAmong("per-position", "running-mean");
        var axis = new Option<string>("--x-axis")
        {
            Description = "Plot x axis: n | n-over-tmin (Fig. 6(c))",
            DefaultValueFactory = _ => "n",
        };
        axis.AcceptOnlyFromAmong("n", "n-over-tmin");
        var fitRange = new Option<string?>("--fit-range")
        {
            Description = "N range MIN-MAX of the scaling-law fit (default max(10, N/100) to N)",
        };
        var points = new Option<int>("--points")
        {
            Description = "Context lengths reported, log-spaced from 1 to N",
            DefaultValueFactory = _ => 64,
        };
        var confidence = new Option<double>("--confidence")
        {
            Description = "Confidence level of the bands",
            DefaultValueFactory = _ => 0.95,
        };
        var delta = new Option<double>("--delta")
        {
            Description = "δ of the Thm. 4.3 curve B̄·√(t_min/N)·√log(2/δ)",
            DefaultValueFactory = _ => 0.05,
        };
        var unembedding = new Option<double>("--unembedding-norm")
        {
            Description = "B_U of the Thm. 4.3 constant B̄ (τ = 1)",
            DefaultValueFactory = _ => 1.0,
        };
        var threads = new Option<int?>("--threads") { Description = "Largest number of repetitions run at once (default: all processors)" };

        var command = new Command(
            "icl",
            "In-context learning of a Markov chain (Section 5): risk of predictors against the context length N, bands, scaling-law fits, "
                + "t_min and the Thm. 4.3 curve.")
        {
            chain, states, length, repetitions, predictor, seed, json, plot, csv, alpha, eta, labels, perturbation, resample, start, metric,
            axis, fitRange, points, confidence, delta, unembedding, threads,
        };

        var remote = new RemoteOptions();
        foreach (var option in remote.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(parse =>
        {
            bool asJson = parse.GetValue(json);
            var riskMetric = parse.GetValue(metric) == "running-mean" ? RiskMetric.RunningMean : RiskMetric.PerPosition;
            var riskAxis = parse.GetValue(axis) == "n-over-tmin" ? RiskAxis.ContextOverMixingTime : RiskAxis.ContextLength;
            string? startText = parse.GetValue(start);
            int? startState = ParseStart(startText);
            var chainSpec = parse.GetValue(chain)!;
            RequireApplicable(parse, chainSpec, (alpha, "dirichlet"), (eta, "clique"), (labels, "clique"), (perturbation, "clique"));
            RequireFits(
                context.Memory(parse), chainSpec, parse.GetValue(states), parse.GetValue(length), parse.GetValue(repetitions),
                parse.GetValue(predictor) ?? [], parse.GetValue(points), parse.GetValue(resample), parse.GetValue(threads));
            var (source, fixedChain) = IclChainSpec.Create(new IclChainSpec.Parameters(
                chainSpec, parse.GetValue(states), parse.GetValue(alpha), parse.GetValue(eta), parse.GetValue(labels),
                parse.GetValue(perturbation), parse.GetValue(resample), startState, startText is not null, parse.GetValue(seed)));
            bool dirichlet = chainSpec.Trim().Equals("dirichlet", StringComparison.OrdinalIgnoreCase);
            string[] predictorSpecs = parse.GetValue(predictor) ?? [];
            if (remote.Given(parse).FirstOrDefault() is { } remoteOption
                && !predictorSpecs.Any(p => p.Contains("openai:", StringComparison.OrdinalIgnoreCase)))
            {
                throw new CliException(
                    $"{remoteOption.Name} applies to --predictor openai:URL; no predictor here is served", ExitCodes.UsageError);
            }

            var predictors = IclPredictorSpec.Create(
                predictorSpecs,
                source.StateCount,
                fixedChain,
                dirichlet ? parse.GetValue(alpha) : 1.0,
                remote.Settings(parse, new RemoteProgressLines(context.Error)),
                parse.GetValue(length));
            (int? fitMin, int? fitMax) = ParseFitRange(parse.GetValue(fitRange));
            var options = new InContextExperimentOptions
            {
                Length = parse.GetValue(length),
                Repetitions = parse.GetValue(repetitions),
                Seed = parse.GetValue(seed),
                EvaluationPoints = parse.GetValue(points),
                ConfidenceLevel = parse.GetValue(confidence),
                Delta = parse.GetValue(delta),
                UnembeddingNorm = parse.GetValue(unembedding),
                FitMinimumLength = fitMin,
                FitMaximumLength = fitMax,
                MaxDegreeOfParallelism = parse.GetValue(threads),
            };
            CheckOptions(options);
            InContextExperimentResult result;
            try
            {
                using var progress = new StderrProgress<Progress>(context.Error, "icl repetitions", p => p.Fraction);
                result = InContextExperiment.Run(source, predictors, options, progress);
            }
            catch (InvalidOperationException e)
            {
                throw new CliException(e.Message);
            }

            if (riskAxis == RiskAxis.ContextOverMixingTime && result.MeanMixingTime is null)
            {
                throw new CliException(
                    "--x-axis n-over-tmin needs a finite t_min, and this chain has none (it does not mix, or it has more than 100 states)");
            }

            string? csvPath = parse.GetValue(csv);
            if (csvPath is not null)
            {
                WriteCsv(result, csvPath);
            }

            string? plotPath = parse.GetValue(plot);
            if (plotPath is not null)
            {
                IclPlot.Save(result, riskMetric, riskAxis, plotPath);
            }

            return CommandReport.Print(new IclReport(result, riskMetric, csvPath, plotPath), asJson, context.Output);
        });
        return command;
    }

    /// <summary>The experiment's options as the command line sets them, checked in the order the library checks them.</summary>
    private static void CheckOptions(InContextExperimentOptions o)
    {
        OptionCheck.Require(
            o.Length >= 2, "--length", $"The context length N must be ≥ 2 (one observed transition at least); got {o.Length}.");
        OptionCheck.Require(o.Repetitions >= 1, "--repetitions", $"The number of repetitions must be ≥ 1; got {o.Repetitions}.");
        OptionCheck.Require(
            o.EvaluationPoints is null or >= 2,
            "--points",
            $"The number of context lengths reported must be ≥ 2; got {o.EvaluationPoints}.");
        OptionCheck.Require(
            o.ConfidenceLevel is > 0 and < 1, "--confidence", $"The confidence level must lie in (0, 1); got {o.ConfidenceLevel}.");
        OptionCheck.Require(o.Delta is > 0 and < 1, "--delta", $"δ must lie in (0, 1); got {o.Delta}.");
        OptionCheck.Require(
            OptionCheck.IsNonNegative(o.UnembeddingNorm), "--unembedding-norm", $"B_U must be finite and ≥ 0; got {o.UnembeddingNorm}.");
        OptionCheck.Require(
            o.MaxDegreeOfParallelism is null or >= 1,
            "--threads",
            $"The number of repetitions run at once must be ≥ 1; got {o.MaxDegreeOfParallelism}.");
    }

    /// <summary>Refuses a chain option given with a chain that does not use it (it would otherwise be ignored).</summary>
    private static void RequireApplicable(ParseResult parse, string chainSpec, params (Option Option, string Chain)[] options)
    {
        string kind = chainSpec.Split(':')[0].Trim().ToLowerInvariant();
        foreach (var (option, chainKind) in options)
        {
            if (parse.GetResult(option) is { Implicit: false } && kind != chainKind)
            {
                throw new CliException(
                    $"{option.Name} applies to --chain {chainKind}; the chain here is {chainSpec}", ExitCodes.UsageError);
            }
        }
    }

    /// <summary>Refuses, before the chain is generated, an experiment whose arrays do not fit the memory budget.</summary>
    private static void RequireFits(
        MemoryBudget budget,
        string chainSpec,
        int? states,
        int length,
        int repetitions,
        string[] predictors,
        int points,
        bool resample,
        int? threads)
    {
        long d = states ?? IclChainSpec.DefaultStateCount(chainSpec);
        if (d < 2 || length < 1 || repetitions < 1 || points < 1 || threads is < 1)
        {
            return; // invalid sizes are refused, with their own messages, by the library
        }

        int predictorCount = Math.Max(1, predictors.Sum(p => p.Split(',', StringSplitOptions.RemoveEmptyEntries).Length));
        double bytes = ResourceEstimate.InContext(d, length, repetitions, predictorCount, points, resample, threads);
        budget.Require(
            bytes,
            string.Create(CultureInfo.InvariantCulture, $"icl with d = {d} states (--states), --length {length}, ")
                + string.Create(CultureInfo.InvariantCulture, $"--repetitions {repetitions} and {predictorCount} predictor(s)"));
    }

    private static int? ParseStart(string? text)
    {
        if (text is null)
        {
            return 0;
        }

        if (text.Equals("random", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int state)
            ? state
            : throw new CliException($"--start '{text}': give a state index (0, 1, …) or 'random'", ExitCodes.UsageError);
    }

    private static (int? Min, int? Max) ParseFitRange(string? text)
    {
        if (text is null)
        {
            return (null, null);
        }

        var (lo, hi) = IclChainSpec.ParseRange(text, "--fit-range");
        if (lo != Math.Floor(lo) || hi != Math.Floor(hi) || lo < 1 || hi < lo || hi > int.MaxValue)
        {
            throw new CliException($"--fit-range '{text}': give whole context lengths 1 ≤ MIN ≤ MAX, e.g. 100-10000");
        }

        return ((int)lo, (int)hi);
    }

    private static void WriteCsv(InContextExperimentResult result, string path)
        => AtomicFile.Write(path, "the CSV", file =>
        {
            using var writer = new StreamWriter(file);
            result.WriteCsv(writer);
        });
}
