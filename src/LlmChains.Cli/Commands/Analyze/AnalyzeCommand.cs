using System.CommandLine;
using LlmChains.Analysis;
using LlmChains.Analysis.Convergence;
using LlmChains.Chains;
using LlmChains.Cli.Commands.Shared;
using LlmChains.Cli.Limits;
using LlmChains.Cli.Output;
using LlmChains.Models;

namespace LlmChains.Cli.Commands.Analyze;

/// <summary>
/// <c>llmchains analyze</c>: builds the chain of a model (or reads one from MatrixMarket) and reports its structure,
/// stationary distribution, spectrum, ε and the Prop. 3.4 bound, d(t), t_mix and t_min. With no options it analyses
/// the paper's toy example and adds its stationary distribution over the training windows and a temperature table.
/// </summary>
internal static class AnalyzeCommand
{
    /// <summary>Where the main job (no options) writes its plot when --plot is not given.</summary>
    public const string DefaultPlotPath = "llmchains-analyze.png";

    /// <summary>
    /// Trajectories of the sampled diagnostics when the chain is too large for the exact worst case and --sample is not given.
    /// </summary>
    public const int AutomaticSampleSize = 1000;

    /// <summary>The temperatures of the toy example's table (paper Fig. 5).</summary>
    public static readonly double[] ToyTemperatures = [0.2, 0.5, 1, 2];

