// The guard throws on behalf of StationaryDistribution.Compute, naming its `chain` parameter.
#pragma warning disable CA2208

using System.Numerics.Tensors;
using LlmChains.Analysis.Spectral;
using LlmChains.Analysis.Spectral.Internals;
using LlmChains.Chains;

namespace LlmChains.Internals.Numerics;

/// <summary>
/// GMRES with deflated restarting, GMRES-DR(m, k) (Morgan 2002), for the stationary equation of a closed
/// irreducible class written as the non-singular system x·A = u with A = I − P + 1uᵀ, u uniform and P = Q or the
/// polynomial preconditioner P = ((I + Q)/2)^d (row vectors; only x ↦ x·Q is used). At the solution Σx = 1 and
/// x·P = x, hence x·Q = x.
/// </summary>
/// <remarks>
/// <para>By Brauer's theorem spec(A) = {u·1 = 1} ∪ {1 − μ : μ ∈ spec(P) \ {1}}, so A is non-singular on an
/// irreducible class (for d &gt; 1, μ = ((1 + λ)/2)^d equals 1 only for λ = 1, even on a periodic class) and its
/// eigenvalues nearest 0 are the slow modes of Q (the eigenvalues near 1 that make power iteration crawl on
/// metastable, low-temperature chains). Plain restarted GMRES forgets them at every restart; GMRES-DR keeps the k
/// harmonic Ritz vectors of smallest |θ| in the next cycle's basis, deflating them. The polynomial costs d steps per
/// Krylov vector and so divides the orthogonalisation per step by d; the lazy form keeps the nearly periodic
/// rotations of low-temperature chains (eigenvalues near the unit circle) away from 0, where Q^d would fold them.</para>
/// <para>Orthogonalisation is classical Gram–Schmidt with one conditional re-orthogonalisation (DGKS criterion
/// ‖w′‖ &lt; ‖w‖/√2), every vector pass being a chunked, deterministic parallel kernel. The stationary residual
/// ‖x̂·Q − x̂‖₁ of the normalised iterate x̂ is computed explicitly (d products) at the end of each cycle and when the
/// recurrence's 2-norm, scaled by the last observed ratio of the stationary residual to ‖r‖₂, predicts
/// convergence; if the explicit and recurrence residuals disagree by more than 10% the method restarts from the
/// explicit residual.</para>
/// </remarks>
internal sealed class GmresDeflatedRestart
{
    private readonly IMarkovChain _operator;
    private readonly int _n;
    private readonly int _m;
    private readonly int _k;
    private readonly double[][] _basis;
    private int _degree;
    private int _ritzDegree = 1;
    private readonly double[] _z;
    private readonly double[]? _z2;
    private readonly double[] _residual;
    private double[] _candidate;
    private readonly double[] _hbar;
    private readonly double[] _c;
    private readonly double[] _h;
    private readonly double[] _h2;
    private readonly double[] _y;
    private readonly KrylovLeastSquares _leastSquares;

    private GmresDeflatedRestart(IMarkovChain chainOperator, int n, int m, int k, int degree)
    {
        _operator = chainOperator;
        _degree = degree;
        _z2 = degree > 1 ? GC.AllocateUninitializedArray<double>(n) : null;
        _n = n;
        _m = m;
        _k = k;
        _basis = new double[m + 1][];
        for (int i = 0; i <= m; i++)
        {
            _basis[i] = GC.AllocateUninitializedArray<double>(n);
        }

        _z = GC.AllocateUninitializedArray<double>(n);
        _residual = GC.AllocateUninitializedArray<double>(n);
        _candidate = GC.AllocateUninitializedArray<double>(n);
        _hbar = new double[(m + 1) * m];
        _c = new double[m + 1];
        _h = new double[m + 1];
        _h2 = new double[m + 1];
        _y = new double[m];
        _leastSquares = new KrylovLeastSquares(m);
    }

    /// <summary>The smallest harmonic Ritz value magnitude seen (≈ 1 − |λ₂|, the gap), or NaN before the first one.</summary>
    public double SmallestRitzValue { get; private set; } = double.NaN;

    /// <summary>
    /// The estimate of the gap 1 − λ₂ of Q from the smallest harmonic Ritz value θ of I − ((I + Q)/2)^d + 1uᵀ:
    /// 2·(1 − (1 − θ)^{1/d}) (θ itself when d = 1), or NaN.
    /// </summary>
    public double GapEstimate =>
        _ritzDegree == 1 || !(SmallestRitzValue < 1) ? SmallestRitzValue : 2 * (1 - Math.Pow(1 - SmallestRitzValue, 1.0 / _ritzDegree));

