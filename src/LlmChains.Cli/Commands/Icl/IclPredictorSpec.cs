using LlmChains.Cli.Commands.Shared;
using LlmChains.Cli.Parsing;
using LlmChains.LlamaSharp;
using LlmChains.InContext;
using LlmChains.Models;

namespace LlmChains.Cli.Commands.Icl;

/// <summary>Turns the <c>--predictor</c> values into in-context predictors.</summary>
internal static class IclPredictorSpec
{
    public const string Help = "frequentist[:ALPHA] | bayes[:ALPHA] | model:true | model:uniform | model:table:FILE.npy | gguf:FILE "
        + "| openai:URL (a served model, with --server-model) (repeat the option or separate with commas to compare; default frequentist)";

    /// <summary>The predictors, in the order given (the first is the baseline of the comparisons).</summary>
    /// <param name="specs">The raw values (each may hold several, comma-separated).</param>
    /// <param name="stateCount">d.</param>
    /// <param name="fixedChain">The chain when it is the same for every repetition (needed by model:true).</param>
    /// <param name="bayesAlpha">α of a bare "bayes" (the Dirichlet α of a dirichlet chain, else 1).</param>
    /// <param name="remote">--server-model and the connection options of openai: predictors.</param>
    /// <param name="length">N, the longest trajectory: the context window of a served model.</param>
    public static IReadOnlyList<IInContextPredictor> Create(
        IReadOnlyList<string> specs,
        int stateCount,
        GeneratedChain? fixedChain,
        double bayesAlpha,
        RemoteSettings? remote = null,
        int length = 1000)
    {
        var items = specs.SelectMany(s => SplitTopLevel(s)).ToList();
        if (items.Count == 0)
        {
            items.Add("frequentist");
        }

        return items.Select(item => One(item, stateCount, fixedChain, bayesAlpha, remote, length)).ToArray();
    }

    private static IInContextPredictor One(
        string spec, int d, GeneratedChain? fixedChain, double bayesAlpha, RemoteSettings? remote, int length)
    {
        int colon = spec.IndexOf(':', StringComparison.Ordinal);
        string kind = (colon < 0 ? spec : spec[..colon]).Trim().ToLowerInvariant();
        string? argument = colon < 0 ? null : spec[(colon + 1)..].Trim();
        switch (kind)
        {
            case "frequentist":
                double smoothing = argument is null ? 0 : Number(argument, spec);
                OptionCheck.Require(
                    OptionCheck.IsNonNegative(smoothing),
                    $"--predictor {spec}",
                    $"The add-α smoothing must be finite and ≥ 0; got {smoothing}.");
                return new FrequentistEstimator(smoothing);
            case "bayes":
                // a bare "bayes" takes --alpha of a dirichlet chain, checked with the chain
                double alpha = argument is null ? bayesAlpha : Number(argument, spec);
                OptionCheck.Require(
                    OptionCheck.IsPositive(alpha),
                    $"--predictor {spec}",
                    $"The Dirichlet concentration α must be finite and > 0; got {alpha}.");
                return new BayesOptimalEstimator(alpha);
            case "model" when argument is not null:
                return Model(argument, d, fixedChain, spec);
            case "gguf" when !string.IsNullOrEmpty(argument):
                ModelSource.RequireFile(argument);
                // In-context prediction reads the whole prompt in one pass; the chain's window K does not matter (1 here).
                var model = LlamaSharpLanguageModel.Load(argument, TokenSubset.Digits(d), 1);
                return new LlamaSharpInContextPredictor(model, name: $"gguf:{Path.GetFileName(argument)}");
            case "openai" when !string.IsNullOrEmpty(argument):
                if (d > 10)
                {
                    throw new CliException(
                        $"--predictor {spec}: a served model reads the states as the digit tokens 0..9, so d ≤ 10; the chain has d = {d}");
                }

                // The whole trajectory is one prompt scored in one request (vLLM prompt_logprobs): K is the longest trajectory.
                var served = ModelSource.ConnectRemote(argument, TokenSubset.Digits(d), Math.Max(1, length), remote, "--predictor");
                return new LanguageModelPredictor(served, StateTokenMap.Identity(d), name: $"openai:{served.ServerModel}");
            default:
                throw new CliException($"--predictor '{spec}' is not one of {Help}", ExitCodes.UsageError);
        }
    }

    private static LanguageModelPredictor Model(string argument, int d, GeneratedChain? fixedChain, string spec)
    {
        string lower = argument.ToLowerInvariant();
        if (lower == "true")
        {
            if (fixedChain is null)
            {
                throw new CliException(
                    $"--predictor {spec}: the true chain changes every repetition here; model:true needs a fixed chain "
                        + "(drop --resample-chain; not available for processes)");
            }

            return new LanguageModelPredictor(fixedChain.ToModel(), StateTokenMap.Identity(d), name: "model:true (the chain itself)");
        }

        if (lower == "uniform")
        {
            return new LanguageModelPredictor(new UniformModel(d, 1), StateTokenMap.Identity(d), name: "model:uniform");
        }

        if (lower.StartsWith("table:", StringComparison.Ordinal) && argument.Length > 6)
        {
            string file = argument[6..];
            ModelSource.RequireFile(file);
            var table = TabularModel.FromNpy(file);
            int t = table.VocabularySize;
            OptionCheck.Require(
                t >= d, $"--predictor {spec}", $"The model's vocabulary (T = {t}, ids 0..{t - 1}) lacks the token of state {t} (id {t}).");
            return new LanguageModelPredictor(
                table, StateTokenMap.Identity(d), name: $"model:table:{Path.GetFileName(file)} (K = {table.ContextWindow})");
        }

        throw new CliException($"--predictor '{spec}': model:… takes true, uniform or table:FILE.npy", ExitCodes.UsageError);
    }

    private static double Number(string text, string spec) => InvariantNumber.ParseDouble(text, $"--predictor {spec}");

    /// <summary>Splits "frequentist,bayes:0.5" at commas (so a file path given to table: or gguf: must not contain a comma).</summary>
    private static string[] SplitTopLevel(string value)
        => value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
