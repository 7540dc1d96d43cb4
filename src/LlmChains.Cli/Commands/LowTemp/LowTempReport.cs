using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using LlmChains.Analysis;
using LlmChains.Analysis.LowTemperature;
using LlmChains.Models;

namespace LlmChains.Cli.Commands.LowTemp;

/// <summary>Exact −τ·log π_τ(L_j) at one temperature, for the plot and the JSON (null where π underflowed).</summary>
internal sealed record ExactPoint(double Temperature, double?[] MinusTauLogMass);

/// <summary>What <c>llmchains lowtemp</c> prints, as text or JSON.</summary>
internal sealed record LowTempReport(
    string Description, LowTemperatureResult Result, ILanguageModel? Model, DecodingOptions? Decoding, ResistanceMatrix? Matrix)
{
    /// <summary>The largest number of loops whose R matrix the text shows.</summary>
    internal const int MaxMatrixLoops = 20;

    /// <summary>The largest number of loops listed in the text (all are in the JSON).</summary>
    internal const int MaxListedLoops = 50;

    public double? Temperature { get; init; }

    public IReadOnlyList<ExactPoint>? Curves { get; init; }

    public string? PlotPath { get; init; }

    /// <summary>The loop's tokens as text: digits run together for T ≤ 10, else comma-separated ids.</summary>
    /// <remarks>Only for a cycle: a tied class is not one sequence of tokens, and has no text.</remarks>
    internal string? LoopText(LowTemperatureLoop loop) =>
        loop.Tokens is null || Model is null || !loop.IsCycle
            ? null
            : string.Join(Model.VocabularySize <= 10 ? string.Empty : ",", loop.Tokens);

    public void WriteText(TextWriter o)
    {
        var r = Result;
        o.WriteLine("llmchains lowtemp");
        Line(o, "source", Description);
        if (Decoding is not null)
        {
            Line(
                o,
                "truncation",
                Decoding.TopK is { } k
                    ? F($"top-k = {k} (exact: removed tokens have no edge at any τ)")
                    : "none (temperature sampling; τ → 0)");
        }

        Line(o, "states", F($"{r.StateCount:N0}"));
        Line(
            o,
            "loops",
            F($"{r.LoopCount:N0} loop{(r.LoopCount == 1 ? string.Empty : "s")} of the zero-resistance (τ → 0) chain")
                + (
                    r.HasZeroResistanceTies
                        ? (Model is null ? "; tied zero resistances split evenly" : "; tied maximal logits split evenly")
                            + (
                                r.UnresolvedStateCount > 0
                                    ? F($", {r.UnresolvedStateCount:N0} state{(r.UnresolvedStateCount == 1 ? " reaches" : "s reach")} ") +
                                        F($"several loops (in no basin)")
                                    : string.Empty)
                        : string.Empty));
        if (r.ClosedClassCount > 1)
        {
            Line(
                o,
                "classes",
                F($"{r.ClosedClassCount} closed classes of loops at every τ > 0 (unreachable loops: R = ∞): the limit depends on the ") +
                F($"start; stable loops are per class"));
        }

        o.WriteLine();
        o.WriteLine("  loop  period       basin      potential γ   γ − γ*      radius ρ   stable  text");
        foreach (var l in r.Loops.Take(MaxListedLoops))
        {
            string text = LoopText(l) is { } s ? "\"" + Shorten(s, 40) + "\""
                : l.IsCycle ? Shorten(string.Join(" ", l.States), 40)
                : F($"a tied class of {l.States.Count:N0} states");
            o.WriteLine(
                F($"  {l.Index,4}  {l.Period,6}  {l.BasinSize,10:N0}  {Num(l.Potential),13}  {Num(l.Potential - r.MinimumPotential),8}  ") +
                F($"{Num(l.Radius),12}   {(l.IsStable ? "yes" : "no"),-5}  {text}"));
        }

        if (r.LoopCount > MaxListedLoops)
        {
            o.WriteLine(F($"  … and {r.LoopCount - MaxListedLoops:N0} more loops (all in --json)"));
        }

        o.WriteLine();
        Line(o, "stable", r.ClosedClassCount > 1
            ? F($"loops {string.Join(", ", r.Stable)}: the least potential of each closed class; which class the chain stays in depends ") +
                F($"on the start")
            : r.Stable.Count == 1
                ? F($"loop {r.Stable[0]}: lim τ→0 π_τ is on it")
                : F($"loops {string.Join(", ", r.Stable)} tie in potential; their split is not determined at leading order"));
        Line(
            o,
            "coradius",
            F($"CR = {Num(r.Coradius)}, CR* = {Num(r.ModifiedCoradius)}: reaching the stable set takes at most ≈ exp(CR*/τ) steps; ")
                + (
                    double.IsPositiveInfinity(r.StableSetRadius)
                        ? "it is never left for an unstable loop"
                        : F($"leaving it ≈ exp({Num(r.StableSetRadius)}/τ)")));
        if (r.LoopCount is > 1 and <= MaxMatrixLoops)
        {
            o.WriteLine();
            o.WriteLine("  R(i → j): least total resistance from loop i to loop j");
            o.WriteLine("        " + string.Concat(Enumerable.Range(0, r.LoopCount).Select(j => F($"{j,9}"))));
            for (int i = 0; i < r.LoopCount; i++)
            {
                o.WriteLine(
                    F($"  {i,4}  ") + string.Concat(Enumerable.Range(0, r.LoopCount).Select(j => F($"{Num(r.GetResistance(i, j)),9}"))));
            }
        }

        if (Temperature is { } tau)
        {
            o.WriteLine();
            o.WriteLine(F($"  first-order predictions at τ = {tau:G4}: π_τ(L_j)/π_τ(L*) ≈ exp(−(γ_j − γ*)/τ), E[exit time] ≈ exp(ρ_j/τ)"));
            foreach (var l in r.Loops.Take(MaxListedLoops))
            {
                o.WriteLine(
                    F($"  {l.Index,4}  mass ratio {r.PredictMassRatio(l.Index, tau),11:G4}   exit time ") +
                    F($"{Num(r.PredictExitTime(l.Index, tau), "G4"),11} steps"));
            }
        }

        if (r.LoopCount > 1 && Decoding is not null)
        {
            o.WriteLine();
            o.WriteLine(
                "  greedy decoding (τ = 0) instead gives a tie to the lowest token id and never leaves a loop; see 'llmchains analyze " +
                "--temperature 0'");
        }
    }

    public void WriteJson(TextWriter o)
    {
        var r = Result;
        using var stream = new MemoryStream();
        using (
            var w = new Utf8JsonWriter(
                stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("source", Description);
            w.WriteNumber("stateCount", r.StateCount);
            if (Decoding is not null)
            {
                Number(w, "topK", Decoding.TopK);
            }

            w.WriteNumber("loopCount", r.LoopCount);
            w.WriteStartArray("loops");
            foreach (var l in r.Loops)
            {
                w.WriteStartObject();
                w.WriteNumber("index", l.Index);
                w.WriteStartArray("states");
                foreach (long s in l.States)
                {
                    w.WriteNumberValue(s);
                }

                w.WriteEndArray();
                if (LoopText(l) is { } text)
                {
                    w.WriteString("tokens", text);
                }

                w.WriteNumber("period", l.Period);
                w.WriteBoolean("isCycle", l.IsCycle);
                w.WriteNumber("basinSize", l.BasinSize);
                Number(w, "potential", l.Potential);
                Number(w, "radius", l.Radius);
                w.WriteBoolean("stable", l.IsStable);
                Number(w, "closedClass", l.ClosedClass);
                Number(w, "limitMass", l.LimitMass);
                if (Temperature is { } tau)
                {
                    Number(w, "predictedMassRatio", r.PredictMassRatio(l.Index, tau));
                    Number(w, "predictedExitTime", r.PredictExitTime(l.Index, tau));
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("resistance");
            for (int i = 0; i < r.LoopCount; i++)
            {
                w.WriteStartArray();
                for (int j = 0; j < r.LoopCount; j++)
                {
                    double v = r.GetResistance(i, j);
                    if (double.IsFinite(v))
                    {
                        w.WriteNumberValue(v);
                    }
                    else
                    {
                        w.WriteNullValue();
                    }
                }

                w.WriteEndArray();
            }

            w.WriteEndArray();
            w.WriteStartArray("stable");
            foreach (int j in r.Stable)
            {
                w.WriteNumberValue(j);
            }

            w.WriteEndArray();
            Number(w, "minimumPotential", r.MinimumPotential);
            Number(w, "coradius", r.Coradius);
            Number(w, "modifiedCoradius", r.ModifiedCoradius);
            Number(w, "stableSetRadius", r.StableSetRadius);
            w.WriteNumber("closedClassCount", r.ClosedClassCount);
            w.WriteBoolean("hasZeroResistanceTies", r.HasZeroResistanceTies);
            w.WriteNumber("unresolvedStateCount", r.UnresolvedStateCount);
            Number(w, "temperature", Temperature);
            if (Curves is not null)
            {
                w.WriteStartArray("exact");
                foreach (var point in Curves)
                {
                    w.WriteStartObject();
                    w.WriteNumber("temperature", point.Temperature);
                    w.WriteStartArray("minusTauLogMass");
                    foreach (double? v in point.MinusTauLogMass)
                    {
                        if (v is { } x)
                        {
                            w.WriteNumberValue(x);
                        }
                        else
                        {
                            w.WriteNullValue();
                        }
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            if (PlotPath is not null)
            {
                w.WriteString("plot", PlotPath);
            }

            w.WriteEndObject();
        }

        o.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary>A JSON number, or null for a missing, infinite or NaN value.</summary>
    private static void Number(Utf8JsonWriter w, string name, double? value) => ChainAnalysisJson.Number(w, name, value);

    private static void Line(TextWriter o, string label, string text) =>
        o.WriteLine(label.Length == 0 ? $"  {string.Empty,-12} {text}" : $"  {label,-12} {text}");

    private static string Num(double value, string format = "G5") =>
        double.IsPositiveInfinity(value) ? "∞" : double.IsNaN(value) ? "–" : value.ToString(format, CultureInfo.InvariantCulture);

    private static string Shorten(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length - 1), "…");

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
