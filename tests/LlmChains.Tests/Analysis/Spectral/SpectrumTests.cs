using System.Numerics;
using LlmChains.Analysis;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Tests.Analysis.Spectral;

/// <summary>Closed forms, structure shortcuts and argument checks of <see cref="Spectrum"/>.</summary>
public sealed class SpectrumTests
{
    private static SparseMarkovChain Chain(double[,] matrix) => SparseMarkovChain.FromDense(matrix);

    [Fact]
    public void Compute_TwoStateChain_EigenvaluesOneAndPointSix()
    {
        var result = Spectrum.Compute(Chain(new[,] { { 0.7, 0.3 }, { 0.1, 0.9 } }));

        result.Method.Should().Be("trivial");
        result.Eigenvalues.Should().HaveCount(2);
        result.Eigenvalues[0].Real.Should().Be(1.0);
        result.Eigenvalues[1].Real.Should().BeApproximately(0.6, 1e-15);
        result.Eigenvalues[1].Imaginary.Should().Be(0);
        result.Slem.Should().BeApproximately(0.6, 1e-15);
        result.SpectralGap.Should().BeApproximately(0.4, 1e-15);
        result.RelaxationTime.Should().BeApproximately(2.5, 1e-14);
        result.ErrorEstimates.Should().Equal(0.0, 0.0);
        result.SlemErrorBound.Should().Be(0);
        result.Converged.Should().BeTrue();
        result.MatrixVectorProducts.Should().Be(0);
    }

    [Fact]
    public void Compute_TwoStateChainInsideThreeStateDense_EigenvaluesOneAndPointSixAndZero()
    {
        // The same two-state dynamics plus a transient state: the dense method gives {1, 0.6, 0}.
        var result = Spectrum.Compute(Chain(new[,] { { 0.7, 0.3, 0 }, { 0.1, 0.9, 0 }, { 0.5, 0.5, 0 } }));

        result.Method.Should().Be("dense");
        result.Eigenvalues.Select(v => v.Real).Should().Equal(new[] { 1.0, 0.6, 0.0 }, (a, b) => Math.Abs(a - b) < 1e-14);
        result.Eigenvalues.Should().OnlyContain(v => Math.Abs(v.Imaginary) < 1e-14);
        result.Slem.Should().BeApproximately(0.6, 1e-14);
        result.SlemErrorBound.Should().BeLessThan(1e-13);
    }

    [Fact]
    public void Compute_OneState_TrivialWithSlemZero()
    {
        var result = Spectrum.Compute(Chain(new[,] { { 1.0 } }));

        result.Method.Should().Be("trivial");
        result.Eigenvalues.Should().Equal(Complex.One);
        result.Slem.Should().Be(0);
        result.SpectralGap.Should().Be(1);
        result.RelaxationTime.Should().Be(1);
    }

    [Fact]
    public void Compute_ConstrainedWalkD3_PeriodTwoSlemOneWithoutIterating()
    {
        // O-16: rows [0,1,0], [.5,0,.5], [0,1,0]; eigenvalues 1, 0, −1.
        var result = Spectrum.Compute(Chain(new[,] { { 0, 1.0, 0 }, { 0.5, 0, 0.5 }, { 0, 1.0, 0 } }));

        result.Method.Should().Be("periodic");
        result.Slem.Should().Be(1.0);
        result.SpectralGap.Should().Be(0);
        result.RelaxationTime.Should().Be(double.PositiveInfinity);
        result.MatrixVectorProducts.Should().Be(0);
        result.Restarts.Should().Be(0);
        result.SlemErrorBound.Should().Be(0);
        result.Eigenvalues.Select(v => v.Real).Should().Equal(new[] { 1.0, -1.0, 0.0 }, (a, b) => Math.Abs(a - b) < 1e-14);
    }

