using LlmChains.Analysis;
using LlmChains.Analysis.Spectral;
using LlmChains.Bounds.Internals;
using LlmChains.Chains;
using MathNet.Numerics.LinearAlgebra.Double;

namespace LlmChains.Bounds;

/// <summary>
/// The sample complexity of the frequentist (counting) estimator of a Markov chain that the paper compares with
/// (App. E.1.2, after Wolfer and Kontorovich 2019): N* = max{|S|/(ε²·γ_ps), 1/(γ_ps·π_*)}·log(1/δ), stated with constant 1.
/// </summary>
/// <remarks>
/// <para>
/// The paper (and Wolfer–Kontorovich) give this only up to a universal constant and logarithmic factors; the constant 1 here
/// makes it a comparable order of magnitude, not a guarantee. Their ε is the accuracy of the estimated transition matrix
/// (row-wise total variation), so compare the scaling in |S|, ε and δ with <see cref="PretrainingBound"/> and
/// <see cref="InContextBound"/>, not the values. For the LLM chain Q_f, |S| = |V_K^*| = O(T^K) and π_* = 0 (transient states).
/// </para>
/// <para>
/// γ_ps = max_{k≥1} γ((P*)^k P^k)/k is the pseudo-spectral gap (Paulin 2015, Electron. J. Probab. 20(79), §3), with
/// P*(x, y) = π(y)·P(y, x)/π(x) the time reversal and γ(M) = 1 − λ₂(M) the spectral gap of the π-self-adjoint, positive
/// semi-definite operator (P*)^k P^k. With D = diag(π), D^{1/2}(P*)^k P^k D^{−1/2} = AᵀA for A = D^{1/2} P^k D^{−1/2}, so
/// λ₂ = σ₂(A)², computed by a dense SVD (MathNet). Since every term is at most 1/k, the search over k stops as soon as
/// 1/(k + 1) ≤ the best term (then γ_ps is exact); otherwise it stops at <c>maxPower</c> and γ_ps is a certified lower bound,
/// with <see cref="PseudoSpectralGapUpperBound"/> = max(γ_ps, 1/(maxPower + 1)). A lower γ_ps only makes N* larger.
/// </para>
/// <para>
/// A periodic chain has γ_ps = 0 ((P*)^k P^k keeps each cyclic class) and a reducible chain has no positive π; both give
/// N* = +∞. π_* = min_x π(x) comes from the given stationary distribution or from GTH elimination (exact, subtraction-free).
/// </para>
/// </remarks>
public sealed class FrequentistBaseline
{
    /// <summary>The default largest power k searched for γ_ps.</summary>
    public const int DefaultMaxPower = 1000;

    private const double StationaryTolerance = 1e-8;

    /// <summary>Creates the baseline from known quantities.</summary>
    /// <param name="stateCount">The number of states |S| ≥ 1.</param>
    /// <param name="pseudoSpectralGap">γ_ps ∈ [0, 1] (0 gives N* = +∞).</param>
    /// <param name="minimumStationaryProbability">π_* ∈ [0, 1] (0 gives N* = +∞).</param>
    /// <exception cref="ArgumentException">|S| &lt; 1, or γ_ps or π_* outside [0, 1] or NaN.</exception>
    public FrequentistBaseline(long stateCount, double pseudoSpectralGap, double minimumStationaryProbability)
        : this(stateCount, pseudoSpectralGap, pseudoSpectralGap, null, minimumStationaryProbability, null, [])
    {
    }

    private FrequentistBaseline(
        long stateCount,
        double pseudoSpectralGap,
        double gapUpper,
        int? gapPower,
        double minimumStationaryProbability,
        double[]? stationary,
        List<string> notes)
    {
        BoundGuard.Count(stateCount, nameof(stateCount), "number of states |S|");
        if (!(pseudoSpectralGap >= 0 && pseudoSpectralGap <= 1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(pseudoSpectralGap),
                pseudoSpectralGap,
                $"The pseudo-spectral gap γ_ps must be in [0, 1]; got {BoundGuard.Format(pseudoSpectralGap)}.");
        }

        if (!(minimumStationaryProbability >= 0 && minimumStationaryProbability <= 1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(minimumStationaryProbability),
                minimumStationaryProbability,
                $"The smallest stationary probability π_* must be in [0, 1]; got {BoundGuard.Format(minimumStationaryProbability)}.");
        }

        StateCount = stateCount;
        PseudoSpectralGap = pseudoSpectralGap;
        PseudoSpectralGapUpperBound = gapUpper;
        PseudoSpectralGapPower = gapPower;
        MinimumStationaryProbability = minimumStationaryProbability;
        StationaryDistribution = stationary is null ? null : Array.AsReadOnly(stationary);
        notes.Insert(
            0,
            "Wolfer–Kontorovich (2019) order with constant 1 (App. E.1.2): N* = max{|S|/(ε²γ_ps), " +
            "1/(γ_ps·π_*)}·log(1/δ); an order of magnitude, not a guarantee, and ε is their row-wise TV accuracy.");
        Assumptions = notes.AsReadOnly();
    }

