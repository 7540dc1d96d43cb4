using System.Numerics;
using LlmChains.Analysis.Spectral.Internals;
using LlmChains.Chains;
using MathNet.Numerics.LinearAlgebra;

namespace LlmChains.Internals.Numerics;

/// <summary>The outcome of <see cref="KrylovSchur.Run"/>.</summary>
/// <param name="Values">The wanted eigenvalues of the deflated operator, largest modulus first (a trailing conjugate
/// may be included).</param>
/// <param name="Residuals">Explicit residuals ‖A x − λ x‖₂ for unit x, per value.</param>
/// <param name="Conditions">Condition numbers of the values as eigenvalues of the projected matrix (≥ 1).</param>
/// <param name="Converged">Whether every wanted residual met the tolerance.</param>
/// <param name="Products">Calls of <see cref="IMarkovChain.Step"/>.</param>
/// <param name="Restarts">Restart cycles performed.</param>
/// <param name="Degree">The final power d of the operator A^d the iteration ran on.</param>
internal sealed record KrylovSchurResult(
    Complex[] Values, double[] Residuals, double[] Conditions, bool Converged, long Products, int Restarts, int Degree)
{
    /// <summary>
    /// The moduli [inner, outer] that the ε-pseudospectrum of the Krylov Rayleigh quotient covers along the ray through
    /// the largest value (ε = rounding of the projected problem plus the largest residual); NaN when not computed.
    /// </summary>
    public (double Inner, double Outer) LargestExtent { get; init; } = (double.NaN, double.NaN);
}

/// <summary>Per-restart state for progress and logging.</summary>
internal readonly record struct KrylovSchurStatus(
    int Restarts, long Products, int ConvergedCount, int Wanted, double LargestModulus, double LargestResidual, int Degree);

/// <summary>
/// Krylov–Schur (Stewart 2001) for the eigenvalues of largest modulus of A = Qᵀ restricted to the invariant
/// subspace 𝟙^⊥ (the deflation of the eigenvalue 1 of a row-stochastic Q), applied through
/// <see cref="IMarkovChain.Step"/> (x ↦ xQ). Optionally on the power A^d, whose eigenvalues λ^d keep the order by
/// modulus; the wanted eigenvalues of A are then recovered by a Rayleigh–Ritz step with A itself on the converged
/// Schur vectors, and every reported residual is explicit: ‖A·Wy − λ·Wy‖₂.
/// </summary>
internal sealed class KrylovSchur
{

    private const double BreakdownRatio = 1e-12;
    private const double SpreadFloor = 1e-4;
    private const int MaxDegree = 61;
    private const double Eps = 2.220446049250313e-16;

    private readonly IMarkovChain _chain;
    private readonly int _n;
    private readonly int _wanted;
    private readonly int _dimension;
    private readonly double _tolerance;
    private readonly int _maxRestarts;
    private readonly CancellationToken _cancellationToken;
    private readonly Action<KrylovSchurStatus>? _onRestart;
    private readonly ArnoldiBasis _basis;
    private readonly double[] _s;       // (m + 1) × m, row-major: the Rayleigh quotient and the residual row
    private readonly double[] _scratchA;
    private readonly double[] _scratchB;
    private readonly Random _random;
    private readonly int _costDegree;
    private double[][]? _images;
    private int _degree = 1;
    private long _products;
    private double _scale;              // largest column norm seen: the scale for breakdown tests
    private double _gate = 1.0;         // the Ritz-residual tolerance on A^d, tightened when the explicit check on A fails

    /// <param name="chain">The chain (an ergodic unichain, so that the deflated operator has spectral radius &lt; 1 —
    /// not required).</param>
    /// <param name="wanted">The number of eigenvalues of the deflated operator wanted (≥ 1, ≤ dimension − 2).</param>
    /// <param name="dimension">Krylov dimension m (≤ n − 1).</param>
    /// <param name="tolerance">Relative residual tolerance.</param>
    /// <param name="maxRestarts">Restart cycles allowed.</param>
    /// <param name="seed">Seed of the start vector.</param>
    /// <param name="onRestart">Called after every restart cycle.</param>
    /// <param name="cancellationToken">Checked before every operator application.</param>
    public KrylovSchur(
        IMarkovChain chain,
        int wanted,
        int dimension,
        double tolerance,
        int maxRestarts,
        int seed,
        Action<KrylovSchurStatus>? onRestart,
        CancellationToken cancellationToken)
    {
        _chain = chain;
        _n = checked((int)chain.StateCount);
        _wanted = wanted;
        _dimension = dimension;
        _tolerance = tolerance;
        _maxRestarts = maxRestarts;
        _onRestart = onRestart;
        _cancellationToken = cancellationToken;
        _basis = new ArnoldiBasis(_n, dimension + 1);
        _s = new double[(dimension + 1) * dimension];
        _scratchA = new double[_n];
        _scratchB = new double[_n];
        _random = new Random(seed);
        _costDegree = CostDegree(dimension, chain.MaxRowNonZeros);
    }

