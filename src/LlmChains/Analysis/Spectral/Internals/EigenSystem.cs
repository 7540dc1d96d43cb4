using System.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace LlmChains.Analysis.Spectral.Internals;

/// <summary>
/// All eigenvalues of a dense real matrix by MathNet's EVD, with the first-order condition number of each
/// eigenvalue, κ(λ) = ‖x‖₂‖y‖₂ / |yᴴx| (x right, y left eigenvector), and the right eigenvectors on request.
/// </summary>
internal sealed class EigenSystem
{
    private EigenSystem(Complex[] values, double[] conditions, Matrix<double> vectors)
    {
        Values = values;
        Conditions = conditions;
        Vectors = vectors;
    }

    /// <summary>The eigenvalues in MathNet's order (a complex pair occupies two consecutive entries).</summary>
    public Complex[] Values { get; }

    /// <summary>κ(λ) per eigenvalue; +∞ when the eigenvector matrix is numerically singular (a defective eigenvalue).</summary>
    public double[] Conditions { get; }

    /// <summary>MathNet's real eigenvector matrix: columns i, i + 1 are Re x and Im x of a complex pair.</summary>
    public Matrix<double> Vectors { get; }

    /// <summary>Computes the eigen-decomposition of <paramref name="matrix"/> (square).</summary>
    public static EigenSystem Compute(Matrix<double> matrix)
    {
        int n = matrix.RowCount;
        var evd = matrix.Evd(Symmetricity.Unknown);
        Complex[] values = evd.EigenValues.ToArray();
        Matrix<double> vectors = evd.EigenVectors;
        var conditions = new double[n];
        if (evd.IsSymmetric)
        {
            Array.Fill(conditions, 1.0);
            return new EigenSystem(values, conditions, vectors);
        }

        Matrix<double> inverse = vectors.Inverse();
        bool finite = true;
        foreach (double value in inverse.Enumerate())
        {
            if (!double.IsFinite(value))
            {
                finite = false;
                break;
            }
        }

        for (int i = 0; i < n; i++)
        {
            if (!finite)
            {
                conditions[i] = double.PositiveInfinity;
                continue;
            }

            if (IsPairStart(values, i))
            {
                double right = Math.Sqrt(SquaredColumn(vectors, i) + SquaredColumn(vectors, i + 1));
                double left = Math.Sqrt(SquaredRow(inverse, i) + SquaredRow(inverse, i + 1)) / 2;
                conditions[i] = conditions[i + 1] = right * left;
                i++;
            }
            else
            {
                conditions[i] = Math.Sqrt(SquaredColumn(vectors, i)) * Math.Sqrt(SquaredRow(inverse, i));
            }
        }

        return new EigenSystem(values, conditions, vectors);
    }

    /// <summary>Whether entries i and i + 1 are a complex-conjugate pair sharing eigenvector columns i, i + 1.</summary>
    public static bool IsPairStart(Complex[] values, int i) =>
        values[i].Imaginary != 0 && i + 1 < values.Length && values[i + 1] == Complex.Conjugate(values[i]);

    private static double SquaredColumn(Matrix<double> m, int column)
    {
        double sum = 0;
        for (int r = 0; r < m.RowCount; r++)
        {
            sum += m[r, column] * m[r, column];
        }

        return sum;
    }

    private static double SquaredRow(Matrix<double> m, int row)
    {
        double sum = 0;
        for (int c = 0; c < m.ColumnCount; c++)
        {
            sum += m[row, c] * m[row, c];
        }

        return sum;
    }
}
