using System.Numerics;
using MathNet.Numerics.LinearAlgebra;
using DenseVector = MathNet.Numerics.LinearAlgebra.Vector<double>;

namespace LlmChains.Internals.Numerics;

/// <summary>
/// Harmonic Ritz vectors of a GMRES cycle (Morgan 2002): the eigenpairs of H_m + h²_{m+1,m}·H_m^{−T}·e_m·e_mᵀ,
/// whose eigenvalues of smallest magnitude approximate the eigenvalues of the operator nearest 0. For the
/// stationary operator I − Q + 1uᵀ these are 1 − λ for the eigenvalues λ of Q nearest 1: the slow modes.
/// </summary>
internal static class KrylovHarmonicRitz
{
    /// <summary>
    /// Returns a real basis (m rows, column-major) of the invariant subspace of the <paramref name="wanted"/>
    /// harmonic Ritz vectors of smallest |θ| (one more when the last one splits a complex pair; the real and
    /// imaginary parts of a complex vector are both kept), and the smallest |θ|. Returns 0 columns when the small
    /// problem is singular or the decomposition fails.
    /// </summary>
    internal static int Compute(double[] hbar, int m, int wanted, out double[] basis, out double smallest)
    {
        basis = [];
        smallest = double.NaN;
        int ld = m + 1;
        var h = Matrix<double>.Build.Dense(m, m, (i, j) => hbar[(j * ld) + i]);
        double last = hbar[((m - 1) * ld) + m];
        var em = DenseVector.Build.Dense(m);
        em[m - 1] = 1;
        DenseVector f;
        try
        {
            f = h.Transpose().Solve(em);
        }
        catch (ArgumentException)
        {
            return 0;
        }

        if (!f.All(double.IsFinite))
        {
            return 0;
        }

        var g = h.Clone();
        for (int i = 0; i < m; i++)
        {
            g[i, m - 1] += last * last * f[i];
        }

        MathNet.Numerics.LinearAlgebra.Factorization.Evd<double> evd;
        try
        {
            evd = g.Evd(Symmetricity.Asymmetric);
        }
        catch (ArgumentException)
        {
            return 0;
        }

        MathNet.Numerics.LinearAlgebra.Vector<Complex> values = evd.EigenValues;
        Matrix<double> vectors = evd.EigenVectors;
        var order = Enumerable.Range(0, m).OrderBy(i => values[i].Magnitude).ThenBy(i => i).ToArray();
        smallest = values[order[0]].Magnitude;
        var chosen = new List<int>();
        var taken = new bool[m];
        foreach (int i in order)
        {
            if (chosen.Count >= wanted)
            {
                break;
            }

            if (taken[i])
            {
                continue;
            }

            if (values[i].Imaginary == 0)
            {
                chosen.Add(i);
                taken[i] = true;
                continue;
            }

            // complex pair stored as (real part, imaginary part) in columns p, p + 1 with Im θ_p > 0
            int p = values[i].Imaginary > 0 ? i : i - 1;
            if (p < 0 || p + 1 >= m)
            {
                continue;
            }

            chosen.Add(p);
            chosen.Add(p + 1);
            taken[p] = taken[p + 1] = true;
        }

        if (chosen.Count == 0 || chosen.Count >= m)
        {
            return 0;
        }

        basis = new double[m * chosen.Count];
        for (int c = 0; c < chosen.Count; c++)
        {
            for (int i = 0; i < m; i++)
            {
                double value = vectors[i, chosen[c]];
                if (!double.IsFinite(value))
                {
                    basis = [];
                    return 0;
                }

                basis[(c * m) + i] = value;
            }
        }

        return chosen.Count;
    }
}