    /// <summary>Bytes the iteration allocates for n states and Krylov dimension m with <paramref name="wanted"/> values.</summary>
    public static long RequiredBytes(long n, int dimension, int wanted) => n * sizeof(double) * (dimension + 1L + 2L + wanted + 1L);

    /// <summary>
    /// The power d for the operator A^d: twice the number of steps that cost as much as one Gram–Schmidt step (two to
    /// three sweeps over about 3m/4 basis vectors, against one sweep over x, y and the row entries), since the number
    /// of steps to convergence grows only slowly with d while the orthogonalisation work falls as 1/d.
    /// </summary>
    internal static int CostDegree(int dimension, int maxRowNonZeros)
    {
        double orthogonalisation = 2.5 * 8.0 * 0.75 * dimension;
        double step = 16.0 + (12.0 * Math.Max(1, maxRowNonZeros));
        return Math.Clamp((int)Math.Round(2 * orthogonalisation / step), 1, MaxDegree);
    }

    /// <summary>
    /// The largest prime ≤ <paramref name="degree"/> (or 1). A prime power keeps the eigenvalues of a nearly periodic
    /// class apart: for λ_k = r·e^{2πik/p}, the powers λ_k^d stay distinct unless p is a multiple of d.
    /// </summary>
    internal static int PrimeAtMost(int degree)
    {
        for (int d = degree; d >= 2; d--)
        {
            bool prime = true;
            for (int f = 2; f * f <= d; f++)
            {
                if (d % f == 0)
                {
                    prime = false;
                    break;
                }
            }

            if (prime)
            {
                return d;
            }
        }

        return 1;
    }

