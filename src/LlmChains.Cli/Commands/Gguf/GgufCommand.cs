using System.CommandLine;
using System.Globalization;
using LlmChains.Cli.Output;
using LlmChains.Gguf;

namespace LlmChains.Cli.Commands.Gguf;

/// <summary>
/// <c>llmchains gguf tiny OUT.gguf</c>: writes <see cref="TinyLlama"/>, the tiny llama-architecture model with random
/// weights that the tests use, so that the GGUF paths of the tool (<c>analyze --model gguf:</c>, <c>bounds pretrain
/// --gguf</c>) can be tried without downloading a model. It is labelled as a test model in its metadata
/// (<c>general.name</c> "tiny-llama-test", <c>general.description</c>), in the help and in the output.
/// </summary>
internal static class GgufCommand
{
    /// <summary>The <c>general.description</c> written into the file.</summary>
    public static string Description(int seed, bool mergedTen)
        => string.Create(CultureInfo.InvariantCulture, $"TEST MODEL with random weights (seed {seed}")
            + (mergedTen ? ", merged token \"10\"" : string.Empty) + "), "
            + "written by 'llmchains gguf tiny' for trying and testing LlmChains. It is not trained: its predictions mean nothing.";

    public static Command Create(CommandContext context)
    {
        var output = new Argument<string>("OUT.gguf") { Description = "The file to write" };
        var seed = new Option<int>("--seed")
        {
            Description = "Seed of the random weights (the same seed gives the same file)",
            DefaultValueFactory = _ => 0,
        };
        var mergedTen = new Option<bool>("--merged-ten")
        {
            Description = "Replace the token \"h\" by a merged token \"10\" that the tokenizer prefers, so that digit prompts need "
                + "separators (what real tokenizers do to multi-digit numbers)",
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout" };
        var tiny = new Command(
            "tiny",
            "Write a tiny llama-architecture GGUF model with RANDOM WEIGHTS, for testing only (not a trained model): "
                + $"embedding {TinyLlama.EmbeddingLength}, {TinyLlama.BlockCount} layers, {TinyLlama.HeadCount} heads, "
                + $"{TinyLlama.VocabularySize} tokens (the digits 0-9 among them), about 72 KB. It loads in llama.cpp: try "
                + "'analyze --model gguf:OUT.gguf --tokens digits:2 --context 2' and 'bounds pretrain --gguf OUT.gguf' without "
                + "downloading a model.")
        {
            output,
            seed,
            mergedTen,
            json,
        };
        tiny.SetAction(parse =>
        {
            string path = parse.GetValue(output)!;
            int s = parse.GetValue(seed);
            bool merged = parse.GetValue(mergedTen);
            var writer = TinyLlama.Build(s, new TinyLlamaOptions { MergedTen = merged });
            writer.Add("general.description", Description(s, merged));
            AtomicFile.Write(path, "the GGUF model", writer.Write);
            var report = new GgufReport(path, s, merged, new FileInfo(path).Length);
            return CommandReport.Print(report, parse.GetValue(json), context.Output);
        });

        return new Command("gguf", "GGUF model files: 'gguf tiny' writes a tiny random-weights test model") { tiny };
    }
}
