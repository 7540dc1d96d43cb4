using System.Globalization;
using LlmChains.Internals;

namespace LlmChains.Analysis.LowTemperature;

/// <summary>
/// The τ → 0 asymptotics of a regularly perturbed chain (a model's chain under temperature sampling, or a chain given
/// by resistances): its zero-resistance loops, the inter-loop resistances, the stochastic potentials, the
/// stochastically stable loops, radii and coradii (Young 1993; Freidlin and Wentzell ch. 6; Ellison 2000). See
/// docs/low-temperature.md.
/// </summary>
public sealed class LowTemperatureResult
{
    private readonly double[,] _resistance;

    internal LowTemperatureResult(
        long stateCount,
        IReadOnlyList<LowTemperatureLoop> loops,
        double[,] resistance,
        int closedClassCount,
        bool hasTies,
        long unresolvedStateCount,
        double coradius,
        double modifiedCoradius,
        double stableSetRadius)
    {
        StateCount = stateCount;
        Loops = loops;
        _resistance = resistance;
        ClosedClassCount = closedClassCount;
        HasZeroResistanceTies = hasTies;
        UnresolvedStateCount = unresolvedStateCount;
        Coradius = coradius;
        ModifiedCoradius = modifiedCoradius;
        StableSetRadius = stableSetRadius;
        Stable = loops.Where(l => l.IsStable).Select(l => l.Index).ToArray();
        MinimumPotential = loops.Count == 0 ? double.PositiveInfinity : loops.Min(l => l.Potential);
    }

    /// <summary>The number of states of the chain.</summary>
    public long StateCount { get; }

    /// <summary>The loops L_0 … L_{m−1} of the zero-resistance chain, ordered by their smallest state.</summary>
    public IReadOnlyList<LowTemperatureLoop> Loops { get; }

    /// <summary>The indices of the stochastically stable loops: lim_{τ→0} π_τ is supported on their states.</summary>
    public IReadOnlyList<int> Stable { get; }

    /// <summary>The least potential γ* (over all loops).</summary>
    public double MinimumPotential { get; }

    /// <summary>
    /// The number of closed classes of the loop graph (loops i → j joined where R(i → j) &lt; ∞ and no path leaves the
    /// class). 1 for an irreducible chain at τ &gt; 0; more when truncation (top-k) or absent edges leave the chain at
    /// every τ &gt; 0 with several closed classes: then each has its own stable loops, and the limit depends on the start.
    /// </summary>
    public int ClosedClassCount { get; }

    /// <summary>Whether some state has several zero-resistance edges (tied maximal logits), split uniformly in the τ → 0 limit.</summary>
    public bool HasZeroResistanceTies { get; }

    /// <summary>The number of states whose zero-resistance paths reach several loops (in no basin); 0 without ties.</summary>
    public long UnresolvedStateCount { get; }

    /// <summary>
    /// The coradius CR(Ω) of the stable set Ω (Ellison 2000): max over loops outside Ω of the least resistance
    /// min_{j∈Ω} R(i → j) to reach Ω; the expected time to reach Ω from anywhere grows at most as exp(CR/τ). 0 when every
    /// loop is stable; +∞ when some loop cannot reach Ω.
    /// </summary>
    public double Coradius { get; }

    /// <summary>
    /// The modified coradius CR*(Ω) ≤ CR(Ω) (Ellison 2000): as <see cref="Coradius"/>, but a path through intermediate
    /// loops L_2 … L_{r−1} is charged Σ R − Σ ρ(L_k) (a loop that is quickly left costs little time); the worst-case
    /// expected time to reach Ω grows at most as exp(CR*/τ), usually the sharp exponent.
    /// </summary>
    public double ModifiedCoradius { get; }

    /// <summary>The radius of the stable set as a whole: the least R(i → j) from a stable loop i to an unstable loop j
    /// (+∞ if none).</summary>
    public double StableSetRadius { get; }

    /// <summary>The number of loops m.</summary>
    public int LoopCount => Loops.Count;

    /// <summary>R(from → to): the least total resistance of a path from a state of loop <paramref name="from"/> to a
    /// state of loop <paramref name="to"/> (paths may pass through other loops); 0 on the diagonal; +∞ where
    /// unreachable.</summary>
    /// <param name="from">A loop index.</param>
    /// <param name="to">A loop index.</param>
    /// <returns>The resistance.</returns>
    public double GetResistance(int from, int to)
    {
        CheckLoop(from, nameof(from));
        CheckLoop(to, nameof(to));
        return _resistance[from, to];
    }

    /// <summary>
    /// The first-order prediction π_τ(L_j)/π_τ(L*) ≈ exp(−(γ_j − γ*)/τ) of the stationary mass of loop j relative to a
    /// stable loop L* of its closed class (exact in the exponent: −τ·log of the ratio → γ_j − γ* as τ → 0; the
    /// prefactor is not predicted). 0 for a loop of infinite potential.
    /// </summary>
    /// <param name="loop">A loop index.</param>
    /// <param name="temperature">τ &gt; 0.</param>
    /// <returns>The predicted ratio.</returns>
    public double PredictMassRatio(int loop, double temperature)
    {
        CheckLoop(loop, nameof(loop));
        CheckTemperature(temperature);
        var l = Loops[loop];
        if (double.IsPositiveInfinity(l.Potential))
        {
            return 0;
        }

        double best = Loops.Where(o => o.ClosedClass == l.ClosedClass).Min(o => o.Potential);
        return Math.Exp(-(l.Potential - best) / temperature);
    }

    /// <summary>The first-order prediction E[exit time of loop j] ≈ exp(ρ_j/τ) (exact in the exponent: τ·log E[T] →
    /// ρ_j); +∞ when the loop cannot be left.</summary>
    /// <param name="loop">A loop index.</param>
    /// <param name="temperature">τ &gt; 0.</param>
    /// <returns>The predicted expected exit time, in steps.</returns>
    public double PredictExitTime(int loop, double temperature)
    {
        CheckLoop(loop, nameof(loop));
        CheckTemperature(temperature);
        return Math.Exp(Loops[loop].Radius / temperature);
    }

    private void CheckLoop(int loop, string name)
    {
        if (loop < 0 || loop >= Loops.Count)
        {
            throw Invalid.OutOfRange(
                string.Create(CultureInfo.InvariantCulture, $"{name} must be a loop index in 0..{Loops.Count - 1}; got {loop}."));
        }
    }

    private static void CheckTemperature(double temperature)
    {
        if (!(temperature > 0) || double.IsInfinity(temperature))
        {
            throw Invalid.OutOfRange($"temperature must be a finite number > 0; got {Invalid.Format(temperature)}.");
        }
    }
}