    public KrylovSchurResult Run()
    {
        int m = _dimension;
        StartVector(_basis[0]);
        int k = 0;
        int restarts = 0;
        bool degreeChosen = false;
        bool sawBreakdown = false;
        KrylovSchurResult? last = null;
        var t = new double[m * m];
        var z = new double[m * m];
        var bz = new double[m];

        while (true)
        {
            int built = Expand(k, m, out bool exhausted, ref sawBreakdown);

            // The small problem: real Schur form of the built × built Rayleigh quotient, largest moduli first.
            for (int i = 0; i < built; i++)
            {
                Array.Copy(_s, i * m, t, i * built, built);
            }

            if (!HessenbergSchur.Decompose(t, z, built))
            {
                // The QR iteration failed on the projected matrix (not seen in practice): report what we have.
                return last ?? ExplicitCheck(Math.Min(_wanted, built), restarts);
            }

            int keepTarget = exhausted ? built : Math.Min(built - 2, Math.Max(_wanted, (_wanted + built) / 2));
            int kept = HessenbergSchur.SortByModulus(t, z, built, Math.Max(keepTarget, Math.Min(_wanted, built)));
            int wantedPlaced = PlacedCount(t, built, Math.Min(_wanted, built));
            Complex[] ritz = HessenbergSchur.Eigenvalues(t, built);

            // b = β·e_mᵀ after a plain Arnoldi cycle, a general row after restarts: bz = bᵀZ.
            for (int c = 0; c < built; c++)
            {
                double sum = 0;
                if (!exhausted)
                {
                    for (int i = 0; i < built; i++)
                    {
                        sum += _s[(m * m) + i] * z[(i * built) + c];
                    }
                }

                bz[c] = sum;
            }

            double largest = ritz.Length > 0 ? Complex.Abs(ritz[0]) : 0;
            int convergedCount = 0;
            double largestResidual = 0;
            for (int position = 0; position < wantedPlaced; position += HessenbergSchur.BlockSize(t, built, position))
            {
                Complex[] x = HessenbergSchur.Eigenvector(t, built, position, out Complex theta);
                Complex projection = Complex.Zero;
                for (int c = 0; c < built; c++)
                {
                    projection += bz[c] * x[c];
                }

                double residual = Complex.Abs(projection);
                largestResidual = Math.Max(largestResidual, residual);
                if (residual <= _gate * _tolerance * Math.Max(Complex.Abs(theta), 1e-3 * largest))
                {
                    convergedCount += HessenbergSchur.BlockSize(t, built, position);
                }
            }

            if (!degreeChosen && !exhausted && restarts < _maxRestarts)
            {
                degreeChosen = true;
                int degree = sawBreakdown ? 1 : PrimeAtMost(Math.Min(_costDegree, SpectralDegree(ritz, wantedPlaced)));
                if (degree > 1)
                {
                    _degree = degree;
                    FreshStart(z, built, kept);
                    k = 0;
                    restarts++;
                    Report(restarts, 0, wantedPlaced, largest, largestResidual);
                    continue;
                }
            }

            // Restart: V ← V·Z[:, 0..kept−1], the residual vector moves to slot kept, S ← [T₁₁; bᵀZ].
            _basis.Rotate(built, exhausted ? built : kept, z, built);
            if (!exhausted)
            {
                _basis.Swap(kept, built);
                Array.Clear(_s);
                for (int i = 0; i < kept; i++)
                {
                    Array.Copy(t, i * built, _s, i * m, kept);
                }

                Array.Copy(bz, 0, _s, kept * m, kept);
            }

            if (exhausted || convergedCount >= wantedPlaced)
            {
                last = ExplicitCheck(wantedPlaced, restarts);
                if (last.Converged || exhausted)
                {
                    return WithExtent(last, t, built);
                }

                // The Ritz residuals on A^d under-estimate those on A: ask for smaller ones, in proportion to the excess.
                _gate /= Math.Clamp(2 * Excess(last), 2, 1e6);
                double smallestWanted = Complex.Abs(ritz[wantedPlaced - 1]);
                if (_degree > 1 && _gate * _tolerance * Math.Max(smallestWanted, 1e-3 * largest) < 100 * Eps * largest)
                {
                    // Residuals that small are below rounding on A^d (the power hides the smaller wanted eigenvalues):
                    // halve the power and start again from the kept Schur vectors.
                    _degree = PrimeAtMost(_degree / 2);
                    _gate = 1.0;
                    Combine(kept);
                    k = 0;
                    restarts++;
                    Report(restarts, convergedCount, wantedPlaced, largest, largestResidual);
                    continue;
                }
            }

            if (restarts >= _maxRestarts)
            {
                return WithExtent(ExplicitCheck(wantedPlaced, restarts), t, built);
            }

            restarts++;
            k = kept;
            Report(restarts, convergedCount, wantedPlaced, largest, largestResidual);
        }
    }

    /// <summary>
    /// Adds the pseudospectral extent of the largest value: the Schur form T of the whole Krylov Rayleigh quotient
    /// holds every nearby eigenvalue the basis has seen, so Λ_ε(T) shows how far rounding and the residuals can move
    /// the largest one — first order for a well-conditioned eigenvalue, ε^{1/ℓ} inside a Jordan block of size ℓ.
    /// </summary>
    private KrylovSchurResult WithExtent(KrylovSchurResult result, double[] t, int built)
    {
        if (result.Values.Length == 0 || built == 0)
        {
            return result;
        }

        double frobenius = 0;
        for (int i = 0; i < built * built; i++)
        {
            frobenius += t[i] * t[i];
        }

        // T approximates A^d: its ε for A^d is d·|λ|^{d−1} times one for A; compare extents in λ by taking the d-th root.
        double residual = result.Residuals.Where(double.IsFinite).DefaultIfEmpty(0).Max();
        Complex top = result.Values[0];
        double scale = _degree == 1 ? 1.0 : _degree * Math.Pow(Complex.Abs(top), _degree - 1);
        double epsilon = (10.0 * built * Eps * Math.Sqrt(frobenius)) + (scale * residual);
        (double inner, double outer) = EigenPseudospectrum.RayExtent(t, built, Complex.Pow(top, _degree), epsilon);
        return result with { LargestExtent = (Math.Pow(inner, 1.0 / _degree), Math.Pow(outer, 1.0 / _degree)) };
    }

