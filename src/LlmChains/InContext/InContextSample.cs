using LlmChains.InContext.Internals;

namespace LlmChains.InContext;

/// <summary>One repetition's input: a chain and a trajectory X_1 … X_L on its states.</summary>
public sealed class InContextSample
{
    private readonly int[] _trajectory;

    /// <summary>Creates a sample, validating the trajectory.</summary>
    /// <param name="chain">The chain whose rows are the true next-state distributions.</param>
    /// <param name="trajectory">X_1 … X_L, L ≥ 2, states in 0..d−1 (copied).</param>
    /// <exception cref="ArgumentException">L &lt; 2 or a state is out of range.</exception>
    public InContextSample(GeneratedChain chain, ReadOnlySpan<int> trajectory)
    {
        ArgumentNullException.ThrowIfNull(chain);
        InContextGuard.Length(trajectory.Length, nameof(trajectory));
        for (int i = 0; i < trajectory.Length; i++)
        {
            if ((uint)trajectory[i] >= (uint)chain.StateCount)
            {
                throw new ArgumentException(
                    InContextGuard.Inv($"State {trajectory[i]} at position {i} is outside 0..{chain.StateCount - 1}."),
                    nameof(trajectory));
            }
        }

        Chain = chain;
        _trajectory = trajectory.ToArray();
    }

    /// <summary>The chain.</summary>
    public GeneratedChain Chain { get; }

    /// <summary>The trajectory.</summary>
    public ReadOnlySpan<int> Trajectory => _trajectory;
}