    [Fact]
    public void Compute_PolygonalWalkD4_PeriodicSlemOne()
    {
        // O-16: P(i, i ± 1 mod 4) = 1/2; eigenvalues cos(2πk/4) = 1, 0, −1, 0.
        var matrix = new double[4, 4];
        for (int i = 0; i < 4; i++)
        {
            matrix[i, (i + 1) % 4] = 0.5;
            matrix[i, (i + 3) % 4] = 0.5;
        }

        var result = Spectrum.Compute(Chain(matrix));

        result.Method.Should().Be("periodic");
        result.Slem.Should().Be(1.0);
        result.RelaxationTime.Should().Be(double.PositiveInfinity);
        result.Eigenvalues.Select(v => v.Real).Should().Equal(new[] { 1.0, -1.0, 0.0, 0.0 }, (a, b) => Math.Abs(a - b) < 1e-14);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public void Compute_Identity_ReducibleSlemOne(int n)
    {
        var matrix = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            matrix[i, i] = 1;
        }

        var result = Spectrum.Compute(Chain(matrix));

        result.Method.Should().Be("reducible");
        result.Slem.Should().Be(1.0);
        result.SpectralGap.Should().Be(0);
        result.RelaxationTime.Should().Be(double.PositiveInfinity);
        result.Eigenvalues.Should().HaveCount(n).And.OnlyContain(v => Complex.Abs(v - 1) < 1e-15);
    }

    [Fact]
    public void Compute_PeriodicAboveDenseLimit_RootsOfUnityWithoutIterating()
    {
        // A 6-cycle walk (period 2) and a deterministic 3-cycle in a second class (period 3): reducible, roots of unity listed.
        var matrix = new double[9, 9];
        for (int i = 0; i < 6; i++)
        {
            matrix[i, (i + 1) % 6] = 0.5;
            matrix[i, (i + 5) % 6] = 0.5;
        }

        matrix[6, 7] = matrix[7, 8] = matrix[8, 6] = 1;
        var result = Spectrum.Compute(Chain(matrix), new SpectrumOptions { DenseMaxStates = 4, Count = 10 });

        result.Method.Should().Be("reducible");
        result.Slem.Should().Be(1);
        result.MatrixVectorProducts.Should().Be(0);
        result.Eigenvalues.Should().HaveCount(5).And.OnlyContain(v => Math.Abs(Complex.Abs(v) - 1) < 1e-15);
        result.Eigenvalues.Count(v => v == Complex.One).Should().Be(2);
        result.Eigenvalues.Should().Contain(new Complex(-1, 0));
        result.Eigenvalues.Count(v => Math.Abs(v.Real + 0.5) < 1e-15 && Math.Abs(Math.Abs(v.Imaginary) - (Math.Sqrt(3) / 2)) < 1e-15).Should().Be(2);
    }

    [Fact]
    public void Compute_PeriodicSingleClassAboveDenseLimit_Periodic()
    {
        var matrix = new double[6, 6];
        for (int i = 0; i < 6; i++)
        {
            matrix[i, (i + 1) % 6] = 0.5;
            matrix[i, (i + 5) % 6] = 0.5;
        }

        var result = Spectrum.Compute(Chain(matrix), new SpectrumOptions { DenseMaxStates = 1, Count = 1 });

        result.Method.Should().Be("periodic");
        result.Eigenvalues.Should().Equal(Complex.One);
        result.Slem.Should().Be(1);
    }