    /// <summary>The largest ratio of an explicit residual to its tolerance (&gt; 1 when the check failed).</summary>
    private double Excess(KrylovSchurResult result)
    {
        double worst = 0;
        for (int i = 0; i < result.Values.Length; i++)
        {
            worst = Math.Max(worst, result.Residuals[i] / (_tolerance * Math.Max(Complex.Abs(result.Values[i]), SpreadFloor)));
        }

        return double.IsFinite(worst) ? worst : 1e6;
    }

    /// <summary>The number of eigenvalues in the leading blocks that cover the first <paramref name="count"/> positions.</summary>
    private static int PlacedCount(double[] t, int n, int count)
    {
        int position = 0;
        while (position < count)
        {
            position += HessenbergSchur.BlockSize(t, n, position);
        }

        return position;
    }

    /// <summary>The largest d with (|θ_wanted| / |θ₁|)^d ≥ 10⁻⁴, so that the smallest wanted eigenvalue stays resolvable in A^d.</summary>
    private static int SpectralDegree(Complex[] ritz, int wanted)
    {
        double top = Complex.Abs(ritz[0]);
        double low = Complex.Abs(ritz[Math.Min(wanted, ritz.Length) - 1]);
        if (top == 0 || low == 0)
        {
            return 1;
        }

        double ratio = low / top;
        if (ratio >= 1)
        {
            return MaxDegree;
        }

        return Math.Clamp((int)Math.Floor(Math.Log(SpreadFloor) / Math.Log(ratio)), 1, MaxDegree);
    }

    private void Report(int restarts, int converged, int wanted, double largest, double residual) =>
        _onRestart?.Invoke(
            new KrylovSchurStatus(
                restarts, _products, converged, wanted, _degree > 1 ? Math.Pow(largest, 1.0 / _degree) : largest, residual, _degree));

    /// <summary>Restarts from one vector: the sum of the first <paramref name="kept"/> Schur vectors V·Z[:, c].</summary>
    private void FreshStart(double[] z, int built, int kept)
    {
        var coefficients = new double[built];
        for (int i = 0; i < built; i++)
        {
            double sum = 0;
            for (int c = 0; c < kept; c++)
            {
                sum += z[(i * built) + c];
            }

            coefficients[i] = sum;
        }

        StartFrom(coefficients);
    }

    /// <summary>Restarts from the sum of the first <paramref name="count"/> basis vectors.</summary>
    private void Combine(int count)
    {
        var coefficients = new double[count];
        Array.Fill(coefficients, 1.0);
        StartFrom(coefficients);
    }

    private void StartFrom(double[] coefficients)
    {
        _basis.Combine(coefficients, _scratchA);
        double norm = _basis.RemoveMean(_scratchA);
        if (!(norm > 0))
        {
            StartVector(_scratchA);
        }
        else
        {
            _basis.Scale(_scratchA, 1.0 / norm);
        }

        Array.Copy(_scratchA, _basis[0], _n);
        Array.Clear(_s);
        _scale = 0;
    }

    /// <summary>A seeded random unit vector in 𝟙^⊥.</summary>
    private void StartVector(double[] v)
    {
        for (int i = 0; i < _n; i++)
        {
            v[i] = _random.NextDouble() - 0.5;
        }

        double norm = _basis.RemoveMean(v);
        _basis.Scale(v, 1.0 / norm);
    }

    /// <summary>w = A^d·v: d steps of the chain (row vector times Q).</summary>
    private void Apply(double[] v, double[] w, int degree)
    {
        double[] source = v;
        for (int i = 0; i < degree; i++)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            double[] target = i == degree - 1 ? w : (i % 2 == 0 ? _scratchA : _scratchB);
            _chain.Step(source, target);
            source = target;
        }

