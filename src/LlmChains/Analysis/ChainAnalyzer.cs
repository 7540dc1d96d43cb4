using System.Globalization;
using LlmChains.Analysis.Convergence;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Internals;

namespace LlmChains.Analysis;

/// <summary>
/// Runs the whole analysis of a chain in one call: <see cref="ChainStructure"/>, <see cref="StationaryDistribution"/>
/// (every recurrent class), <see cref="Spectrum"/>, ε and the Prop. 3.4 bound (<see cref="ConvergenceBound"/>) for a
/// model's chain, d(t), t_mix and t_min (<see cref="TotalVariation"/>), and on request the sampled diagnostics of
/// <see cref="SampledConvergence"/> (<see cref="ChainAnalysisOptions.Sampling"/>).
/// </summary>
/// <remarks>
/// t_mix and t_min are worst-case quantities (Def. C.8). Up to <see cref="ChainAnalysisOptions.EffectiveWorstCaseMaxStates"/>
/// states they are exact; above it they are not computed (NaN, <see cref="MixingTimeStatus.TooLargeForWorstCase"/>)
/// and the curve is the TV from the uniform start, <see cref="ChainAnalysis.UniformStartDistances"/>, never reported
/// under the worst-case name.
/// </remarks>
public static class ChainAnalyzer
{
    /// <summary>Analyses <paramref name="chain"/>.</summary>
    /// <param name="chain">Any chain; a <see cref="LanguageModelChain"/> also gets ε and the Prop. 3.4 bound.</param>
    /// <param name="options">Options; default <see cref="ChainAnalysisOptions.Default"/>.</param>
    /// <param name="progress">
    /// Receives each stage's own progress, in order: "structure", "stationary" (products and residual), "spectrum"
    /// (products, SLEM estimate), "epsilon" (model chains), "mixing" (steps of the worst-case or uniform-start curve),
    /// "sampling" and "repetition" (trajectory steps, when sampling is on), "done".
    /// </param>
    /// <param name="cancellationToken">Cancels the analysis.</param>
    public static ChainAnalysis Analyze(
        IMarkovChain chain,
        ChainAnalysisOptions? options = null,
        IProgress<Progress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chain);
        options ??= ChainAnalysisOptions.Default;
        options.Validate();
        var (stationaryBase, spectrumOptions, convergenceBase, samplingOptions) = options.ForStages();

        progress?.Report(new Progress("structure", 0, 0));
        var structure = ChainStructure.Analyze(chain, cancellationToken);

        progress?.Report(new Progress("stationary", 0, 0));
        var stationarySolver = options.StationarySolver ?? new StationarySolver(stationaryBase);
        var stationary = stationarySolver.ComputeAll(chain, structure, progress, cancellationToken);
        CheckStationary(stationarySolver, stationary, chain, structure);

        SpectrumResult? spectrum = null;
        if (options.ComputeSpectrum)
        {
            progress?.Report(new Progress("spectrum", 0, 0));
            var spectrumSolver = options.SpectrumSolver ?? new SpectrumSolver(spectrumOptions with { Structure = structure });
            spectrum = spectrumSolver.Compute(chain, progress, cancellationToken)
                ?? throw new InvalidOperationException($"The spectrum solver {spectrumSolver} returned null.");
        }

        EpsilonResult? epsilon = null;
        if (chain is LanguageModelChain model)
        {
            progress?.Report(new Progress("epsilon", 0, 0));
            epsilon = ConvergenceBound.Epsilon(model, convergenceBase, cancellationToken);
        }