    public static Command Create(CommandContext context)
    {
        var models = new ModelOptions();
        var temperature = new Option<double>("--temperature")
        {
            Description = "Softmax temperature τ ≥ 0; 0 = greedy",
            DefaultValueFactory = _ => 1.0,
        };
        var matrix = new Option<string?>("--matrix")
        {
            Description = "Analyse a row-stochastic chain in MatrixMarket format instead of a model",
        };
        var tvSteps = new Option<int>("--tv-steps") { Description = "Number of steps of d(t) to report", DefaultValueFactory = _ => 50 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout" };
        var plot = new Option<string?>("--plot")
        {
            Description = "Write d(t) with the Prop. 3.4 bound and the spectrum to this PNG file",
        };
        var sample = new Option<int?>("--sample")
        {
            Description = "Simulate N trajectories (pairs) for sampled diagnostics over --tv-steps steps: a coupling upper estimate "
                + "and a separating-event lower bound of TV(μQ^t, π), and repetition-loop rates, with confidence intervals. "
                + $"On by itself (N = {AutomaticSampleSize}) above the exact worst case's limit, n² doubles within a quarter of "
                + "the memory available or --max-memory "
                + $"(here {TotalVariation.DefaultMaxWorstCaseStates:N0} states by default); 0 turns it off",
        };
        var confidence = new Option<double>("--confidence")
        {
            Description = "Confidence level of the sampled intervals, in (0, 1)",
            DefaultValueFactory = _ => 0.95,
        };
        var burnIn = new Option<int>("--burn-in")
        {
            Description = "Steps of burn-in of the reference copy of the sampled coupling (a stand-in for π)",
            DefaultValueFactory = _ => SamplingOptions.Default.BurnIn,
        };
        var sampleSeed = new Option<int>("--sample-seed") { Description = "Seed of the sampled diagnostics", DefaultValueFactory = _ => 0 };
        var maxLoopPeriod = new Option<int>("--max-loop-period")
        {
            Description = "Longest repetition loop (in states) the sampled diagnostics look for",
            DefaultValueFactory = _ => SamplingOptions.Default.MaxLoopPeriod,
        };
        var allClasses = new Option<bool>("--all-classes")
        {
            Description = "List every communicating class in the JSON; by default the transient classes of one state "
                + "(the prompts shorter than K of a model's chain) are only counted",
        };
        var projectionTokens = new Option<int?>("--projection-tokens")
        {
            Description = "The sampled lower bound on TV looks for a separating event on the last m tokens of the window and "
                + "whether it is full (default: the state itself on small chains, otherwise the state hashed into "
                + "min(4N, 16,384) buckets); models only",
        };

        var command = new Command(
            "analyze",
            "Build the Markov chain Q_f of a model (Prop. 3.2) and analyse it: structure (Prop. 3.3), π, spectrum, ε and the "
                + "Prop. 3.4 bound, d(t), t_mix, t_min. With no options: the paper's toy example.");
        foreach (var option in models.All)
        {
            command.Add(option);
        }

        command.Add(temperature);
        command.Add(matrix);
        command.Add(tvSteps);
        command.Add(json);
        command.Add(plot);
        command.Add(sample);
        command.Add(confidence);
        command.Add(burnIn);
        command.Add(sampleSeed);
        command.Add(maxLoopPeriod);
        command.Add(projectionTokens);
        command.Add(allClasses);

        command.SetAction(parse =>
        {
            string? matrixPath = parse.GetValue(matrix);
            if (matrixPath is not null && models.AnyModelOptionGiven(parse))
            {
                throw new CliException(
                    "--matrix analyses a given chain; it cannot be combined with --model, --vocab or --context", ExitCodes.UsageError);
            }

            int steps = parse.GetValue(tvSteps);
            if (steps < 0)
            {
                throw new CliException($"--tv-steps {steps}: the number of steps must be ≥ 0", ExitCodes.UsageError);
            }

            var sampling = SamplingRequest.Parse(
                parse.GetValue(sample), parse.GetValue(confidence), parse.GetValue(burnIn), parse.GetValue(sampleSeed),
                parse.GetValue(maxLoopPeriod), steps, parse.GetValue(projectionTokens));
            if (matrixPath is not null && sampling.Options.Projection is not null)
            {
                throw new CliException(
                    "--projection-tokens needs a model's chain; a MatrixMarket chain has no tokens", ExitCodes.UsageError);
            }

            var budget = context.Memory(parse);
            sampling = sampling with { WorstCaseBytes = budget.FromOption ? budget.Bytes : TotalVariation.DefaultWorstCaseMemoryBytes };
            budget.Require(ResourceEstimate.DistanceCurve(steps), $"--tv-steps {steps}: d(0..{steps})");
            if (sampling.Trajectories is > 0 and int pairs)
            {
                int period = sampling.Options.MaxLoopPeriod;
                budget.Require(
                    ResourceEstimate.Sampling(pairs, steps, period),
                    $"--sample {pairs} over {steps} steps with --max-loop-period {period}");
            }

            bool toy = matrixPath is null && models.IsDefaultModel(parse);
            bool asJson = parse.GetValue(json);
            string? plotPath = parse.GetValue(plot) ?? (toy && !asJson ? DefaultPlotPath : null);
            var report = matrixPath is not null
                ? AnalyzeMatrix(matrixPath, steps, sampling, budget, context)
                : AnalyzeModel(models, parse, parse.GetValue(temperature), steps, sampling, toy, budget, context);

            report = report with { AllClasses = parse.GetValue(allClasses) };
            if (plotPath is not null)
            {
                int window = report.Chain is LanguageModelChain lm ? lm.ContextWindow : 1;
                AnalyzePlot.Save(report.Analysis, window, Math.Max(steps, 1), report.Title, plotPath);
                report = report with { PlotPath = plotPath };
            }

            return CommandReport.Print(report, asJson, context.Output);
        });
        return command;
    }

    private static AnalyzeReport AnalyzeModel(
        ModelOptions models, ParseResult parse, double temperature, int steps, SamplingRequest sampling, bool toy, MemoryBudget budget,
        CommandContext context)
    {
        var decoding = models.Decoding(parse, temperature);
        var (model, description) = models.CreateModel(parse, budget, remoteProgress: new RemoteProgressLines(context.Error));
        using var ownedModel = model as IDisposable;
        LanguageModelChain chain;
        using (var progress = new StderrProgress<Progress>(context.Error, "building chain", p => p.Fraction))
        {
            chain = LanguageModelChain.Build(model, decoding, models.BuildOptions(parse, budget), progress);
        }

        RequireSamplingFits(chain, sampling, steps, budget);
        var analysis = Analyze(chain, steps, sampling, context);
        IReadOnlyList<TemperaturePoint>? sweep = null;
        if (toy)
        {
            using var progress = new StderrProgress<Progress>(context.Error, "temperature table", p => p.Fraction);
            sweep = TemperatureSweep.Run(
                model, ToyTemperatures, options: AnalysisOptions(steps, sampling.WorstCaseBytes), progress: progress);
        }

        string title = toy
            ? "The paper's toy example (T = 2, K = 3), τ = 1"
            : $"T = {chain.VocabularySize}, K = {chain.ContextWindow}, {decoding}";
        return new AnalyzeReport(
            description, title, chain, decoding, analysis, chain.CountNonZeros(), chain.ProbabilityBytes, chain.Precision, steps,
            toy ? model as NGramModel : null, sweep, null, sampling.IsAutomatic(chain), WorstCaseMaxStates: sampling.WorstCaseMaxStates);
    }

    private static AnalyzeReport AnalyzeMatrix(
        string path, int steps, SamplingRequest sampling, MemoryBudget budget, CommandContext context)
    {
        ModelSource.RequireFile(path);
        var chain = MatrixMarket.Read(path);
        RequireSamplingFits(chain, sampling, steps, budget);
        var analysis = Analyze(chain, steps, sampling, context);
        long bytes = ((chain.StateCount + 1) * sizeof(long)) + (chain.StoredTransitionCount * (sizeof(int) + sizeof(double)));
        return new AnalyzeReport(
            $"MatrixMarket chain {path}", Path.GetFileName(path), chain, null, analysis, chain.StoredTransitionCount, bytes,
            ProbabilityPrecision.Float64, steps, null, null, null, sampling.IsAutomatic(chain),
            WorstCaseMaxStates: sampling.WorstCaseMaxStates);
    }

    /// <summary>The automatic sampling (no --sample, a large chain) is sized only once the chain is known.</summary>
    private static void RequireSamplingFits(IMarkovChain chain, SamplingRequest sampling, int steps, MemoryBudget budget)
    {
        if (sampling.Trajectories is null && sampling.For(chain) is { } automatic)
        {
            budget.Require(
                ResourceEstimate.Sampling(automatic.Trajectories, steps, automatic.MaxLoopPeriod),
                $"the automatic sampling ({automatic.Trajectories} pairs) over --tv-steps {steps} "
                    + $"with --max-loop-period {automatic.MaxLoopPeriod}");
        }
    }

    private static ChainAnalysis Analyze(IMarkovChain chain, int steps, SamplingRequest sampling, CommandContext context)
    {
        using var progress = new StderrProgress<Progress>(
            context.Error, "analysing", p => p.Fraction, p => p.Total > 0 ? p.Stage : p.ToString());
        var options = AnalysisOptions(steps, sampling.WorstCaseBytes) with { Sampling = sampling.For(chain) };
        return ChainAnalyzer.Analyze(chain, options, progress);
    }

    /// <summary>
    /// The analysis of d(0..steps), with the exact worst case allowed n² doubles within <paramref name="worstCaseBytes"/>
    /// (--max-memory, or a quarter of the memory available).
    /// </summary>
    private static ChainAnalysisOptions AnalysisOptions(int steps, long worstCaseBytes) => new()
    {
        DistanceSteps = steps,
        Convergence = new ConvergenceOptions { InitialSteps = Math.Max(64, steps), WorstCaseMemoryLimitBytes = worstCaseBytes },
    };
}
