using System.Globalization;
using LlmChains.Analysis;
using LlmChains.Analysis.Convergence;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.InContext.Internals;
using LlmChains.Models;

namespace LlmChains.InContext;

/// <summary>
/// A small dense Markov chain P on d ≥ 2 states given in a prompt (the input of Thm. 4.3): the transition matrix, a
/// text label
/// per state ("0", "1", … or "150" … "849") and a name. Rows are row-stochastic: P(x, y) = P(X_{n+1} = y | X_n = x).
/// </summary>
/// <remarks>Instances are immutable and safe to share between threads.</remarks>
public sealed class GeneratedChain
{
    /// <summary>The default largest accepted |row sum − 1|.</summary>
    public const double DefaultTolerance = 1e-9;

    private readonly double[] _rows;
    private readonly string[] _labels;
    private SparseMarkovChain? _sparse;

    /// <summary>Creates a chain from a dense row-stochastic matrix, validating every entry.</summary>
    /// <param name="transitionMatrix">P, d × d with d ≥ 2, entries finite and ≥ 0, rows summing to 1 within
    /// <paramref name="tolerance"/>.</param>
    /// <param name="labels">The text of each state (distinct, non-empty); <see langword="null"/> gives "0" … "d−1".</param>
    /// <param name="name">A short description used in reports; default "chain (d = …)".</param>
    /// <param name="tolerance">Largest accepted |row sum − 1|, finite and ≥ 0; default <see cref="DefaultTolerance"/>.</param>
    /// <exception cref="ArgumentException">The matrix is not square, d &lt; 2, an entry is negative or not finite, a
    /// row does not sum to 1, or the labels are not d distinct non-empty texts.</exception>
    public GeneratedChain(
        double[,] transitionMatrix,
        IReadOnlyList<string>? labels = null,
        string? name = null,
        double tolerance = DefaultTolerance)
    {
        ArgumentNullException.ThrowIfNull(transitionMatrix);
        if (!(tolerance >= 0) || double.IsInfinity(tolerance))
        {
            throw new ArgumentOutOfRangeException(
                nameof(tolerance),
                tolerance,
                InContextGuard.Inv($"tolerance must be finite and ≥ 0; got {tolerance}."));
        }

        int d = transitionMatrix.GetLength(0);
        if (transitionMatrix.GetLength(1) != d)
        {
            throw new ArgumentException(
                InContextGuard.Inv($"The transition matrix must be square; it is {d} × {transitionMatrix.GetLength(1)}."),
                nameof(transitionMatrix));
        }

        InContextGuard.StateCount(d, nameof(transitionMatrix));
        _rows = new double[d * d];
        double minimum = double.PositiveInfinity;
        for (int i = 0; i < d; i++)
        {
            double sum = 0;
            for (int j = 0; j < d; j++)
            {
                double p = transitionMatrix[i, j];
                if (!(p >= 0) || double.IsInfinity(p))
                {
                    throw new ArgumentException(
                        InContextGuard.Inv($"Entry ({i}, {j}) is {p}; transition probabilities must be finite and ≥ 0."),
                        nameof(transitionMatrix));
                }

                sum += p;
                minimum = Math.Min(minimum, p);
                _rows[(i * d) + j] = p;
            }

            if (!(Math.Abs(sum - 1) <= tolerance))
            {
                throw new ArgumentException(
                    InContextGuard.Inv($"Row {i} sums to {sum:R}, not 1 (tolerance {tolerance:G3})."),
                    nameof(transitionMatrix));
            }
        }

        StateCount = d;
        MinimumTransitionProbability = minimum;
        _labels = labels is null ? DigitLabels(d) : CheckLabels(labels, d);
        Name = string.IsNullOrWhiteSpace(name) ? InContextGuard.Inv($"chain (d = {d})") : name;
    }

    /// <summary>The number of states d ≥ 2.</summary>
    public int StateCount { get; }

    /// <summary>A short description used in reports and plots.</summary>
    public string Name { get; }

    /// <summary>The text of each state: state x is written <c>Labels[x]</c> in a prompt.</summary>
    public IReadOnlyList<string> Labels => _labels;

    /// <summary>
    /// p_min = min_{x,y} P(x, y): the constant of Thm. 4.3's assumption P(x, y) ≥ p_min &gt; 0 (0 when a transition is
    /// impossible).
    /// </summary>
    public double MinimumTransitionProbability { get; }

