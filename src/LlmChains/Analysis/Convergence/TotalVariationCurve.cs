using System.Globalization;
using LlmChains.Analysis.Spectral;

namespace LlmChains.Analysis.Convergence;

/// <summary>
/// A total-variation curve d(0), d(1), …, d(Steps) with TV(p, q) = ½‖p − q‖₁ (never L1), row vectors, one step
/// x ← x·Q. For <see cref="TotalVariationStart.WorstCase"/> it is d(t) = max_x TV(Q^t(x, ·), π) (Def. C.8), which is
/// non-increasing in t; otherwise it is TV(μQ^t, π) from one start μ, also non-increasing when π is stationary
/// (‖(μ − π)Q‖₁ ≤ ‖μ − π‖₁).
/// </summary>
public sealed class TotalVariationCurve
{
    private readonly double[] _distances;
    private readonly long[]? _maximizers;

    /// <summary>Wraps a curve computed elsewhere (for example by simulation) so that
    /// <see cref="TotalVariation.MixingTime"/> and <see cref="TotalVariation.TMin"/> apply to it.</summary>
    /// <param name="distances">d(0..steps), each in [0, 1] (within 1e−12) and not NaN; copied.</param>
    /// <param name="start">What the values measure.</param>
    /// <param name="isErgodicUnichain">Whether the chain is known to be an ergodic unichain, <see langword="null"/> when unknown.</param>
    /// <exception cref="ArgumentException">The curve is empty or a value is NaN or outside [0, 1].</exception>
    public TotalVariationCurve(IReadOnlyList<double> distances, TotalVariationStart start, bool? isErgodicUnichain = null)
    {
        ArgumentNullException.ThrowIfNull(distances);
        if (distances.Count == 0)
        {
            throw new ArgumentException("A curve needs at least d(0).", nameof(distances));
        }

        for (int t = 0; t < distances.Count; t++)
        {
            double d = distances[t];
            if (!(d >= -1e-12 && d <= 1 + 1e-12))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"distances[{t}] = {d:R}; a total variation lies in [0, 1]."),
                    nameof(distances));
            }
        }

        _distances = [.. distances];
        Start = start;
        IsErgodicUnichain = isErgodicUnichain;
    }

    internal TotalVariationCurve(
        double[] distances, TotalVariationStart start, bool? isErgodicUnichain, long[]? maximizers, long? startState)
    {
        _distances = distances;
        Start = start;
        IsErgodicUnichain = isErgodicUnichain;
        _maximizers = maximizers;
        StartState = startState;
    }

    /// <summary>d(0), …, d(Steps).</summary>
    public IReadOnlyList<double> Distances => _distances;

    /// <summary>The horizon: the largest t with d(t) computed.</summary>
    public int Steps => _distances.Length - 1;

    /// <summary>d(<paramref name="t"/>).</summary>
    /// <param name="t">0..Steps.</param>
    public double this[int t] => _distances[t];

    /// <summary>What the values measure.</summary>
    public TotalVariationStart Start { get; }

    /// <summary>Whether the values are the worst case over every start (Def. C.8), as t_mix and t_min require.</summary>
    public bool IsWorstCase => Start == TotalVariationStart.WorstCase;

    /// <summary>
    /// Whether the chain is an ergodic unichain (one recurrent class, aperiodic; <see cref="ChainStructure.IsErgodicUnichain"/>),
    /// or <see langword="null"/> when it was not determined. When <see langword="false"/> the mixing times are infinite.
    /// </summary>
    public bool? IsErgodicUnichain { get; }

    /// <summary>For a worst-case curve, the smallest start state attaining d(t) for each t; otherwise <see langword="null"/>.</summary>
    public IReadOnlyList<long>? MaximizingStates => _maximizers;

    /// <summary>The start state for <see cref="TotalVariationStart.State"/> curves (for a prompt: its state), else
    /// <see langword="null"/>.</summary>
    public long? StartState { get; }

    /// <summary>A copy of d(0..Steps).</summary>
    public double[] ToArray() => (double[])_distances.Clone();

    internal ReadOnlySpan<double> Span => _distances;
}
