using LlmChains.Analysis;
using LlmChains.Analysis.Convergence;
using LlmChains.InContext.Internals;
using MathNet.Numerics.Distributions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmChains.InContext;

/// <summary>
/// Generators of the chains of the paper's in-context experiments (Section 5, App. D): random matrices (the
/// uniform-then-normalised protocol of Liu et al., and Dirichlet rows), the constrained and polygonal random walks
/// (eqs. (6), (7)), the inner-clique/outer-rim family (App. D.3.2, Fig. 15) and random chains with t_min in a
/// requested range (Fig. 6(b, c)). Seeded generators are deterministic for a seed.
/// </summary>
public static class ChainGenerators
{
    /// <summary>
    /// A random matrix with rows U(0, 1)^d normalised to sum 1, the protocol of Liu et al.'s code (the paper
    /// does not say how its random matrices were drawn).
    /// Not Dirichlet(1): the normalised uniform rows are more concentrated around the uniform row.
    /// </summary>
    /// <param name="stateCount">d ≥ 2.</param>
    /// <param name="random">The random source (d² draws of <see cref="Random.NextDouble"/>, row by row).</param>
    /// <returns>The chain, labels "0".."d−1".</returns>
    /// <exception cref="ArgumentException">d &lt; 2.</exception>
    public static GeneratedChain UniformRows(int stateCount, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        InContextGuard.DenseStateCount(stateCount, nameof(stateCount));
        int d = stateCount;
        var matrix = new double[d, d];
        var row = new double[d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                row[j] = random.NextDouble();
            }

            if (DenseRows.Normalize(row) == 0)
            {
                row.AsSpan().Fill(1.0 / d);
            }

            for (int j = 0; j < d; j++)
            {
                matrix[i, j] = row[j];
            }
        }