    /// <summary>The number of states |S|.</summary>
    public long StateCount { get; }

    /// <summary>The pseudo-spectral gap γ_ps (a certified lower bound when <see cref="IsPseudoSpectralGapExact"/> is false).</summary>
    public double PseudoSpectralGap { get; }

    /// <summary>An upper bound on γ_ps: equal to <see cref="PseudoSpectralGap"/> when exact, else max(γ_ps, 1/(maxPower + 1)).</summary>
    public double PseudoSpectralGapUpperBound { get; }

    /// <summary>Whether the search over k was complete (the lower and upper bounds coincide).</summary>
    public bool IsPseudoSpectralGapExact => PseudoSpectralGapUpperBound == PseudoSpectralGap;

    /// <summary>The power k attaining the maximum, or <see langword="null"/> when not computed from a chain (or γ_ps = 0).</summary>
    public int? PseudoSpectralGapPower { get; }

    /// <summary>π_* = min_x π(x).</summary>
    public double MinimumStationaryProbability { get; }

    /// <summary>The stationary distribution used, or <see langword="null"/> when not computed from a chain (or not unique).</summary>
    public IReadOnlyList<double>? StationaryDistribution { get; }

    /// <summary>What the numbers assume, one sentence each.</summary>
    public IReadOnlyList<string> Assumptions { get; }

