using System.Globalization;
using LlmChains.Cli.Output;
using LlmChains.Gguf;

namespace LlmChains.Cli.Commands.Gguf;

/// <summary>What <c>llmchains gguf tiny</c> wrote, and its text lines and JSON object.</summary>
/// <param name="Path">The file written.</param>
/// <param name="Seed">The seed of the random weights.</param>
/// <param name="MergedTen">Whether the token "h" was replaced by a merged token "10".</param>
/// <param name="Bytes">The size of the file.</param>
internal sealed record GgufReport(string Path, int Seed, bool MergedTen, long Bytes) : ICommandReport
{
    public void WriteText(TextWriter o)
    {
        o.WriteLine(string.Create(
            CultureInfo.InvariantCulture, $"wrote {Path}: {TinyLlama.Name}, a TEST model with random weights (seed {Seed}), ")
            + string.Create(CultureInfo.InvariantCulture, $"not a trained model: llama architecture, {TinyLlama.VocabularySize} tokens, ")
            + string.Create(CultureInfo.InvariantCulture, $"embedding {TinyLlama.EmbeddingLength}, {TinyLlama.BlockCount} layers, ")
            + string.Create(CultureInfo.InvariantCulture, $"{Bytes:N0} bytes"));
        o.WriteLine($"try: {CliApplication.ToolName} analyze --model gguf:{Path} --tokens digits:2 --context 2");
    }

    public void WriteJson(TextWriter o) => CommandReport.WriteJsonObject(o, w =>
    {
        w.WriteString("path", Path);
        w.WriteString("name", TinyLlama.Name);
        w.WriteString("description", GgufCommand.Description(Seed, MergedTen));
        w.WriteBoolean("randomWeights", true);
        w.WriteNumber("seed", Seed);
        w.WriteBoolean("mergedTen", MergedTen);
        w.WriteString("architecture", "llama");
        w.WriteNumber("vocabularySize", TinyLlama.VocabularySize);
        w.WriteNumber("embeddingLength", TinyLlama.EmbeddingLength);
        w.WriteNumber("blockCount", TinyLlama.BlockCount);
        w.WriteNumber("bytes", Bytes);
    });
}