    /// <summary>The subspace dimension actually used.</summary>
    public int RestartLength => _m;

    /// <summary>Bytes of the vectors a solver with subspace dimension m allocates for n states.</summary>
    internal static long BytesFor(int n, int m) => ((long)m + 5) * n * sizeof(double);

    /// <summary>Creates a solver, lowering m so that its vectors fit in half the available memory.</summary>
    internal static GmresDeflatedRestart Create(
        IMarkovChain chainOperator, int n, int restartLength, int deflated, int degree, StationarySolveContext context)
    {
        int m = Math.Max(1, Math.Min(restartLength, n));
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2;
        int requested = m;
        while (m > 3 && BytesFor(n, m) > available)
        {
            m--;
        }

        if (BytesFor(n, m) > available)
        {
            throw new ArgumentException(
                $"GMRES-DR needs {BytesFor(n, m):N0} bytes for a class of {n:N0} states even with subspace dimension {m}; about " +
                $"{available:N0} are available. Use Method = Power or LazyPower.",
                "chain");
        }

        if (m < requested)
        {
            long bytes = BytesFor(n, m);
            StationaryLog.RestartLowered(context.Logger, requested, m, bytes);
        }

        int k = Math.Max(0, Math.Min(deflated, m - 2));
        return new GmresDeflatedRestart(chainOperator, n, m, k, degree);
    }

    /// <summary>
    /// Solves from the normalised iterate <paramref name="x"/> (replaced by the result, not yet clamped or normalised)
    /// until the stationary residual is at most <paramref name="tolerance"/>, or the products counted in
    /// <paramref name="context"/> would exceed <paramref name="budget"/> (never: every Krylov vector and check is
    /// reserved before it is computed), or <paramref name="floor"/>(residual, row-sum defect) says the residual cannot
    /// improve (<see cref="SolveStatus.Stagnated"/>). Returns the status and the stationary residual of the
    /// normalised result (NaN when the budget allowed no check at all).
    /// </summary>
    /// <remarks>
    /// With d &gt; 1 the exact solution of the preconditioned system is not the best x of a chain whose rows do not
    /// sum exactly to 1 (float32 storage): summing x·(I − P) + (Σx)·u = u gives Σx − 1 ≈ (d/2)·δ, δ the row-sum
    /// defect Σ(x·Q) − Σx, and that rank-one mismatch leaves a stationary residual up to about 2d·δ instead of δ.
    /// The preconditioned phase therefore stops at <paramref name="floor"/>(residual, d·defect); if the residual is
    /// still above the chain's own floor, the solve continues with d = 1 (plain GMRES-DR on I − Q + 1uᵀ, whose
    /// solution is within 2δ), warm-started from the result.
    /// </remarks>
    public (SolveStatus Status, double Residual) Run(
        ref double[] x, double tolerance, int budget, Func<double, double, bool> floor, StationarySolveContext context)
    {
        while (true)
        {
            var (status, residual, defect) = RunCycles(ref x, tolerance, budget, floor, context);
            if (status != SolveStatus.Stagnated || _degree == 1 || floor(residual, defect))
            {
                return (status, residual);
            }

            // at the preconditioned system's floor (≈ d·defect) but above the chain's: finish with d = 1
            _degree = 1;
        }
    }

