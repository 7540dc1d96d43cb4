using System.Globalization;
using System.Numerics;

namespace LlmChains.Analysis.Spectral;

/// <summary>
/// Eigenvalues of a chain's transition matrix Q (row-stochastic; the eigenvalues of Q and Qᵀ coincide) and the
/// quantities of convergence derived from them: the second largest eigenvalue modulus (SLEM), the spectral gap and
/// the relaxation time. Produced by <see cref="Spectrum.Compute"/>.
/// </summary>
public sealed class SpectrumResult
{
    internal SpectrumResult(
        IReadOnlyList<Complex> eigenvalues,
        IReadOnlyList<double> errorEstimates,
        double slem,
        double slemErrorBound,
        string method,
        bool converged,
        int matrixVectorProducts,
        int restarts)
    {
        Eigenvalues = eigenvalues;
        ErrorEstimates = errorEstimates;
        Slem = slem;
        SpectralGap = 1.0 - slem;
        RelaxationTime = slem >= 1.0 ? double.PositiveInfinity : 1.0 / (1.0 - slem);
        SlemErrorBound = slemErrorBound;
        Method = method;
        Converged = converged;
        MatrixVectorProducts = matrixVectorProducts;
        Restarts = restarts;
    }

    /// <summary>
    /// A spectrum computed by an eigensolver of your own (an <see cref="ISpectrumSolver"/>): the eigenvalues are
    /// sorted as the library sorts them (largest modulus first; ties by larger real, then larger imaginary part),
    /// one eigenvalue closest to 1 is taken as the stationary one and the SLEM is the largest modulus of the others.
    /// </summary>
    /// <param name="eigenvalues">The eigenvalues found, including 1; finite, modulus ≤ 1 + 1e−8 (a stochastic matrix
    /// has none larger).</param>
    /// <param name="method">A name for your method, reported in <see cref="Method"/>.</param>
    /// <param name="errorEstimates">Per eigenvalue (same order as given) a residual norm, or <see langword="null"/>
    /// when unknown (then every estimate, and the SLEM error bound, is NaN).</param>
    /// <param name="converged">Whether every eigenvalue met your solver's tolerance.</param>
    /// <param name="matrixVectorProducts">Chain steps your solver used (reported as is).</param>
    /// <exception cref="ArgumentException">No eigenvalue, a non-finite one, a modulus above 1 + 1e−8, no eigenvalue
    /// within 1e−6 of 1, an empty method name, or error estimates of another length.</exception>
    public static SpectrumResult FromEigenvalues(
        IReadOnlyList<Complex> eigenvalues,
        string method,
        IReadOnlyList<double>? errorEstimates = null,
        bool converged = true,
        int matrixVectorProducts = 0)
    {
        ArgumentNullException.ThrowIfNull(eigenvalues);
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        if (eigenvalues.Count == 0)
        {
            throw LlmChains.Internals.Invalid.Argument("No eigenvalue was given; a chain has at least the eigenvalue 1.");
        }

        if (errorEstimates is not null && errorEstimates.Count != eigenvalues.Count)
        {
            throw LlmChains.Internals.Invalid.Argument(
                string.Create(CultureInfo.InvariantCulture, $"{errorEstimates.Count} error estimates for {eigenvalues.Count} ") +
                string.Create(CultureInfo.InvariantCulture, $"eigenvalues; give one per eigenvalue or none."));
        }

        int one = -1;
        for (int i = 0; i < eigenvalues.Count; i++)
        {
            var z = eigenvalues[i];
            if (!double.IsFinite(z.Real) || !double.IsFinite(z.Imaginary) || Complex.Abs(z) > 1 + 1e-8)
            {
                throw LlmChains.Internals.Invalid.Argument(
                    string.Create(CultureInfo.InvariantCulture, $"Eigenvalue {i} = {z.Real:R} + {z.Imaginary:R}i is not finite or has ") +
                    string.Create(CultureInfo.InvariantCulture, $"modulus above 1; a stochastic matrix has none."));
            }

            if (one < 0 || Complex.Abs(z - 1) < Complex.Abs(eigenvalues[one] - 1))
            {
                one = i;
            }
        }

        if (Complex.Abs(eigenvalues[one] - 1) > 1e-6)
        {
            throw LlmChains.Internals.Invalid.Argument(
                "No eigenvalue lies within 1e-6 of 1; every stochastic matrix has the eigenvalue 1.");
        }

        int[] order = [.. Enumerable.Range(0, eigenvalues.Count)
            .OrderByDescending(i => Complex.Abs(eigenvalues[i]))
            .ThenByDescending(i => eigenvalues[i].Real)
            .ThenByDescending(i => eigenvalues[i].Imaginary)];
        Complex[] sorted = [.. order.Select(i => eigenvalues[i])];
        double[] errors = [.. order.Select(i => errorEstimates?[i] ?? double.NaN)];
        int second = order.Where(i => i != one).DefaultIfEmpty(-1).First();
        double slem = second < 0 ? 0 : Complex.Abs(eigenvalues[second]);
        double bound = second < 0 ? 0 : Math.Min(1, errorEstimates?[second] ?? double.NaN);
        return new SpectrumResult(sorted, errors, slem, bound, method, converged, matrixVectorProducts, 0);
    }

