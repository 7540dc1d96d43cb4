namespace LlmChains.Internals.Numerics;

/// <summary>
/// The small least-squares problem min_y ‖c − H̄·y‖₂ of GMRES, solved incrementally by Givens rotations as the
/// columns of H̄ arrive. H̄ is upper Hessenberg except for a dense leading (k+1)×k block after a deflated restart;
/// each new column replays the stored rotations and adds the rotations that zero it below the diagonal, so the
/// residual norm |g_j| is known after every column at O(k² + j) cost.
/// </summary>
internal sealed class KrylovLeastSquares
{
    private readonly int _ld;
    private readonly double[] _r;        // rotated H̄, column-major with leading dimension m + 1
    private readonly double[] _g;        // rotated right-hand side
    private readonly List<(int Row, double C, double S)> _rotations = [];

    public KrylovLeastSquares(int m)
    {
        _ld = m + 1;
        _r = new double[(m + 1) * m];
        _g = new double[m + 1];
    }

    /// <summary>The number of columns added since <see cref="Reset"/>.</summary>
    public int Columns { get; private set; }

    /// <summary>‖c − H̄·y‖₂ at the least-squares solution for the columns added so far.</summary>
    public double ResidualNorm => Math.Abs(_g[Columns]);

    /// <summary>Starts over with right-hand side c (its first <paramref name="length"/> entries; the rest are 0).</summary>
    public void Reset(ReadOnlySpan<double> c, int length)
    {
        _rotations.Clear();
        Array.Clear(_g);
        c[..length].CopyTo(_g);
        Columns = 0;
    }

    /// <summary>
    /// Adds column j = <see cref="Columns"/> of H̄, whose non-zeros lie in rows 0..<paramref name="lastRow"/>
    /// (column-major in <paramref name="hbar"/> with the same leading dimension). Returns the new residual norm.
    /// </summary>
    public double AddColumn(double[] hbar, int lastRow)
    {
        int j = Columns;
        Span<double> column = _r.AsSpan(j * _ld, _ld);
        column.Clear();
        hbar.AsSpan(j * _ld, lastRow + 1).CopyTo(column);
        foreach (var (row, c, s) in _rotations)
        {
            Rotate(column, row, c, s);
        }

        for (int row = lastRow; row > j; row--)
        {
            double a = column[row - 1];
            double b = column[row];
            if (b == 0)
            {
                continue;
            }

            double rho = Math.Sqrt((a * a) + (b * b));
            double c = a / rho;
            double s = b / rho;
            column[row - 1] = rho;
            column[row] = 0;
            _rotations.Add((row - 1, c, s));
            Rotate(_g, row - 1, c, s);
        }

        Columns = j + 1;
        return ResidualNorm;
    }

    /// <summary>Solves R·y = g for the columns added so far (back substitution).</summary>
    public void Solve(Span<double> y)
    {
        int count = Columns;
        for (int i = count - 1; i >= 0; i--)
        {
            double sum = _g[i];
            for (int j = i + 1; j < count; j++)
            {
                sum -= _r[(j * _ld) + i] * y[j];
            }

            double diagonal = _r[(i * _ld) + i];
            y[i] = diagonal != 0 ? sum / diagonal : 0;
        }
    }

    private static void Rotate(Span<double> v, int row, double c, double s)
    {
        double x = v[row];
        double y = v[row + 1];
        v[row] = (c * x) + (s * y);
        v[row + 1] = (c * y) - (s * x);
    }
}
