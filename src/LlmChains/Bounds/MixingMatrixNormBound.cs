using LlmChains.Analysis;
using LlmChains.Analysis.Spectral;
using LlmChains.Bounds.Internals;
using LlmChains.Chains;

namespace LlmChains.Bounds;

/// <summary>
/// An upper bound on the norm ‖Γ‖ of the Marton-coupling mixing matrix of a sequence drawn from a Markov chain P
/// (beyond the paper: it lets Markov data enter Thm. 4.2 through <see cref="PretrainingBound"/>'s <c>gammaNorm</c>).
/// </summary>
/// <remarks>
/// <para>
/// For a Markov chain, Paulin (2015, Electron. J. Probab. 20(79), §2, Marton couplings of Markov chains from maximal
/// couplings) builds a Marton coupling whose mixing matrix
/// satisfies Γ_ij ≤ d̄(j − i) for i &lt; j, with d̄(t) = max_{x,y} TV(P^t(x,·), P^t(y,·)) (Γ_ii = 1). Γ is then
/// dominated entrywise by the upper-triangular Toeplitz matrix with first row (1, d̄(1), d̄(2), …); for non-negative
/// matrices the operator 2-norm is monotone under entrywise domination, and ‖A‖₂ ≤ √(‖A‖₁‖A‖_∞), so
/// ‖Γ‖ ≤ 1 + Σ_{t=1}^{N−1} d̄(t) ≤ 1 + Σ_{t≥1} d̄(t).
/// </para>
/// <para>
/// The infinite sum is bounded by computing d̄(1..t₀) with dense powers and closing the tail with submultiplicativity
/// d̄(s + t) ≤ d̄(s)·d̄(t) (Levin, Peres and Wilmer, Markov Chains and Mixing Times, §4.4): every t &gt; t₀ is q·t₀ + r
/// with q ≥ 1, 1 ≤ r ≤ t₀, so
/// d̄(t) ≤ ρ^q·d̄(r) with ρ = d̄(t₀), and Σ_{t&gt;t₀} d̄(t) ≤ S·ρ/(1 − ρ) where S = Σ_{t=1}^{t₀} d̄(t). Hence
/// ‖Γ‖ ≤ 1 + S/(1 − ρ) for every t₀ with ρ &lt; 1; the smallest such value over the computed t₀ is reported. Powers stop
/// when the tail term is below 1e−12 of the sum (or d̄ ≤ 1e−16), at t = N − 1 when a sequence length N is given, or at
/// <c>maxSteps</c>. For a geometric d̄(t) = λ^t the bound is exact: 1/(1 − λ).
/// </para>
/// <para>
/// A chain that is not an ergodic unichain (several recurrent classes, or a periodic one) has d̄(t) = 1 for every t:
/// the bound is +∞, or N when a sequence length N is given. An i.i.d. sequence (all rows of P equal) has d̄ ≡ 0 and
/// ‖Γ‖ = 1. For the paper's pre-training windows S_n, pass the chain of the windows (for first-order Markov tokens,
/// the window chain on V_K^*), not the token chain.
/// </para>
/// <para>Dense: at most 2048 states, O(n³) work per power.</para>
/// </remarks>
public sealed class MixingMatrixNormBound
{
    /// <summary>The default largest number of powers computed.</summary>
    public const int DefaultMaxSteps = 100_000;

    private const double RelativeTailTolerance = 1e-12;
    private const double NegligibleContraction = 1e-16;

    private MixingMatrixNormBound(
        double value,
        double[] contractions,
        double tail,
        long? sequenceLength,
        bool ergodic,
        IReadOnlyList<string> assumptions)
    {
        Value = value;
        Contractions = Array.AsReadOnly(contractions);
        TailBound = tail;
        SequenceLength = sequenceLength;
        IsErgodicUnichain = ergodic;
        Assumptions = assumptions;
    }

    /// <summary>The bound on ‖Γ‖: ≥ 1, +∞ when d̄ does not decay and no sequence length was given.</summary>
    public double Value { get; }

    /// <summary>Whether <see cref="Value"/> is finite.</summary>
    public bool IsFinite => double.IsFinite(Value);

    /// <summary>The computed d̄(1), d̄(2), …, d̄(t₀) (empty when the chain is not an ergodic unichain).</summary>
    public IReadOnlyList<double> Contractions { get; }

    /// <summary>The bound S·ρ/(1 − ρ) on the terms beyond t₀ included in <see cref="Value"/> (0 when the sum was exact).</summary>
    public double TailBound { get; }

    /// <summary>The sequence length N the sum was cut at, or <see langword="null"/> for the bound valid at every N.</summary>
    public long? SequenceLength { get; }

    /// <summary>Whether the chain is an ergodic unichain (otherwise d̄ ≡ 1).</summary>
    public bool IsErgodicUnichain { get; }

    /// <summary>What the number assumes, one sentence each.</summary>
    public IReadOnlyList<string> Assumptions { get; }

