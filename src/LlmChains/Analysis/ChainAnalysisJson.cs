using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using LlmChains.Analysis.Convergence;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;

namespace LlmChains.Analysis;

/// <summary>
/// Writes a <see cref="ChainAnalysis"/> as JSON — the fields of <c>llmchains analyze --json</c> (docs/json.md lists
/// them), reusable from code: structure and classes, π, the spectrum, ε and the Prop. 3.4 steps, t_mix, t_min and
/// their statuses, d(t) and whether it is the worst case or from the uniform start, and the sampled diagnostics.
/// Numbers that are not finite (∞, NaN) are written as <c>null</c>, with a status field saying why.
/// </summary>
public static class ChainAnalysisJson
{
    /// <summary>The analysis as one indented JSON object.</summary>
    /// <param name="chain">The chain that was analysed.</param>
    /// <param name="analysis">Its analysis.</param>
    /// <param name="options">Limits; default <see cref="ChainAnalysisJsonOptions.Default"/>.</param>
    public static string Serialize(IMarkovChain chain, ChainAnalysis analysis, ChainAnalysisJsonOptions? options = null)
    {
        using var stream = new MemoryStream();
        using (
            var writer = new Utf8JsonWriter(
                stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            WriteProperties(writer, chain, analysis, options);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the analysis as properties of the object <paramref name="writer"/> is in (so that a caller can
    /// add its own).</summary>
    /// <param name="writer">A writer inside an object.</param>
    /// <param name="chain">The chain that was analysed.</param>
    /// <param name="analysis">Its analysis.</param>
    /// <param name="options">Limits; default <see cref="ChainAnalysisJsonOptions.Default"/>.</param>
    public static void WriteProperties(
        Utf8JsonWriter writer, IMarkovChain chain, ChainAnalysis analysis, ChainAnalysisJsonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(analysis);
        options ??= ChainAnalysisJsonOptions.Default;
        options.Validate();
        var w = writer;
        var a = analysis;
        var s = a.Structure;
        w.WriteNumber("stateCount", chain.StateCount);
        w.WriteNumber("recurrentStateCount", s.RecurrentStateCount);
        w.WriteNumber("transientStateCount", s.TransientStateCount);
        w.WriteNumber("recurrentClassCount", s.RecurrentClasses.Count);
        w.WriteNumber("classCount", s.ClassCount);
        WriteClasses(w, chain, s, options);
        w.WriteBoolean("isIrreducible", s.IsIrreducible);
        w.WriteBoolean("isAperiodic", s.IsAperiodic);
        w.WriteBoolean("isErgodicUnichain", s.IsErgodicUnichain);

        var pi = a.Stationary;
        if (pi is not null && chain.StateCount <= options.StationaryLimit)
        {
            Array(w, "stationary", pi.Distribution);
        }
        else
        {
            w.WriteNull("stationary");
        }

        Number(w, "stationaryResidual", pi?.Residual);
        w.WriteString("stationaryMethod", pi?.Method.ToString());
        Number(w, "stationaryEntropy", a.StationaryEntropy);
        if (a.StationaryDistributions.Count > 1)
        {
            w.WriteStartArray("stationaryByClass");
            foreach (var c in a.StationaryDistributions)
            {
                w.WriteStartObject();
                w.WriteNumber("classId", c.Class.Id);
                w.WriteNumber("size", c.Class.Size);
                w.WriteNumber("firstState", c.Class.FirstState);
                w.WriteNumber("residual", c.Residual);
                w.WriteString("method", c.Method.ToString());
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        Number(w, "slem", a.Spectrum?.Slem);
        Number(w, "slemErrorBound", a.Spectrum?.SlemErrorBound);
        Number(w, "spectralGap", a.Spectrum?.SpectralGap);
        Number(w, "relaxationTime", a.Spectrum?.RelaxationTime);
        Number(w, "epsilon", a.Epsilon?.Epsilon);
        Number(w, "log10Epsilon", a.Epsilon?.Log10Epsilon);
        Number(w, "boundSteps", a.BoundSteps);
        Number(w, "tMix", a.MixingTime?.Value);
        w.WriteString("tMixStatus", a.MixingTime?.Status.ToString());
        Number(w, "tMin", a.TMin?.Value);
        w.WriteString("tMinStatus", a.TMin?.Status.ToString());
        if (a.Distances is { } curve)
        {
            int steps = Math.Min(options.DistanceSteps ?? curve.Steps, curve.Steps);
            Array(w, "tvDistance", Enumerable.Range(0, steps + 1).Select(t => curve[t]));
            w.WriteString("tvDistanceStart", curve.IsWorstCase ? "worst-case" : "uniform");
        }
        else
        {
            w.WriteNull("tvDistance");
            w.WriteNull("tvDistanceStart");
        }

        if (a.SampledDistances is { } sampledTv && a.SampledRepetition is { } sampledLoops)
        {
            WriteSampled(w, chain, sampledTv, sampledLoops, options);
        }
        else
        {
            w.WriteNull("sampled");
        }
    }

    /// <summary>Writes a number, or null when it is missing or not finite (JSON has no ∞ or NaN).</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="name">The property name.</param>
    /// <param name="value">The value.</param>
    public static void Number(Utf8JsonWriter writer, string name, double? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is { } v && double.IsFinite(v))
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void Array(Utf8JsonWriter w, string name, IEnumerable<double> values)
    {
        w.WriteStartArray(name);
        foreach (double v in values)
        {
            w.WriteNumberValue(v);
        }

        w.WriteEndArray();
    }

    private static void WriteClasses(Utf8JsonWriter w, IMarkovChain chain, ChainStructure s, ChainAnalysisJsonOptions options)
    {
        bool all = options.Classes == ClassListing.All;
        w.WriteString("classListing", all ? "all" : "summary");
        w.WriteStartArray("classes");
        int singletons = 0;
        for (int id = 0; id < s.ClassCount; id++)
        {
            var c = s.GetClass(id);
            if (!all && !c.IsRecurrent && c.Size == 1)
            {
                singletons++;
                continue;
            }

            w.WriteStartObject();
            w.WriteNumber("id", c.Id);
            w.WriteNumber("size", c.Size);
            w.WriteBoolean("recurrent", c.IsRecurrent);
            w.WriteNumber("period", c.Period);
            if (chain.StateCount <= options.ClassStatesLimit)
            {
                w.WriteStartArray("states");
                foreach (long state in s.GetStates(c.Id))
                {
                    w.WriteNumberValue(state);
                }

                w.WriteEndArray();
                if (c.IsRecurrent)
                {
                    // The cyclic classes C_0..C_{d−1} in cyclic order (one class when aperiodic); see Fate.CyclicClasses.
                    w.WriteStartArray("cyclicClasses");
                    foreach (long[] cyclic in Fate.CyclicClasses.Of(s, RecurrentIndex(s, c.Id)))
                    {
                        w.WriteStartArray();
                        foreach (long state in cyclic)
                        {
                            w.WriteNumberValue(state);
                        }

                        w.WriteEndArray();
                    }

                    w.WriteEndArray();
                }
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteNumber("transientSingletonClassCount", all ? CountTransientSingletons(s) : singletons);
    }

    private static int RecurrentIndex(ChainStructure s, int id)
    {
        for (int k = 0; k < s.RecurrentClasses.Count; k++)
        {
            if (s.RecurrentClasses[k].Id == id)
            {
                return k;
            }
        }

        throw new InvalidOperationException($"Class {id} is not recurrent.");
    }

    private static int CountTransientSingletons(ChainStructure s)
    {
        int count = 0;
        for (int id = 0; id < s.ClassCount; id++)
        {
            var c = s.GetClass(id);
            count += !c.IsRecurrent && c.Size == 1 ? 1 : 0;
        }

        return count;
    }

    private static void WriteSampled(
        Utf8JsonWriter w, IMarkovChain chain, SampledTotalVariation tv, RepetitionRateEstimate loops, ChainAnalysisJsonOptions options)
    {
        w.WriteStartObject("sampled");
        w.WriteNumber("trajectories", tv.Trajectories);
        w.WriteNumber("steps", tv.Steps);
        w.WriteNumber("confidence", tv.Confidence);
        w.WriteNumber("seed", tv.Seed);
        w.WriteBoolean("automatic", options.SamplingAutomatic);
        w.WriteString("start", tv.Start.ToString());
        w.WriteString("reference", tv.Reference.ToString());
        w.WriteNumber("burnIn", tv.Reference.BurnIn);
        w.WriteBoolean("couplesTokens", tv.CouplesTokens);
        Array(w, "couplingTail", tv.Tail.Select(e => e.Estimate));
        Array(w, "couplingTailLower", tv.Tail.Select(e => e.Lower));
        Array(w, "couplingTailUpper", tv.Tail.Select(e => e.Upper));
        w.WriteNumber("simultaneousHalfWidth", tv.SimultaneousHalfWidth);
        w.WriteNumber("coupledCount", tv.CoupledCount);
        if (tv.FirstStepBelow(TotalVariation.DefaultThreshold) is { } below)
        {
            w.WriteNumber("tMixUpperEstimate", below);
        }
        else
        {
            w.WriteNull("tMixUpperEstimate");
        }

        w.WriteString("projection", tv.Projection.ToString());
        w.WriteNumber("projectionBins", tv.ProjectionBins);
        w.WriteNumber("selectionPairs", tv.SelectionPairs);
        w.WriteNumber("separationPairs", tv.Trajectories - tv.SelectionPairs);
        Array(w, "separationEstimate", tv.Separation.Select(e => e.Estimate));
        Array(w, "tvLowerLimit", tv.Separation.Select(e => e.Lower));
        Array(w, "tvUpperLimit", tv.Tail.Select(e => e.Upper));

        w.WriteNumber("maxLoopPeriod", loops.MaxLoopPeriod);
        w.WriteNumber("minLoopRepeats", loops.MinLoopRepeats);
        Array(w, "loopRate", loops.InLoop.Select(e => e.Estimate));
        Array(w, "loopRateLower", loops.InLoop.Select(e => e.Lower));
        Array(w, "loopRateUpper", loops.InLoop.Select(e => e.Upper));
        w.WriteStartObject("loopEntered");
        w.WriteNumber("estimate", loops.Entered.Estimate);
        w.WriteNumber("lower", loops.Entered.Lower);
        w.WriteNumber("upper", loops.Entered.Upper);
        w.WriteEndObject();
        if (loops.MeanEntryTime is { } m)
        {
            w.WriteStartObject("meanLoopEntryTime");
            w.WriteNumber("mean", m.Mean);
            Number(w, "lower", m.Lower);
            Number(w, "upper", m.Upper);
            w.WriteNumber("count", m.Count);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("meanLoopEntryTime");
        }

        Array(w, "loopEntryTimeCounts", loops.EntryTimeCounts.Select(c => (double)c));
        w.WriteStartArray("loops");
        foreach (var loop in loops.Loops.Take(options.SampledLoopLimit))
        {
            w.WriteStartObject();
            w.WriteNumber("period", loop.Period);
            w.WriteStartArray("states");
            foreach (long state in loop.States)
            {
                w.WriteNumberValue(state);
            }

            w.WriteEndArray();
            if (chain is LanguageModelChain lm)
            {
                w.WriteStartArray("tokens");
                foreach (int token in LoopTokens(lm, loop.States))
                {
                    w.WriteNumberValue(token);
                }

                w.WriteEndArray();
            }

            w.WriteNumber("estimate", loop.Frequency.Estimate);
            w.WriteNumber("lower", loop.Frequency.Lower);
            w.WriteNumber("upper", loop.Frequency.Upper);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>The tokens a loop of a model's chain emits: the last token of each of its states.</summary>
    internal static int[] LoopTokens(LanguageModelChain chain, IReadOnlyList<long> states)
    {
        var tokens = new int[chain.ContextWindow];
        return [.. states.Select(s => tokens[chain.States.Unrank(s, tokens) - 1])];
    }
}
