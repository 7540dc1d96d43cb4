using System.Text.Encodings.Web;
using System.Text.Json;
using LlmChains.Analysis;

namespace LlmChains.Cli.Output;

/// <summary>
/// What a command prints: one report model (everything the command computed, built before anything is printed) with
/// its two renderers side by side, the readable text and the JSON object (<c>--json</c>: stdout holds only that
/// object). Every command prints through <see cref="CommandReport.Print"/>.
/// </summary>
internal interface ICommandReport
{
    /// <summary>The readable report, including the lines naming the files the command wrote.</summary>
    void WriteText(TextWriter output);

    /// <summary>The JSON object, on one write followed by a newline.</summary>
    void WriteJson(TextWriter output);
}

/// <summary>The printing path shared by every command, and the JSON conventions of the tool.</summary>
internal static class CommandReport
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Prints <paramref name="report"/> as JSON or as text; the exit code of a command that succeeded.</summary>
    public static int Print(ICommandReport report, bool json, TextWriter output)
    {
        if (json)
        {
            report.WriteJson(output);
        }
        else
        {
            report.WriteText(output);
        }

        return ExitCodes.Success;
    }

    /// <summary>One indented JSON object (non-ASCII text as is), written by <paramref name="properties"/>, then a newline.</summary>
    public static void WriteJsonObject(TextWriter output, Action<Utf8JsonWriter> properties)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, Options))
        {
            w.WriteStartObject();
            properties(w);
            w.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary>A number, or null when it is missing or not finite (<see cref="ChainAnalysisJson.Number"/>).</summary>
    public static void Number(Utf8JsonWriter w, string name, double? value) => ChainAnalysisJson.Number(w, name, value);
}
