using System.Numerics;
using LlmChains.Analysis.Spectral.Internals;
using LlmChains.Chains;
using MathNet.Numerics.LinearAlgebra;

namespace LlmChains.Analysis.Spectral;

public static partial class Spectrum
{
    /// <summary>Unit roundoff 2⁻⁵³.</summary>
    private const double UnitRoundoff = 1.1102230246251565e-16;

    /// <summary>How many non-unit eigenvalues of largest modulus get a condition number in the dense method.</summary>
    private const int DenseConditioned = 8;

    /// <summary>Every eigenvalue by MathNet's dense EVD, with the error bound of the SLEM from eigenvalue condition numbers.</summary>
    private static SpectrumResult Dense(IMarkovChain target, long transientZeros, CancellationToken cancellationToken)
    {
        DenseSpectrum dense = DenseEigenvalues(target, cancellationToken);
        List<Complex> values = dense.Values;
        int n = values.Count;

        // The eigenvalue 1 of the stationary distribution (unique: the chain is an ergodic unichain here).
        int unit = 0;
        for (int i = 1; i < n; i++)
        {
            if (Complex.Abs(values[i] - 1) < Complex.Abs(values[unit] - 1))
            {
                unit = i;
            }
        }

        var others = Enumerable.Range(0, n).Where(i => i != unit).OrderByDescending(i => Complex.Abs(values[i])).ToList();
        double slem = others.Count > 0 ? Complex.Abs(values[others[0]]) : 0;
        double bound = 0;
        if (others.Count > 0)
        {
            // First-order forward errors κ(λ)·‖E‖ with the backward error ‖E‖ ≈ n·u·‖Q‖_F of the QR algorithm.
            var candidates = others.Take(DenseConditioned).ToList();
            double[] conditions = dense.Conditions(candidates);
            double backward = n * UnitRoundoff * dense.FrobeniusNorm;
            for (int c = 0; c < candidates.Count; c++)
            {
                double error = conditions[c] * backward;
                double modulus = Complex.Abs(values[candidates[c]]);
                bound = Math.Max(bound, c == 0 ? error : modulus + error - slem);
            }

            bound = Math.Min(1.0, bound);
        }

        values[unit] = Complex.One; // exact: Q𝟙 = 𝟙
        AppendZeros(values, transientZeros);
        values = Sorted(values);
        return new SpectrumResult(values.AsReadOnly(), new double[values.Count], slem, bound, "dense", true, 0, 0);
    }

    /// <summary>The dense matrix of the chain (padded by one zero row and column at sizes that are multiples of 32,
    /// which otherwise thrash the cache in MathNet's column-major kernels) and its EVD, the padding eigenvalue removed.</summary>
    private static DenseSpectrum DenseEigenvalues(IMarkovChain target, CancellationToken cancellationToken)
    {
        int n = (int)target.StateCount;
        bool pad = n >= 64 && n % 32 == 0;
        int order = pad ? n + 1 : n;
        var matrix = Matrix<double>.Build.Dense(order, order);
        var columns = new long[target.MaxRowNonZeros];
        var probabilities = new double[target.MaxRowNonZeros];
        double frobenius = 0;
        for (int i = 0; i < n; i++)
        {
            int count = target.GetRow(i, columns, probabilities);
            for (int k = 0; k < count; k++)
            {
                matrix[i, (int)columns[k]] += probabilities[k];
                frobenius += probabilities[k] * probabilities[k];
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        var evd = matrix.Evd(Symmetricity.Unknown);
        cancellationToken.ThrowIfCancellationRequested();
        Complex[] all = evd.EigenValues.ToArray();
        int padding = -1;
        if (pad)
        {
            // The padding adds one exact zero eigenvalue (a decoupled zero row and column): drop the smallest real one.
            for (int i = 0; i < all.Length; i++)
            {
                if (all[i].Imaginary == 0 && (padding < 0 || Math.Abs(all[i].Real) < Math.Abs(all[padding].Real)))
                {
                    padding = i;
                }
            }
        }

        var indices = Enumerable.Range(0, all.Length).Where(i => i != padding).ToArray();
        return new DenseSpectrum(
            indices.Select(i => all[i]).ToList(), indices, all, evd.EigenVectors, evd.IsSymmetric, Math.Sqrt(frobenius));
    }

    /// <summary>A dense EVD: the eigenvalues kept (Values[j] = MathNet's eigenvalue Indices[j]) and what condition numbers need.</summary>
    private sealed class DenseSpectrum(
        List<Complex> values, int[] indices, Complex[] all, Matrix<double> vectors, bool symmetric, double frobeniusNorm)
    {
        public List<Complex> Values { get; } = values;

        public double FrobeniusNorm { get; } = frobeniusNorm;

        /// <summary>κ(λ) = ‖x‖‖y‖/|yᴴx| for the listed positions of <see cref="Values"/>; the rows of V⁻¹ come from one LU of Vᵀ.</summary>
        public double[] Conditions(List<int> positions)
        {
            var result = new double[positions.Count];
            if (symmetric)
            {
                Array.Fill(result, 1.0);
                return result;
            }

            // The MathNet columns each eigenvalue needs (both columns of a complex pair).
            var needed = new SortedSet<int>();
            foreach (int position in positions)
            {
                (int first, int width) = Columns(indices[position]);
                for (int c = first; c < first + width; c++)
                {
                    needed.Add(c);
                }
            }

            int order = vectors.RowCount;
            var unitVectors = Matrix<double>.Build.Dense(order, needed.Count);
            var columnOf = new Dictionary<int, int>();
            int at = 0;
            foreach (int c in needed)
            {
                unitVectors[c, at] = 1.0;
                columnOf[c] = at++;
            }

            // Row c of V⁻¹ is the solution of Vᵀw = e_c.
            Matrix<double> rows = vectors.Transpose().LU().Solve(unitVectors);
            for (int p = 0; p < positions.Count; p++)
            {
                (int first, int width) = Columns(indices[positions[p]]);
                double right = 0, left = 0;
                bool finite = true;
                for (int c = first; c < first + width; c++)
                {
                    right += vectors.Column(c).DotProduct(vectors.Column(c));
                    var w = rows.Column(columnOf[c]);
                    double squared = w.DotProduct(w);
                    finite &= double.IsFinite(squared);
                    left += squared;
                }

                // For a pair x = v₁ + i·v₂ and yᴴ = (w₁ − i·w₂)/2 with yᴴx = 1.
                result[p] = finite ? Math.Sqrt(right) * Math.Sqrt(left) / width : double.PositiveInfinity;
            }

            return result;
        }

        private (int First, int Width) Columns(int index)
        {
            if (all[index].Imaginary == 0)
            {
                return (index, 1);
            }

            return EigenSystem.IsPairStart(all, index) ? (index, 2) : (index - 1, 2);
        }
    }
}
