using LlmChains.Analysis.Convergence;
using LlmChains.Chains;

namespace LlmChains.Cli.Commands.Analyze;

/// <summary>
/// The sampled diagnostics asked for on the command line: --sample N (0 = off), or, without it, N =
/// <see cref="AnalyzeCommand.AutomaticSampleSize"/> when the chain has more states than the exact worst case handles.
/// </summary>
internal sealed record SamplingRequest(int? Trajectories, SamplingOptions Options)
{
    /// <summary>The budget of the exact worst case (n² doubles): --max-memory, or by default a quarter of the available memory.</summary>
    public long WorstCaseBytes { get; init; } = TotalVariation.DefaultWorstCaseMemoryBytes;

    /// <summary>The largest chain whose worst case is computed exactly; above it sampling is on by itself.</summary>
    public int WorstCaseMaxStates => TotalVariation.MaxWorstCaseStatesFor(WorstCaseBytes);

    /// <summary>Reads and checks the sampling options (each error names its option).</summary>
    public static SamplingRequest Parse(
        int? trajectories, double confidence, int burnIn, int seed, int maxLoopPeriod, int steps, int? projectionTokens = null)
    {
        if (trajectories is < 0)
        {
            throw new CliException(
                $"--sample {trajectories}: the number of trajectories must be ≥ 0 (0 turns sampling off)", ExitCodes.UsageError);
        }

        if (!(confidence > 0 && confidence < 1))
        {
            throw new CliException(
                FormattableString.Invariant($"--confidence {confidence}: the confidence level must lie in (0, 1)"), ExitCodes.UsageError);
        }

        if (burnIn < 0)
        {
            throw new CliException($"--burn-in {burnIn}: the burn-in must be ≥ 0", ExitCodes.UsageError);
        }

        if (maxLoopPeriod < 1)
        {
            throw new CliException($"--max-loop-period {maxLoopPeriod}: the period must be ≥ 1", ExitCodes.UsageError);
        }

        if (projectionTokens is < 1)
        {
            throw new CliException($"--projection-tokens {projectionTokens}: the number of tokens must be ≥ 1", ExitCodes.UsageError);
        }

        var projection = projectionTokens is { } m ? SampledProjection.LastTokens(m) : null;
        return new SamplingRequest(trajectories, new SamplingOptions
        {
            Confidence = confidence,
            BurnIn = burnIn,
            Seed = seed,
            Steps = steps,
            MaxLoopPeriod = maxLoopPeriod,
            Projection = projection,
        });
    }

    /// <summary>Whether sampling runs only because the chain is large (no --sample given).</summary>
    public bool IsAutomatic(IMarkovChain chain) => Trajectories is null && chain.StateCount > WorstCaseMaxStates;

    /// <summary>The options for <paramref name="chain"/>, or null when nothing is sampled.</summary>
    public SamplingOptions? For(IMarkovChain chain) => Trajectories switch
    {
        > 0 and int n => Options with { Trajectories = n },
        null when IsAutomatic(chain) => Options with { Trajectories = AnalyzeCommand.AutomaticSampleSize },
        _ => null,
    };
}
