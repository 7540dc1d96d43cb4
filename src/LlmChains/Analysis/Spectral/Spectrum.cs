using System.Diagnostics;
using System.Numerics;
using LlmChains.Analysis.Spectral.Internals;
using LlmChains.Chains;
using LlmChains.Chains.Internals;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmChains.Analysis.Spectral;

/// <summary>
/// Eigenvalues of a chain's transition matrix and its second largest eigenvalue modulus (SLEM), spectral gap and
/// relaxation time (not in the paper, which bounds the
/// convergence of Q^n to eπ through ε, Prop. 3.4; the gap is the classical asymptotic rate).
/// </summary>
/// <remarks>
/// <para>The structure comes first (<see cref="ChainStructure"/>): with several recurrent classes the eigenvalue 1 is
/// repeated, and a recurrent class of period p has all p-th roots of unity as eigenvalues; either way SLEM = 1,
/// found without iterating. One- and two-state chains have closed forms.</para>
/// <para>For a <see cref="LanguageModelChain"/> the transient block P_𝒯 is nilpotent, so spec(Q_f) = spec(P_ℛ) ∪ {0}
/// (eq. (9)): everything is computed on <see cref="LanguageModelChain.RecurrentBlock"/> (T^K states).</para>
/// <para>Up to <see cref="SpectrumOptions.DenseMaxStates"/> states the full spectrum comes from a dense
/// eigen-decomposition (MathNet). Above, the <see cref="SpectrumOptions.Count"/> eigenvalues of largest modulus come
/// from a restarted Krylov–Schur method that only calls <see cref="IMarkovChain.Step"/> (x ↦ xQ, no n×n matrix). It
/// works in the subspace 𝟙^⊥ = {x : Σᵢxᵢ = 0}, which xQ maps into itself and which holds every eigenvector of Qᵀ except
/// the stationary distribution's, so its eigenvalues are those of Q with one eigenvalue 1 removed: the largest one is
/// the SLEM. When steps are cheap next to orthogonalisation it runs on the power Q^d (d ≤ 61, prime), which keeps the order
/// by modulus and separates the outer eigenvalues d times more per basis vector, and recovers the eigenvalues of Q by a
/// final Rayleigh–Ritz step whose residuals ‖xQ − λx‖₂ are computed explicitly. See docs/spectrum.md.</para>
/// </remarks>
public static partial class Spectrum
{
    /// <summary>The largest chain densified when every eigenvalue is asked for (<see cref="SpectrumOptions.Count"/> ≥ n − 1).</summary>
    internal const int DenseHardLimit = 4096;

    /// <summary>
    /// Computes eigenvalues of Q (largest modulus first), the SLEM, the spectral gap 1 − SLEM and the relaxation
    /// time 1/(1 − SLEM), with error estimates.
    /// </summary>
    /// <param name="chain">The chain (row-stochastic, at most <see cref="int.MaxValue"/> states in the analysed block).</param>
    /// <param name="options">Count, tolerance, Krylov settings, dense limit, seed and logging; default
    /// <see cref="SpectrumOptions.Default"/>.</param>
    /// <param name="progress">Receives throttled progress of the Krylov method.</param>
    /// <param name="cancellationToken">Cancels the computation (<see cref="OperationCanceledException"/>); checked
    /// before every step of the chain. The dense eigen-decomposition itself is not interruptible.</param>
    /// <returns>The spectrum; a Krylov method that runs out of restarts returns its estimates with
    /// <see cref="SpectrumResult.Converged"/> false.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="chain"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// An option is out of range (Count ≤ 0, Tolerance not in (0, 1), KrylovDimension ≤ Count, MaxRestarts &lt; 0,
    /// DenseMaxStates &lt; 1); every eigenvalue of a chain above 4096 states is asked for; the chain is too large for
    /// spans; or the Krylov basis would not fit in memory (the message gives the bytes needed).
    /// </exception>
    public static SpectrumResult Compute(
        IMarkovChain chain,
        SpectrumOptions? options = null,
        IProgress<Progress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chain);
        options ??= SpectrumOptions.Default;
        Validate(options);
        cancellationToken.ThrowIfCancellationRequested();
        var logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger(typeof(Spectrum).FullName!);
        var clock = Stopwatch.StartNew();

