using System.Numerics.Tensors;
using LlmChains.Analysis.Spectral;
using LlmChains.Internals.Numerics;

namespace LlmChains.Analysis.Fate.Internals;

/// <summary>
/// Restarted GMRES(m) for (I − M)·x = b, M substochastic with spectral radius &lt; 1, right-preconditioned by the
/// truncated Neumann series p(M) = I + M + … + M^{d−1}: GMRES works on (I − M)·p(M) = I − M^d, whose eigenvalues
/// 1 − μ^d cluster around 1, and x = p(M)·y. The least-squares part is the engine room's
/// <see cref="KrylovLeastSquares"/> (Givens rotations); products with M run as a chunked parallel job (every entry
/// written by one chunk in a fixed order, so results do not depend on the thread count).
/// </summary>
/// <remarks>
/// The engine room's <c>GmresDeflatedRestart</c> is specific to the stationary equation (its operator is
/// I − P + 𝟙uᵀ on row vectors, its residual the stationary residual), and <c>ArnoldiBasis</c> keeps every vector in
/// the sum-zero subspace; neither applies to a non-singular system with a general right-hand side, hence this small
/// solver. Every cycle ends with the explicit residual ‖b − (I − M)·x‖_∞ (one product), which is what the stopping
/// rule and the report use; the recurrence's 2-norm only decides when to end a cycle early.
/// </remarks>
internal sealed class NeumannGmres
{
    private const int ChunkRows = 16_384;

    private readonly SubstochasticSystem _system;
    private readonly int _m;
    private readonly int _degree;
    private readonly int _workers;
    private readonly double[][] _v;
    private readonly double[] _w;
    private readonly double[] _z;
    private readonly double[] _r;
    private readonly double[] _hbar;
    private readonly double[] _c = new double[1];
    private readonly double[] _y;
    private readonly KrylovLeastSquares _leastSquares;
    private MultiplyJob? _job;

    public NeumannGmres(SubstochasticSystem system, int restartLength, int degree, int workers)
    {
        _system = system;
        int n = system.Count;
        _m = Math.Max(1, Math.Min(restartLength, n));
        _degree = degree;
        _workers = workers;
        _v = new double[_m + 1][];
        for (int i = 0; i <= _m; i++)
        {
            _v[i] = new double[n];
        }

        _w = new double[n];
        _z = new double[n];
        _r = new double[n];
        _hbar = new double[(_m + 1) * _m];
        _leastSquares = new KrylovLeastSquares(_m);
        _y = new double[_m];
    }

    /// <summary>Bytes of the vectors for <paramref name="n"/> unknowns and subspace dimension <paramref name="m"/>.</summary>
    public static long BytesFor(long n, int m) => ((long)m + 5) * n * sizeof(double);

    public long Products { get; private set; }

