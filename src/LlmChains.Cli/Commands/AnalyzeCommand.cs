using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LlmChains.Analysis;
using LlmChains.Chains;
using LlmChains.Cli.Output;
using LlmChains.Models;

namespace LlmChains.Cli.Commands;

/// <summary><c>llmchains analyze</c>: builds the chain of a model (or reads one) and reports its size and structure.</summary>
internal static class AnalyzeCommand
{
    private const int TransitionListingLimit = 64;

    public static Command Create(CommandContext context)
    {
        var model = new Option<string?>("--model") { Description = ModelSource.Help };
        var vocab = new Option<int?>("--vocab") { Description = "Vocabulary size T (uniform, random; checked for the others)" };
        var contextWindow = new Option<int?>("--context") { Description = "Context window K (default 3; inferred for table:)" };
        var temperature = new Option<double>("--temperature") { Description = "Softmax temperature τ ≥ 0; 0 = greedy", DefaultValueFactory = _ => 1.0 };
        var topK = new Option<int?>("--top-k") { Description = "Top-k truncation, k ≥ 1" };
        var topP = new Option<double?>("--top-p") { Description = "Nucleus truncation, p in (0, 1]" };
        var minP = new Option<double?>("--min-p") { Description = "Min-p truncation, in [0, 1]" };
        var seed = new Option<int>("--seed") { Description = "Seed of the random model", DefaultValueFactory = _ => 0 };
        var scale = new Option<double>("--logit-scale") { Description = "Standard deviation of the random model's logits", DefaultValueFactory = _ => 1.0 };
        var precision = new Option<string>("--precision") { Description = "Storage of the probabilities: float64 | float32", DefaultValueFactory = _ => "float64" };
        precision.AcceptOnlyFromAmong("float64", "float32");
        var matrix = new Option<string?>("--matrix") { Description = "Analyse a row-stochastic chain in MatrixMarket format instead of a model" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout" };

        var command = new Command("analyze", "Build the Markov chain Q_f of a model (Prop. 3.2) and report its states, non-zeros, memory and structure. With no options: the paper's toy example.")
        {
            model, vocab, contextWindow, temperature, topK, topP, minP, seed, scale, precision, matrix, json,
        };

        command.SetAction(parse =>
        {
            var request = new Request(
                parse.GetValue(model),
                parse.GetValue(vocab),
                parse.GetValue(contextWindow),
                new DecodingOptions { Temperature = parse.GetValue(temperature), TopK = parse.GetValue(topK), TopP = parse.GetValue(topP), MinP = parse.GetValue(minP) },
                parse.GetValue(seed),
                parse.GetValue(scale),
                parse.GetValue(precision) == "float32" ? ProbabilityPrecision.Float32 : ProbabilityPrecision.Float64,
                parse.GetValue(matrix),
                parse.GetValue(json));
            if (request.Matrix is not null && (parse.GetResult(model) is not null || parse.GetResult(vocab) is not null || parse.GetResult(contextWindow) is not null))
            {
                throw new CliException("--matrix analyses a given chain; it cannot be combined with --model, --vocab or --context", ExitCodes.UsageError);
            }

            return Run(request, context);
        });
        return command;
    }

    private static int Run(Request request, CommandContext context)
    {
        var report = request.Matrix is not null ? AnalyzeMatrix(request, context) : AnalyzeModel(request, context);
        if (request.Json)
        {
            WriteJson(report, context.Output);
        }
        else
        {
            WriteText(report, context.Output);
        }

        return ExitCodes.Success;
    }

    private static Report AnalyzeModel(Request request, CommandContext context)
    {
        request.Decoding.Validate();
        var (model, description) = ModelSource.Create(request.Model, request.Vocabulary, request.Context, request.Seed, request.LogitScale);
        LanguageModelChain chain;
        using (var progress = new StderrProgress<ChainBuildProgress>(context.Error, "building chain", p => p.Fraction))
        {
            chain = LanguageModelChain.Build(model, request.Decoding, new ChainBuildOptions { Precision = request.Precision }, progress);
        }

        var structure = ChainStructure.Analyze(chain);
        return new Report(description, chain.VocabularySize, chain.ContextWindow, request.Decoding, chain, structure, chain.CountNonZeros(), chain.ProbabilityBytes, request.Precision);
    }

    private static Report AnalyzeMatrix(Request request, CommandContext context)
    {
        _ = context;
        ModelSource.RequireFile(request.Matrix!);
        var chain = MatrixMarket.Read(request.Matrix!);
        var structure = ChainStructure.Analyze(chain);
        long bytes = ((chain.StateCount + 1) * sizeof(long)) + (chain.NonZeroCount * (sizeof(int) + sizeof(double)));
        return new Report($"MatrixMarket chain {request.Matrix}", null, null, null, chain, structure, chain.NonZeroCount, bytes, ProbabilityPrecision.Float64);
    }

    private static void WriteText(Report r, TextWriter o)
    {
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine("llmchains analyze");
        o.WriteLine($"  source       {r.Description}");
        if (r.Decoding is not null)
        {
            o.WriteLine($"  decoding     {r.Decoding}");
        }

        o.WriteLine(string.Create(inv, $"  states       {r.Chain.StateCount:N0}{(r.Vocabulary is { } t ? $"  (|V_K^*| = Σ_{{l=1..{r.Context}}} {t}^l)" : string.Empty)}"));
        o.WriteLine(string.Create(inv, $"  recurrent    {r.Structure.RecurrentStateCount:N0} in {r.Structure.RecurrentClasses.Count:N0} class{(r.Structure.RecurrentClasses.Count == 1 ? string.Empty : "es")} (periods {string.Join(", ", r.Structure.RecurrentClasses.Take(8).Select(c => c.Period))}{(r.Structure.RecurrentClasses.Count > 8 ? ", …" : string.Empty)})"));
        o.WriteLine(string.Create(inv, $"  transient    {r.Structure.TransientStateCount:N0}"));
        o.WriteLine($"  ergodic      {(r.Structure.IsErgodicUnichain ? "yes: an ergodic unichain (one recurrent aperiodic class), so π is unique" : "no: " + WhyNotErgodic(r.Structure))}");
        o.WriteLine(string.Create(inv, $"  non-zeros    {r.NonZeros:N0} (density {(double)r.NonZeros / r.Chain.StateCount / r.Chain.StateCount:G6})"));
        o.WriteLine(string.Create(inv, $"  memory       {LanguageModelChain.FormatBytes(r.Bytes)} ({(r.Vocabulary is null ? "CSR" : r.Precision == ProbabilityPrecision.Float32 ? "float32 probabilities" : "float64 probabilities")})"));
        if (r.Chain is LanguageModelChain chain && chain.StateCount <= TransitionListingLimit)
        {
            o.WriteLine();
            o.WriteLine("  transitions (state → next state: probability)");
            var p = new double[chain.VocabularySize];
            for (long s = 0; s < chain.StateCount; s++)
            {
                chain.GetNextTokenProbabilities(s, p);
                string row = string.Join("   ", Enumerable.Range(0, p.Length).Select(x => string.Create(inv, $"{chain.States.Format(chain.States.Successor(s, x))}: {p[x]:F6}")));
                string kind = r.Structure.GetClass(r.Structure.GetClassOf(s)).IsRecurrent ? "R" : "T";
                o.WriteLine($"  {kind} {chain.States.Format(s),-8} → {row}");
            }

            o.WriteLine("  (R = recurrent, T = transient)");
        }
    }

    private static string WhyNotErgodic(ChainStructure s) => s.RecurrentClasses.Count > 1
        ? string.Create(CultureInfo.InvariantCulture, $"{s.RecurrentClasses.Count} recurrent classes, so the stationary distribution depends on the start")
        : string.Create(CultureInfo.InvariantCulture, $"its recurrent class has period {s.RecurrentClasses[0].Period}");

    private static void WriteJson(Report r, TextWriter o)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("source", r.Description);
            if (r.Vocabulary is { } t)
            {
                w.WriteNumber("vocabularySize", t);
                w.WriteNumber("contextWindow", r.Context!.Value);
            }

            if (r.Decoding is { } d)
            {
                w.WriteStartObject("decoding");
                w.WriteNumber("temperature", d.Temperature);
                WriteNullable(w, "topK", d.TopK);
                WriteNullable(w, "topP", d.TopP);
                WriteNullable(w, "minP", d.MinP);
                w.WriteEndObject();
            }

            w.WriteNumber("stateCount", r.Chain.StateCount);
            w.WriteNumber("recurrentStateCount", r.Structure.RecurrentStateCount);
            w.WriteNumber("transientStateCount", r.Structure.TransientStateCount);
            w.WriteNumber("recurrentClassCount", r.Structure.RecurrentClasses.Count);
            w.WriteBoolean("isIrreducible", r.Structure.IsIrreducible);
            w.WriteBoolean("isAperiodic", r.Structure.IsAperiodic);
            w.WriteBoolean("isErgodicUnichain", r.Structure.IsErgodicUnichain);
            w.WriteNumber("nonZeroCount", r.NonZeros);
            w.WriteNumber("memoryBytes", r.Bytes);
            w.WriteEndObject();
        }

        o.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private sealed record Request(string? Model, int? Vocabulary, int? Context, DecodingOptions Decoding, int Seed, double LogitScale, ProbabilityPrecision Precision, string? Matrix, bool Json);

    private sealed record Report(string Description, int? Vocabulary, int? Context, DecodingOptions? Decoding, IMarkovChain Chain, ChainStructure Structure, long NonZeros, long Bytes, ProbabilityPrecision Precision);
}
