using System.CommandLine;
using LlmChains.Analysis.Fate;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Cli.Commands.Shared;
using LlmChains.Cli.Limits;
using LlmChains.Cli.Output;

namespace LlmChains.Cli.Commands.Fate;

/// <summary>
/// <c>llmchains fate</c>: where the chain goes from each start. Absorption probabilities into each recurrent class (for
/// a truncated model: each repetition loop) and the expected steps until one is entered; with <c>--target</c> the
/// probability of ever hitting it and the expected hitting time; with <c>--avoid</c> too the forward committor; for a
/// unichain Kemeny's constant and the mean first-passage matrix of the recurrent class.
/// </summary>
internal static class FateCommand
{
    /// <summary>Above this many states --from must be given.</summary>
    public const long DefaultFromLimit = 10_000;

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
        var from = new Option<string?>("--from") { Description = FateSets.FromHelp };
        var target = new Option<string?>("--target") { Description = FateSets.TargetHelp };
        var avoid = new Option<string?>("--avoid") { Description = FateSets.AvoidHelp };
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout" };
        var plot = new Option<string?>("--plot")
        {
            Description = "Write a PNG: absorption probabilities per start as stacked bars, or with --target the expected hitting time " +
                "per start",
        };

        var command = new Command(
            "fate",
            "Where a prompt ends up: absorption into each recurrent class (repetition loop) and when, hitting probabilities and times of " +
            "a target set, the forward committor, Kemeny's constant and mean first-passage times.");
        foreach (var option in models.All)
        {
            command.Add(option);
        }

        command.Add(temperature);
        command.Add(matrix);
        command.Add(from);
        command.Add(target);
        command.Add(avoid);
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

            string? targetText = parse.GetValue(target);
            string? avoidText = parse.GetValue(avoid);
            if (avoidText is not null && targetText is null)
            {
                throw new CliException("--avoid sets A of the committor P(hit B before A); it needs --target for B", ExitCodes.UsageError);
            }

            var budget = context.Memory(parse);
            IMarkovChain chain;
            string description;
            if (matrixPath is not null)
            {
                ModelSource.RequireFile(matrixPath);
                chain = MatrixMarket.Read(matrixPath);
                description = $"MatrixMarket chain {matrixPath}";
            }
            else
            {
                var decoding = models.Decoding(parse, temperature: parse.GetValue(temperature));
                var (model, modelDescription) = models.CreateModel(parse, budget);
                using var owned = model as IDisposable;
                using var buildProgress = new StderrProgress<Progress>(context.Error, "building chain", p => p.Fraction);
                chain = LanguageModelChain.Build(model, decoding, models.BuildOptions(parse, budget), buildProgress);
                description = $"{modelDescription}, {decoding}";
            }

            var options = new FateOptions();
            budget.Require(EstimateBytes(chain, options), $"the fate solves of a chain of {chain.StateCount:N0} states");
            long[] starts = parse.GetValue(from) is { } fromText
                ? FateSets.ParseStates(fromText, "--from", chain)
                : chain.StateCount <= DefaultFromLimit
                    ? [.. Enumerable.Range(0, (int)chain.StateCount).Select(s => (long)s)]
                    : throw new CliException(
                        $"the chain has {chain.StateCount:N0} states; give the starts with --from (every state is the default only up to " +
                        $"{DefaultFromLimit:N0})",
                        ExitCodes.UsageError);

            var report = Compute(chain, description, starts, targetText, avoidText, options, context);
            if (parse.GetValue(plot) is { } plotPath)
            {
                FatePlot.Save(report, plotPath);
            }

            if (parse.GetValue(json))
            {
                FateOutput.WriteJson(report, context.Output);
            }
            else
            {
                FateOutput.WriteText(report, context.Output);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Bytes the solves may allocate besides the chain: the vectors per state, the block's CSR and predecessor
    /// lists and a GMRES basis.</summary>
    internal static double EstimateBytes(IMarkovChain chain, FateOptions options)
    {
        double n = chain.StateCount;
        double nnz = n * chain.MaxRowNonZeros;
        return (n * 8 * 8) + (nnz * (4 + 8 + 4)) + (n * 8 * (options.RestartLength + 6));
    }

    private static FateReport Compute(
        IMarkovChain chain,
        string description,
        long[] starts,
        string? targetText,
        string? avoidText,
        FateOptions options,
        CommandContext context)
    {
        using var progress = new StderrProgress<Progress>(context.Error, "fate", p => p.Fraction);
        var structure = ChainStructure.Analyze(chain);
        options = options with { Structure = structure };
        TargetSet? target = targetText is null ? null : FateSets.ParseSet(targetText, "--target", chain);
        TargetSet? avoid = avoidText is null ? null : FateSets.ParseSet(avoidText, "--avoid", chain);
        long[]? targetStates = target is null ? null : Resolve(target, "--target", targetText!, chain, structure);
        long[]? avoidStates = avoid is null ? null : Resolve(avoid, "--avoid", avoidText!, chain, structure);
        if (targetStates is not null && avoidStates is not null && targetStates.Intersect(avoidStates).Any())
        {
            throw new CliException(
                $"--avoid {avoidText} and --target {targetText} overlap at state {targetStates.Intersect(avoidStates).First()}; the " +
                "committor needs disjoint sets",
                ExitCodes.UsageError);
        }

        var absorption = Absorption.Compute(chain, starts, options, progress);
        var hitting = target is null ? null : Hitting.Compute(chain, target, starts, options, progress);
        CommittorResult? committor = null;
        if (target is not null && avoid is not null)
        {
            committor = Committor.Forward(chain, avoid, target, options, progress);
        }

        MeanFirstPassageResult? passage = null;
        string? kemenyReason = null;
        if (structure.RecurrentClasses.Count != 1)
        {
            kemenyReason = $"the chain has {structure.RecurrentClasses.Count} recurrent classes; Kemeny's constant and mean " +
                "first-passage times need exactly one";
        }
        else if (structure.RecurrentClasses[0].Size > options.MeanFirstPassageMaxStates)
        {
            kemenyReason = $"the recurrent class has {structure.RecurrentClasses[0].Size:N0} states; the dense mean first-passage matrix " +
                $"is computed up to {options.MeanFirstPassageMaxStates:N0}";
        }
        else
        {
            passage = FirstPassage.MeanTimes(chain, options);
        }

        return new FateReport(
            description, chain, structure, starts, absorption, hitting, targetStates, committor, avoidStates, passage, kemenyReason);
    }

    private static long[] Resolve(TargetSet set, string option, string text, IMarkovChain chain, ChainStructure structure)
    {
        try
        {
            return set.Resolve(chain, structure);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"{option} {text}: {Parsing.OptionMessages.Clean(e.Message)}", ExitCodes.UsageError);
        }
    }
}

/// <summary>What <c>fate</c> computed, for the text, JSON and plot writers.</summary>
internal sealed record FateReport(
    string Description,
    IMarkovChain Chain,
    ChainStructure Structure,
    long[] Starts,
    AbsorptionResult Absorption,
    HittingResult? Hitting,
    long[]? TargetStates,
    CommittorResult? Committor,
    long[]? AvoidStates,
    MeanFirstPassageResult? Passage,
    string? KemenyReason);
