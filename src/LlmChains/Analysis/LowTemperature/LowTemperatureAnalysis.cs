using System.Diagnostics;
using System.Globalization;
using LlmChains.Analysis.LowTemperature.Internals;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Internals;
using LlmChains.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmChains.Analysis.LowTemperature;

/// <summary>
/// The exact τ → 0 asymptotics of temperature sampling (paper §2.4: at low temperature a model falls into repetition
/// loops), by the theory of regularly perturbed Markov chains: which loops carry the stationary mass as τ → 0 (the
/// stochastically stable ones, of least stochastic potential) and at which exponential rates the stationary masses
/// vanish and the exit and hitting times blow up. Computed from the logits (or the resistances) alone, without ever
/// forming the chain at a temperature.
/// </summary>
/// <remarks>
/// <para>Sampling at temperature τ: p_τ(v, a) = exp(−r(v, a)/τ) / Σ_b exp(−r(v, b)/τ) with the resistance
/// r(v, a) = max_b z_b(v) − z_a(v) ≥ 0. Then, as τ → 0 (Young 1993; Freidlin and Wentzell ch. 6; Ellison 2000):
/// −τ·log(π_τ(L_j)/π_τ(L*)) → γ(L_j) − γ*, and τ·log E[exit time of L_j] → ρ(L_j).</para>
/// <para>Stages reported through <see cref="Progress"/>: "logits" (states), "loops", "resistances" (one search per
/// loop), "potentials" (one arborescence per loop).</para>
/// <para>Cost: one pass over the states for the resistances and the loops, then one Dijkstra search per loop over the
/// states (each stops once every other loop is reached), then O(m³) per root for the potentials — linear in the
/// number of states times the number of loops m. Memory: the float32 resistances (4T bytes a full-length state) plus
/// at most 4 + 16·threads bytes a state (loop labels; per search distances, heap positions and heap slots); ties in the
/// zero-resistance chain add about 60 bytes a tied state.</para>
/// </remarks>
// RS0026: the two Analyze overloads differ in their first parameter (a model or a resistance matrix), so the optional
// parameters cannot make a call ambiguous.
#pragma warning disable RS0026
public static class LowTemperatureAnalysis
{
    private const int MaxLimitClassSize = 2048;

    /// <summary>Analyses the τ → 0 limit of a language model's chain under temperature sampling.</summary>
    /// <param name="model">The model.</param>
    /// <param name="decoding">
    /// The decoding: the temperature is ignored (it is what tends to 0); top-k is honoured exactly (the kept set does
    /// not depend on τ; ties at the k-th logit kept, as in <see cref="DecodingOptions"/>). Top-p &lt; 1 and min-p &gt; 0
    /// are refused: their kept sets shrink to the argmax as τ → 0, so the limit is greedy decoding with no perturbation
    /// (use <see cref="Convergence.RepetitionLoops"/> on the greedy chain). <see langword="null"/>: plain sampling.
    /// </param>
    /// <param name="options">Options; <see langword="null"/> for <see cref="LowTemperatureOptions.Default"/>.</param>
    /// <param name="progress">Progress, stages "logits", "loops", "resistances", "potentials".</param>
    /// <param name="cancellationToken">Cancels the analysis.</param>
    /// <returns>The loops (states are chain indices of <see cref="StateSpace"/>), resistances, potentials and the stable set.</returns>
    /// <exception cref="ArgumentException">Top-p or min-p given; a logit is NaN or +∞, or a row is all −∞ (the message
    /// names the state); the T^K full-length states exceed <see cref="int.MaxValue"/>; more than
    /// <see cref="LowTemperatureOptions.MaxLoops"/> loops.</exception>
    public static LowTemperatureResult Analyze(
        ILanguageModel model,
        DecodingOptions? decoding = null,
        LowTemperatureOptions? options = null,
        IProgress<Progress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        decoding ??= DecodingOptions.Default;
        options ??= LowTemperatureOptions.Default;
        options.Validate();
        CheckDecoding(decoding);
        var space = new StateSpace(model.VocabularySize, model.ContextWindow);
        if (space.FullLengthStateCount > int.MaxValue / Math.Max(1, space.VocabularySize))
        {
            throw Invalid.Argument(
                string.Create(CultureInfo.InvariantCulture, $"The model has T^K = {space.FullLengthStateCount:N0} full-length states of ") +
                string.Create(CultureInfo.InvariantCulture, $"{space.VocabularySize} resistances each; the low-temperature analysis ") +
                string.Create(CultureInfo.InvariantCulture, $"handles at most {int.MaxValue:N0} resistances."));
        }

        var logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger(typeof(LowTemperatureAnalysis));
        var clock = Stopwatch.StartNew();
        Log.Started(logger, space.StateCount, decoding);
        var graph = ModelResistances.BuildFullLength(model, decoding, options.Workers, progress, cancellationToken);
        long offset = space.FullLengthOffset;
        int t = space.VocabularySize;
        var result = Solve(
            graph,
            offset,
            space.StateCount,
            (zero, basins) => ModelResistances.AddTransientBasins(model, decoding, zero.Reach, basins, cancellationToken),
            states => states.Select(s => (int)((s - offset) % t)).ToArray(),
            options,
            progress,
            cancellationToken);
        Log.Finished(logger, result.LoopCount, result.Stable.Count, clock.Elapsed.TotalSeconds);
        return result;
    }

