using LlmChains.InContext.Internals;
using Microsoft.Extensions.Logging;

namespace LlmChains.InContext;

/// <summary>Settings of <see cref="InContextExperiment.Run"/>; the defaults are documented on each property.</summary>
public sealed record InContextExperimentOptions
{
    /// <summary>The default options.</summary>
    public static InContextExperimentOptions Default { get; } = new();

    /// <summary>
    /// N, the largest context length, ≥ 2: each repetition samples X_1 … X_{N+1} and evaluates the predictions after
    /// n = 1 … N states (X_{N+1} is the outcome of the last one). Default 1000.
    /// </summary>
    public int Length { get; init; } = 1000;

    /// <summary>
    /// R ≥ 1, the number of repetitions (trajectories, and chains when the source resamples them); ≥ 2 for bands.
    /// Default 32.
    /// </summary>
    public int Repetitions { get; init; } = 32;

    /// <summary>
    /// The seed; repetition r uses a seed derived from (Seed, r), so results do not depend on the thread count. Default
    /// 0.
    /// </summary>
    public int Seed { get; init; }

    /// <summary>
    /// The number of context lengths reported, log-spaced from 1 to N (always including both; fewer when rounding merges
    /// points), ≥ 2; <see langword="null"/> reports every n = 1 … N. Default 64.
    /// </summary>
    public int? EvaluationPoints { get; init; } = 64;

    /// <summary>The confidence level of the bands, in (0, 1); default 0.95 (the paper's Figs. 6, 7, 10; 0.99 in Figs. 12, 14).</summary>
    public double ConfidenceLevel { get; init; } = 0.95;

    /// <summary>δ of the Thm. 4.3 curve B̄·√(t_min/N)·√log(2/δ), in (0, 1); default 0.05.</summary>
    public double Delta { get; init; } = 0.05;

    /// <summary>B_U ≥ 0 of the Thm. 4.3 constant B̄ = 2√max{log d + 2B_U/τ, log(1/p_min)}; default 1 (as in our worked
    /// example in docs/bounds.md). For real models B_U = T√r makes the curve vacuous; only its slope matters.</summary>
    public double UnembeddingNorm { get; init; } = 1;

    /// <summary>τ &gt; 0 of the Thm. 4.3 constant; default 1.</summary>
    public double Temperature { get; init; } = 1;

    /// <summary>
    /// The smallest N of the scaling-law fit; <see langword="null"/> (default) uses max(10, ⌈N/100⌉), past the initial
    /// plateau (the paper's two-stage regime turns over near N ≈ 20).
    /// </summary>
    public int? FitMinimumLength { get; init; }

    /// <summary>The largest N of the scaling-law fit; <see langword="null"/> (default) uses N.</summary>
    public int? FitMaximumLength { get; init; }

    /// <summary>
    /// c of the reference line c·N^{−1/2}; <see langword="null"/> (default) anchors it to the first predictor's mean risk at
    /// the start of the fit range (separately for each metric). The paper draws 2·N^{−1/2} in Figs. 10 and 16.
    /// </summary>
    public double? ReferenceCoefficient { get; init; }

    /// <summary>Whether to compute t_min of each chain (needed for the Thm. 4.3 curve and the N/t_min axis); default true.</summary>
    public bool ComputeMixingTime { get; init; } = true;

    /// <summary>
    /// t_min is computed only for chains of at most this many states (its worst-case curve costs d starts × horizon
    /// steps); default 100.
    /// </summary>
    public int MixingTimeStateLimit { get; init; } = 100;

    /// <summary>
    /// The largest number of repetitions run at once; <see langword="null"/> (default) uses every processor. Results do
    /// not depend on it.
    /// </summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>Logger for start/finish (Information) and per-repetition (Debug) messages; default none.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        InContextGuard.Length(Length, nameof(Length), "The context length N");
        if (Repetitions < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(Repetitions),
                Repetitions,
                InContextGuard.Inv($"The number of repetitions must be ≥ 1; got {Repetitions}."));
        }

        if (EvaluationPoints is { } points && points < 2)
        {
            throw new ArgumentOutOfRangeException(
                nameof(EvaluationPoints),
                points,
                InContextGuard.Inv($"EvaluationPoints must be ≥ 2 (or null for every position); got {points}."));
        }

        OpenUnit(ConfidenceLevel, nameof(ConfidenceLevel), "The confidence level");
        OpenUnit(Delta, nameof(Delta), "δ");
        if (!(UnembeddingNorm >= 0) || double.IsInfinity(UnembeddingNorm))
        {
            throw new ArgumentOutOfRangeException(
                nameof(UnembeddingNorm),
                UnembeddingNorm,
                InContextGuard.Inv($"B_U must be finite and ≥ 0; got {UnembeddingNorm}."));
        }

        if (!(Temperature > 0) || double.IsInfinity(Temperature))
        {
            throw new ArgumentOutOfRangeException(
                nameof(Temperature),
                Temperature,
                InContextGuard.Inv($"τ must be finite and > 0; got {Temperature}."));
        }

        if (FitMinimumLength is { } lo && lo < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(FitMinimumLength),
                lo,
                InContextGuard.Inv($"The fit range must start at N ≥ 1; got {lo}."));
        }

        if (FitMaximumLength is { } hi && hi < (FitMinimumLength ?? 1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(FitMaximumLength),
                hi,
                InContextGuard.Inv($"The fit range must end at or after its start; got {hi}."));
        }

        if (ReferenceCoefficient is { } c && (!(c > 0) || double.IsInfinity(c)))
        {
            throw new ArgumentOutOfRangeException(
                nameof(ReferenceCoefficient),
                c,
                InContextGuard.Inv($"The reference coefficient must be finite and > 0; got {c}."));
        }

        if (MixingTimeStateLimit < 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MixingTimeStateLimit),
                MixingTimeStateLimit,
                InContextGuard.Inv($"MixingTimeStateLimit must be ≥ 0; got {MixingTimeStateLimit}."));
        }

        if (MaxDegreeOfParallelism is { } degree && degree < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxDegreeOfParallelism),
                degree,
                InContextGuard.Inv($"MaxDegreeOfParallelism must be ≥ 1; got {degree}."));
        }
    }

    /// <summary>The fit range for the configured N.</summary>
    internal (int Minimum, int Maximum) FitRange()
    {
        int max = Math.Min(FitMaximumLength ?? Length, Length);
        int min = FitMinimumLength ?? Math.Max(10, (int)Math.Ceiling(Length / 100.0));
        return (Math.Min(min, max), max);
    }

    private static void OpenUnit(double value, string name, string what)
    {
        if (!(value > 0 && value < 1))
        {
            throw new ArgumentOutOfRangeException(name, value, InContextGuard.Inv($"{what} must lie in (0, 1); got {value}."));
        }
    }
}
