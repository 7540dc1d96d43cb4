using System.CommandLine;
using LlmChains.Chains;
using LlmChains.Cli.Limits;
using LlmChains.Cli.Parsing;
using LlmChains.LlamaSharp;
using LlmChains.Models;

namespace LlmChains.Cli.Commands.Shared;

/// <summary>The options that choose a model and its decoding, shared by <c>analyze</c> and <c>sweep</c>.</summary>
internal sealed class ModelOptions
{
    public Option<string?> Model { get; } = new("--model") { Description = ModelSource.Help };

    public Option<int?> Vocabulary { get; } = new("--vocab")
    {
        Description = "Vocabulary size T (uniform, random; checked for the others)",
    };

    public Option<int?> Context { get; } = new("--context") { Description = "Context window K (default 3; inferred for table:)" };

    public Option<int?> TopK { get; } = new("--top-k") { Description = "Top-k truncation, k ≥ 1" };

    public Option<double?> TopP { get; } = new("--top-p") { Description = "Nucleus truncation, p in (0, 1]" };

    public Option<double?> MinP { get; } = new("--min-p") { Description = "Min-p truncation, in [0, 1]" };

    public Option<int> Seed { get; } = new("--seed") { Description = "Seed of the random model", DefaultValueFactory = _ => 0 };

    public Option<double> LogitScale { get; } = new("--logit-scale")
    {
        Description = "Standard deviation of the random model's logits",
        DefaultValueFactory = _ => 1.0,
    };

    public Option<string> Precision { get; } = CreatePrecision();

    public Option<string?> Tokens { get; } = new("--tokens")
    {
        Description = "gguf:, openai: the sub-vocabulary that defines T: pieces (0,1), ids (id:15,id:16) or digits:N; default 0,1",
    };

    public Option<int?> Threads { get; } = new("--threads")
    {
        Description = "gguf: CPU threads of the model, 1 to 4 per processor (default: half the processors, at least 1)",
    };

    /// <summary>The options of an openai:URL model.</summary>
    public RemoteOptions Remote { get; } = new();

    public IEnumerable<Option> All =>
        [Model, Vocabulary, Context, TopK, TopP, MinP, Seed, LogitScale, Precision, Tokens, Threads, .. Remote.All];

    /// <summary>Whether the user chose a model (otherwise the paper's toy example is used).</summary>
    public bool IsDefaultModel(ParseResult parse) => parse.GetValue(Model) is null;

    public bool AnyModelOptionGiven(ParseResult parse)
        => parse.GetResult(Model) is not null || parse.GetResult(Vocabulary) is not null || parse.GetResult(Context) is not null;

    /// <summary>
    /// The model, refused before it is created (where T and K are known first) or built when its chain does not fit <paramref
    /// name="budget"/>.
    /// </summary>
    /// <param name="parse">The command line.</param>
    /// <param name="budget">The memory budget.</param>
    /// <param name="requireFits">Another check of (T, K) than the chain's (<see cref="RequireChainFits"/>), for commands that allocate
    /// something else.</param>
    /// <param name="remoteProgress">Receives the progress of an openai: model's evaluation (the command's stderr lines).</param>
    public (ILanguageModel Model, string Description) CreateModel(
        ParseResult parse, MemoryBudget budget, Action<int, int>? requireFits = null, IProgress<Progress>? remoteProgress = null)
    {
        RequireApplicable(parse);
        double logitScale = parse.GetValue(LogitScale);
        OptionCheck.Require(
            OptionCheck.IsNonNegative(logitScale),
            "--logit-scale",
            $"the standard deviation of the logits must be finite and ≥ 0; got {logitScale}.");
        if (parse.GetValue(Tokens) is { } tokens)
        {
            CheckTokens(tokens);
        }

        return ModelSource.Create(
            parse.GetValue(Model),
            parse.GetValue(Vocabulary),
            parse.GetValue(Context),
            parse.GetValue(Seed),
            logitScale,
            parse.GetValue(Tokens),
            parse.GetValue(Threads),
            requireFits ?? ((t, k) => RequireChainFits(parse, t, k, budget)),
            Remote.Settings(parse, remoteProgress));
    }

    /// <summary>
    /// The --tokens specification is well formed (whether its tokens are in the model's vocabulary is known once it is read).
    /// </summary>
    private static void CheckTokens(string tokens)
    {
        try
        {
            _ = TokenSubset.Parse(tokens);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new CliException($"--tokens: {OptionMessages.Clean(e.Message)}");
        }
    }