        // A model's chain: spec(Q_f) = spec(P_ℛ) ∪ {0}; the transient states only add zeros.
        IMarkovChain target = chain;
        long transientZeros = 0;
        bool knownErgodic = false;
        if (chain is IChainFacts facts)
        {
            target = facts.ClosedBlock ?? chain;
            transientZeros = chain.StateCount - target.StateCount;
            knownErgodic = facts.KnownErgodic; // Prop. 3.3: P_ℛ is irreducible and aperiodic
        }

        if (target.StateCount > int.MaxValue)
        {
            throw new ArgumentException(
                $"The chain has {target.StateCount} states to analyse; vectors hold at most {int.MaxValue}.", nameof(chain));
        }

        int size = (int)target.StateCount;
        bool everyEigenvalue = options.Count >= size - 1 || options.Count >= chain.StateCount;
        if (everyEigenvalue && size > Math.Max(options.DenseMaxStates, DenseHardLimit))
        {
            throw new ArgumentException(
                $"Count = {options.Count} asks for every eigenvalue of a chain with {size} states to analyse; that needs a dense " +
                $"eigen-decomposition, done for at most {DenseHardLimit} states. Ask for fewer eigenvalues.",
                nameof(options));
        }

        // A given structure classifies the whole chain; a model's chain analyses its closed block instead.
        var given = ChainStructure.Given(options.Structure, chain, "SpectrumOptions.Structure");
        ChainStructure? structure = knownErgodic
            ? null
            : ReferenceEquals(target, chain) && given is not null ? given : ChainStructure.Analyze(target, cancellationToken);
        SpectrumResult result;
        if (structure is not null && !structure.IsErgodicUnichain)
        {
            string method = structure.RecurrentClasses.Count > 1 ? "reducible" : "periodic";
            SpectrumLog.Started(logger, chain.StateCount, size, method);
            result = Structural(target, structure, options, transientZeros, method, cancellationToken);
        }
        else if (size <= 2)
        {
            SpectrumLog.Started(logger, chain.StateCount, size, "trivial");
            result = Trivial(target, transientZeros);
        }
        else if (size <= options.DenseMaxStates || everyEigenvalue)
        {
            SpectrumLog.Started(logger, chain.StateCount, size, "dense");
            result = Dense(target, transientZeros, cancellationToken);
        }
        else
        {
            SpectrumLog.Started(logger, chain.StateCount, size, "arnoldi");
            result = Arnoldi(target, options, logger, progress, cancellationToken);
        }