    /// <summary>Analyses the τ → 0 limit of a chain given by its resistances (see <see cref="ResistanceMatrix"/>).</summary>
    /// <param name="resistances">The chain's resistances.</param>
    /// <param name="options">Options; <see langword="null"/> for <see cref="LowTemperatureOptions.Default"/>.</param>
    /// <param name="progress">Progress, stages "loops", "resistances", "potentials".</param>
    /// <param name="cancellationToken">Cancels the analysis.</param>
    /// <returns>The loops, resistances, potentials and the stable set.</returns>
    /// <exception cref="ArgumentException">More than <see cref="LowTemperatureOptions.MaxLoops"/> loops.</exception>
    public static LowTemperatureResult Analyze(
        ResistanceMatrix resistances,
        LowTemperatureOptions? options = null,
        IProgress<Progress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resistances);
        options ??= LowTemperatureOptions.Default;
        options.Validate();
        var logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger(typeof(LowTemperatureAnalysis));
        var clock = Stopwatch.StartNew();
        Log.StartedMatrix(logger, resistances.StateCount);
        var result = Solve(
            new MatrixResistanceGraph(resistances), 0, resistances.StateCount, null, null, options, progress, cancellationToken);
        Log.Finished(logger, result.LoopCount, result.Stable.Count, clock.Elapsed.TotalSeconds);
        return result;
    }

    /// <summary>
    /// The bytes <see cref="Analyze(ILanguageModel, DecodingOptions?, LowTemperatureOptions?, IProgress{Progress}?, CancellationToken)"/>
    /// needs for a model of vocabulary T and context K (the resistances, the loop labels and one distance array per
    /// concurrent search), excluding the m×m loop matrices (8m² bytes each) and the model itself.
    /// </summary>
    /// <param name="vocabularySize">T ≥ 1.</param>
    /// <param name="contextWindow">K ≥ 1.</param>
    /// <param name="options">The options (their thread count); <see langword="null"/> for the defaults.</param>
    /// <returns>An estimate in bytes; <see cref="double"/> so that an impossible size does not overflow.</returns>
    public static double EstimateMemoryBytes(int vocabularySize, int contextWindow, LowTemperatureOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(contextWindow, 1);
        options ??= LowTemperatureOptions.Default;
        double fullLength = Math.Pow(vocabularySize, contextWindow);
        return fullLength * ModelResistances.BytesPerFullLengthState(vocabularySize, options.Workers);
    }

    private static void CheckDecoding(DecodingOptions decoding)
    {
        if (decoding.TopP is { } p && p < 1)
        {
            throw Invalid.Argument(
                $"TopP is {Invalid.Format(p)}, which cannot be analysed at low temperature: the nucleus shrinks to the argmax as τ → 0, " +
                "so the limit is greedy decoding with no perturbation (every loop is absorbing; see RepetitionLoops on the greedy " +
                "chain). Leave top-p out (top-k is handled exactly).");
        }

        if (decoding.MinP is { } minP && minP > 0)
        {
            throw Invalid.Argument(
                $"MinP is {Invalid.Format(minP)}, which cannot be analysed at low temperature: the kept set shrinks to the argmax as τ → " +
                "0, so the limit is greedy decoding with no perturbation (every loop is absorbing; see RepetitionLoops on the greedy " +
                "chain). Leave min-p out (top-k is handled exactly).");
        }
    }

    private static LowTemperatureResult Solve(
        ResistanceGraph graph,
        long offset,
        long stateCount,
        Func<ZeroLoopSet,
        long[],
        long>? addTransient,
        Func<long[],
        int[]>? tokens,
        LowTemperatureOptions options,
        IProgress<Progress>? progress,
        CancellationToken cancellationToken)
    {
        progress?.Report(new Progress("loops", 0, graph.StateCount));
        var zero = ZeroLoops.Find(graph, cancellationToken);
        int m = zero.Loops.Length;
        progress?.Report(
            new Progress("loops", graph.StateCount, graph.StateCount)
            {
                Detail = string.Create(CultureInfo.InvariantCulture, $"{m} loops"),
            });
        if (m > options.MaxLoops)
        {
            throw Invalid.Argument(
                string.Create(CultureInfo.InvariantCulture, $"MaxLoops is {options.MaxLoops:N0}, but the zero-resistance chain has ") +
                string.Create(CultureInfo.InvariantCulture, $"{m:N0} loops: the analysis needs one shortest-path search per loop and ") +
                string.Create(CultureInfo.InvariantCulture, $"{LanguageModelChain.FormatBytes(8.0 * m * m)} per m×m matrix. Raise ") +
                string.Create(CultureInfo.InvariantCulture, $"MaxLoops (at most 100,000) if that is affordable."));
        }

        var basins = new long[m];
        long several = 0;
        foreach (int r in zero.Reach)
        {
            if (r >= 0)
            {
                basins[r]++;
            }
            else
            {
                several++;
            }
        }

        if (addTransient is not null)
        {
            several += addTransient(zero, basins);
        }

        // The basins are counted (addTransient overwrote the reach array in place): the state-sized array becomes the
        // first search's heap positions.
        var spare = zero.Reach;
        zero = zero with { Reach = [] };
        var resistance = LoopResistances.Compute(graph, zero, options.Workers, progress, cancellationToken, spare);
        var loopGraph = LoopGraph.Analyze(resistance, options.TieTolerance, options.Workers, progress, cancellationToken);
        bool uniqueLimit = loopGraph.ClosedClassCount == 1 && loopGraph.Stable.Count(s => s) == 1;
        var zeroChain = new ZeroResistanceChain(graph);
        var loops = new LowTemperatureLoop[m];
        for (int j = 0; j < m; j++)
        {
            var states = zero.Loops[j].Select(s => s + offset).ToArray();
            loops[j] = new LowTemperatureLoop
            {
                Index = j,
                States = states,
                Tokens = tokens?.Invoke(states),
                Period = zero.Periods[j],
                IsCycle = zero.IsCycle[j],
                BasinSize = basins[j],
                Potential = loopGraph.Potential[j],
                Radius = loopGraph.Radius[j],
                IsStable = loopGraph.Stable[j],
                ClosedClass = loopGraph.ClosedClass[j] >= 0 ? loopGraph.ClosedClass[j] : null,
                LimitMass = !loopGraph.Stable[j] ? 0 : uniqueLimit ? 1 : null,
                LimitDistribution = LimitDistribution(zeroChain, zero.Loops[j], zero.IsCycle[j]),
            };
        }

        return new LowTemperatureResult(
            stateCount,
            loops,
            resistance,
            loopGraph.ClosedClassCount,
            zero.HasTies,
            several,
            loopGraph.Coradius,
            loopGraph.ModifiedCoradius,
            loopGraph.StableSetRadius);
    }

    /// <summary>The stationary distribution of a loop's class in the zero-resistance chain, in the loop's state order (GTH).</summary>
    private static double[]? LimitDistribution(ZeroResistanceChain chain, int[] states, bool isCycle)
    {
        int n = states.Length;
        if (isCycle)
        {
            var uniform = new double[n];
            Array.Fill(uniform, 1.0 / n);
            return uniform;
        }

        if (n > MaxLimitClassSize)
        {
            return null;
        }

        var position = new Dictionary<int, int>(n);
        for (int i = 0; i < n; i++)
        {
            position[states[i]] = i;
        }

        var matrix = new double[n, n];
        var columns = new long[Math.Max(1, chain.MaxRowNonZeros)];
        var probabilities = new double[columns.Length];
        for (int i = 0; i < n; i++)
        {
            int count = chain.GetRow(states[i], columns, probabilities);
            for (int e = 0; e < count; e++)
            {
                matrix[i, position[(int)columns[e]]] += probabilities[e];
            }
        }

        return StationaryDistribution.Gth(matrix);
    }
}
#pragma warning restore RS0026