    /// <summary>GMRES-DR cycles at the current degree; stagnation is judged against the degree's floor (defect scaled by d).</summary>
    private (SolveStatus Status, double Residual, double Defect) RunCycles(
        ref double[] x, double tolerance, int budget, Func<double, double, bool> floor, StationarySolveContext context)
    {
        CancellationToken token = context.CancellationToken;
        if (context.Iterations >= budget)
        {
            return (SolveStatus.MaxIterationsReached, double.NaN, 0);
        }

        int gain = _degree;
        var (stationary, defect, l2) = Explicit(x, tolerance, needResidual: true, budget, context);
        if (stationary <= tolerance)
        {
            return (SolveStatus.Converged, stationary, defect);
        }

        if (floor(stationary, defect * gain))
        {
            return (SolveStatus.Stagnated, stationary, defect);
        }

        if (double.IsNaN(l2))
        {
            return (SolveStatus.MaxIterationsReached, stationary, defect); // no room for the GMRES residual
        }

        double ratio = l2 > 0 ? stationary / l2 : 1;
        int first = PlainStart(l2);
        double lastFailedEstimate = double.PositiveInfinity;
        context.Report(StationaryMethod.Gmres, stationary);

        while (true)
        {
            _leastSquares.Reset(_c, first + 1);
            for (int i = 0; i < first; i++)
            {
                _leastSquares.AddColumn(_hbar, first);
            }

            int j = first;
            bool breakdown = false;
            bool outOfBudget = false;
            while (true)
            {
                bool checkpoint = false;
                for (; j < _m; j++)
                {
                    if (context.Iterations + _degree > budget)
                    {
                        outOfBudget = true;
                        break;
                    }

                    token.ThrowIfCancellationRequested();
                    double[] w = _basis[j + 1];
                    Apply(_basis[j], w, context);
                    double norm = Orthogonalise(j, w, out double before, token);
                    Span<double> column = _hbar.AsSpan(j * (_m + 1), _m + 1);
                    column.Clear();
                    _h.AsSpan(0, j + 1).CopyTo(column);
                    column[j + 1] = norm;
                    double implicitNorm = _leastSquares.AddColumn(_hbar, j + 1);
                    if (!(norm > 1e-13 * before))
                    {
                        breakdown = true; // the Krylov space is invariant: the least-squares solution is exact
                        j++;
                        break;
                    }

                    StationaryVectors.Scale(w, _n, 1 / norm, token);
                    double estimate = implicitNorm * ratio;
                    context.Report(StationaryMethod.Gmres, estimate);
                    if (estimate <= tolerance && implicitNorm < 0.5 * lastFailedEstimate)
                    {
                        checkpoint = true;
                        j++;
                        break;
                    }
                }

                int columns = _leastSquares.Columns;
                Span<double> y = _y.AsSpan(0, columns);
                _leastSquares.Solve(y);
                Array.Copy(x, _candidate, _n);
                StationaryVectors.AddCombination(_basis, columns, y, _candidate, _n, token);
                if (outOfBudget || context.Iterations + _degree > budget)
                {
                    // no room for the check a further cycle needs: return the minimiser unchecked (the caller's
                    // final residual check decides between Converged, Stagnated and MaxIterationsReached)
                    (x, _candidate) = (_candidate, x);
                    return (SolveStatus.MaxIterationsReached, double.NaN, 0);
                }

                (stationary, defect, l2) = Explicit(_candidate, tolerance, needResidual: true, budget, context);
                bool atFloor = floor(stationary, defect * gain);
                if (stationary <= tolerance || atFloor)
                {
                    (x, _candidate) = (_candidate, x);
                    return (stationary <= tolerance ? SolveStatus.Converged : SolveStatus.Stagnated, stationary, defect);
                }

                ratio = l2 > 0 ? stationary / l2 : ratio;
                if (checkpoint && !breakdown && j < _m)
                {
                    // the prediction was optimistic: keep extending this cycle from the same x
                    lastFailedEstimate = _leastSquares.ResidualNorm;
                    continue;
                }

                // end of cycle: accept the candidate and restart
                (x, _candidate) = (_candidate, x);
                double recurrence = _leastSquares.ResidualNorm;
                bool drift = Math.Abs(l2 - recurrence) > 0.1 * l2;
                if (drift)
                {
                    StationaryLog.KrylovResync(context.Logger, l2, recurrence);
                }

                lastFailedEstimate = double.PositiveInfinity;
                first = breakdown || drift || _k == 0 || columns < _m ? PlainStart(l2) : DeflatedRestart(y, l2, token);
                break;
            }
        }
    }

    /// <summary>Computes the harmonic Ritz estimate of the gap from the current cycle when no restart produced one.</summary>
    public void EstimateGapIfMissing()
    {
        int columns = _leastSquares.Columns;
        if (!double.IsNaN(SmallestRitzValue) || columns < 2)
        {
            return;
        }

        var square = new double[(columns + 1) * columns];
        for (int j = 0; j < columns; j++)
        {
            Array.Copy(_hbar, j * (_m + 1), square, j * (columns + 1), columns + 1);
        }

        if (KrylovHarmonicRitz.Compute(square, columns, 1, out _, out double smallest) > 0)
        {
            SmallestRitzValue = smallest;
            _ritzDegree = _degree;
        }
    }