    /// <summary>Whether the probabilities (and captured logits) are stored in float32 (<c>--precision float32</c>).</summary>
    public bool IsSinglePrecision(ParseResult parse) => IsSingle(parse);

    /// <summary>
    /// Refuses an option given for a model that does not use it (--logit-scale with --model uniform would otherwise be ignored).
    /// </summary>
    private void RequireApplicable(ParseResult parse)
    {
        string spec = parse.GetValue(Model) ?? string.Empty;
        int colon = spec.IndexOf(':', StringComparison.Ordinal);
        string kind = (colon < 0 ? spec : spec[..colon]).ToLowerInvariant();
        var modelOptions = new (Option Option, string Model)[]
        {
            (Seed, "random"), (LogitScale, "random"), (Threads, "gguf"),
        };
        string here = spec.Length == 0 ? "the paper's toy example" : spec;
        foreach (var (option, model) in modelOptions)
        {
            if (parse.GetResult(option) is { Implicit: false } && kind != model)
            {
                string which = model == "gguf" ? ":FILE" : string.Empty;
                throw new CliException($"{option.Name} applies to --model {model}{which}; the model here is {here}", ExitCodes.UsageError);
            }
        }

        if (parse.GetResult(Tokens) is { Implicit: false } && kind is not ("gguf" or "openai"))
        {
            throw new CliException(
                $"{Tokens.Name} applies to --model gguf:FILE or openai:URL; the model here is {here}", ExitCodes.UsageError);
        }

        if (kind != "openai" && Remote.Given(parse).FirstOrDefault() is { } remote)
        {
            throw new CliException($"{remote.Name} applies to --model openai:URL; the model here is {here}", ExitCodes.UsageError);
        }
    }

    /// <summary>
    /// The decoding options at <paramref name="temperature"/> with the truncations given on the command line (validated).
    /// </summary>
    public DecodingOptions Decoding(ParseResult parse, double temperature)
    {
        int? topK = parse.GetValue(TopK);
        double? topP = parse.GetValue(TopP), minP = parse.GetValue(MinP);
        OptionCheck.Require(
            OptionCheck.IsNonNegative(temperature), "--temperature", $"τ must be a finite number ≥ 0 (0 = greedy); got {temperature}.");
        OptionCheck.Require(topK is null or >= 1, "--top-k", $"k must be ≥ 1; got {topK}.");
        OptionCheck.Require(topP is null or (> 0 and <= 1), "--top-p", $"p must lie in (0, 1]; got {topP}.");
        OptionCheck.Require(minP is null or (>= 0 and <= 1), "--min-p", $"min-p must lie in [0, 1]; got {minP}.");
        return new DecodingOptions { Temperature = temperature, TopK = topK, TopP = topP, MinP = minP };
    }

    /// <summary>The build options: the precision given, and the memory budget as the table's limit.</summary>
    public ChainBuildOptions BuildOptions(ParseResult parse, MemoryBudget budget) => new()
    {
        Precision = IsSingle(parse) ? ProbabilityPrecision.Float32 : ProbabilityPrecision.Float64,
        MemoryLimitBytes = budget.Bytes,
    };

    /// <summary>
    /// Refuses, before anything is built, a chain of T and K whose table and analysis
    /// vectors do not fit <paramref name="budget"/> (also when |V_K^*| is beyond any integer, e.g. --context 2147483647).
    /// </summary>
    public void RequireChainFits(ParseResult parse, int vocabularySize, int contextWindow, MemoryBudget budget)
    {
        var size = StateSpace.Describe(vocabularySize, contextWindow);
        string precision = IsSingle(parse) ? "float32" : "float64";
        budget.RequireLog10(
            ResourceEstimate.Log10Chain(size, IsSingle(parse)),
            $"{ResourceEstimate.DescribeChain(size)} with its {precision} table and analysis vectors");
    }

    private bool IsSingle(ParseResult parse) => parse.GetValue(Precision) == "float32";

    private static Option<string> CreatePrecision()
    {
        var option = new Option<string>("--precision")
        {
            Description = "Storage of the probabilities: float64 | float32",
            DefaultValueFactory = _ => "float64",
        };
        option.AcceptOnlyFromAmong("float64", "float32");
        return option;
    }
}
