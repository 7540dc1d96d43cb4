using System.Numerics;
using LlmChains.Analysis.Spectral;
using LlmChains.Analysis.Spectral.Internals;
using LlmChains.Internals.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace LlmChains.Tests.Analysis.Spectral;

/// <summary>The dense real Schur kernel and the Krylov basis kernels behind <see cref="LlmChains.Analysis.Spectral.Spectrum"/>.</summary>
public sealed class SpectrumInternalsTests
{
    /// <summary>Kinds: 0 dense random, 1 sparse random, 2 small integers (repeated eigenvalues), 3 cyclic permutation (all |λ| = 1), 4 Jordan-like.</summary>
    private static double[] TestMatrix(int n, int kind, Random random)
    {
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                a[(i * n) + j] = kind switch
                {
                    0 => random.NextDouble() - 0.5,
                    1 => random.NextDouble() < 0.3 ? random.NextDouble() : 0,
                    2 => Math.Round(random.NextDouble() * 3) - 1,
                    3 => j == (i + 1) % n ? 1 : 0,
                    _ => i == j ? 0.5 : (j == i + 1 ? 1 : 0),
                };
            }
        }

        return a;
    }

    private static double[] Multiply(double[] a, double[] b, int n, bool transposeA = false, bool transposeB = false)
    {
        var c = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int k = 0; k < n; k++)
                {
                    sum += (transposeA ? a[(k * n) + i] : a[(i * n) + k]) * (transposeB ? b[(j * n) + k] : b[(k * n) + j]);
                }

                c[(i * n) + j] = sum;
            }
        }

        return c;
    }

    public static TheoryData<int, int> Cases()
    {
        var data = new TheoryData<int, int>();
        foreach (int n in new[] { 1, 2, 3, 4, 5, 7, 10, 20, 41 })
        {
            for (int kind = 0; kind < 5; kind++)
            {
                data.Add(n, kind);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decompose_TestMatrix_QuasiTriangularOrthogonalAndReconstructs(int n, int kind)
    {
        var random = new Random((n * 10) + kind);
        var a = TestMatrix(n, kind, random);
        var t = (double[])a.Clone();
        var z = new double[n * n];

        HessenbergSchur.Decompose(t, z, n).Should().BeTrue();

        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < i - 1; j++)
            {
                t[(i * n) + j].Should().Be(0);
            }

            if (i + 2 < n)
            {
                (t[((i + 1) * n) + i] != 0 && t[((i + 2) * n) + i + 1] != 0).Should().BeFalse("2×2 blocks do not overlap");
            }
        }

        var reconstructed = Multiply(Multiply(z, t, n), z, n, transposeB: true);
        var identity = Multiply(z, z, n, transposeA: true);
        double scale = a.Select(Math.Abs).DefaultIfEmpty(0).Max() + 1e-300;
        for (int k = 0; k < n * n; k++)
        {
            Math.Abs(reconstructed[k] - a[k]).Should().BeLessThan(1e-13 * n * scale);
            Math.Abs(identity[k] - ((k / n) == (k % n) ? 1 : 0)).Should().BeLessThan(1e-13 * n);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SortByModulus_TestMatrix_LeadingEigenvaluesSortedAndLargest(int n, int kind)
    {
        var random = new Random((n * 31) + kind);
        var a = TestMatrix(n, kind, random);
        var t = (double[])a.Clone();
        var z = new double[n * n];
        HessenbergSchur.Decompose(t, z, n);
        int want = Math.Max(1, n / 2);

        int placed = HessenbergSchur.SortByModulus(t, z, n, want);

        placed.Should().BeInRange(want, want + 1);
        var values = HessenbergSchur.Eigenvalues(t, n);
        for (int i = 1; i < placed; i++)
        {
            Complex.Abs(values[i]).Should().BeLessThanOrEqualTo((Complex.Abs(values[i - 1]) * (1 + 1e-9)) + 1e-12);
        }

        for (int i = placed; i < n; i++)
        {
            Complex.Abs(values[i]).Should().BeLessThanOrEqualTo((Complex.Abs(values[placed - 1]) * (1 + 1e-9)) + 1e-12);
        }

        // Still a Schur form of the same matrix.
        var reconstructed = Multiply(Multiply(z, t, n), z, n, transposeB: true);
        double scale = a.Select(Math.Abs).DefaultIfEmpty(0).Max() + 1e-300;
        for (int k = 0; k < n * n; k++)
        {
            Math.Abs(reconstructed[k] - a[k]).Should().BeLessThan(1e-12 * n * scale);
        }
    }

    [Theory]
    [InlineData(5, 0)]
    [InlineData(20, 0)]
    [InlineData(40, 1)]
    [InlineData(30, 2)]
    public void Eigenvalues_RandomMatrix_AgreeWithMathNetAndEigenvectorsSolve(int n, int kind)
    {
        var random = new Random(n + (100 * kind));
        var a = TestMatrix(n, kind, random);
        var t = (double[])a.Clone();
        var z = new double[n * n];
        HessenbergSchur.Decompose(t, z, n);
        var reference = Matrix<double>.Build.Dense(n, n, (i, j) => a[(i * n) + j]).Evd().EigenValues.ToArray();

        var values = HessenbergSchur.Eigenvalues(t, n);

        foreach (var value in values)
        {
            reference.Min(r => Complex.Abs(r - value)).Should().BeLessThan(1e-10);
        }

        for (int position = 0; position < n; position += HessenbergSchur.BlockSize(t, n, position))
        {
            var x = HessenbergSchur.Eigenvector(t, n, position, out var lambda);
            for (int i = 0; i < n; i++)
            {
                Complex sum = -lambda * x[i];
                for (int j = 0; j < n; j++)
                {
                    sum += t[(i * n) + j] * x[j];
                }

                Complex.Abs(sum).Should().BeLessThan(1e-12);
            }
        }
    }

    [Theory]
    [InlineData(100, 5)]
    [InlineData(5000, 17)]
    public void Orthogonalize_RandomBasis_ResultOrthogonalToBasisAndConstants(int n, int count)
    {
        var random = new Random(n);
        var basis = new ArnoldiBasis(n, count + 1);
        var h = new double[count + 1];
        for (int v = 0; v < count; v++)
        {
            for (int i = 0; i < n; i++)
            {
                basis[v][i] = random.NextDouble();
            }

            basis.Orthogonalize(v, basis[v], h);
            basis.Scale(basis[v], 1 / basis.Norm(basis[v]));
        }

        var w = basis[count];
        for (int i = 0; i < n; i++)
        {
            w[i] = random.NextDouble() + 3;
        }

        var original = (double[])w.Clone();

        (double before, double after) = basis.Orthogonalize(count, w, h);

        before.Should().BeApproximately(Math.Sqrt(original.Sum(x => x * x)), 1e-12 * before);
        after.Should().BeApproximately(Math.Sqrt(w.Sum(x => x * x)), 1e-12 * after);
        w.Sum().Should().BeApproximately(0, 1e-12 * n);
        for (int v = 0; v < count; v++)
        {
            double dot = 0, norm = 0;
            for (int i = 0; i < n; i++)
            {
                dot += basis[v][i] * w[i];
                norm += basis[v][i] * basis[v][i];
            }

            dot.Should().BeApproximately(0, 1e-13 * after);
            norm.Should().BeApproximately(1, 1e-13);
        }

        // original = V·h + mean·𝟙 + w
        double mean = original.Average();
        for (int i = 0; i < n; i += 97)
        {
            double sum = mean + w[i];
            for (int v = 0; v < count; v++)
            {
                sum += h[v] * basis[v][i];
            }

            sum.Should().BeApproximately(original[i], 1e-12 * Math.Abs(original[i]));
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(16, 13)]
    [InlineData(48, 47)]
    [InlineData(61, 61)]
    public void PrimeAtMost_Degree_LargestPrimeBelow(int degree, int expected) =>
        KrylovSchur.PrimeAtMost(degree).Should().Be(expected);

    [Theory]
    [InlineData(40, 2, 30)]
    [InlineData(40, 50, 2)]
    [InlineData(40, 2000, 1)]
    public void CostDegree_SparseRows_BalancesStepsAgainstOrthogonalisation(int dimension, int rowNonZeros, int expected) =>
        KrylovSchur.CostDegree(dimension, rowNonZeros).Should().Be(expected);
}

/// <summary>The pseudospectral ray extent: its real-arithmetic path against the complex one and a closed form.</summary>
public sealed class EigenPseudospectrumTests
{
    [Theory]
    [InlineData(0.9, 1e-6)]
    [InlineData(-0.7, 1e-4)]
    public void RayExtent_RealRay_MatchesComplexArithmeticAndTheNormalClosedForm(double lambda, double epsilon)
    {
        // a diagonal (normal) T: Λ_ε is the union of discs of radius ε, so the ray through λ covers |λ| ± ε
        const int n = 12;
        var t = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            t[(i * n) + i] = i == 0 ? lambda : 0.5 * Math.Sin(i);
        }

        var (inner, outer) = LlmChains.Analysis.Spectral.Internals.EigenPseudospectrum.RayExtent(t, n, lambda, epsilon);
        var (innerComplex, outerComplex) = LlmChains.Analysis.Spectral.Internals.EigenPseudospectrum.RayExtent(t, n, lambda, epsilon, complexArithmetic: true);

        inner.Should().BeApproximately(Math.Abs(lambda) - epsilon, 2e-3 * epsilon);
        outer.Should().BeApproximately(Math.Abs(lambda) + epsilon, 2e-3 * epsilon);
        inner.Should().BeApproximately(innerComplex, 1e-12);
        outer.Should().BeApproximately(outerComplex, 1e-12);
    }

    [Fact]
    public void RayExtent_JordanBlock_RealAndComplexArithmeticAgree()
    {
        // a 3×3 Jordan block at 0.8 plus a separate eigenvalue: the extent is about ε^{1/3}, far above ε
        const int n = 4;
        double[] t =
        [
            0.8, 1, 0, 0,
            0, 0.8, 1, 0,
            0, 0, 0.8, 0,
            0, 0, 0, 0.1,
        ];
        var real = LlmChains.Analysis.Spectral.Internals.EigenPseudospectrum.RayExtent(t, n, 0.8, 1e-9);
        var complex = LlmChains.Analysis.Spectral.Internals.EigenPseudospectrum.RayExtent(t, n, 0.8, 1e-9, complexArithmetic: true);

        (real.Outer - 0.8).Should().BeGreaterThan(1e-4);
        real.Inner.Should().BeApproximately(complex.Inner, 1e-9);
        real.Outer.Should().BeApproximately(complex.Outer, 1e-9);
    }
}
