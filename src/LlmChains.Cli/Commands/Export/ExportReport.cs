using System.Globalization;
using LlmChains.Cli.Output;
using LlmChains.Models;

namespace LlmChains.Cli.Commands.Export;

/// <summary>What <c>llmchains export</c> wrote, and its text lines and JSON object.</summary>
internal sealed record ExportReport(string Description, int VocabularySize, int ContextWindow, DecodingOptions Decoding) : ICommandReport
{
    public long States { get; init; }

    public string? MatrixPath { get; init; }

    public long MatrixBytes { get; init; }

    public long NonZeros { get; init; }

    public string? LogitsPath { get; init; }

    public long LogitsBytes { get; init; }

    public bool SingleLogits { get; init; }

    public void WriteText(TextWriter o)
    {
        var inv = CultureInfo.InvariantCulture;
        if (LogitsPath is not null)
        {
            o.WriteLine(string.Create(inv, $"wrote {LogitsPath}: logits of T = {VocabularySize}, K = {ContextWindow}, ")
                + string.Create(inv, $"shape ({States}, {VocabularySize}) {(SingleLogits ? "float32" : "float64")}, ")
                + string.Create(inv, $"{LogitsBytes:N0} bytes (NumPy .npy; --model table:{LogitsPath})"));
        }

        if (MatrixPath is not null)
        {
            o.WriteLine(string.Create(inv, $"wrote {MatrixPath}: chain Q_f of T = {VocabularySize}, K = {ContextWindow}, {Decoding}, ")
                + string.Create(inv, $"{States:N0} states, {NonZeros:N0} non-zeros, ")
                + string.Create(inv, $"{MatrixBytes:N0} bytes (MatrixMarket; analyze --matrix {MatrixPath})"));
        }
    }

    public void WriteJson(TextWriter o) => CommandReport.WriteJsonObject(o, w =>
    {
        w.WriteString("source", Description);
        w.WriteNumber("vocabularySize", VocabularySize);
        w.WriteNumber("contextWindow", ContextWindow);
        w.WriteNumber("stateCount", States);
        if (MatrixPath is null)
        {
            w.WriteNull("matrix");
        }
        else
        {
            w.WriteStartObject("matrix");
            w.WriteString("path", MatrixPath);
            w.WriteString("format", "MatrixMarket coordinate real general");
            w.WriteNumber("temperature", Decoding.Temperature);
            CommandReport.Number(w, "topK", Decoding.TopK);
            CommandReport.Number(w, "topP", Decoding.TopP);
            CommandReport.Number(w, "minP", Decoding.MinP);
            w.WriteNumber("nonZeros", NonZeros);
            w.WriteNumber("bytes", MatrixBytes);
            w.WriteEndObject();
        }

        if (LogitsPath is null)
        {
            w.WriteNull("logits");
        }
        else
        {
            w.WriteStartObject("logits");
            w.WriteString("path", LogitsPath);
            w.WriteString("format", "npy 1.0");
            w.WriteString("dtype", SingleLogits ? "<f4" : "<f8");
            w.WriteStartArray("shape");
            w.WriteNumberValue(States);
            w.WriteNumberValue(VocabularySize);
            w.WriteEndArray();
            w.WriteNumber("bytes", LogitsBytes);
            w.WriteEndObject();
        }
    });
}
