using LlmChains.InContext.Internals;

namespace LlmChains.InContext;

/// <summary>
/// The Bayes estimator of a Markov chain whose rows have independent Dirichlet priors: after X_1 … X_n the prediction
/// for X_{n+1} is the posterior mean of row X_n, (N_{x→y} + α_{xy}) / (N_x + Σ_y α_{xy}), with the counts of the
/// transitions observed in the prefix (see <see cref="FrequentistEstimator"/>); with no observation of x it is the prior
/// mean α_{x·}/Σ_y α_{xy}.
/// </summary>
/// <remarks>
/// The posterior mean is the Bayes-optimal prediction of the next state (it minimises the expected log loss and the
/// expected squared error of the row) when the chain is drawn from the prior, e.g.
/// <see cref="ChainGenerators.Dirichlet(int, double, Random)"/>
/// with the same α; for the TV risk it is not exactly optimal but it smooths the small-N estimates, which is where it
/// beats the counting estimator. Stateless and thread-safe.
/// </remarks>
public sealed class BayesOptimalEstimator : IInContextPredictor
{
    private readonly double[]? _prior;
    private readonly int _priorStates;

    /// <summary>The estimator for the uniform prior Dirichlet(1, …, 1) on every row (Laplace's rule of succession).</summary>
    public BayesOptimalEstimator()
        : this(1.0)
    {
    }

    /// <summary>The estimator for the symmetric prior Dirichlet(α, …, α) on every row.</summary>
    /// <param name="concentration">α, finite and &gt; 0 (1: uniform on the simplex).</param>
    /// <exception cref="ArgumentOutOfRangeException">α ≤ 0, NaN or infinite.</exception>
    public BayesOptimalEstimator(double concentration)
    {
        InContextGuard.Concentration(concentration, nameof(concentration));
        Concentration = concentration;
        Name = InContextGuard.Inv($"Bayes (Dirichlet α = {concentration:G4})");
    }

    /// <summary>The estimator for a general prior: row x ~ Dirichlet(α_{x,0}, …, α_{x,d−1}).</summary>
    /// <param name="concentrations">α, d × d with d ≥ 2, entries finite and &gt; 0.</param>
    /// <exception cref="ArgumentException">Not square, d &lt; 2, or an entry ≤ 0, NaN or infinite.</exception>
    public BayesOptimalEstimator(double[,] concentrations)
    {
        ArgumentNullException.ThrowIfNull(concentrations);
        int d = concentrations.GetLength(0);
        if (concentrations.GetLength(1) != d)
        {
            throw new ArgumentException(
                InContextGuard.Inv($"The prior must be d × d; it is {d} × {concentrations.GetLength(1)}."),
                nameof(concentrations));
        }

        InContextGuard.StateCount(d, nameof(concentrations));
        _prior = new double[d * d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                double a = concentrations[i, j];
                if (!(a > 0) || double.IsInfinity(a))
                {
                    throw new ArgumentOutOfRangeException(
                        nameof(concentrations),
                        a,
                        InContextGuard.Inv($"The Dirichlet concentration α[{i}, {j}] must be finite and > 0; got {a}."));
                }

                _prior[(i * d) + j] = a;
            }
        }

        _priorStates = d;
        Concentration = double.NaN;
        Name = InContextGuard.Inv($"Bayes (Dirichlet prior, d = {d})");
    }

    /// <summary>The symmetric α, or NaN for a general prior.</summary>
    public double Concentration { get; }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public bool SupportsConcurrentCalls => true;

    /// <inheritdoc/>
    public void Predict(
        ReadOnlySpan<int> trajectory,
        int stateCount,
        Span<double> predictions,
        CancellationToken cancellationToken = default)
    {
        InContextGuard.PredictorCall(trajectory, stateCount, predictions);
        if (_prior is not null && stateCount != _priorStates)
        {
            throw new ArgumentException(
                InContextGuard.Inv($"The prior is for d = {_priorStates} states; the chain has d = {stateCount}."),
                nameof(stateCount));
        }

        CountingPredictor.Predict(trajectory, stateCount, predictions, _prior, Concentration, cancellationToken);
    }
}