    [Fact]
    public void Compute_CirculantDense_ClosedFormSpectrum()
    {
        // stay 0.2, right 0.5, left 0.3 on 60 states: λ_k = 0.2 + 0.5ω^k + 0.3ω^{−k}.
        var chain = SpectrumTestChains.Circulant(60, 0.2, 0.5);
        var expected = SpectrumTestChains.CirculantEigenvalues(60, 0.2, 0.5);

        var result = Spectrum.Compute(chain);

        result.Method.Should().Be("dense");
        result.Eigenvalues.Should().HaveCount(60);
        for (int i = 0; i < 60; i++)
        {
            Complex.Abs(result.Eigenvalues[i]).Should().BeApproximately(Complex.Abs(expected[i]), 1e-12);
            SpectrumTestChains.DistanceToNearest(result.Eigenvalues[i], expected).Should().BeLessThan(1e-12);
        }

        result.Slem.Should().BeApproximately(Complex.Abs(expected[1]), 1e-12);
        result.SlemErrorBound.Should().BeLessThan(1e-10);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(2.0)]
    public void Compute_ParityToyChain_SlemIsSqrtTanhOfInverseTemperature(double temperature)
    {
        // Paper-spec §2.5 / O-6 (T = 2, K = 3, logits ±1 on full-length states): spec(P_ℛ) = {1, tanh(1/τ), ±√tanh(1/τ),
        // ±i√tanh(1/τ), ±√tanh(1/τ)}; spec(Q_f) adds six zeros for the transient states.
        var chain = LanguageModelChain.Build(new ParityModel(3), new DecodingOptions { Temperature = temperature });
        double tanh = Math.Tanh(1 / temperature);

        var result = Spectrum.Compute(chain);

        result.Method.Should().Be("dense");
        result.Eigenvalues.Should().HaveCount(14);
        result.Slem.Should().BeApproximately(Math.Sqrt(tanh), 1e-7);
        (Math.Abs(result.Slem - Math.Sqrt(tanh)) <= result.SlemErrorBound + 1e-15).Should().BeTrue("the error bound covers the (defective) SLEM eigenvalue");
        result.Eigenvalues[0].Should().Be(result.Eigenvalues.First(v => Complex.Abs(v - 1) < 1e-12));
        result.Eigenvalues.Count(v => Complex.Abs(v) < 1e-12).Should().Be(6);
        result.Eigenvalues.Count(v => Math.Abs(Complex.Abs(v) - Math.Sqrt(tanh)) < 1e-7).Should().Be(6);
        result.Eigenvalues.Should().Contain(v => Complex.Abs(v - tanh) < 1e-12);
    }

    [Fact]
    public void Compute_ParityToyChain_FullMatrixHasSameSpectrumPlusNilpotentZeros()
    {
        // spec(Q_f) = spec(P_ℛ) ∪ {0}: the dense EVD of the whole 14×14 matrix (general path) agrees.
        var chain = LanguageModelChain.Build(new ParityModel(3));
        var full = SparseMarkovChain.FromDense(SpectrumTestChains.ToDense(chain));

        var structured = Spectrum.Compute(chain);
        var general = Spectrum.Compute(full);

        general.Method.Should().Be("dense");
        general.Eigenvalues.Should().HaveCount(14);
        for (int i = 0; i < 14; i++)
        {
            // the transient block is nilpotent of index 2: its zeros come out of a dense EVD near √u ≈ 1e−8
            SpectrumTestChains.DistanceToNearest(general.Eigenvalues[i], structured.Eigenvalues).Should().BeLessThan(1e-6);
        }

        general.Slem.Should().BeApproximately(structured.Slem, 1e-7);
    }

    [Theory]
    [InlineData(2, 3)]
    [InlineData(3, 3)]
    public void Compute_ContextFreeModel_SlemZeroWithinBound(int vocabulary, int context)
    {
        // O-4: Q_f^K = eπ exactly, so every eigenvalue but 1 is 0 (a defective one: P_ℛ − eπ is nilpotent).
        var distribution = vocabulary == 2 ? new[] { 0.9, 0.1 } : new[] { 0.5, 0.3, 0.2 };
        var chain = LanguageModelChain.Build(new ContextFreeModel(distribution, context));

        var result = Spectrum.Compute(chain);

        result.Method.Should().Be("dense");
        result.Slem.Should().BeLessThan(1e-4);
        result.Slem.Should().BeLessThanOrEqualTo(result.SlemErrorBound, "the true SLEM 0 lies within the reported bound");
        result.Eigenvalues.Should().HaveCount((int)chain.StateCount);
    }

