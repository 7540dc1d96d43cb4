using System.Globalization;
using LlmChains.Analysis.Convergence.Internals;
using LlmChains.Chains;

namespace LlmChains.Analysis.Convergence;

/// <summary>
/// The law of X_0 of simulated trajectories in <see cref="SampledConvergence"/>: one state, a prompt's state, the uniform
/// law over all states, over a range or over a list of states, or any of these followed by a burn-in of B steps
/// (the law of X_B, a stand-in for the stationary distribution). Nothing here allocates a vector of length n.
/// </summary>
public sealed class SampledStart
{
    private readonly long _first;
    private readonly long _count; // 0 for "all states"
    private readonly long[]? _states;
    private readonly SampledStart? _base;
    private readonly int _burnIn;

    private SampledStart(long first, long count, long[]? states, SampledStart? baseStart, int burnIn)
    {
        _first = first;
        _count = count;
        _states = states;
        _base = baseStart;
        _burnIn = burnIn;
    }

    /// <summary>The uniform law over all n states of the chain.</summary>
    public static SampledStart Uniform { get; } = new(0, 0, null, null, 0);

    /// <summary>The point mass at <paramref name="state"/>.</summary>
    /// <param name="state">A state index ≥ 0 (checked against the chain when used).</param>
    public static SampledStart State(long state)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(state);
        return new SampledStart(state, 1, null, null, 0);
    }

    /// <summary>The point mass at the state of a prompt: its last K tokens (the model sees only those, Def.
    /// B.2).</summary>
    /// <param name="states">The state space of the model (<see cref="LanguageModelChain.States"/>).</param>
    /// <param name="prompt">One or more tokens in 0..T−1, oldest first.</param>
    /// <exception cref="ArgumentException">The prompt is empty or has a token outside the vocabulary.</exception>
    public static SampledStart Prompt(StateSpace states, ReadOnlySpan<int> prompt)
    {
        ArgumentNullException.ThrowIfNull(states);
        if (prompt.IsEmpty)
        {
            throw new ArgumentException("The prompt is empty; it needs at least one token.", nameof(prompt));
        }

        int k = states.ContextWindow;
        return State(states.Rank(prompt.Length > k ? prompt[^k..] : prompt));
    }

    /// <summary>The uniform law over the states <paramref name="first"/>..<paramref name="first"/> + <paramref name="count"/> − 1
    /// (for a model's chain, the full-length states are <see cref="StateSpace.FullLengthOffset"/> and
    /// <see cref="StateSpace.FullLengthStateCount"/>).</summary>
    /// <param name="first">The first state, ≥ 0.</param>
    /// <param name="count">The number of states, ≥ 1.</param>
    public static SampledStart UniformRange(long first, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (first > long.MaxValue - count)
        {
            throw new ArgumentOutOfRangeException(
                nameof(count),
                count,
                string.Create(CultureInfo.InvariantCulture, $"The range {first} + {count} overflows a 64-bit index."));
        }

        return new SampledStart(first, count, null, null, 0);
    }

    /// <summary>The uniform law over the listed states (a state listed twice has twice the weight).</summary>
    /// <param name="states">At least one state index ≥ 0; copied.</param>
    public static SampledStart UniformAmong(IReadOnlyList<long> states)
    {
        ArgumentNullException.ThrowIfNull(states);
        if (states.Count == 0)
        {
            throw new ArgumentException("The list of start states is empty.", nameof(states));
        }

        long[] copy = [.. states];
        for (int i = 0; i < copy.Length; i++)
        {
            if (copy[i] < 0)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(states),
                    copy[i],
                    string.Create(CultureInfo.InvariantCulture, $"states[{i}] = {copy[i]}; a state index is ≥ 0."));
            }
        }

        return new SampledStart(0, copy.Length, copy, null, 0);
    }

    /// <summary>The law of X_<paramref name="steps"/> when X_0 follows this law: μQ^B with B = <paramref name="steps"/>.</summary>
    /// <param name="steps">B ≥ 0.</param>
    public SampledStart AfterBurnIn(int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        if (steps == 0)
        {
            return this;
        }

        return _base is not null
            ? new SampledStart(0, 0, null, _base, checked(_burnIn + steps))
            : new SampledStart(0, 0, null, this, steps);
    }

    /// <summary>The burn-in B (0 for a law without one).</summary>
    public int BurnIn => _burnIn;

    /// <summary>The law before the burn-in (this law itself when <see cref="BurnIn"/> is 0).</summary>
    public SampledStart Initial => _base ?? this;

    /// <summary>The state of a point mass, otherwise <see langword="null"/>.</summary>
    public long? SingleState => _base is null && _states is null && _count == 1 ? _first : null;

    /// <summary>A readable description, e.g. "state 7", "uniform over all states", "after 1,000 steps from state 7".</summary>
    public override string ToString()
    {
        if (_base is not null)
        {
            return string.Create(CultureInfo.InvariantCulture, $"after {_burnIn:N0} steps from {_base}");
        }

        if (_states is not null)
        {
            return _states.Length == 1
                ? string.Create(CultureInfo.InvariantCulture, $"state {_states[0]}")
                : string.Create(CultureInfo.InvariantCulture, $"uniform over {_states.Length:N0} listed states");
        }

        return _count switch
        {
            0 => "uniform over all states",
            1 => string.Create(CultureInfo.InvariantCulture, $"state {_first}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"uniform over states {_first}..{_first + _count - 1}"),
        };
    }

    /// <summary>Throws when a state of this law is outside 0..n−1.</summary>
    internal void Check(long stateCount, string name)
    {
        var initial = Initial;
        if (initial._states is { } states)
        {
            for (int i = 0; i < states.Length; i++)
            {
                if (states[i] >= stateCount)
                {
                    throw new ArgumentOutOfRangeException(
                        name,
                        states[i],
                        string.Create(CultureInfo.InvariantCulture, $"Start state {states[i]} is outside 0..{stateCount - 1}."));
                }
            }
        }
        else if (initial._count > 0 && initial._first + initial._count > stateCount)
        {
            string what = initial._count == 1
                ? string.Create(CultureInfo.InvariantCulture, $"Start state {initial._first}")
                : string.Create(CultureInfo.InvariantCulture, $"Start range {initial._first}..{initial._first + initial._count - 1}");
            throw new ArgumentOutOfRangeException(
                name, initial._first, string.Create(CultureInfo.InvariantCulture, $"{what} is outside 0..{stateCount - 1}."));
        }
    }

    /// <summary>Draws X_0 (and runs the burn-in) with the trajectory's random numbers.</summary>
    internal long Draw(SamplingWalker walker, ref TrajectoryRandom random)
    {
        var initial = Initial;
        long state = initial._states is { } states ? states[states.Length == 1 ? 0 : random.NextInt64(states.Length)]
            : initial._count == 1 ? initial._first
            : initial._count == 0 ? random.NextInt64(walker.StateCount)
            : initial._first + random.NextInt64(initial._count);
        for (int i = 0; i < _burnIn; i++)
        {
            state = walker.Step(state, ref random);
        }

        return state;
    }
}
