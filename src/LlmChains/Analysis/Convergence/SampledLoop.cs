namespace LlmChains.Analysis.Convergence;

/// <summary>A repetition loop seen in simulated trajectories: the block of states repeated, and how often trajectories
/// were in it at the horizon.</summary>
/// <param name="States">
/// One period of states, rotated to start at the lexicographically smallest rotation (so the same cycle always has the same
/// key); for a model's chain the tokens it emits are the last token of each state.
/// </param>
/// <param name="Period">p, the smallest period seen (the number of <see cref="States"/>).</param>
/// <param name="Frequency">The fraction of all trajectories that were in this loop at the horizon, with its interval.</param>
public sealed record SampledLoop(IReadOnlyList<long> States, int Period, ProportionEstimate Frequency);
