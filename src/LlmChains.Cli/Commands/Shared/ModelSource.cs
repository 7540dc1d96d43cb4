using System.Globalization;
using LlmChains.LlamaSharp;
using LlmChains.Models;
using LlmChains.Remote;

namespace LlmChains.Cli.Commands.Shared;

/// <summary>Turns the <c>--model</c> specification and its size options into a model and a one-line description.</summary>
internal static class ModelSource
{
    public const string Help = "parity | uniform | random | ngram:FILE | table:FILE.npy | gguf:FILE | openai:URL (a vLLM or llama.cpp " +
        "server; with --server-model) (default: the paper's toy n-gram model on the 40-digit parity sequence)";

    /// <summary>The model of <paramref name="spec"/> (--model) with --vocab, --context, --seed, --logit-scale, --tokens
    /// and --threads.</summary>
    /// <param name="spec">--model, or null for the paper's toy example.</param>
    /// <param name="vocabulary">--vocab.</param>
    /// <param name="context">--context.</param>
    /// <param name="seed">--seed of the random model.</param>
    /// <param name="logitScale">--logit-scale of the random model.</param>
    /// <param name="subsetTokens">--tokens of a GGUF model.</param>
    /// <param name="threads">--threads of a GGUF model.</param>
    /// <param name="requireFits">Called with (T, K) before a model is created, or before its chain is built when T is
    /// known only from the model (table:); throws when the chain would not fit.</param>
    /// <param name="remote">--server-model and the connection options of an openai: model.</param>
    public static (ILanguageModel Model, string Description) Create(
        string? spec,
        int? vocabulary,
        int? context,
        int seed,
        double logitScale,
        string? subsetTokens,
        int? threads,
        Action<int,
        int> requireFits,
        RemoteSettings? remote = null)
    {
        if (context is < 1)
        {
            throw new CliException($"--context {context}: the context window K must be ≥ 1", ExitCodes.UsageError);
        }

        if (threads is { } n && (n < 1 || n > LlamaSharpModelOptions.MaxThreads))
        {
            throw new CliException(
                $"--threads {n}: give 1 to {LlamaSharpModelOptions.MaxThreads} threads ({LlamaSharpModelOptions.ThreadsPerProcessor} per " +
                $"processor, {Environment.ProcessorCount} processors)",
                ExitCodes.UsageError);
        }

        if (vocabulary is < 1)
        {
            throw new CliException($"--vocab {vocabulary}: the vocabulary size T must be ≥ 1", ExitCodes.UsageError);
        }

        if (spec is null)
        {
            if (vocabulary is not null && vocabulary != 2)
            {
                throw new CliException($"--vocab {vocabulary}: the paper's toy example has T = 2; choose a --model to change T");
            }

            requireFits(2, context ?? 3);
            var toy = NGramModel.PaperToyExample();
            if (context is { } k && k != 3)
            {
                toy = new NGramModel(NGramModel.PaperToySequence.ToArray(), 2, k);
            }

            return (
                toy,
                Invariant($"the paper's toy example: n-gram model (α = 1) trained on the 40-digit parity sequence x_t = (x_t−1 + x_t−2 ") +
                Invariant($"+ x_t−3) mod 2, {toy.ExampleCount} examples of length {toy.ContextWindow}"));
        }

        int colon = spec.IndexOf(':', StringComparison.Ordinal);
        string kind = (colon < 0 ? spec : spec[..colon]).ToLowerInvariant();
        string? argument = colon < 0 ? null : spec[(colon + 1)..];
        switch (kind)
        {
            case "parity" when argument is null:
                if (vocabulary is not null && vocabulary != 2)
                {
                    throw new CliException($"--vocab {vocabulary}: the parity model has T = 2");
                }

                requireFits(2, context ?? 3);
                var parity = new ParityModel(context ?? 3);
                return (
                    parity, Invariant($"parity model (logit ±1 for the parity of the last K tokens), T = 2, K = {parity.ContextWindow}"));
            case "uniform" when argument is null:
                requireFits(vocabulary ?? 2, context ?? 3);
                var uniform = new UniformModel(vocabulary ?? 2, context ?? 3);
                return (uniform, Invariant($"uniform model, T = {uniform.VocabularySize}, K = {uniform.ContextWindow}"));
            case "random" when argument is null:
                requireFits(vocabulary ?? 2, context ?? 3);
                var random = new RandomLogitsModel(vocabulary ?? 2, context ?? 3, logitScale, seed);
                return (
                    random,
                    Invariant($"random logits N(0, {logitScale:G4}²), seed {seed}, T = {random.VocabularySize}, K = ") +
                    Invariant($"{random.ContextWindow}"));
            case "ngram" when !string.IsNullOrEmpty(argument):
                var tokens = ReadTokens(argument, vocabulary);
                int t = vocabulary ?? Math.Max(2, tokens.Max() + 1);
                requireFits(t, context ?? 3);
                var ngram = new NGramModel(tokens, t, context ?? 3);
                return (
                    ngram,
                    Invariant($"n-gram model (α = 1) trained on {tokens.Length} tokens of {argument}, T = {t}, K = {ngram.ContextWindow}"));
            case "table" when !string.IsNullOrEmpty(argument):
                RequireFile(argument);
                var table = TabularModel.FromNpy(argument, context);
                if (vocabulary is { } v && v != table.VocabularySize)
                {
                    throw new CliException($"--vocab {v}: {argument} has T = {table.VocabularySize} columns");
                }

                requireFits(table.VocabularySize, table.ContextWindow);

                return (
                    table,
                    Invariant($"logit table {argument} ({(table.IsSinglePrecision ? "float32" : "float64")}), T = ") +
                    Invariant($"{table.VocabularySize}, K = {table.ContextWindow}"));
            case "gguf" when !string.IsNullOrEmpty(argument):
                RequireFile(argument);
                var subset = TokenSubset.Parse(subsetTokens ?? "0,1");
                if (vocabulary is { } tv && tv != subset.Count)
                {
                    throw new CliException($"--vocab {tv}: --tokens {subsetTokens ?? "0,1"} defines T = {subset.Count} for a GGUF model");
                }

                requireFits(subset.Count, context ?? 3);
                var gguf = LlamaSharpLanguageModel.Load(argument, subset, context ?? 3, new LlamaSharpModelOptions { Threads = threads });
                return (
                    gguf,
                    Invariant($"GGUF model {argument} ({gguf.File.Architecture}, {gguf.ModelVocabularySize} tokens) on the ") +
                    Invariant($"sub-vocabulary [{string.Join(" ", gguf.TokenPieces)}], T = {gguf.VocabularySize}, K = ") +
                    Invariant($"{gguf.ContextWindow}, {gguf.Threads} threads"));
            case "openai" when !string.IsNullOrEmpty(argument):
                var states = TokenSubset.Parse(subsetTokens ?? "0,1");
                if (vocabulary is { } rv && rv != states.Count)
                {
                    throw new CliException($"--vocab {rv}: --tokens {subsetTokens ?? "0,1"} defines T = {states.Count} for a served model");
                }

                requireFits(states.Count, context ?? 3);
                var served = ConnectRemote(argument, states, context ?? 3, remote, "--model");
                return (
                    served,
                    Invariant($"served model {served.ServerModel} at {served.ServerUrl} ({served.Dialect}) on the sub-vocabulary ") +
                    Invariant($"[{string.Join(" ", served.TokenPieces)}] (ids {string.Join(",", served.TokenIds)}), T = ") +
                    Invariant($"{served.VocabularySize}, K = {served.ContextWindow}"));
            default:
                throw new CliException($"--model '{spec}' is not one of {Help}", ExitCodes.UsageError);
        }
    }