    /// <summary>w = v·A = v − v·P + (Σv)·u with P = Q or ((I + Q)/2)^d (d products).</summary>
    private void Apply(double[] v, double[] w, StationarySolveContext context)
    {
        double[] power = StepPower(v, context);
        double sum = StationaryVectors.Sum(v, _n, context.CancellationToken);
        StationaryVectors.ShiftedDifference(v, power, w, _n, sum, context.CancellationToken);
    }

    /// <summary>v·Q (d = 1) or v·((I + Q)/2)^d (d &gt; 1), in <see cref="_z"/> or <see cref="_z2"/> (returned): d products.</summary>
    private double[] StepPower(double[] v, StationarySolveContext context)
    {
        _operator.Step(v, _z);
        context.Iterations++;
        double[] current = _z;
        if (_degree == 1)
        {
            return current;
        }

        StationaryVectors.Average(v, current, _n, context.CancellationToken);
        for (int i = 1; i < _degree; i++)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            double[] next = ReferenceEquals(current, _z) ? _z2! : _z;
            _operator.Step(current, next);
            context.Iterations++;
            StationaryVectors.Average(current, next, _n, context.CancellationToken);
            current = next;
        }

        return current;
    }

    /// <summary>
    /// The explicit check at <paramref name="x"/>, in two stages. The first (one product, x·Q left in
    /// <see cref="_z"/>) gives the stationary residual of the normalised x and the row-sum defect |Σ(x·Q) − Σx|/Σx;
    /// when that settles the solve, or <paramref name="needResidual"/> is false, or the d − 1 further products would
    /// exceed <paramref name="budget"/>, the second is skipped (L2 = NaN). The second (d − 1 more products for d &gt; 1)
    /// forms the GMRES residual r = u − x·A in <see cref="_residual"/> and returns ‖r‖₂.
    /// </summary>
    private (double Stationary, double Defect, double L2) Explicit(
        double[] x, double tolerance, bool needResidual, int budget, StationarySolveContext context)
    {
        CancellationToken token = context.CancellationToken;
        double sum = StationaryVectors.Sum(x, _n, token);
        _operator.Step(x, _z);
        context.Iterations++;
        double distance;
        double sumZ;
        double l2 = double.NaN;
        if (_degree == 1)
        {
            l2 = StationaryVectors.ExplicitResidual(x, _z, _residual, _n, sum, out _, out distance, out sumZ, token);
        }
        else
        {
            distance = StationaryVectors.DistanceL1(x, _z, _n, out sumZ, token);
        }

        if (!(sum > 0))
        {
            return (double.PositiveInfinity, 0, l2);
        }

        double stationary = distance / sum;
        double defect = Math.Abs(sumZ - sum) / sum;
        if (
            _degree > 1 && needResidual && stationary > tolerance && stationary > 2 * defect * _degree && context.Iterations
                + _degree - 1 <= budget)
        {
            StationaryVectors.Average(x, _z, _n, token);
            double[] current = _z;
            for (int i = 1; i < _degree; i++)
            {
                token.ThrowIfCancellationRequested();
                double[] next = ReferenceEquals(current, _z) ? _z2! : _z;
                _operator.Step(current, next);
                context.Iterations++;
                StationaryVectors.Average(current, next, _n, token);
                current = next;
            }

            l2 = StationaryVectors.ExplicitResidual(x, current, _residual, _n, sum, out _, out _, out _, token);
        }

        return (stationary, defect, l2);
    }

    /// <summary>Classical Gram–Schmidt against V[0..j] with one conditional re-orthogonalisation; returns ‖w‖.</summary>
    private double Orthogonalise(int j, double[] w, out double before, CancellationToken token)
    {
        int count = j + 1;
        double beforeSquared = StationaryVectors.MultiDot(_basis, count, w, _n, _h, token);
        before = Math.Sqrt(beforeSquared);
        NegateInto(_h, _h2, count);
        double normSquared = StationaryVectors.AddCombination(_basis, count, _h2, w, _n, token);
        if (normSquared < 0.5 * beforeSquared)
        {
            StationaryVectors.MultiDot(_basis, count, w, _n, _h2, token);
            for (int i = 0; i < count; i++)
            {
                _h[i] += _h2[i];
                _h2[i] = -_h2[i];
            }

            normSquared = StationaryVectors.AddCombination(_basis, count, _h2, w, _n, token);
        }

        return Math.Sqrt(Math.Max(0, normSquared));
    }

    private static void NegateInto(double[] source, double[] destination, int count)
    {
        for (int i = 0; i < count; i++)
        {
            destination[i] = -source[i];
        }
    }

    /// <summary>V[0] = r/‖r‖, c = ‖r‖·e₁ from the explicit residual in <see cref="_residual"/>. Returns 0 columns.</summary>
    private int PlainStart(double norm)
    {
        double scale = norm > 0 ? 1 / norm : 0;
        TensorPrimitives.Multiply(_residual.AsSpan(0, _n), scale, _basis[0].AsSpan(0, _n));

        Array.Clear(_hbar);
        Array.Clear(_c);
        _c[0] = norm;
        return 0;
    }

    /// <summary>
    /// The deflated restart: keeps the harmonic Ritz vectors of smallest |θ| and the residual. With P the
    /// orthonormalised [G; 0 | ρ] ((m+1)×(k+1)), the new basis is V·P, the new leading block of H̄ is Pᵀ·H̄·P_k and
    /// the new right-hand side Pᵀ·ρ, where ρ = c − H̄·y is the residual in the old basis. Returns k.
    /// </summary>
    private int DeflatedRestart(ReadOnlySpan<double> y, double explicitNorm, CancellationToken token)
    {
        int m = _m;
        int ld = m + 1;
        var rho = new double[ld];
        for (int i = 0; i < ld; i++)
        {
            double sum = _c[i];
            for (int j = 0; j < m; j++)
            {
                sum -= _hbar[(j * ld) + i] * y[j];
            }

            rho[i] = sum;
        }

        int k = KrylovHarmonicRitz.Compute(_hbar, m, _k, out double[] g, out double smallest);
        if (double.IsFinite(smallest))
        {
            SmallestRitzValue = smallest;
            _ritzDegree = _degree;
        }

        if (k == 0 || k > m - 1)
        {
            return PlainStart(explicitNorm);
        }

        // P: (m+1)×(k+1), column-major
        var p = new double[ld * (k + 1)];
        for (int c = 0; c < k; c++)
        {
            Array.Copy(g, c * m, p, c * ld, m);
        }

        Array.Copy(rho, 0, p, k * ld, ld);
        if (!OrthonormaliseColumns(p, ld, k + 1))
        {
            return PlainStart(explicitNorm);
        }

        // T = H̄·P_k ((m+1)×k), then Hnew = Pᵀ·T ((k+1)×k)
        var t = new double[ld * k];
        for (int c = 0; c < k; c++)
        {
            for (int j = 0; j < m; j++)
            {
                double pj = p[(c * ld) + j];
                if (pj == 0)
                {
                    continue;
                }

                for (int i = 0; i < ld; i++)
                {
                    t[(c * ld) + i] += _hbar[(j * ld) + i] * pj;
                }
            }
        }

        Array.Clear(_hbar);
        for (int c = 0; c < k; c++)
        {
            for (int r = 0; r <= k; r++)
            {
                double sum = 0;
                for (int i = 0; i < ld; i++)
                {
                    sum += p[(r * ld) + i] * t[(c * ld) + i];
                }

                _hbar[(c * ld) + r] = sum;
            }
        }

        Array.Clear(_c);
        for (int r = 0; r <= k; r++)
        {
            double sum = 0;
            for (int i = 0; i < ld; i++)
            {
                sum += p[(r * ld) + i] * rho[i];
            }

            _c[r] = sum;
        }

        StationaryVectors.ChangeBasis(_basis, ld, k + 1, p, _n, token);
        return k;
    }

    /// <summary>Modified Gram–Schmidt, twice, on the columns of a small column-major matrix; false if one is (nearly) dependent.</summary>
    private static bool OrthonormaliseColumns(double[] p, int rows, int columns)
    {
        for (int c = 0; c < columns; c++)
        {
            Span<double> v = p.AsSpan(c * rows, rows);
            double original = Math.Sqrt(Dot(v, v));
            if (!(original > 0))
            {
                return false;
            }

            for (int pass = 0; pass < 2; pass++)
            {
                for (int q = 0; q < c; q++)
                {
                    ReadOnlySpan<double> u = p.AsSpan(q * rows, rows);
                    double d = Dot(u, v);
                    for (int i = 0; i < rows; i++)
                    {
                        v[i] -= d * u[i];
                    }
                }
            }

            double norm = Math.Sqrt(Dot(v, v));
            if (!(norm > 1e-10 * original))
            {
                return false;
            }

            for (int i = 0; i < rows; i++)
            {
                v[i] /= norm;
            }
        }

        return true;
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
