using System.Globalization;
using System.Text.Json;
using LlmChains.Cli.Output;

namespace LlmChains.Cli.Commands.Bounds;

/// <summary>
/// What a <c>llmchains bounds</c> subcommand prints: named inputs and results (the same names in the text and the
/// JSON), the assumptions, and for <c>catalog</c> one row per model. Non-finite numbers are JSON <c>null</c>.
/// </summary>
internal sealed class BoundsReport(string bound, string theorem) : ICommandReport
{
    public string Bound { get; } = bound;

    public string Theorem { get; } = theorem;

    public List<Field> Inputs { get; } = [];

    public List<Field> Results { get; } = [];

    public List<string> Assumptions { get; } = [];

    public List<List<Field>>? Rows { get; set; }

    /// <summary>
    /// Whether the text table shows the rows' approximation errors ×100 with four decimals (Fig. 1's axis; the JSON keeps ε).
    /// </summary>
    public bool PercentRowsInText { get; set; }

    public BoundsReport Input(string json, string label, object? value, string? note = null)
    {
        Inputs.Add(new Field(json, label, value, note));
        return this;
    }

    public BoundsReport Result(string json, string label, object? value, string? note = null)
    {
        Results.Add(new Field(json, label, value, note));
        return this;
    }

    public void WriteText(TextWriter o)
    {
        o.WriteLine($"llmchains bounds {Bound}: {Theorem}");
        int width = Inputs.Concat(Results).Concat(Rows?.SelectMany(r => r) ?? []).Select(f => f.Label.Length).DefaultIfEmpty(0).Max() + 2;
        foreach (var f in Inputs)
        {
            o.WriteLine($"  {f.Label.PadRight(width)}{FormatText(f)}");
        }

        if (Results.Count > 0)
        {
            o.WriteLine();
            foreach (var f in Results)
            {
                o.WriteLine($"  {f.Label.PadRight(width)}{FormatText(f)}");
            }
        }

        if (Rows is { Count: > 0 })
        {
            var rows = PercentRowsInText ? Rows.Select(row => row.Select(Percent).ToList()).ToList() : Rows;
            var headers = rows[0].Select(f => f.Label).ToArray();
            var cells = rows.Select(r => r.Select(f => FormatCell(f.Value)).ToArray()).ToArray();
            var widths = headers.Select((h, i) => Math.Max(h.Length, cells.Max(c => c[i].Length)) + 2).ToArray();
            o.WriteLine();
            o.WriteLine("  " + string.Concat(headers.Select((h, i) => i == 0 ? h.PadRight(widths[i]) : h.PadLeft(widths[i]))));
            foreach (var row in cells)
            {
                o.WriteLine("  " + string.Concat(row.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))));
            }
        }

        if (Assumptions.Count > 0)
        {
            o.WriteLine();
            o.WriteLine("  assumptions");
            foreach (var a in Assumptions)
            {
                o.WriteLine($"  - {a}");
            }
        }
    }

    public void WriteJson(TextWriter o) => CommandReport.WriteJsonObject(o, w =>
    {
        w.WriteString("bound", Bound);
        w.WriteString("theorem", Theorem);
        foreach (var f in Inputs.Concat(Results))
        {
            WriteValue(w, f.Json, f.Value);
        }

        if (Rows is not null)
        {
            w.WriteStartArray("models");
            foreach (var row in Rows)
            {
                w.WriteStartObject();
                foreach (var f in row)
                {
                    WriteValue(w, f.Json, f.Value);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteStartArray("assumptions");
        foreach (var a in Assumptions)
        {
            w.WriteStringValue(a);
        }

        w.WriteEndArray();
    });

    private static Field Percent(Field f) => f.Json is "approximationError" or "approximationErrorUnitConfidence" && f.Value is double v
        ? f with { Value = (v * 100).ToString("F4", CultureInfo.InvariantCulture) }
        : f;

    private static void WriteValue(Utf8JsonWriter w, string name, object? value)
    {
        switch (value)
        {
            case null:
                w.WriteNull(name);
                break;
            case double d when double.IsFinite(d):
                w.WriteNumber(name, d);
                break;
            case double:
                w.WriteNull(name);
                break;
            case int i:
                w.WriteNumber(name, i);
                break;
            case long l:
                w.WriteNumber(name, l);
                break;
            case bool b:
                w.WriteBoolean(name, b);
                break;
            default:
                w.WriteString(name, Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    private static string FormatText(Field f)
    {
        string value = f.Value switch
        {
            null => "—",
            _ => FormatCell(f.Value),
        };
        return f.Note is null ? value : $"{value}  ({f.Note})";
    }

    private static string FormatCell(object? value) => value switch
    {
        null => "—",
        double d when double.IsPositiveInfinity(d) => "∞",
        double d when (d == Math.Floor(d) || Math.Abs(d) >= 1e5) && Math.Abs(d) < 1e15 => d.ToString("N0", CultureInfo.InvariantCulture),
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        int i => i.ToString("N0", CultureInfo.InvariantCulture),
        long l => l.ToString("N0", CultureInfo.InvariantCulture),
        bool b => b ? "yes" : "no",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };

    /// <summary>One named value: its JSON name, its text label, the value and an optional note for the text.</summary>
    internal sealed record Field(string Json, string Label, object? Value, string? Note);
}
