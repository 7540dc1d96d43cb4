namespace LlmChains.Analysis.Fate;

/// <summary>
/// Mean first-passage times m(i, j) = E_i[min{t ≥ 1 : X_t = j}] for i ≠ j and m(i, i) = 0, between the states of the
/// (single) recurrent class, with its stationary distribution and Kemeny's constant.
/// </summary>
public sealed class MeanFirstPassageResult
{
    private readonly double[] _times;

    internal MeanFirstPassageResult(long[] states, double[] stationary, double[] times, double kemeny)
    {
        States = Array.AsReadOnly(states);
        Stationary = Array.AsReadOnly(stationary);
        _times = times;
        KemenyConstant = kemeny;
    }

    /// <summary>The states of the recurrent class, ascending: row and column i of the matrix is state States[i].</summary>
    public IReadOnlyList<long> States { get; }

    /// <summary>π over <see cref="States"/>.</summary>
    public IReadOnlyList<double> Stationary { get; }

    /// <summary>
    /// Kemeny's constant K = Σ_j π_j·m(i, j), the same for every start i (Kemeny and Snell 1960), = trace(Z) − 1 =
    /// Σ_{λ ≠ 1} 1/(1 − λ) with Z = (I − P + 𝟙π)^{-1}. With m(i, i) = 1/π_i instead of 0 one gets K + 1.
    /// </summary>
    public double KemenyConstant { get; }

    /// <summary>m(States[from], States[to]).</summary>
    /// <param name="from">Row index into <see cref="States"/>.</param>
    /// <param name="to">Column index into <see cref="States"/>.</param>
    /// <returns>The mean first-passage time (0 on the diagonal).</returns>
    public double GetTime(int from, int to)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(from);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(from, States.Count);
        ArgumentOutOfRangeException.ThrowIfNegative(to);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(to, States.Count);
        return _times[((long)from * States.Count) + to];
    }

    /// <summary>The mean return time of States[<paramref name="index"/>], 1/π.</summary>
    /// <param name="index">An index into <see cref="States"/>.</param>
    /// <returns>1/π_i.</returns>
    public double GetReturnTime(int index) => 1 / Stationary[index];
}
