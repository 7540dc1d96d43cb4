using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using LlmChains.Analysis;
using LlmChains.Analysis.Fate;
using LlmChains.Chains;

namespace LlmChains.Cli.Commands.Fate;

/// <summary>The text and JSON renderings of a <see cref="FateReport"/> (docs/json.md lists the JSON fields).</summary>
internal static class FateOutput
{
    /// <summary>Classes larger than this are given by size only (no state lists) in the JSON.</summary>
    public const long ClassStatesLimit = 100_000;

    private const int TextRows = 20;

    public static void WriteJson(FateReport r, TextWriter o)
    {
        using var stream = new MemoryStream();
        using (
            var w = new Utf8JsonWriter(
                stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("source", r.Description);
            w.WriteNumber("states", r.Chain.StateCount);
            w.WriteStartArray("recurrentClasses");
            for (int k = 0; k < r.Structure.RecurrentClasses.Count; k++)
            {
                var c = r.Structure.RecurrentClasses[k];
                w.WriteStartObject();
                w.WriteNumber("size", c.Size);
                w.WriteNumber("period", c.Period);
                if (c.Size <= ClassStatesLimit)
                {
                    Longs(w, "states", r.Structure.GetStates(c.Id));
                    w.WriteStartArray("cyclicClasses");
                    foreach (long[] cyclic in CyclicClasses.Of(r.Structure, k))
                    {
                        Longs(w, null, cyclic);
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            Longs(w, "from", r.Starts);
            if (r.Chain is LanguageModelChain lm)
            {
                w.WriteStartArray("fromPrompts");
                foreach (long s in r.Starts)
                {
                    w.WriteStringValue(lm.States.Format(s));
                }

                w.WriteEndArray();
            }

            w.WriteStartArray("absorption");
            for (int i = 0; i < r.Starts.Length; i++)
            {
                Doubles(w, null, r.Absorption.GetProbabilities(i));
            }

            w.WriteEndArray();
            Doubles(w, "expectedStepsToAbsorption", r.Absorption.ExpectedSteps);
            Solve(w, "absorptionSolve", r.Absorption.ProbabilitySolve.Then(r.Absorption.StepsSolve));
            if (r.Hitting is { } h)
            {
                w.WriteStartObject("hitting");
                w.WriteString("description", h.Target);
                Longs(w, "target", r.TargetStates!);
                Doubles(w, "probability", h.Probabilities);
                Doubles(w, "expectedSteps", h.ExpectedSteps);
                w.WriteStartArray("reason");
                for (int i = 0; i < r.Starts.Length; i++)
                {
                    if (h.GetReason(i) is { } reason)
                    {
                        w.WriteStringValue(reason);
                    }
                    else
                    {
                        w.WriteNullValue();
                    }
                }

                w.WriteEndArray();
                Solve(w, "probabilitySolve", h.ProbabilitySolve);
                Solve(w, "stepsSolve", h.StepsSolve);
                w.WriteEndObject();
            }

            if (r.Committor is { } q)
            {
                w.WriteStartObject("committor");
                Longs(w, "avoid", r.AvoidStates!);
                Longs(w, "target", r.TargetStates!);
                Doubles(w, "forward", r.Starts.Select(s => q.Forward[(int)s]));
                Solve(w, "solve", q.Solve);
                w.WriteEndObject();
            }

            ChainAnalysisJson.Number(w, "kemenyConstant", r.Passage?.KemenyConstant);
            if (r.KemenyReason is { } why)
            {
                w.WriteString("kemenyReason", why);
            }

            if (r.Passage is { } m)
            {
                Longs(w, "meanFirstPassageStates", m.States);
                w.WriteStartArray("meanFirstPassage");
                for (int i = 0; i < m.States.Count; i++)
                {
                    Doubles(w, null, Enumerable.Range(0, m.States.Count).Select(j => m.GetTime(i, j)));
                }

                w.WriteEndArray();
            }
            else
            {
                w.WriteNull("meanFirstPassage");
            }

            w.WriteEndObject();
        }

        o.Write(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        o.WriteLine();
    }

    public static void WriteText(FateReport r, TextWriter o)
    {
        var c = CultureInfo.InvariantCulture;
        var chain = r.Chain;
        string Name(long s) => chain is LanguageModelChain lm ? lm.States.Format(s) : s.ToString(c);
        o.WriteLine(r.Description);
        o.WriteLine(string.Create(c, $"states: {chain.StateCount:N0}, recurrent classes: {r.Structure.RecurrentClasses.Count}"));
        for (int k = 0; k < r.Structure.RecurrentClasses.Count && k < TextRows; k++)
        {
            var cls = r.Structure.RecurrentClasses[k];
            string members = cls.Size <= 8
                ? string.Join(" ", r.Structure.GetStates(cls.Id).Select(Name))
                : string.Create(c, $"{cls.Size:N0} states from {Name(cls.FirstState)}");
            o.WriteLine(string.Create(c, $"  class {k}: period {cls.Period}, {members}"));
        }

        o.WriteLine();
        o.WriteLine("absorption: P(ends in class k) per start, expected steps until a recurrent class");
        for (int i = 0; i < r.Starts.Length && i < TextRows; i++)
        {
            var p = r.Absorption.GetProbabilities(i);
            string where = string.Join(
                ", ",
                p.Select((v, k) => (v, k))
                    .Where(x => x.v > 0)
                    .OrderByDescending(x => x.v)
                    .Take(4)
                    .Select(x => string.Create(c, $"class {x.k}: {x.v:G6}")));
            o.WriteLine(string.Create(c, $"  {Name(r.Starts[i]),-12} {where}; steps {r.Absorption.ExpectedSteps[i]:G6}"));
        }

        More(o, r.Starts.Length);
        o.WriteLine(string.Create(c, $"  solve: {Describe(r.Absorption.ProbabilitySolve.Then(r.Absorption.StepsSolve))}"));
        if (r.Hitting is { } h)
        {
            o.WriteLine();
            o.WriteLine(string.Create(c, $"hitting {h.Target} ({h.TargetSize:N0} states): probability, expected steps"));
            for (int i = 0; i < r.Starts.Length && i < TextRows; i++)
            {
                string steps = double.IsFinite(h.ExpectedSteps[i]) ? h.ExpectedSteps[i].ToString("G6", c) : $"∞ ({h.GetReason(i)})";
                o.WriteLine(string.Create(c, $"  {Name(r.Starts[i]),-12} {h.Probabilities[i]:G6}  {steps}"));
            }

            More(o, r.Starts.Length);
            o.WriteLine($"  solve: {Describe(h.ProbabilitySolve.Then(h.StepsSolve))}");
        }

        if (r.Committor is { } q)
        {
            o.WriteLine();
            o.WriteLine($"forward committor P(hit {q.Target} before {q.Avoid})");
            for (int i = 0; i < r.Starts.Length && i < TextRows; i++)
            {
                o.WriteLine(string.Create(c, $"  {Name(r.Starts[i]),-12} {q.Forward[(int)r.Starts[i]]:G6}"));
            }

            More(o, r.Starts.Length);
        }

        o.WriteLine();
        o.WriteLine(r.Passage is { } m
            ? string.Create(c, $"Kemeny's constant: {m.KemenyConstant:G10} (mean first-passage matrix over the {m.States.Count} states ") +
                string.Create(c, $"of the recurrent class in --json)")
            : $"Kemeny's constant: not computed: {r.KemenyReason}");
    }

    private static void More(TextWriter o, int count)
    {
        if (count > TextRows)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  … {count - TextRows:N0} more starts (all in --json)"));
        }
    }

    /// <summary>Two solves of one quantity as one summary: the larger method, sizes and residual, the summed products.</summary>
    private static FateSolve Then(this FateSolve first, FateSolve second) => second.Method == FateMethod.Structural
        ? first
        : first.Method == FateMethod.Structural
            ? second
            : new FateSolve(
                (FateMethod)Math.Max((int)first.Method, (int)second.Method),
                Math.Max(first.Unknowns, second.Unknowns),
                first.Systems + second.Systems,
                first.Products + second.Products,
                Math.Max(first.Residual, second.Residual),
                first.Status != LlmChains.Analysis.Spectral.SolveStatus.Converged ? first.Status : second.Status)
            {
                Blocks = Math.Max(first.Blocks, second.Blocks),
                LargestBlock = Math.Max(first.LargestBlock, second.LargestBlock),
            };

    private static string Describe(FateSolve s) =>
        string.Create(CultureInfo.InvariantCulture, $"{s.Method}, {s.Unknowns:N0} unknowns in {s.Blocks:N0} blocks (largest ") +
        string.Create(CultureInfo.InvariantCulture, $"{s.LargestBlock:N0}), {s.Products:N0} products, residual {s.Residual:E2}, ") +
        string.Create(CultureInfo.InvariantCulture, $"{s.Status}");

    private static void Solve(Utf8JsonWriter w, string name, FateSolve s)
    {
        w.WriteStartObject(name);
        w.WriteString("method", s.Method.ToString());
        w.WriteNumber("unknowns", s.Unknowns);
        w.WriteNumber("blocks", s.Blocks);
        w.WriteNumber("largestBlock", s.LargestBlock);
        w.WriteNumber("products", s.Products);
        w.WriteNumber("residual", s.Residual);
        w.WriteString("status", s.Status.ToString());
        w.WriteEndObject();
    }

    private static void Longs(Utf8JsonWriter w, string? name, IEnumerable<long> values)
    {
        if (name is null)
        {
            w.WriteStartArray();
        }
        else
        {
            w.WriteStartArray(name);
        }

        foreach (long v in values)
        {
            w.WriteNumberValue(v);
        }

        w.WriteEndArray();
    }

    private static void Doubles(Utf8JsonWriter w, string? name, IEnumerable<double> values)
    {
        if (name is null)
        {
            w.WriteStartArray();
        }
        else
        {
            w.WriteStartArray(name);
        }

        foreach (double v in values)
        {
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
}