        progress?.Report(new Progress("mixing", 0, 0));
        TotalVariationCurve? distances = null;
        TotalVariationCurve? uniformStart = null;
        MixingTimeResult? mixing = null;
        TMinResult? tMin = null;
        if (stationary.Count == 1)
        {
            double[] pi = stationary[0].Distribution;
            if (chain.StateCount <= options.EffectiveWorstCaseMaxStates)
            {
                // the worst-case curve covers at least DistanceSteps (periodic chains too: d(t) is computed, not only d(0))
                var convergence = convergenceBase with
                {
                    InitialSteps = Math.Max(convergenceBase.InitialSteps, options.DistanceSteps),
                    Structure = structure,
                };
                var result = TotalVariation.AnalyzeMixing(
                    chain, pi, options.MixingThreshold, convergence, Stage(progress, "mixing"), cancellationToken);
                distances = result.Curve;
                mixing = result.MixingTime;
                tMin = result.TMin;
            }
            else
            {
                // t_mix and t_min are worst-case quantities: not computed here rather than read off the uniform start
                var uniform = new double[chain.StateCount];
                Array.Fill(uniform, 1.0 / chain.StateCount);
                uniformStart = distances = TotalVariation.DistancesFrom(
                    chain, uniform, pi, options.DistanceSteps, Stage(progress, "mixing"), cancellationToken);
                mixing = new MixingTimeResult(
                    double.NaN, options.MixingThreshold, options.DistanceSteps, MixingTimeStatus.TooLargeForWorstCase, false);
                tMin = new TMinResult(
                    double.NaN, -1, double.NaN, options.DistanceSteps, MixingTimeStatus.TooLargeForWorstCase, false, false);
            }
        }
        else
        {
            // Several recurrent classes: d(t) does not tend to 0 for every start; t_mix and t_min are infinite.
            mixing = new MixingTimeResult(double.PositiveInfinity, options.MixingThreshold, 0, MixingTimeStatus.NotErgodicUnichain, true);
            tMin = new TMinResult(double.PositiveInfinity, -1, double.NaN, 0, MixingTimeStatus.NotErgodicUnichain, true, true);
        }

        SampledTotalVariation? sampledDistances = null;
        RepetitionRateEstimate? sampledRepetition = null;
        if (samplingOptions is { } sampling)
        {
                        sampledDistances = SampledConvergence.EstimateTotalVariation(
                            chain, SampledStart.Uniform, null, sampling, Stage(progress, "sampling"), cancellationToken);
            sampledRepetition = SampledConvergence.EstimateRepetition(
                chain, SampledStart.Uniform, sampling, Stage(progress, "repetition"), cancellationToken);
        }

        progress?.Report(new Progress("done", 1, 1));
        return new ChainAnalysis(
            structure,
            stationary,
            spectrum,
            epsilon,
            options.BoundTarget,
            distances,
            mixing,
            tMin,
            sampledDistances,
            sampledRepetition,
            uniformStart);
    }

    /// <summary>A solver of the user's: one result per recurrent class, in class order, on this chain.</summary>
    private static void CheckStationary(
        IStationarySolver solver, IReadOnlyList<StationaryResult>? results, IMarkovChain chain, ChainStructure structure)
    {
        var classes = structure.RecurrentClasses;
        if (results is null || results.Count != classes.Count)
        {
            throw new InvalidOperationException(
                FormattableString.Invariant($"The stationary solver {solver} returned ") +
                FormattableString.Invariant($"{results?.Count.ToString(CultureInfo.InvariantCulture) ?? "null"} results for a chain ") +
                FormattableString.Invariant($"with {classes.Count} recurrent classes; it must return one per class, in class order."));
        }

        for (int i = 0; i < results.Count; i++)
        {
            if (results[i] is null || results[i].StateCount != chain.StateCount || results[i].Class.Id != classes[i].Id)
            {
                throw new InvalidOperationException(
                    FormattableString.Invariant($"The stationary solver {solver} returned, as result {i}, ") +
                    FormattableString.Invariant($"{(results[i] is null
                        ? "null"
                        : $"a distribution of class {results[i].Class.Id} over {results[i].StateCount} states")}; ") +
                    FormattableString.Invariant($"expected recurrent class {classes[i].Id} over the chain's {chain.StateCount} states."));
            }
        }
    }

    /// <summary>Passes a stage's own progress on under the analysis' name for the stage.</summary>
    private static SynchronousProgress<Progress>? Stage(IProgress<Progress>? progress, string stage)
        => progress is null ? null : new SynchronousProgress<Progress>(p => progress.Report(p with { Stage = stage }));
}