        SpectrumLog.Finished(
            logger,
            result.Method,
            result.Slem,
            result.SlemErrorBound,
            result.SpectralGap,
            result.MatrixVectorProducts,
            result.Restarts,
            clock.Elapsed.TotalSeconds);
        return result;
    }

    internal static void Validate(SpectrumOptions options)
    {
        if (options.Count <= 0)
        {
            throw new ArgumentException($"SpectrumOptions.Count must be ≥ 1; got {options.Count}.", nameof(options));
        }

        if (!(options.Tolerance > 0 && options.Tolerance < 1))
        {
            throw new ArgumentException($"SpectrumOptions.Tolerance must be in (0, 1); got {options.Tolerance}.", nameof(options));
        }

        if (options.KrylovDimension is { } dimension && dimension <= options.Count)
        {
            throw new ArgumentException(
                $"SpectrumOptions.KrylovDimension must be > Count = {options.Count}; got {dimension}.", nameof(options));
        }

        if (options.MaxRestarts < 0)
        {
            throw new ArgumentException($"SpectrumOptions.MaxRestarts must be ≥ 0; got {options.MaxRestarts}.", nameof(options));
        }

        if (options.DenseMaxStates < 1)
        {
            throw new ArgumentException($"SpectrumOptions.DenseMaxStates must be ≥ 1; got {options.DenseMaxStates}.", nameof(options));
        }
    }

    /// <summary>SLEM = 1 from the class structure: several recurrent classes (1 repeated) or a periodic one (roots of unity).</summary>
    private static SpectrumResult Structural(
        IMarkovChain target,
        ChainStructure structure,
        SpectrumOptions options,
        long transientZeros,
        string method,
        CancellationToken cancellationToken)
    {
        var unitCircle = new List<Complex>();
        foreach (var recurrent in structure.RecurrentClasses)
        {
            int period = Math.Max(1, recurrent.Period);
            for (int k = 0; k < period; k++)
            {
                unitCircle.Add(RootOfUnity(k, period));
            }
        }

        List<Complex> values;
        if (target.StateCount <= options.DenseMaxStates)
        {
            values = DenseEigenvalues(target, cancellationToken).Values;
            SnapToExact(values, unitCircle);
            AppendZeros(values, transientZeros);
        }
        else
        {
            values = Sorted(unitCircle);
            if (values.Count > options.Count)
            {
                values.RemoveRange(options.Count, values.Count - options.Count);
            }
        }

        values = Sorted(values);
        return new SpectrumResult(values.AsReadOnly(), new double[values.Count], 1.0, 0.0, method, true, 0, 0);
    }

    /// <summary>One or two states: {1} (SLEM 0) or {1, 1 − a − b} for Q = [[1 − a, a], [b, 1 − b]].</summary>
    private static SpectrumResult Trivial(IMarkovChain target, long transientZeros)
    {
        var values = new List<Complex> { Complex.One };
        double slem = 0;
        if (target.StateCount == 2)
        {
            double a = Entry(target, 0, 1);
            double b = Entry(target, 1, 0);
            double second = 1.0 - a - b;
            values.Add(second);
            slem = Math.Abs(second);
        }

        AppendZeros(values, transientZeros);
        values = Sorted(values);
        return new SpectrumResult(values.AsReadOnly(), new double[values.Count], slem, 0.0, "trivial", true, 0, 0);
    }

    private static double Entry(IMarkovChain chain, long row, long column)
    {
        var columns = new long[chain.MaxRowNonZeros];
        var probabilities = new double[chain.MaxRowNonZeros];
        int count = chain.GetRow(row, columns, probabilities);
        double sum = 0;
        for (int i = 0; i < count; i++)
        {
            if (columns[i] == column)
            {
                sum += probabilities[i];
            }
        }

        return sum;
    }

    private static Complex RootOfUnity(int k, int period)
    {
        if (k == 0)
        {
            return Complex.One;
        }

        var value = Complex.FromPolarCoordinates(1.0, 2.0 * Math.PI * k / period);
        double re = Math.Abs(value.Real) < 1e-15 ? 0.0 : value.Real;
        double im = Math.Abs(value.Imaginary) < 1e-15 ? 0.0 : value.Imaginary;
        return new Complex(re, im);
    }

    /// <summary>
    /// Replaces, for each eigenvalue known exactly from the structure (1 for each recurrent class, the roots of unity
    /// of a periodic one), the nearest computed eigenvalue within 10⁻⁶ by the exact value.
    /// </summary>
    private static void SnapToExact(List<Complex> values, List<Complex> exact)
    {
        var taken = new bool[values.Count];
        foreach (var target in exact)
        {
            int best = -1;
            for (int i = 0; i < values.Count; i++)
            {
                if (!taken[i] && (best < 0 || Complex.Abs(values[i] - target) < Complex.Abs(values[best] - target)))
                {
                    best = i;
                }
            }

            if (best >= 0 && Complex.Abs(values[best] - target) < 1e-6)
            {
                values[best] = target;
                taken[best] = true;
            }
        }
    }

    private static void AppendZeros(List<Complex> values, long count)
    {
        for (long i = 0; i < count; i++)
        {
            values.Add(Complex.Zero);
        }
    }

    /// <summary>Largest modulus first; ties by larger real part, then larger imaginary part.</summary>
    internal static List<Complex> Sorted(IEnumerable<Complex> values) =>
        values.OrderByDescending(Complex.Abs).ThenByDescending(v => v.Real).ThenByDescending(v => v.Imaginary).ToList();
}
