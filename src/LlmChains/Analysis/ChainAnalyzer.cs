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
    /// <param name="progress">Receives the stage and the overall fraction.</param>
    /// <param name="cancellationToken">Cancels the analysis.</param>
    public static ChainAnalysis Analyze(IMarkovChain chain, ChainAnalysisOptions? options = null, IProgress<AnalysisProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chain);
        options ??= ChainAnalysisOptions.Default;
        options.Validate();
        var (stationaryBase, spectrumOptions, convergenceBase, samplingOptions) = options.ForStages();

        progress?.Report(new AnalysisProgress("structure", 0));
        var structure = ChainStructure.Analyze(chain, cancellationToken);

        progress?.Report(new AnalysisProgress("stationary", 0.1));
        var stationaryOptions = stationaryBase with { Structure = structure };
        var stationary = StationaryDistribution.ComputeAll(chain, stationaryOptions, null, cancellationToken);

        SpectrumResult? spectrum = null;
        if (options.ComputeSpectrum)
        {
            progress?.Report(new AnalysisProgress("spectrum", 0.35));
            spectrum = Spectrum.Compute(chain, spectrumOptions, null, cancellationToken);
        }

        EpsilonResult? epsilon = null;
        if (chain is LanguageModelChain model)
        {
            progress?.Report(new AnalysisProgress("epsilon", 0.6));
            epsilon = ConvergenceBound.Epsilon(model, convergenceBase, cancellationToken);
        }

        progress?.Report(new AnalysisProgress("mixing", 0.7));
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
                var convergence = convergenceBase with { InitialSteps = Math.Max(convergenceBase.InitialSteps, options.DistanceSteps) };
                var result = TotalVariation.AnalyzeMixing(chain, pi, options.MixingThreshold, convergence, Band(progress, "mixing", 0.7, 0.85), cancellationToken);
                distances = result.Curve;
                mixing = result.MixingTime;
                tMin = result.TMin;
            }
            else
            {
                // t_mix and t_min are worst-case quantities: not computed here rather than read off the uniform start
                var uniform = new double[chain.StateCount];
                Array.Fill(uniform, 1.0 / chain.StateCount);
                uniformStart = distances = TotalVariation.DistancesFrom(chain, uniform, pi, options.DistanceSteps, Band(progress, "mixing", 0.7, 0.85), cancellationToken);
                mixing = new MixingTimeResult(double.NaN, options.MixingThreshold, options.DistanceSteps, MixingTimeStatus.TooLargeForWorstCase, false);
                tMin = new TMinResult(double.NaN, -1, double.NaN, options.DistanceSteps, MixingTimeStatus.TooLargeForWorstCase, false, false);
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
            progress?.Report(new AnalysisProgress("sampling", 0.85));
            sampledDistances = SampledConvergence.EstimateTotalVariation(chain, SampledStart.Uniform, null, sampling, Band(progress, "sampling", 0.85, 0.95), cancellationToken);
            sampledRepetition = SampledConvergence.EstimateRepetition(chain, SampledStart.Uniform, sampling, Band(progress, "sampling", 0.95, 1), cancellationToken);
        }

        progress?.Report(new AnalysisProgress("done", 1));
        return new ChainAnalysis(structure, stationary, spectrum, epsilon, options.BoundTarget, distances, mixing, tMin, sampledDistances, sampledRepetition, uniformStart);
    }

    /// <summary>Maps a stage's own progress onto [<paramref name="from"/>, <paramref name="to"/>] of the whole analysis.</summary>
    private static SynchronousProgress<ConvergenceProgress>? Band(IProgress<AnalysisProgress>? progress, string stage, double from, double to)
        => progress is null ? null : new SynchronousProgress<ConvergenceProgress>(p => progress.Report(new AnalysisProgress(stage, from + ((to - from) * p.Fraction))));
}
