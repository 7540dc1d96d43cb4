using System.Numerics;
using LlmChains.Chains;
using MathNet.Numerics.LinearAlgebra;

namespace LlmChains.Tests.Analysis.Spectral;

/// <summary>Chains with known spectra and independent dense references for the spectrum tests.</summary>
internal static class SpectrumTestChains
{
    /// <summary>The dense transition matrix of a chain, read row by row through GetRow.</summary>
    public static double[,] ToDense(IMarkovChain chain)
    {
        int n = (int)chain.StateCount;
        var dense = new double[n, n];
        var columns = new long[chain.MaxRowNonZeros];
        var probabilities = new double[chain.MaxRowNonZeros];
        for (int i = 0; i < n; i++)
        {
            int count = chain.GetRow(i, columns, probabilities);
            for (int k = 0; k < count; k++)
            {
                dense[i, columns[k]] += probabilities[k];
            }
        }

        return dense;
    }

    /// <summary>Every eigenvalue of a dense matrix by MathNet's EVD, largest modulus first.</summary>
    public static Complex[] ReferenceEigenvalues(double[,] matrix) =>
        ByModulus(Matrix<double>.Build.DenseOfArray(matrix).Evd().EigenValues);

    /// <summary>Every eigenvalue of a chain's dense matrix, largest modulus first.</summary>
    public static Complex[] ReferenceEigenvalues(IMarkovChain chain) => ReferenceEigenvalues(ToDense(chain));

    /// <summary>The reference SLEM: the largest modulus once the eigenvalue nearest 1 is removed.</summary>
    public static double ReferenceSlem(Complex[] eigenvalues)
    {
        int unit = 0;
        for (int i = 1; i < eigenvalues.Length; i++)
        {
            if (Complex.Abs(eigenvalues[i] - 1) < Complex.Abs(eigenvalues[unit] - 1))
            {
                unit = i;
            }
        }

        return eigenvalues.Where((_, i) => i != unit).Select(Complex.Abs).DefaultIfEmpty(0).Max();
    }

    public static Complex[] ByModulus(IEnumerable<Complex> values) =>
        [.. values.OrderByDescending(Complex.Abs).ThenByDescending(v => v.Real).ThenByDescending(v => v.Imaginary)];

    /// <summary>A random row-stochastic dense matrix with <paramref name="perRow"/> positive entries per row (plus the diagonal when <paramref name="lazy"/>).</summary>
    public static double[,] RandomDense(int n, int perRow, int seed, bool lazy = false)
    {
        var random = new Random(seed);
        var matrix = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            var columns = new HashSet<int>();
            if (lazy)
            {
                columns.Add(i);
            }

            columns.Add((i + 1) % n); // a Hamiltonian cycle keeps the chain irreducible
            while (columns.Count < Math.Min(n, perRow))
            {
                columns.Add(random.Next(n));
            }

            double sum = 0;
            foreach (int c in columns)
            {
                matrix[i, c] = 0.05 + random.NextDouble();
                sum += matrix[i, c];
            }

            foreach (int c in columns)
            {
                matrix[i, c] /= sum;
            }
        }

        return matrix;
    }

    /// <summary>The Kronecker product A ⊗ B of two row-stochastic matrices (row-stochastic; eigenvalues λᵢ(A)·μⱼ(B)).</summary>
    public static SparseMarkovChain Kronecker(double[,] a, double[,] b)
    {
        int p = a.GetLength(0), q = b.GetLength(0);
        var entries = new List<(long, long, double)>();
        for (int i = 0; i < p; i++)
        {
            for (int k = 0; k < q; k++)
            {
                for (int j = 0; j < p; j++)
                {
                    if (a[i, j] == 0)
                    {
                        continue;
                    }

                    for (int l = 0; l < q; l++)
                    {
                        if (b[k, l] != 0)
                        {
                            entries.Add(((i * q) + k, (j * q) + l, a[i, j] * b[k, l]));
                        }
                    }
                }
            }
        }

        return SparseMarkovChain.FromTriplets(p * q, entries);
    }

    /// <summary>The products λᵢ·μⱼ of two spectra, largest modulus first.</summary>
    public static Complex[] KroneckerEigenvalues(Complex[] a, Complex[] b) => ByModulus(a.SelectMany(x => b.Select(y => x * y)));

    /// <summary>
    /// The walk on a cycle of n states that stays with probability <paramref name="stay"/>, steps right with
    /// <paramref name="right"/> and left with the rest: a circulant matrix with eigenvalues
    /// stay + right·ω^k + left·ω^{−k}, ω = e^{2πi/n}.
    /// </summary>
    public static SparseMarkovChain Circulant(int n, double stay, double right)
    {
        double left = 1 - stay - right;
        var entries = new List<(long, long, double)>();
        for (int i = 0; i < n; i++)
        {
            entries.Add((i, i, stay));
            entries.Add((i, (i + 1) % n, right));
            entries.Add((i, (i + n - 1) % n, left));
        }

        return SparseMarkovChain.FromTriplets(n, entries);
    }

    public static Complex[] CirculantEigenvalues(int n, double stay, double right)
    {
        double left = 1 - stay - right;
        return ByModulus(Enumerable.Range(0, n).Select(k =>
        {
            var omega = Complex.FromPolarCoordinates(1, 2 * Math.PI * k / n);
            return stay + (right * omega) + (left / omega);
        }));
    }

    /// <summary>The distance from <paramref name="value"/> to the nearest entry of <paramref name="reference"/>.</summary>
    public static double DistanceToNearest(Complex value, IEnumerable<Complex> reference) => reference.Min(r => Complex.Abs(r - value));
}