    /// <summary>P(<paramref name="from"/>, <paramref name="to"/>).</summary>
    /// <param name="from">The current state, 0..d−1.</param>
    /// <param name="to">The next state, 0..d−1.</param>
    public double this[int from, int to]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)from, (uint)StateCount, nameof(from));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)to, (uint)StateCount, nameof(to));
            return _rows[(from * StateCount) + to];
        }
    }

    /// <summary>Row <paramref name="state"/> of P: the next-state distribution P(state, ·).</summary>
    /// <param name="state">A state in 0..d−1.</param>
    /// <returns>The d probabilities (a view; do not keep it beyond the chain's lifetime).</returns>
    public ReadOnlySpan<double> GetRow(int state)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)state, (uint)StateCount, nameof(state));
        return _rows.AsSpan(state * StateCount, StateCount);
    }

    /// <summary>A copy of P as a d × d array.</summary>
    /// <returns>The matrix.</returns>
    public double[,] ToArray()
    {
        int d = StateCount;
        var matrix = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                matrix[i, j] = _rows[(i * d) + j];
            }
        }

        return matrix;
    }

    /// <summary>The chain as a <see cref="SparseMarkovChain"/> (zeros dropped), built once and cached.</summary>
    /// <returns>The sparse chain.</returns>
    public SparseMarkovChain ToSparseChain()
        => _sparse ??= SparseMarkovChain.FromDense(ToArray(), Math.Max(1e-9, 1e-12 * StateCount));

    /// <summary>
    /// The chain as a language model with T = d and K = 1 (<see cref="MarkovSourceModel"/>): its logits after state x are
    /// log P(x, ·), so a <see cref="LanguageModelPredictor"/> over it with <see cref="StateTokenMap.Identity"/> predicts
    /// the true rows exactly (zero risk).
    /// </summary>
    /// <returns>The model.</returns>
    public MarkovSourceModel ToModel() => new(ToArray(), Math.Max(1e-9, 1e-12 * StateCount));

    /// <summary>
    /// Samples a trajectory X_1 = <paramref name="start"/>, X_2, …, X_length with <see cref="TrajectorySampler.SampleStates"/>
    /// (seed drawn from <paramref name="random"/>).
    /// </summary>
    /// <param name="length">N ≥ 1, the number of states.</param>
    /// <param name="start">X_1, in 0..d−1.</param>
    /// <param name="random">The source of the sampler's seed.</param>
    /// <returns>The N states.</returns>
    public int[] SampleTrajectory(int length, int start, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)start, (uint)StateCount, nameof(start));
        long[] path = TrajectorySampler.SampleStates(ToSparseChain(), start, length - 1, random.Next());
        var states = new int[length];
        for (int i = 0; i < length; i++)
        {
            states[i] = (int)path[i];
        }

        return states;
    }

    /// <summary>
    /// t_min of the chain (as defined with Thm. 4.3, in our closed form over d(t)) by
    /// <see cref="TotalVariation.AnalyzeMixing"/> on the worst-case
    /// TV curve, with π by <see cref="StationaryDistribution.Gth(double[,])"/>. A periodic chain (the constrained and
    /// polygonal walks) gives +∞ with <see cref="MixingTimeStatus.Periodic"/>, a reducible one with
    /// <see cref="MixingTimeStatus.NotErgodicUnichain"/>.
    /// </summary>
    /// <param name="options">Horizons and parallelism; default <see cref="ConvergenceOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the analysis.</param>
    /// <returns>The t_min result.</returns>
    /// <exception cref="ArgumentException">The chain has more than <see cref="ConvergenceOptions.MaxWorstCaseStates"/>
    /// states of <paramref name="options"/> (the message gives the bytes and the limit).</exception>
    public TMinResult ComputeMixingTime(ConvergenceOptions? options = null, CancellationToken cancellationToken = default)
    {
        var chain = ToSparseChain();
        var structure = ChainStructure.Analyze(chain, cancellationToken);
        if (structure.RecurrentClasses.Count > 1)
        {
            return new TMinResult(
                double.PositiveInfinity, -1, double.NaN, 0, MixingTimeStatus.NotErgodicUnichain, IsCertified: true, IsWorstCase: true);
        }

        double[] pi = StationaryDistribution.Gth(ToArray());
        return TotalVariation.AnalyzeMixing(chain, pi, options: options, cancellationToken: cancellationToken).TMin;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    internal ReadOnlySpan<double> RowsUnchecked => _rows;

    private static string[] DigitLabels(int d)
    {
        var labels = new string[d];
        for (int i = 0; i < d; i++)
        {
            labels[i] = i.ToString(CultureInfo.InvariantCulture);
        }

        return labels;
    }

    private static string[] CheckLabels(IReadOnlyList<string> labels, int d)
    {
        if (labels.Count != d)
        {
            throw new ArgumentException(InContextGuard.Inv($"{labels.Count} labels were given for {d} states."), nameof(labels));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var copy = new string[d];
        for (int i = 0; i < d; i++)
        {
            string label = labels[i];
            if (string.IsNullOrEmpty(label))
            {
                throw new ArgumentException(InContextGuard.Inv($"The label of state {i} is empty."), nameof(labels));
            }

            if (!seen.Add(label))
            {
                throw new ArgumentException(InContextGuard.Inv($"The label '{label}' is used by two states."), nameof(labels));
            }

            copy[i] = label;
        }

        return copy;
    }
}