        return new GeneratedChain(matrix, name: InContextGuard.Inv($"random (uniform-normalised rows, d = {d})"));
    }

    /// <summary>Seeded form of <see cref="UniformRows(int, Random)"/>.</summary>
    /// <param name="stateCount">d ≥ 2.</param>
    /// <param name="seed">Seed of <see cref="Random"/>.</param>
    /// <returns>The chain.</returns>
    public static GeneratedChain UniformRows(int stateCount, int seed) => UniformRows(stateCount, new Random(seed));

    /// <summary>
    /// A random matrix whose rows are independent Dirichlet(α, …, α) vectors, drawn as normalised Gamma(α, 1) variables
    /// in log space (log G = log Gamma(α + 1) + log(U)/α), so that small α never underflows to an all-zero row.
    /// </summary>
    /// <param name="stateCount">d ≥ 2.</param>
    /// <param name="concentration">α, finite and &gt; 0 (α = 1: uniform on the simplex).</param>
    /// <param name="random">The random source.</param>
    /// <returns>The chain, labels "0".."d−1".</returns>
    /// <exception cref="ArgumentException">d &lt; 2 or α ≤ 0, NaN or infinite.</exception>
    public static GeneratedChain Dirichlet(int stateCount, double concentration, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        InContextGuard.DenseStateCount(stateCount, nameof(stateCount));
        InContextGuard.Concentration(concentration, nameof(concentration));
        int d = stateCount;
        var matrix = new double[d, d];
        var logs = new double[d];
        for (int i = 0; i < d; i++)
        {
            double max = double.NegativeInfinity;
            for (int j = 0; j < d; j++)
            {
                double u = 1.0 - random.NextDouble(); // (0, 1]
                logs[j] = Math.Log(Gamma.Sample(random, concentration + 1, 1)) + (Math.Log(u) / concentration);
                max = Math.Max(max, logs[j]);
            }

            double sum = 0;
            for (int j = 0; j < d; j++)
            {
                logs[j] = Math.Exp(logs[j] - max);
                sum += logs[j];
            }

            for (int j = 0; j < d; j++)
            {
                matrix[i, j] = logs[j] / sum;
            }
        }

        return new GeneratedChain(matrix, name: InContextGuard.Inv($"Dirichlet(α = {concentration:G4}) rows, d = {d}"));
    }

    /// <summary>Seeded form of <see cref="Dirichlet(int, double, Random)"/>.</summary>
    /// <param name="stateCount">d ≥ 2.</param>
    /// <param name="concentration">α &gt; 0.</param>
    /// <param name="seed">Seed of <see cref="Random"/>.</param>
    /// <returns>The chain.</returns>
    public static GeneratedChain Dirichlet(
        int stateCount,
        double concentration,
        int seed) => Dirichlet(stateCount, concentration, new Random(seed));

    /// <summary>
    /// The constrained random walk, eq. (6): P(0, 1) = 1, P(d−1, d−2) = 1 and P(i, i±1) = ½ for 1 ≤ i ≤ d−2.
    /// It violates p_min &gt; 0 and is periodic with period 2, so t_min = ∞: a stress test, as in the paper.
    /// </summary>
    /// <param name="stateCount">d ≥ 2.</param>
    /// <returns>The chain.</returns>
    /// <exception cref="ArgumentException">d &lt; 2.</exception>
    public static GeneratedChain ConstrainedRandomWalk(int stateCount)
    {
        InContextGuard.DenseStateCount(stateCount, nameof(stateCount));
        int d = stateCount;
        var matrix = new double[d, d];
        matrix[0, 1] = 1;
        matrix[d - 1, d - 2] = 1;
        for (int i = 1; i <= d - 2; i++)
        {
            matrix[i, i - 1] = 0.5;
            matrix[i, i + 1] = 0.5;
        }

        return new GeneratedChain(matrix, name: InContextGuard.Inv($"constrained random walk, eq. (6), d = {d}"));
    }

    /// <summary>
    /// The polygonal random walk, eq. (7): P(i, (i+1) mod d) = P(i, (i−1) mod d) = ½; periodic for even d.
    /// </summary>
    /// <param name="stateCount">d ≥ 3 (for d = 2 both neighbours coincide and eq. (7) is not a walk on a polygon).</param>
    /// <returns>The chain.</returns>
    /// <exception cref="ArgumentException">d &lt; 3.</exception>
    public static GeneratedChain PolygonalRandomWalk(int stateCount)
    {
        InContextGuard.DenseStateCount(stateCount, nameof(stateCount));
        if (stateCount < 3)
        {
            throw new ArgumentOutOfRangeException(
                nameof(stateCount),
                stateCount,
                InContextGuard.Inv(
                    $"The polygonal random walk needs d ≥ 3 states (for d = 2 the two neighbours coincide); got {stateCount}."));
        }

        int d = stateCount;
        var matrix = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            matrix[i, (i + 1) % d] += 0.5;
            matrix[i, (i + d - 1) % d] += 0.5;
        }

        return new GeneratedChain(matrix, name: InContextGuard.Inv($"polygonal random walk, eq. (7), d = {d}"));
    }

    /// <summary>
    /// The inner-clique/outer-rim chain M_{η,τ} of App. D.3.2 (after Wolfer and Kontorovich; Fig. 15),
    /// d = 3k: states 0..k−1 form the clique and the rim pair of clique state i is (k + 2i, k + 2i + 1).
    /// </summary>
    /// <remarks>
    /// M = [[C_η, R_τ], [R_τ^⊤, L_τ]] with C_η(i, i) = 3/4 − η, C_η(i, j) = η/(k − 1) for i ≠ j;
    /// R_τ(i, rim pair of i) = ((1 + 4τ_iε)/8, (1 − 4τ_iε)/8); L_τ = diag over pairs of ((7 − 4τ_iε)/8, (7 + 4τ_iε)/8).
    /// Every row sums to 1. For τ = 0 the clique self-loop is 3/4 − η, a clique-to-clique move η/(k − 1), clique to each
    /// paired rim state 1/8, rim self-loop 7/8, rim to its clique state 1/8 (Fig. 15).
    /// </remarks>
    /// <param name="stateCount">d = 3k with k ≥ 2 (the clique needs two states for η/(k − 1)).</param>
    /// <param name="eta">η ∈ (0, 3/4]: η = 0 disconnects the clique (reducible), η &gt; 3/4 makes 3/4 − η negative. The
    /// paper uses 0.02.</param>
    /// <param name="labels">τ ∈ {0, 1}^k (the binary label vector, unrelated to temperature); <see langword="null"/> is all zeros.</param>
    /// <param name="perturbation">ε ∈ [0, 1/4] (entries (1 ± 4ε)/8 stay ≥ 0); default 0.</param>
    /// <returns>The chain.</returns>
    /// <exception cref="ArgumentException">d is not 3k with k ≥ 2, η or ε is out of range, or τ has the wrong length.</exception>
    public static GeneratedChain InnerCliqueOuterRim(
        int stateCount,
        double eta,
        IReadOnlyList<bool>? labels = null,
        double perturbation = 0)
    {
        InContextGuard.DenseStateCount(stateCount, nameof(stateCount));
        if (stateCount % 3 != 0 || stateCount < 6)
        {
            throw new ArgumentOutOfRangeException(
                nameof(stateCount),
                stateCount,
                InContextGuard.Inv($"The inner-clique/outer-rim chain needs d = 3k states with k ≥ 2 (6, 9, 12, …); got {stateCount}."));
        }

        if (!(eta > 0 && eta <= 0.75))
        {
            throw new ArgumentOutOfRangeException(
                nameof(eta),
                eta,
                InContextGuard.Inv(
                    $"η must lie in (0, 3/4] (the clique self-loop is 3/4 − η, and η = 0 disconnects the clique); got {eta}."));
        }

        if (!(perturbation >= 0 && perturbation <= 0.25))
        {
            throw new ArgumentOutOfRangeException(
                nameof(perturbation),
                perturbation,
                InContextGuard.Inv($"The perturbation ε must lie in [0, 1/4] (entries (1 ± 4ε)/8 ≥ 0); got {perturbation}."));
        }

        int k = stateCount / 3;
        if (labels is not null && labels.Count != k)
        {
            throw new ArgumentException(
                InContextGuard.Inv($"The label vector τ must have d/3 = {k} entries; got {labels.Count}."),
                nameof(labels));
        }

        var matrix = new double[stateCount, stateCount];
        for (int i = 0; i < k; i++)
        {
            double shift = labels is not null && labels[i] ? 4 * perturbation : 0;
            for (int j = 0; j < k; j++)
            {
                matrix[i, j] = i == j ? 0.75 - eta : eta / (k - 1);
            }

            int a = k + (2 * i);
            int b = a + 1;
            matrix[i, a] = (1 + shift) / 8;
            matrix[i, b] = (1 - shift) / 8;
            matrix[a, i] = (1 + shift) / 8;
            matrix[a, a] = (7 - shift) / 8;
            matrix[b, i] = (1 - shift) / 8;
            matrix[b, b] = (7 + shift) / 8;
        }

        string tau = labels is null ? "0" : string.Concat(labels.Select(t => t ? '1' : '0'));
        return new GeneratedChain(
            matrix,
            name: InContextGuard.Inv($"inner clique/outer rim, d = {stateCount}, η = {eta:G4}, τ = {tau}, ε = {perturbation:G4}"));
    }

    /// <summary>
    /// A random chain whose t_min (as defined with Thm. 4.3, computed by
    /// <see cref="GeneratedChain.ComputeMixingTime"/>) lies in
    /// [<paramref name="minimum"/>, <paramref name="maximum"/>], as in Fig. 6(b, c) (t_min = 43.7, 32.6, 15.2, 4.6).
    /// </summary>
    /// <remarks>
    /// Each attempt draws a base matrix R by <see cref="UniformRows(int, Random)"/>. When t_min(R) is below the range, the
    /// lazy family P_s = s·I + (1 − s)·R (s ∈ [0, 1)) slows mixing; when above, P_s = s·J/d + (1 − s)·R speeds it up
    /// (J/d is the uniform matrix, t_min = 4). s is found by bisection aiming at the geometric middle of the range and
    /// the result is accepted only if its certified t_min is inside the range; otherwise the next attempt starts. Both
    /// families keep every entry positive (p_min &gt; 0), so Thm. 4.3 applies.
    /// </remarks>
    /// <param name="stateCount">d ≥ 2.</param>
    /// <param name="minimum">The lower end, ≥ 4 (the smallest t_min of a chain with two or more states: every term of
    /// the infimum is at least 4t).</param>
    /// <param name="maximum">The upper end, ≥ <paramref name="minimum"/>, finite.</param>
    /// <param name="random">The random source.</param>
    /// <param name="maxAttempts">Base matrices tried before giving up, ≥ 1; default 64.</param>
    /// <param name="loggerFactory">Debug messages per attempt; default none.</param>
    /// <returns>The chain; its name records the t_min found.</returns>
    /// <exception cref="ArgumentException">d &lt; 2 or the range is invalid.</exception>
    /// <exception cref="InvalidOperationException">No attempt produced a chain in the range (the range is too narrow).</exception>
    public static GeneratedChain WithMixingTimeInRange(
        int stateCount,
        double minimum,
        double maximum,
        Random random,
        int maxAttempts = 64,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(random);
        InContextGuard.DenseStateCount(stateCount, nameof(stateCount));
        if (!(minimum >= 4) || double.IsInfinity(minimum))
        {
            throw new ArgumentOutOfRangeException(
                nameof(minimum),
                minimum,
                InContextGuard.Inv(
                    $"The smallest t_min of a chain with two or more states is 4; the lower end must be finite and ≥ 4, got {minimum}."));
        }

        if (!(maximum >= minimum) || double.IsInfinity(maximum))
        {
            throw new ArgumentOutOfRangeException(
                nameof(maximum),
                maximum,
                InContextGuard.Inv($"The upper end must be finite and ≥ the lower end {minimum}; got {maximum}."));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger(typeof(ChainGenerators));
        var options = new ConvergenceOptions { MaxDegreeOfParallelism = 1 };
        double target = Math.Sqrt(minimum * maximum);
        int d = stateCount;
        for (int attempt = 1; attempt <= maxAttempts; attempt++)
        {
            var baseChain = UniformRows(d, random);
            double baseTMin = TMinOf(baseChain, options);
            bool slowDown = baseTMin < target;
            GeneratedChain? best = null;
            double bestTMin = baseTMin;
            if (baseTMin >= minimum && baseTMin <= maximum)
            {
                best = baseChain;
            }
            else
            {
                // t_min(s) runs from t_min(R) at s = 0 towards ∞ (lazy) or 4 (uniform) as s → 1.
                double lo = 0;
                double hi = slowDown ? 1 - 1e-9 : 1;
                for (int iteration = 0; iteration < 60; iteration++)
                {
                    double s = 0.5 * (lo + hi);
                    var candidate = Mix(baseChain, s, slowDown);
                    double t = TMinOf(candidate, options);
                    if (t >= minimum && t <= maximum)
                    {
                        best = candidate;
                        bestTMin = t;
                        if (Math.Abs(Math.Log(t / target)) < 0.25 * Math.Log(Math.Max(maximum / minimum, 1.0001)))
                        {
                            break;
                        }
                    }

                    bool tooSmall = t < target;
                    if (tooSmall == slowDown)
                    {
                        lo = s;
                    }
                    else
                    {
                        hi = s;
                    }
                }
            }

            if (logger.IsEnabled(LogLevel.Debug))
            {
                Log.MixingTimeAttempt(logger, minimum, maximum, attempt, bestTMin);
            }

            if (best is not null)
            {
                return new GeneratedChain(
                    best.ToArray(),
                    name: InContextGuard.Inv($"random with t_min = {bestTMin:G4} in [{minimum:G4}, {maximum:G4}], d = {d}"));
            }
        }

        throw new InvalidOperationException(
            InContextGuard.Inv(
                $"No chain with t_min in [{minimum:G4}, {maximum:G4}] was found in {maxAttempts} attempts; widen the range."));
    }

    /// <summary>Seeded form of <see cref="WithMixingTimeInRange(int, double, double, Random, int, ILoggerFactory?)"/>.</summary>
    /// <param name="stateCount">d ≥ 2.</param>
    /// <param name="minimum">The lower end, ≥ 4.</param>
    /// <param name="maximum">The upper end.</param>
    /// <param name="seed">Seed of <see cref="Random"/>.</param>
    /// <returns>The chain.</returns>
    public static GeneratedChain WithMixingTimeInRange(int stateCount, double minimum, double maximum, int seed)
        => WithMixingTimeInRange(stateCount, minimum, maximum, new Random(seed));

    private static double TMinOf(GeneratedChain chain, ConvergenceOptions options)
    {
        var result = chain.ComputeMixingTime(options);
        return result.IsCertified ? result.Value : double.PositiveInfinity;
    }

    private static GeneratedChain Mix(GeneratedChain chain, double s, bool towardsIdentity)
    {
        int d = chain.StateCount;
        var matrix = chain.ToArray();
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                double target = towardsIdentity ? (i == j ? 1 : 0) : 1.0 / d;
                matrix[i, j] = (s * target) + ((1 - s) * matrix[i, j]);
            }
        }

        return new GeneratedChain(matrix, name: chain.Name);
    }
}
