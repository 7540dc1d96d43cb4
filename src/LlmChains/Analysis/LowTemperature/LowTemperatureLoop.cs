namespace LlmChains.Analysis.LowTemperature;

/// <summary>
/// One loop L_j of the zero-resistance chain (a recurrent class of the τ → 0 limit of sampling: a repetition loop of
/// a model), with its place in the low-temperature limit.
/// </summary>
public sealed record LowTemperatureLoop
{
    /// <summary>The loop's index j (loops are ordered by their smallest state).</summary>
    public required int Index { get; init; }

    /// <summary>The loop's states (0-based chain indices): in the order the chain visits them for a cycle, starting at
    /// the smallest; ascending otherwise.</summary>
    public required IReadOnlyList<long> States { get; init; }

    /// <summary>For a language model, the token each state emits (its last token), in <see cref="States"/> order: the
    /// text repeated forever; <see langword="null"/> for a resistance matrix.</summary>
    public IReadOnlyList<int>? Tokens { get; init; }

    /// <summary>The period of the loop's class in the zero-resistance chain (the cycle length for a cycle).</summary>
    public required int Period { get; init; }

    /// <summary>Whether every state of the loop has exactly one zero-resistance edge (a deterministic cycle).</summary>
    public required bool IsCycle { get; init; }

    /// <summary>The number of states, transient ones included, whose zero-resistance paths lead to this loop and no
    /// other (its basin of attraction).</summary>
    public required long BasinSize { get; init; }

    /// <summary>
    /// The stochastic potential γ(L_j): the least total inter-loop resistance of a spanning in-tree of the loop graph
    /// rooted at L_j (Young 1993), within the loop's closed class of the loop graph; +∞ when the loop is not in a closed
    /// class (transient at every τ &gt; 0).
    /// </summary>
    public required double Potential { get; init; }

    /// <summary>
    /// The radius ρ(L_j) = min_{k≠j} R(j → k), the resistance of leaving the basin (Ellison 2000): the expected exit
    /// time from the loop grows as exp(ρ/τ) to leading exponential order. +∞ when the loop cannot be left.
    /// </summary>
    public required double Radius { get; init; }

    /// <summary>Whether the loop is stochastically stable: of least potential in its closed class (ties within
    /// <see cref="LowTemperatureOptions.TieTolerance"/> all count).</summary>
    public required bool IsStable { get; init; }

    /// <summary>The closed class of the loop graph the loop belongs to (index among closed classes), or
    /// <see langword="null"/> when it is transient at every τ &gt; 0.</summary>
    public int? ClosedClass { get; init; }

    /// <summary>
    /// lim_{τ→0} π_τ(L_j): 1 for the only stable loop of an irreducible loop graph, 0 for an unstable loop, and
    /// <see langword="null"/> when it is not determined at leading order (stable loops tied in potential, whose split
    /// depends on sub-exponential prefactors; or several closed classes, where it depends on the start).
    /// </summary>
    public double? LimitMass { get; init; }

    /// <summary>
    /// The limit distribution inside the loop, in <see cref="States"/> order: the stationary distribution of its class in
    /// the zero-resistance chain (uniform on a cycle); <see langword="null"/> for a class above 2,048 states.
    /// </summary>
    public IReadOnlyList<double>? LimitDistribution { get; init; }
}
