using LlmChains.Analysis.Spectral;

namespace LlmChains.Analysis.Convergence;

/// <summary>
/// A recurrent class of a model's chain read as a repetition loop (the paper relates the long run of Prop. 3.3 to
/// repetitions): where generation ends up and
/// keeps cycling. Under greedy decoding (or top-k = 1) every recurrent class is a single cycle of states.
/// </summary>
/// <param name="ClassId">The class in <see cref="ChainStructure"/>.</param>
/// <param name="States">The states of the class in the order the chain visits them when it is a cycle, else ascending.</param>
/// <param name="Tokens">
/// The tokens the loop emits, one per state in <see cref="States"/> order (the last token of each state): for a cycle,
/// the text generated forever once the loop is entered.
/// </param>
/// <param name="IsCycle">Whether every state of the class has exactly one successor (a deterministic cycle).</param>
/// <param name="Period">The period of the class (the cycle length for a cycle).</param>
/// <param name="BasinSize">
/// The number of states (transient ones included) from which the chain enters this class with probability 1:
/// states that can reach it and no other recurrent class.
/// </param>
public sealed record RepetitionLoop(
    int ClassId, IReadOnlyList<long> States, IReadOnlyList<int> Tokens, bool IsCycle, int Period, long BasinSize);
