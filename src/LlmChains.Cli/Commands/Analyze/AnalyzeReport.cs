using System.Globalization;
using LlmChains.Analysis;
using LlmChains.Analysis.Convergence;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Cli.Limits;
using LlmChains.Cli.Output;
using LlmChains.Models;

namespace LlmChains.Cli.Commands.Analyze;

/// <summary>
/// What <c>llmchains analyze</c> computed, and its two renderers: the readable report and the JSON object (a contract,
/// see design.md; the chain's analysis is written by the library's <see cref="ChainAnalysisJson"/>).
/// </summary>
internal sealed record AnalyzeReport(
    string Description,
    string Title,
    IMarkovChain Chain,
    DecodingOptions? Decoding,
    ChainAnalysis Analysis,
    long NonZeros,
    long Bytes,
    ProbabilityPrecision Precision,
    int TvSteps,
    NGramModel? ToyModel,
    IReadOnlyList<TemperaturePoint>? TemperatureTable,
    string? PlotPath,
    bool SamplingAutomatic = false,
    bool AllClasses = false,
    int WorstCaseMaxStates = 0) : ICommandReport
{
    private const int TransitionListingLimit = 64;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public void WriteText(TextWriter o)
    {
        var a = Analysis;
        var s = a.Structure;
        o.WriteLine("llmchains analyze");
        Line(o, "source", Description);
        if (Decoding is not null)
        {
            Line(o, "decoding", Decoding.ToString());
        }

        string sizes = Chain is LanguageModelChain c
            ? F($"  (|V_K^*| = Σ_{{l=1..{c.ContextWindow}}} {c.VocabularySize}^l)")
            : string.Empty;
        Line(o, "states", F($"{Chain.StateCount:N0}") + sizes);
        int classes = s.RecurrentClasses.Count;
        string periods = string.Join(", ", s.RecurrentClasses.Take(8).Select(x => x.Period)) + (classes > 8 ? ", …" : string.Empty);
        Line(
            o,
            "recurrent",
            F($"{s.RecurrentStateCount:N0} in {classes:N0} class{(classes == 1 ? string.Empty : "es")} (periods {periods})"));
        Line(o, "transient", F($"{s.TransientStateCount:N0}"));
        Line(o, "ergodic", s.IsErgodicUnichain
            ? "yes: an ergodic unichain (one recurrent aperiodic class), so π is unique and every prompt is forgotten (Prop. 3.3)"
            : classes > 1
                ? F($"no: {classes} recurrent classes (repetition loops), so the long run depends on the prompt")
                : F($"no: the recurrent class has period {s.RecurrentClasses[0].Period}, so d(t) does not tend to 0"));
        Line(o, "non-zeros", F($"{NonZeros:N0} (density {(double)NonZeros / Chain.StateCount / Chain.StateCount:G6})"));
        string storage = Chain is LanguageModelChain
            ? Precision == ProbabilityPrecision.Float32 ? " (float32 probabilities)" : " (float64 probabilities)"
            : " (CSR)";
        Line(o, "memory", MemoryBudget.Format(Bytes) + storage);

        foreach (var pi in a.StationaryDistributions.Take(5))
        {
            string which = a.StationaryDistributions.Count > 1
                ? F($" of class {pi.Class.Id} ({pi.Class.Size:N0} states from {Format(Chain, pi.Class.FirstState)})")
                : string.Empty;
            Line(o, "stationary", F($"{pi.Method}{which}: residual ‖πQ − π‖₁ = {pi.Residual:G2}, ")
                + F($"{pi.MatrixVectorProducts:N0} matrix-vector products, {pi.Status}"));
        }

        if (a.StationaryDistributions.Count > 5)
        {
            Line(o, string.Empty, F($"… and {a.StationaryDistributions.Count - 5} more recurrent classes"));
        }

        if (a.Spectrum is { } sp)
        {
            Line(o, "spectrum", F($"SLEM {sp.Slem:G6} (± {sp.SlemErrorBound:G2}), spectral gap {sp.SpectralGap:G4}, ")
                + F($"relaxation time {Num(sp.RelaxationTime)} ({sp.Method})"));
        }

        if (a.Epsilon is { } e)
        {
            Line(o, "epsilon", F($"ε = min_ij (Q^K)_ij over full-length states = {e.Epsilon:G4} (log10 ε = {e.Log10Epsilon:F3})"));
            string steps = Num(a.BoundSteps ?? double.NaN);
            Line(o, "Prop. 3.4", F($"|(Qⁿ)_ij − π_j| ≤ (1 − 2ε)^(⌊n/K⌋ − 1) ≤ {a.BoundTarget:G3} once n ≥ {steps}"));
        }

        if (a.MixingTime is { } mix && a.TMin is { } tMin)
        {
            Line(o, "mixing", MixingText(mix, tMin, Chain.StateCount));
        }

        if (a.Distances is { } curve)
        {
            int n = Math.Min(TvSteps, curve.Steps);
            var shown = Enumerable.Range(0, n + 1).Where(t => t <= 10 || t == n || t % 10 == 0).Select(t => F($"{t}: {curve[t]:G3}"));
            Line(o, curve.IsWorstCase ? "d(t)" : "TV(uniform)", string.Join("  ", shown));
        }

        if (a.SampledDistances is { } sampledTv && a.SampledRepetition is { } sampledLoops)
        {
            WriteSampled(o, sampledTv, sampledLoops);
        }

        if (ToyModel is { } toy && a.Stationary is { } stationary && Chain is LanguageModelChain toyChain)
        {
            WriteToyStationary(o, toy, toyChain, stationary);
        }

        if (TemperatureTable is { } table)
        {
            WriteTemperatureTable(o, table);
        }

        if (Chain is LanguageModelChain chain && chain.StateCount <= TransitionListingLimit)
        {
            WriteTransitions(o, chain, s);
        }

        if (PlotPath is not null)
        {
            o.WriteLine();
            Line(o, "plot", PlotPath + " (d(t) with the Prop. 3.4 bound; the spectrum in the unit disk)");
        }
    }

    public void WriteJson(TextWriter o) => CommandReport.WriteJsonObject(o, w =>
    {
        w.WriteString("source", Description);
        if (Chain is LanguageModelChain lm)
        {
            w.WriteNumber("vocabularySize", lm.VocabularySize);
            w.WriteNumber("contextWindow", lm.ContextWindow);
        }

        if (Decoding is { } d)
        {
            w.WriteStartObject("decoding");
            w.WriteNumber("temperature", d.Temperature);
            CommandReport.Number(w, "topK", d.TopK);
            CommandReport.Number(w, "topP", d.TopP);
            CommandReport.Number(w, "minP", d.MinP);
            w.WriteEndObject();
        }

        ChainAnalysisJson.WriteProperties(w, Chain, Analysis, new ChainAnalysisJsonOptions
        {
            Classes = AllClasses ? ClassListing.All : ClassListing.Summary,
            DistanceSteps = TvSteps,
            SamplingAutomatic = SamplingAutomatic,
        });
        w.WriteNumber("nonZeroCount", NonZeros);
        w.WriteNumber("memoryBytes", Bytes);

        if (TemperatureTable is { } table)
        {
            w.WriteStartArray("temperatures");
            foreach (var point in table)
            {
                w.WriteStartObject();
                w.WriteNumber("temperature", point.Temperature);
                CommandReport.Number(w, "epsilon", point.Epsilon);
                CommandReport.Number(w, "log10Epsilon", point.Log10Epsilon);
                CommandReport.Number(w, "slem", point.Slem);
                CommandReport.Number(w, "tMix", point.MixingTime);
                CommandReport.Number(w, "stationaryEntropy", point.StationaryEntropy);
                CommandReport.Number(w, "boundSteps", point.BoundSteps);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        if (PlotPath is not null)
        {
            w.WriteString("plot", PlotPath);
        }
    });

    private void WriteSampled(TextWriter o, SampledTotalVariation tv, RepetitionRateEstimate loops)
    {
        string automatic = SamplingAutomatic
            ? F($"; automatic above {WorstCaseMaxStates:N0} states, the exact worst case's limit ")
                + "(--max-memory raises it; --sample 0 turns sampling off)"
            : string.Empty;
        Line(o, "sampled", F($"{tv.Trajectories:N0} simulated pairs from μ = {tv.Start}, ν = {tv.Reference}; ")
            + F($"{tv.Confidence * 100:G4}% Clopper–Pearson intervals, seed {tv.Seed}{automatic}"));
        int n = tv.Steps;
        var shown = Enumerable.Range(0, n + 1)
            .Where(t => t <= 5 || t == n || t % 10 == 0)
            .Select(t => F($"{t}: {tv[t].Estimate:G3} [{tv[t].Lower:G3}, {tv[t].Upper:G3}]"));
        Line(o, "coupling", Analysis.Stationary is null
            ? "P(T > t) ≥ TV(μQ^t, νQ^t) (π is not unique: ν is where the burn-in led, one mixture of the stationary laws):"
            : "P(T > t) ≥ TV(μQ^t, νQ^t) ≈ TV(μQ^t, π) up to the burn-in error:");
        Line(o, string.Empty, string.Join("  ", shown));
        string coupled = tv.CouplesTokens ? "coupled on tokens" : "coupled on next states";
        Line(o, string.Empty, F($"simultaneous band ± {tv.SimultaneousHalfWidth:G3} (DKW); ")
            + F($"{tv.CoupledCount:N0} of {tv.Trajectories:N0} pairs met within {n} steps ({coupled})"));
        var times = Enumerable.Range(0, n + 1).Where(t => t <= 5 || t == n || t % 10 == 0).ToArray();
        double oneSided = (1 - ((1 - tv.Confidence) / 2)) * 100;
        Line(o, "TV ≥", F($"P(A_t) − Q(A_t) for an event A_t on {tv.Projection} ({tv.ProjectionBins:N0} bins) ")
            + F($"chosen on {tv.SelectionPairs:N0} pairs, tested on the other {tv.Trajectories - tv.SelectionPairs:N0}: ")
            + F($"estimate (lower limit, one-sided {oneSided:G4}%)"));
        Line(o, string.Empty, string.Join("  ", times.Select(t => F($"{t}: {tv.Separation[t].Estimate:G3} ({tv.LowerLimit(t):G3})"))));
        Line(o, "bracket", F($"TV(μQ^t, νQ^t) ∈ [lower, upper limit], each t at {tv.Confidence * 100:G4}%:"));
        Line(o, string.Empty, string.Join("  ", times.Select(t => F($"{t}: [{tv.LowerLimit(t):G3}, {tv.UpperLimit(t):G3}]"))));
        int? below = tv.FirstStepBelow(TotalVariation.DefaultThreshold);
        Line(o, "t_mix ≤", below is { } b
            ? F($"{b} from μ (upper confidence limit of P(T > t) ≤ 1/4 from t = {b}; ")
                + "against ν, i.e. against π up to the burn-in error)"
            : F($"not within {n} steps (no upper confidence limit ≤ 1/4; raise --tv-steps)"));
        var at = loops[loops.Steps];
        string mean = loops.MeanEntryTime switch
        {
            { Count: >= 2 } m => F($", mean entry time {m.Mean:G4} [{m.Lower:G4}, {m.Upper:G4}] among them"),
            { } m => F($", entry time {m.Mean:G4}"),
            null => string.Empty,
        };
        Line(o, "repetition", F($"in a loop (period ≤ {loops.MaxLoopPeriod}, block repeated {loops.MinLoopRepeats}× more) ")
            + F($"at t = {loops.Steps}: {at.Estimate:G3} [{at.Lower:G3}, {at.Upper:G3}]; ")
            + F($"entered by then: {loops.Entered.Estimate:G3} [{loops.Entered.Lower:G3}, {loops.Entered.Upper:G3}]{mean}"));
        foreach (var loop in loops.Loops.Take(5))
        {
            var f = loop.Frequency;
            Line(o, "loop", F($"{FormatLoop(Chain, loop.States)} (period {loop.Period}): ")
                + F($"{f.Estimate:G3} [{f.Lower:G3}, {f.Upper:G3}] of trajectories at t = {loops.Steps}"));
        }

        if (loops.Loops.Count > 5)
        {
            Line(o, string.Empty, F($"… and {loops.Loops.Count - 5} more loops"));
        }
    }

    private static string FormatLoop(IMarkovChain chain, IReadOnlyList<long> states) => chain is LanguageModelChain lm
        ? "\"" + string.Join(lm.VocabularySize <= 10 ? string.Empty : ",", LoopTokens(lm, states)) + "\" repeated"
        : "states " + string.Join(" → ", states.Select(s => s.ToString(Inv)));

    /// <summary>The tokens a loop of a model's chain emits: the last token of each of its states (as the JSON's "tokens").</summary>
    private static int[] LoopTokens(LanguageModelChain chain, IReadOnlyList<long> states)
    {
        var tokens = new int[chain.ContextWindow];
        return [.. states.Select(s => tokens[chain.States.Unrank(s, tokens) - 1])];
    }

    private static void WriteToyStationary(TextWriter o, NGramModel toy, LanguageModelChain chain, StationaryResult pi)
    {
        o.WriteLine();
        o.WriteLine("  stationary distribution on the full-length states (paper Fig. 4b; * = window seen in the training sequence)");
        var counts = new int[chain.VocabularySize];
        var tokens = new int[chain.ContextWindow];
        double seenMass = 0;
        for (long state = chain.States.FullLengthOffset; state < chain.StateCount; state++)
        {
            int length = chain.States.Unrank(state, tokens);
            toy.GetCounts(tokens.AsSpan(0, length), counts);
            bool seen = counts.Sum() > 0;
            double p = pi.Distribution[state];
            seenMass += seen ? p : 0;
            o.WriteLine(F($"    {(seen ? "*" : " ")}{chain.States.Format(state),-6} {p,9:F6}  {new string('#', (int)Math.Round(p * 60))}"));
        }

        o.WriteLine(F($"    mass on the windows seen in training: {seenMass:F4}"));
    }

    private static void WriteTemperatureTable(TextWriter o, IReadOnlyList<TemperaturePoint> table)
    {
        o.WriteLine();
        o.WriteLine("  temperature (paper Fig. 5): higher τ raises ε and forgets the prompt sooner");
        o.WriteLine("       τ           ε   log10 ε      SLEM    t_mix   H(π) nats   Prop. 3.4 steps");
        foreach (var p in table)
        {
            o.WriteLine(F($"    {p.Temperature,4:G3}  {p.Epsilon,10:G3}  {p.Log10Epsilon,8:F2}  {p.Slem,8:F5}  ")
                + F($"{Num(p.MixingTime),7}  {p.StationaryEntropy,10:F4}   {Num(p.BoundSteps)}"));
        }
    }

    private static void WriteTransitions(TextWriter o, LanguageModelChain chain, ChainStructure s)
    {
        o.WriteLine();
        o.WriteLine("  transitions (state → next state: probability; R = recurrent, T = transient)");
        var p = new double[chain.VocabularySize];
        for (long state = 0; state < chain.StateCount; state++)
        {
            chain.GetNextTokenProbabilities(state, p);
            string row = string.Join("   ", Enumerable.Range(0, p.Length)
                .Select(x => F($"{chain.States.Format(chain.States.Successor(state, x))}: {p[x]:F6}")));
            string kind = s.GetClass(s.GetClassOf(state)).IsRecurrent ? "R" : "T";
            o.WriteLine($"  {kind} {chain.States.Format(state),-8} → {row}");
        }
    }

    private static string Format(IMarkovChain chain, long state)
        => chain is LanguageModelChain lm ? "\"" + lm.States.Format(state) + "\"" : F($"state {state}");

    /// <summary>t_mix and t_min as a reader should take them: a number, or why there is none.</summary>
    private static string MixingText(MixingTimeResult mix, TMinResult tMin, long states)
    {
        string at = tMin.IsFinite ? F($" (at t = {tMin.AttainedAt})") : string.Empty;
        return mix.Status switch
        {
            MixingTimeStatus.TooLargeForWorstCase => F($"t_mix and t_min not computed: they are worst cases over all {states:N0} starts, ")
                + "beyond the exact limit; below, TV(uniform·Q^t, π) from the uniform start and the sampled bracket",
            MixingTimeStatus.Periodic
                => "t_mix(1/4) = ∞, t_min = ∞: the recurrent class is periodic, so d(t) ≥ 1 − 1/period for every t",
            MixingTimeStatus.NotErgodicUnichain => "t_mix(1/4) = ∞, t_min = ∞: several recurrent classes, so d(t) ≥ 1/2 for every t",
            MixingTimeStatus.NotReachedWithinHorizon => F($"t_mix(1/4) not reached within {mix.Horizon:N0} steps (raise --tv-steps), ")
                + F($"t_min {(tMin.IsFinite ? F($"≤ {Num(tMin.Value)}{at}") : "not reached either")}, worst case over all starts"),
            _ => F($"t_mix(1/4) = {Num(mix.Value)}, t_min = {Num(tMin.Value)}{at}, worst case over all starts"),
        };
    }

    private static void Line(TextWriter o, string label, string text) => o.WriteLine($"  {label,-12} {text}");

    private static string Num(double value) => double.IsPositiveInfinity(value)
        ? "∞"
        : double.IsNaN(value) ? "–" : value >= 1e15 ? F($"{value:G4}") : value == Math.Floor(value) ? F($"{value:N0}") : F($"{value:G6}");

    private static string F(FormattableString text) => text.ToString(Inv);
}