    /// <summary>Computes the bound for a sequence drawn from <paramref name="chain"/>.</summary>
    /// <param name="chain">The data chain P (row-stochastic), 1..2048 states.</param>
    /// <param name="sequenceLength">The sequence length N ≥ 1 to cut the sum at t = N − 1 (a sharper bound valid for
    /// that N only), or <see langword="null"/>.</param>
    /// <param name="maxSteps">The largest power t₀ computed, ≥ 1; default <see cref="DefaultMaxSteps"/>.</param>
    /// <param name="cancellationToken">Cancels between powers.</param>
    /// <returns>The bound with the d̄ values it used.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="chain"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The chain has more than 2048 states, N &lt; 1, or
    /// <paramref name="maxSteps"/> &lt; 1.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static MixingMatrixNormBound FromChain(
        IMarkovChain chain,
        long? sequenceLength = null,
        int maxSteps = DefaultMaxSteps,
        CancellationToken cancellationToken = default)
    {
        var p = DenseChain.ToDense(chain, nameof(chain));
        if (sequenceLength is { } length)
        {
            BoundGuard.Count(length, nameof(sequenceLength), "sequence length N");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxSteps, 1);
        int n = (int)chain.StateCount;
        long lastTerm = sequenceLength is { } len ? Math.Min(len - 1, maxSteps) : maxSteps;
        var structure = ChainStructure.Analyze(chain, cancellationToken);
        var assumptions = new List<string>
        {
            "Paulin (2015, §2): a Markov sequence has a Marton coupling with Γ_ij ≤ d̄(j − i), d̄(t) = max_{x,y} " +
            "TV(P^t(x,·), P^t(y,·)); ‖Γ‖ ≤ 1 + Σ_{t≥1} d̄(t) since Γ is dominated by a non-negative Toeplitz matrix " +
            "(‖A‖₂ ≤ √(‖A‖₁‖A‖_∞)).",
            "The sequence is a time-homogeneous Markov chain with transition matrix P (any initial law); for the " +
            "pre-training windows S_n pass the window chain.",
        };

        if (!structure.IsErgodicUnichain)
        {
            string why = structure.RecurrentClasses.Count > 1
                ? $"{structure.RecurrentClasses.Count} recurrent classes"
                : $"a recurrent class of period {structure.RecurrentClasses[0].Period}";
            double value = sequenceLength is { } m ? m : double.PositiveInfinity;
            assumptions.Add(sequenceLength is null
                ? $"The chain has {why}, so d̄(t) = 1 for every t and the bound is infinite."
                : BoundText.Inv($"The chain has {why}, so d̄(t) = 1 for every t and the bound is 1 + (N − 1) = N = {sequenceLength}."));
            return new MixingMatrixNormBound(value, [], 0, sequenceLength, false, assumptions.AsReadOnly());
        }

        var contractions = new List<double>();
        var power = (double[])p.Clone();
        var next = new double[n * n];
        var scratch = new double[n];
        double sum = 0;
        double best = double.PositiveInfinity;
        double bestTail = 0;
        for (long t = 1; t <= lastTerm; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (t > 1)
            {
                DenseChain.Multiply(power, p, next, n);
                (power, next) = (next, power);
            }

            double rho = n == 1 ? 0 : DenseChain.MaxPairTotalVariation(power, n, scratch, cancellationToken);
            contractions.Add(rho);
            sum += rho;
            if (rho < 1)
            {
                double tail = sum * rho / (1 - rho);
                if (1 + sum + tail < best)
                {
                    best = 1 + sum + tail;
                    bestTail = tail;
                }

                if (tail <= RelativeTailTolerance * (1 + sum) || rho <= NegligibleContraction)
                {
                    break;
                }
            }
        }

        if (sequenceLength is { } total && contractions.Count == total - 1 && 1 + sum <= best)
        {
            // every term up to t = N − 1 was computed: the cut sum is exact
            best = 1 + sum;
            bestTail = 0;
        }

        bool exact = bestTail == 0;
        assumptions.Add(double.IsFinite(best)
            ? BoundText.Inv(
                $"d̄ computed by dense powers for t = 1..{contractions.Count}; " +
                $"{(exact
                    ? "the sum is exact up to rounding"
                    : $"the tail beyond t₀ is bounded by submultiplicativity, S·ρ/(1 − ρ) = {BoundText.G(bestTail)}")}.")
            : BoundText.Inv($"d̄ did not drop below 1 within {contractions.Count} powers; the bound is infinite (raise maxSteps)."));
        if (sequenceLength is not null)
        {
            assumptions.Add(
                BoundText.Inv(
                    $"The sum is cut at t = N − 1 = {sequenceLength - 1}: valid for sequences of length N = {sequenceLength} only."));
        }

        return new MixingMatrixNormBound(best, contractions.ToArray(), bestTail, sequenceLength, true, assumptions.AsReadOnly());
    }
}