        _products += degree;
    }

    /// <summary>
    /// Extends the Krylov decomposition from <paramref name="k"/> to <paramref name="m"/> basis vectors. Returns the
    /// number built; <paramref name="exhausted"/> is set when 𝟙^⊥ is spanned (an exact decomposition, b = 0).
    /// </summary>
    /// <remarks>
    /// Classical Gram–Schmidt with delayed reorthogonalisation (DCGS2, Świrydowicz et al. 2020): each new vector is
    /// orthogonalised once and kept provisional; its second pass is folded into the next step's sweeps, and the
    /// operator image of the corrected vector follows from the Krylov relation A^d·V = V·S + v·bᵀ, so each step
    /// reads the basis twice instead of three times. With heavy cancellation (‖second-pass coefficients‖ &gt; 1% of
    /// the norm) or a tiny norm the step falls back to an explicit CGS2 pass.
    /// </remarks>
    private int Expand(int k, int m, out bool exhausted, ref bool sawBreakdown)
    {
        exhausted = false;
        var pending = new double[m + 1]; // second-pass coefficients of the provisional vector
        var y = new double[m + 1];
        var c = new double[m + 1];
        var u = new double[m + 1];
        var g = new double[m + 1];
        var next = new double[m + 1];
        double pendingNorm = 0, pendingSum = 0;
        bool provisional = false; // whether slot j holds a once-orthogonalised, unnormalised vector
        for (int j = k; j < m; j++)
        {
            double beta = 1, meanW = 0;
            if (provisional)
            {
                double correction = (pendingSum * pendingSum / _n) + DotPrefix(pending, pending, j);
                double squared = (pendingNorm * pendingNorm) - correction;
                double floor = BreakdownRatio * _scale;
                if (correction > 1e-4 * pendingNorm * pendingNorm || !(squared > floor * floor))
                {
                    bool more = CompleteColumn(j, m, ref sawBreakdown);
                    if (!more)
                    {
                        exhausted = true;
                        return j;
                    }

                    provisional = false;
                }
                else
                {
                    beta = Math.Sqrt(squared);
                    for (int i = 0; i < j; i++)
                    {
                        _s[(i * m) + j - 1] += pending[i];
                    }

                    _s[(j * m) + j - 1] = beta;
                    meanW = pendingSum / _n;
                }
            }

            double[] w = _basis[j];
            double[] z = _basis[j + 1];
            Apply(w, z, _degree);
            (double wz, double sumZ, double zz) = _basis.DelayedProject(j, w, z, y);
            double vz = wz;
            Array.Clear(g, 0, j + 1);
            if (provisional)
            {
                // v_j = (w − V·pending − meanW·𝟙)/β, so A^d·v_j = (z − A^d·V·pending)/β with A^d·V·pending = V·g, g = S·pending.
                for (int i = 0; i <= j; i++)
                {
                    double sum = 0;
                    for (int l = 0; l < j; l++)
                    {
                        sum += _s[(i * m) + l] * pending[l];
                    }

                    g[i] = sum;
                }

                vz = (wz - DotPrefix(pending, y, j) - (meanW * sumZ)) / beta;
            }

            for (int i = 0; i < j; i++)
            {
                c[i] = (y[i] - g[i]) / beta;
                u[i] = (g[i] / beta) + c[i];
            }

            c[j] = (vz - g[j]) / beta;
            double e = (g[j] / beta) + c[j];
            (double sumNext, double squaredNext) = _basis.DelayedUpdate(
                j, w, provisional, pending, meanW, 1.0 / beta, z, u, e, sumZ / beta / _n, next);
            double column = 0;
            for (int i = 0; i <= j; i++)
            {
                _s[(i * m) + j] = c[i];
                column += c[i] * c[i];
            }

            _scale = Math.Max(_scale, Math.Max(Math.Sqrt(zz) / beta, Math.Sqrt(column)));
            Array.Copy(next, pending, j + 1);
            pendingSum = sumNext;
            pendingNorm = Math.Sqrt(squaredNext);
            provisional = true;
        }

        // The residual vector gets its second pass now.
        bool left = CompleteColumn(m, m, ref sawBreakdown);
        exhausted = !left;
        return m;
    }

    private static double DotPrefix(double[] a, double[] b, int count)
    {
        double sum = 0;
        for (int i = 0; i < count; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>
    /// Orthogonalises the provisional slot <paramref name="j"/> against slots 0..j−1 by CGS2, adds the coefficients to
    /// column j − 1 of S and normalises it; on breakdown the coupling is 0 and a fresh random direction takes the slot.
    /// Returns false when no direction is left (𝟙^⊥ is spanned).
    /// </summary>
    private bool CompleteColumn(int j, int m, ref bool sawBreakdown)
    {
        double[] w = _basis[j];
        var coefficients = new double[j + 1];
        (double before, double beta) = _basis.Orthogonalize(j, w, coefficients);
        for (int i = 0; i < j; i++)
        {
            _s[(i * m) + j - 1] += coefficients[i];
        }

        _scale = Math.Max(_scale, before);
        if (beta > BreakdownRatio * _scale && beta > 0)
        {
            _s[(j * m) + j - 1] = beta;
            _basis.Scale(w, 1.0 / beta);
            return true;
        }

        // An invariant subspace: the decomposition continues with a fresh random direction (coupling 0).
        sawBreakdown = true;
        _s[(j * m) + j - 1] = 0;
        return j < _n - 1 && FreshDirection(j, w, coefficients);
    }

    /// <summary>A random unit vector orthogonal to 𝟙 and the first <paramref name="count"/> basis vectors; false when
    /// none is left.</summary>
    private bool FreshDirection(int count, double[] w, Span<double> h)
    {
        for (int i = 0; i < _n; i++)
        {
            w[i] = _random.NextDouble() - 0.5;
        }

        (double before, double after) = _basis.Orthogonalize(count, w, h);
        if (!(after > 1e-8 * before))
        {
            return false;
        }

        _basis.Scale(w, 1.0 / after);
        return true;
    }

    /// <summary>
    /// Rayleigh–Ritz with A itself (one step per vector) on the first <paramref name="count"/> basis vectors W:
    /// G = Wᵀ(AW), R = AW − WG, eigenpairs (λ, y) of G, residual ‖R·y‖₂/‖y‖₂ = ‖A·Wy − λ·Wy‖₂/‖Wy‖₂.
    /// </summary>
    private KrylovSchurResult ExplicitCheck(int count, int restarts)
    {
        _images ??= new double[_basis.Capacity][];
        var images = new double[count][];
        var basis = new double[count][];
        for (int i = 0; i < count; i++)
        {
            images[i] = _images[i] ??= new double[_n];
            basis[i] = _basis[i];
            Apply(basis[i], images[i], 1);
            _basis.RemoveMean(images[i]);
        }

        var g = new double[count * count];
        _basis.Gram(basis, images, g); // g[i·count + j] = Wᵢ·(AWⱼ)
        var column = new double[count];
        for (int j = 0; j < count; j++)
        {
            for (int i = 0; i < count; i++)
            {
                column[i] = g[(i * count) + j];
            }

            _basis.SubtractCombination(images[j], basis, column);
        }

        var rtr = new double[count * count];
        _basis.Gram(images, images, rtr);

        var eigen = EigenSystem.Compute(Matrix<double>.Build.Dense(count, count, (i, j) => g[(i * count) + j]));
        var values = new Complex[count];
        var residuals = new double[count];
        var conditions = new double[count];
        for (int a = 0; a < count; a++)
        {
            values[a] = eigen.Values[a];
            conditions[a] = Math.Max(1.0, eigen.Conditions[a]);
            bool pair = EigenSystem.IsPairStart(eigen.Values, a);
            double quadratic = 0, length = 0;
            int width = pair ? 2 : 1;
            for (int part = 0; part < width; part++)
            {
                for (int i = 0; i < count; i++)
                {
                    double yi = eigen.Vectors[i, a + part];
                    length += yi * yi;
                    for (int j = 0; j < count; j++)
                    {
                        quadratic += yi * rtr[(i * count) + j] * eigen.Vectors[j, a + part];
                    }
                }
            }

            residuals[a] = length > 0 ? Math.Sqrt(Math.Max(0, quadratic) / length) : double.PositiveInfinity;
            if (pair)
            {
                values[a + 1] = eigen.Values[a + 1];
                residuals[a + 1] = residuals[a];
                conditions[a + 1] = conditions[a];
                a++;
            }
        }

        int[] order = Enumerable.Range(0, count)
            .OrderByDescending(i => Complex.Abs(values[i]))
            .ThenByDescending(i => values[i].Real)
            .ThenByDescending(i => values[i].Imaginary)
            .ToArray();
        values = order.Select(i => values[i]).ToArray();
        residuals = order.Select(i => residuals[i]).ToArray();
        conditions = order.Select(i => conditions[i]).ToArray();

        bool converged = true;
        for (int i = 0; i < count; i++)
        {
            if (!(residuals[i] <= _tolerance * Math.Max(Complex.Abs(values[i]), SpreadFloor)))
            {
                converged = false;
            }
        }

        return new KrylovSchurResult(values, residuals, conditions, converged, _products, restarts, _degree);
    }
}