    /// <summary>
    /// Reads a token file. Tokens separated by whitespace or commas are read one number a token ("0 12 5 12"); a file
    /// of digit runs with no separators ("0110100…", one run a line) is read one digit a token when T ≤ 10 or T is not
    /// given. A file that could be either (several lines of one multi-digit word each, without --vocab) is refused
    /// rather than guessed.
    /// </summary>
    internal static int[] ReadTokens(string path, int? vocabulary)
    {
        RequireFile(path);
        var lines = new List<(int Number, string[] Words)>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            string[] words = line.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length > 0)
            {
                lines.Add((lineNumber, words));
            }
        }

        bool separated = lines.Any(l => l.Words.Length > 1);
        bool multiDigit = lines.Any(l => l.Words.Any(w => w.Length > 1));
        if (!separated && multiDigit && vocabulary is null && lines.Count > 1)
        {
            throw new CliException(
                $"{path}: {lines.Count} lines of one multi-digit word each could be one token a line or one digit a token; give --vocab " +
                "(≤ 10 reads digits, > 10 one token a line) or separate the tokens with spaces or commas");
        }

        bool digitwise = !separated && (vocabulary ?? 10) <= 10;
        var tokens = new List<int>();
        foreach (var (number, words) in lines)
        {
            foreach (string word in words)
            {
                if (digitwise && word.All(char.IsAsciiDigit))
                {
                    tokens.AddRange(word.Select(ch => ch - '0'));
                }
                else if (int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out int token))
                {
                    tokens.Add(token);
                }
                else
                {
                    throw new CliException($"{path} line {number}: '{word}' is not a token id (a non-negative integer)");
                }
            }
        }

        if (tokens.Count < 2)
        {
            throw new CliException($"{path}: an n-gram model needs at least 2 tokens; the file has {tokens.Count}");
        }

        if (vocabulary is { } t && tokens.FirstOrDefault(x => x >= t, -1) is var bad and >= 0)
        {
            throw new CliException($"{path}: token {bad} is outside the vocabulary 0..{t - 1} (--vocab {t})");
        }

        return [.. tokens];
    }

    /// <summary>Connects to the server of an openai:URL model (the fate command and icl's predictors use it too).</summary>
    /// <param name="url">The URL after "openai:".</param>
    /// <param name="tokens">The state tokens.</param>
    /// <param name="contextWindow">K.</param>
    /// <param name="remote">--server-model and the connection options.</param>
    /// <param name="option">The option that named the model, for messages.</param>
    internal static RemoteLanguageModel ConnectRemote(
        string url, TokenSubset tokens, int contextWindow, RemoteSettings? remote, string option)
    {
        if (remote?.ServerModel is not { Length: > 0 } name)
        {
            throw new CliException($"{option} openai:{url} needs --server-model NAME (the model the server serves)", ExitCodes.UsageError);
        }

        try
        {
            return RemoteLanguageModel.Connect(url, name, tokens, contextWindow, remote.Options);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"{option} openai:{url}: {e.Message}", ExitCodes.UsageError);
        }
    }

    internal static void RequireFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"{path}: no such file");
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
