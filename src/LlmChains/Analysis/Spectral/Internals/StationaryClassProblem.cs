using LlmChains.Chains;

namespace LlmChains.Analysis.Spectral.Internals;

/// <summary>
/// One recurrent class posed as a chain of its own: the class's transition matrix (closed, so its rows still sum
/// to 1) on local indices 0..Size−1, and the map back to the states of the whole chain.
/// </summary>
/// <param name="Class">The class.</param>
/// <param name="Operator">The class's chain on local indices.</param>
/// <param name="Size">The number of states.</param>
/// <param name="States">Local index → state, ascending; <see langword="null"/> when the states are contiguous from
/// <paramref name="FirstState"/>.</param>
/// <param name="FirstState">The smallest state.</param>
internal sealed record StationaryClassProblem(CommunicatingClass Class, IMarkovChain Operator, int Size, int[]? States, long FirstState)
{
    /// <summary>
    /// The residual below which ‖x·Q − x‖₁ is rounding noise in double precision: 16·u·(MaxRowNonZeros + ⌈log₂ n⌉)
    /// with u = 2⁻⁵³ (each entry of x·Q carries about u·nnz/row relative error, the sum over n entries about u·log₂ n).
    /// </summary>
    public double RoundingFloor { get; } = 16 * (1.0 / (1L << 53)) * (Operator.MaxRowNonZeros + Math.Ceiling(Math.Log2(Math.Max(2, Size))));

    public long GlobalState(int local) => States is null ? FirstState + local : States[local];

    /// <summary>
    /// Whether a residual above the tolerance can no longer be reduced: within twice the row-sum defect
    /// |Σ(x·Q) − Σx|/Σx (the stored rows do not sum exactly to 1) or below the rounding floor.
    /// </summary>
    public bool AtFloor(double residual, double defect) => residual <= Math.Max(2 * defect, RoundingFloor);
}
