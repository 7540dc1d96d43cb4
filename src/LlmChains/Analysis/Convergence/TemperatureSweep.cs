using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Analysis.Convergence;

/// <summary>
/// Analyses a model's chain over a grid of temperatures (the paper's temperature discussion, Fig. 5): ε, log10 ε, SLEM,
/// t_mix, the stationary entropy and the Prop. 3.4 steps per τ. The model is queried once (its logits are cached with
/// <see cref="TabularModel.Capture"/>), and each stationary solve starts from the previous temperature's π.
/// </summary>
public static class TemperatureSweep
{
    /// <summary>Runs the sweep, in the order of <paramref name="temperatures"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="temperatures">The temperatures, each finite and &gt; 0 (0 = greedy is allowed too).</param>
    /// <param name="truncation">Top-k, top-p and min-p applied at every τ (its temperature is ignored);
    /// <see langword="null"/> for none.</param>
    /// <param name="options">Analysis options; default <see cref="ChainAnalysisOptions.Default"/>.</param>
    /// <param name="chainOptions">Chain build options (precision, parallelism).</param>
    /// <param name="progress">Receives stage "temperature" with the temperatures done and their count, the last τ in the detail.</param>
    /// <param name="cancellationToken">Cancels the sweep.</param>
    public static IReadOnlyList<TemperaturePoint> Run(
        ILanguageModel model,
        IReadOnlyList<double> temperatures,
        DecodingOptions? truncation = null,
        ChainAnalysisOptions? options = null,
        ChainBuildOptions? chainOptions = null,
        IProgress<Progress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(temperatures);
        if (temperatures.Count == 0)
        {
            throw new ArgumentException("The temperature grid is empty.", nameof(temperatures));
        }

        truncation ??= DecodingOptions.Default;
        foreach (double tau in temperatures)
        {
            (truncation with { Temperature = tau }).Validate();
        }

        options ??= ChainAnalysisOptions.Default;
        var cached = TabularModel.Capture(model, cancellationToken: cancellationToken);
        var points = new List<TemperaturePoint>(temperatures.Count);
        double[]? previous = null;
        for (int i = 0; i < temperatures.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var decoding = truncation with { Temperature = temperatures[i] };
            var chain = LanguageModelChain.Build(cached, decoding, chainOptions, null, cancellationToken);
            var pointOptions = options;
            if (options.StationarySolver is null)
            {
                // the library's solver starts from the previous temperature's π (a solver of the user's starts as it likes)
                var stationary = options.Stationary ?? new StationaryOptions();
                if (previous is not null && decoding.KeepsEveryToken && stationary.InitialGuess is null)
                {
                    stationary = stationary with { InitialGuess = previous };
                }

                pointOptions = options with { Stationary = stationary };
            }

            var analysis = ChainAnalyzer.Analyze(chain, pointOptions, null, cancellationToken);
            previous = analysis.Stationary?.Distribution;
            points.Add(new TemperaturePoint(temperatures[i], analysis));
            progress?.Report(
                new Progress("temperature", i + 1, temperatures.Count)
                {
                    Detail = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"τ = {temperatures[i]:R}"),
                });
        }

        return points;
    }
}