    /// <summary>Computes γ_ps and π_* of a small chain with dense linear algebra.</summary>
    /// <param name="chain">The chain P, 1..2048 states.</param>
    /// <param name="stationaryDistribution">Its stationary distribution π (length n, ≥ 0, sum 1, ‖πP − π‖₁ ≤ 1e−8), or
    /// <see langword="null"/> to compute it by GTH.</param>
    /// <param name="maxPower">The largest power k searched, ≥ 1; default <see cref="DefaultMaxPower"/>.</param>
    /// <param name="cancellationToken">Cancels between powers.</param>
    /// <returns>The baseline.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="chain"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">More than 2048 states, <paramref name="maxPower"/> &lt; 1, or a given π that
    /// is not a stationary distribution of the chain.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static FrequentistBaseline FromChain(
        IMarkovChain chain,
        IReadOnlyList<double>? stationaryDistribution = null,
        int maxPower = DefaultMaxPower,
        CancellationToken cancellationToken = default)
    {
        var p = DenseChain.ToDense(chain, nameof(chain));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPower, 1);
        int n = (int)chain.StateCount;
        var structure = ChainStructure.Analyze(chain, cancellationToken);
        var notes = new List<string>();
        if (!structure.IsIrreducible)
        {
            notes.Add(structure.RecurrentClasses.Count > 1
                ? $"The chain has {structure.RecurrentClasses.Count} recurrent classes: π is not unique, γ_ps and π_* " +
                  $"are reported as 0 and N* is infinite."
                : $"The chain has {structure.TransientStateCount} transient states, so π_* = 0; γ_ps (defined through " +
                  $"the time reversal, which needs π > 0) is reported as 0 and N* is infinite.");
            return new FrequentistBaseline(n, 0, 0, null, 0, null, notes);
        }

        double[] pi = stationaryDistribution is null ? DenseChain.StationaryGth(p, n)! : CheckStationary(stationaryDistribution, p, n);
        notes.Add(stationaryDistribution is null
            ? BoundText.Inv($"π computed by GTH elimination (residual ‖πP − π‖₁ = {BoundText.G(DenseChain.StationaryResidual(p, n, pi))}).")
            : "π given by the caller (checked: ‖πP − π‖₁ ≤ 1e−8).");
        double minimum = pi.Min();
        int period = structure.RecurrentClasses[0].Period;
        if (period > 1)
        {
            notes.Add(BoundText.Inv($"The chain has period {period}: (P*)^k P^k keeps each cyclic class, so γ_ps = 0 and N* is infinite."));
            return new FrequentistBaseline(n, 0, 0, null, minimum, pi, notes);
        }

        if (n == 1)
        {
            notes.Add("One state: γ_ps = 1.");
            return new FrequentistBaseline(n, 1, 1, 1, minimum, pi, notes);
        }

        var sqrtPi = pi.Select(Math.Sqrt).ToArray();
        var power = (double[])p.Clone();
        var next = new double[n * n];
        var a = new double[n * n];
        double best = 0;
        int? bestPower = null;
        int k = 1;
        bool exact = false;
        for (; k <= maxPower; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (k > 1)
            {
                DenseChain.Multiply(power, p, next, n);
                (power, next) = (next, power);
            }

            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    a[(i * n) + j] = sqrtPi[i] * power[(i * n) + j] / sqrtPi[j];
                }
            }

            // row-major A read as column-major is Aᵀ: same singular values
            var singular = new DenseMatrix(n, n, (double[])a.Clone()).Svd(computeVectors: false).S;
            double sigma2 = singular[1];
            double term = Math.Max(0, 1 - (sigma2 * sigma2)) / k;
            if (term > best)
            {
                best = term;
                bestPower = k;
            }

            if (1.0 / (k + 1) <= best)
            {
                exact = true;
                break;
            }
        }

        double upper = exact ? best : Math.Max(best, 1.0 / (maxPower + 1));
        notes.Add(exact
            ? BoundText.Inv(
                $"γ_ps = {BoundText.G(best)} attained at k = {bestPower}; exact, since every term with k > {k} is at " +
                $"most 1/k ≤ 1/{k + 1} ≤ γ_ps.")
            : BoundText.Inv(
                $"γ_ps searched over k = 1..{maxPower}: {BoundText.G(best)} is a lower bound and {BoundText.G(upper)} " +
                $"an upper bound (raise maxPower to close the gap)."));
        return new FrequentistBaseline(n, best, upper, bestPower, minimum, pi, notes);
    }

    /// <summary>N* = ⌈max{|S|/(ε²γ_ps), 1/(γ_ps·π_*)}·log(1/δ)⌉ (constant 1); +∞ when γ_ps = 0 or π_* = 0.</summary>
    /// <param name="epsilon">The accuracy ε, finite and &gt; 0.</param>
    /// <param name="delta">δ ∈ (0, 1).</param>
    /// <returns>N* (an integer, or +∞).</returns>
    /// <exception cref="ArgumentException">ε ≤ 0, δ outside (0, 1), or a NaN or infinite value.</exception>
    public double SampleComplexity(double epsilon, double delta)
    {
        BoundGuard.Epsilon(epsilon);
        BoundGuard.Delta(delta);
        if (PseudoSpectralGap == 0 || MinimumStationaryProbability == 0)
        {
            return double.PositiveInfinity;
        }

        double statistical = StateCount / (epsilon * epsilon * PseudoSpectralGap);
        double burnIn = 1 / (PseudoSpectralGap * MinimumStationaryProbability);
        return Math.Ceiling(Math.Max(statistical, burnIn) * Math.Log(1 / delta));
    }

    /// <summary>
    /// The accuracy the order gives at N samples: ε = √(|S|·log(1/δ)/(γ_ps·N)) once N ≥ log(1/δ)/(γ_ps·π_*) (the burn-in),
    /// +∞ before it or when γ_ps = 0 or π_* = 0.
    /// </summary>
    /// <param name="sampleCount">N, finite and ≥ 1.</param>
    /// <param name="delta">δ ∈ (0, 1).</param>
    /// <returns>ε &gt; 0, or +∞.</returns>
    /// <exception cref="ArgumentException">N &lt; 1, δ outside (0, 1), or a NaN or infinite value.</exception>
    public double ApproximationError(double sampleCount, double delta)
    {
        BoundGuard.SampleCount(sampleCount);
        BoundGuard.Delta(delta);
        if (PseudoSpectralGap == 0 || MinimumStationaryProbability == 0)
        {
            return double.PositiveInfinity;
        }

        double log = Math.Log(1 / delta);
        return sampleCount < log / (PseudoSpectralGap * MinimumStationaryProbability)
            ? double.PositiveInfinity
            : Math.Sqrt(StateCount * log / (PseudoSpectralGap * sampleCount));
    }

    /// <summary>A one-line summary.</summary>
    /// <returns>The summary.</returns>
    public override string ToString() => BoundText.Inv(
        $"FrequentistBaseline(|S| = {StateCount}, γ_ps = {BoundText.G(PseudoSpectralGap)}, π_* = " +
        $"{BoundText.G(MinimumStationaryProbability)})");

    private static double[] CheckStationary(IReadOnlyList<double> stationaryDistribution, double[] p, int n)
    {
        if (stationaryDistribution.Count != n)
        {
            throw new ArgumentException(
                $"The stationary distribution has length {stationaryDistribution.Count}; the chain has {n} states.",
                nameof(stationaryDistribution));
        }

        var pi = stationaryDistribution.ToArray();
        for (int i = 0; i < n; i++)
        {
            if (!(pi[i] >= 0) || double.IsInfinity(pi[i]))
            {
                throw new ArgumentException(
                    BoundText.Inv(
                        $"The stationary distribution has entry {BoundGuard.Format(pi[i])} at state {i}; entries must be finite and ≥ 0."),
                    nameof(stationaryDistribution));
            }
        }

        double sum = pi.Sum();
        double residual = DenseChain.StationaryResidual(p, n, pi);
        if (Math.Abs(sum - 1) > StationaryTolerance || residual > StationaryTolerance)
        {
            throw new ArgumentException(
                BoundText.Inv(
                    $"The given π is not a stationary distribution of the chain: Σπ = {BoundGuard.Format(sum)}, ‖πP − " +
                    $"π‖₁ = {BoundText.G(residual)} (tolerance 1e−8)."),
                nameof(stationaryDistribution));
        }

        return pi;
    }
}