    /// <summary>Solves for <paramref name="b"/> into <paramref name="x"/> (its content is the initial guess).</summary>
    public (SolveStatus Status, double Residual) Solve(
        double[] b, double[] x, double tolerance, long maxProducts, Action<long, double>? report, CancellationToken cancellationToken)
    {
        double scale = Math.Abs(TensorPrimitives.MaxMagnitude(b));
        if (scale == 0)
        {
            Array.Clear(x);
            return (SolveStatus.Converged, 0);
        }

        double target = tolerance * scale;
        double residual = ExplicitResidual(b, x);
        double best = residual;
        int stalls = 0;
        while (true)
        {
            report?.Invoke(Products, residual / scale);
            if (residual <= target)
            {
                return (SolveStatus.Converged, residual);
            }

            if (Products + ((long)_degree * (_m + 1)) + 1 > maxProducts)
            {
                return (SolveStatus.MaxIterationsReached, residual);
            }

            cancellationToken.ThrowIfCancellationRequested();
            double beta = TensorPrimitives.Norm(_r);
            TensorPrimitives.Multiply(_r, 1 / beta, _v[0]);
            _c[0] = beta;
            _leastSquares.Reset(_c, 1);
            Array.Clear(_hbar);
            int columns = 0;
            for (int j = 0; j < _m; j++)
            {
                ApplyPreconditioned(_v[j], _w);
                int ld = _m + 1;
                for (int i = 0; i <= j; i++)
                {
                    double h = TensorPrimitives.Dot(_w, _v[i]);
                    _hbar[(j * ld) + i] = h;
                    TensorPrimitives.MultiplyAdd(_v[i], -h, _w, _w);
                }

                // one re-orthogonalisation pass (CGS2-style correction of the MGS coefficients)
                for (int i = 0; i <= j; i++)
                {
                    double h = TensorPrimitives.Dot(_w, _v[i]);
                    _hbar[(j * ld) + i] += h;
                    TensorPrimitives.MultiplyAdd(_v[i], -h, _w, _w);
                }

                double norm = TensorPrimitives.Norm(_w);
                _hbar[(j * ld) + j + 1] = norm;
                double estimate = _leastSquares.AddColumn(_hbar, j + 1);
                columns = j + 1;
                if (norm <= 1e-300 * beta)
                {
                    break; // the Krylov space is invariant: the least-squares solution is exact
                }

                TensorPrimitives.Multiply(_w, 1 / norm, _v[j + 1]);
                if (estimate <= 0.1 * target)
                {
                    break;
                }
            }

            Span<double> y = _y.AsSpan(0, columns);
            _leastSquares.Solve(y);
            Array.Clear(_w);
            for (int i = 0; i < columns; i++)
            {
                TensorPrimitives.MultiplyAdd(_v[i], y[i], _w, _w);
            }

            // x += p(M)·w by Horner: z = w; z ← w + M·z, d − 1 times.
            _w.AsSpan().CopyTo(_z);
            for (int k = 1; k < _degree; k++)
            {
                Multiply(_z, _r);
                TensorPrimitives.Add(_w, _r, _z);
            }

            TensorPrimitives.Add(x, _z, x);
            residual = ExplicitResidual(b, x);
            if (residual < 0.999 * best)
            {
                best = residual;
                stalls = 0;
            }
            else if (++stalls >= 3)
            {
                report?.Invoke(Products, residual / scale);
                return (SolveStatus.Stagnated, residual);
            }
        }
    }

    /// <summary>w = (I − M^d)·v (d products).</summary>
    private void ApplyPreconditioned(double[] v, double[] w)
    {
        Multiply(v, _z);
        for (int k = 1; k < _degree; k++)
        {
            Multiply(_z, _r);
            _r.AsSpan().CopyTo(_z);
        }

        TensorPrimitives.Subtract(v, _z, w);
    }

    /// <summary>r = b − (I − M)·x in <see cref="_r"/>; returns ‖r‖_∞ (one product).</summary>
    private double ExplicitResidual(double[] b, double[] x)
    {
        Multiply(x, _r);
        TensorPrimitives.Add(_r, b, _r);
        TensorPrimitives.Subtract(_r, x, _r);
        return Math.Abs(TensorPrimitives.MaxMagnitude(_r)); // MaxMagnitude keeps the sign
    }

    private void Multiply(double[] x, double[] y)
    {
        Products++;
        int n = _system.Count;
        long chunks = (n + ChunkRows - 1) / ChunkRows;
        var job = ParallelJob.Rent(ref _job);
        job.System = _system;
        job.X = x;
        job.Y = y;
        job.Run(chunks, (int)Math.Min(_workers, chunks));
        job.X = null;
        job.Y = null;
        ParallelJob.Return(ref _job, job);
    }

    private sealed class MultiplyJob : ParallelJob
    {
        public SubstochasticSystem? System;
        public double[]? X;
        public double[]? Y;

        protected override void Execute(long item)
        {
            var s = System!;
            double[] x = X!;
            double[] y = Y!;
            long[] starts = s.RowStarts;
            int[] columns = s.Columns;
            double[] values = s.Values;
            int first = (int)(item * ChunkRows);
            int last = Math.Min(s.Count, first + ChunkRows);
            for (int i = first; i < last; i++)
            {
                double sum = 0;
                for (long e = starts[i]; e < starts[i + 1]; e++)
                {
                    sum += values[e] * x[columns[e]];
                }

                y[i] = sum;
            }
        }
    }
}