    /// <summary>
    /// Eigenvalues, largest modulus first (ties: larger real part, then larger imaginary part first). Every
    /// eigenvalue with multiplicity for the methods "dense" and "trivial"; the <see cref="SpectrumOptions.Count"/>
    /// largest for "arnoldi" (starting with the eigenvalue 1); the eigenvalues on the unit circle (the p-th roots of
    /// unity of each recurrent class of period p) for "periodic" and "reducible" above the dense limit. For a
    /// <see cref="Chains.LanguageModelChain"/> the spectrum is spec(P_ℛ) ∪ {0} (the transient block of eq. (9) is
    /// nilpotent), with the 0 repeated once per transient state when all eigenvalues are listed.
    /// </summary>
    public IReadOnlyList<Complex> Eigenvalues { get; }

    /// <summary>
    /// Per eigenvalue, the residual norm ‖xQ − λx‖₂ of a unit eigenvector estimate x (a backward error: λ is an exact
    /// eigenvalue of a matrix within this distance of Q in the 2-norm). 0 for eigenvalues known exactly from the
    /// structure and for the dense method (residuals at rounding level).
    /// </summary>
    public IReadOnlyList<double> ErrorEstimates { get; }

    /// <summary>
    /// The second largest eigenvalue modulus: the largest |λ| once one eigenvalue 1 (the stationary distribution's)
    /// is removed. 1 when the chain has several recurrent classes or a periodic one; 0 for a one-state chain.
    /// </summary>
    public double Slem { get; }

    /// <summary>The spectral gap 1 − SLEM.</summary>
    public double SpectralGap { get; }

    /// <summary>The relaxation time 1 / (1 − SLEM); +∞ when the gap is 0.</summary>
    public double RelaxationTime { get; }

    /// <summary>
    /// An estimate of |SLEM − reported SLEM| to first order: κ·r for the SLEM eigenvalue and its neighbours (r the
    /// residual, κ the eigenvalue condition number — for the Krylov method, the condition number within the Krylov
    /// subspace, which can underestimate the true one for highly non-normal chains), widened when a neighbour's
    /// error interval reaches above the reported SLEM; at most 1. 0 when the SLEM follows from the structure. It
    /// does not cover an eigenvalue the Krylov method never found (see docs/spectrum.md).
    /// </summary>
    public double SlemErrorBound { get; }

    /// <summary>
    /// How the spectrum was obtained: "dense" (MathNet EVD of the dense matrix), "arnoldi" (restarted Krylov–Schur on
    /// the deflated operator), "periodic" or "reducible" (SLEM = 1 from the class structure, no iteration) or
    /// "trivial" (one or two states, closed form).
    /// </summary>
    public string Method { get; }

    /// <summary>Whether every reported eigenvalue met the tolerance (always true except for "arnoldi").</summary>
    public bool Converged { get; }

    /// <summary>The number of chain steps x ↦ xQ performed.</summary>
    public int MatrixVectorProducts { get; }

    /// <summary>The number of Krylov restart cycles.</summary>
    public int Restarts { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"SLEM {Slem:G10} ± {SlemErrorBound:G3} (gap {SpectralGap:G6}, relaxation time ") +
        string.Create(CultureInfo.InvariantCulture, $"{RelaxationTime:G6}), {Eigenvalues.Count} eigenvalues, method {Method}, converged ") +
        string.Create(CultureInfo.InvariantCulture, $"{Converged}, {MatrixVectorProducts} products, {Restarts} restarts");
}