    [Fact]
    public void Compute_UniformModel_SlemZero()
    {
        // O-5: uniform f gives Q_f^K = eπ; with T = 2, K = 1 the block is the 2×2 matrix of 1/2 (trivial, exact).
        var chain = LanguageModelChain.Build(new UniformModel(2, 1));

        var result = Spectrum.Compute(chain);

        result.Method.Should().Be("trivial");
        result.Slem.Should().Be(0);
        result.RelaxationTime.Should().Be(1);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Compute_CountNotPositive_ThrowsNamingValue(int count)
    {
        var act = () => Spectrum.Compute(Chain(new[,] { { 1.0 } }), new SpectrumOptions { Count = count });

        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "options" && e.Message.Contains("Count") && e.Message.Contains(count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1e-10)]
    [InlineData(double.NaN)]
    [InlineData(1.0)]
    public void Compute_ToleranceOutOfRange_ThrowsNamingValue(double tolerance)
    {
        var act = () => Spectrum.Compute(Chain(new[,] { { 1.0 } }), new SpectrumOptions { Tolerance = tolerance });

        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "options" && e.Message.Contains("Tolerance") && e.Message.Contains(tolerance.ToString()));
    }

    [Theory]
    [InlineData(6, 6)]
    [InlineData(6, 3)]
    [InlineData(1, 0)]
    public void Compute_KrylovDimensionNotAboveCount_ThrowsNamingValue(int count, int dimension)
    {
        var act = () => Spectrum.Compute(Chain(new[,] { { 1.0 } }), new SpectrumOptions { Count = count, KrylovDimension = dimension });

        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "options" && e.Message.Contains("KrylovDimension") && e.Message.Contains($"got {dimension}"));
    }

    [Fact]
    public void Compute_DenseMaxStatesBelowOne_ThrowsNamingValue()
    {
        var act = () => Spectrum.Compute(Chain(new[,] { { 1.0 } }), new SpectrumOptions { DenseMaxStates = 0 });

        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "options" && e.Message.Contains("DenseMaxStates") && e.Message.Contains("got 0"));
    }

    [Fact]
    public void Compute_NegativeMaxRestarts_ThrowsNamingValue()
    {
        var act = () => Spectrum.Compute(Chain(new[,] { { 1.0 } }), new SpectrumOptions { MaxRestarts = -1 });

        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "options" && e.Message.Contains("MaxRestarts") && e.Message.Contains("got -1"));
    }

    [Fact]
    public void Compute_NullChain_Throws()
    {
        var act = () => Spectrum.Compute(null!);

        act.Should().Throw<ArgumentNullException>().WithParameterName("chain");
    }

    [Fact]
    public void Compute_EveryEigenvalueOfLargeChain_ThrowsNamingCount()
    {
        var chain = SpectrumTestChains.Circulant(5000, 0.2, 0.5);

        var act = () => Spectrum.Compute(chain, new SpectrumOptions { Count = 5000 });

        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "options" && e.Message.Contains("Count = 5000") && e.Message.Contains("4096"));
    }

    [Fact]
    public void Compute_CountAtLeastStatesSmallChain_DenseWithoutKrylov()
    {
        var chain = SpectrumTestChains.Circulant(30, 0.1, 0.6);

        var result = Spectrum.Compute(chain, new SpectrumOptions { Count = 30, DenseMaxStates = 1 });

        result.Method.Should().Be("dense");
        result.Eigenvalues.Should().HaveCount(30);
        result.MatrixVectorProducts.Should().Be(0);
    }

    [Fact]
    public void Compute_CancelledToken_Throws()
    {
        using var source = new CancellationTokenSource();
        source.Cancel();

        var act = () => Spectrum.Compute(SpectrumTestChains.Circulant(10, 0.2, 0.5), cancellationToken: source.Token);

        act.Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void ToString_Result_MentionsSlemAndMethod()
    {
        var result = Spectrum.Compute(Chain(new[,] { { 0.7, 0.3 }, { 0.1, 0.9 } }));

        result.ToString().Should().Contain("SLEM 0.6").And.Contain("method trivial");
    }
}
