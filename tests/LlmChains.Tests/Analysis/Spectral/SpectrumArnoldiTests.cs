using System.Numerics;
using LlmChains.Analysis;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Models;
using LlmChains.Tests.Support;
using Microsoft.Extensions.Logging;

namespace LlmChains.Tests.Analysis.Spectral;

/// <summary>The Krylov–Schur method of <see cref="Spectrum"/> against dense references and closed forms.</summary>
public sealed class SpectrumArnoldiTests
{
    private static readonly SpectrumOptions ForceKrylov = new() { DenseMaxStates = 1 };

    /// <summary>The Arnoldi eigenvalues agree in modulus, rank by rank, with the reference, and each is near a reference eigenvalue.</summary>
    private static void ShouldAgree(SpectrumResult result, Complex[] reference, double tolerance)
    {
        result.Method.Should().Be("arnoldi");
        result.Converged.Should().BeTrue();
        for (int i = 0; i < result.Eigenvalues.Count; i++)
        {
            Complex.Abs(result.Eigenvalues[i]).Should().BeApproximately(Complex.Abs(reference[i]), tolerance, $"rank {i}");
            SpectrumTestChains.DistanceToNearest(result.Eigenvalues[i], reference).Should().BeLessThan(tolerance, $"eigenvalue {result.Eigenvalues[i]}");
            result.ErrorEstimates[i].Should().BeLessThanOrEqualTo(1e-10 * Math.Max(Complex.Abs(result.Eigenvalues[i]), 1e-4));
        }

        result.ErrorEstimates[0].Should().Be(0);
        result.Eigenvalues[0].Should().Be(Complex.One);
    }

    [Theory]
    [InlineData(2, 8, 3.0, 1)]
    [InlineData(4, 4, 1.0, 2)]
    [InlineData(16, 2, 2.0, 3)]
    [InlineData(3, 5, 3.0, 4)]
    [InlineData(2, 8, 1.0, 5)]
    public void Compute_LlmShapedChain_LeadingEigenvaluesAgreeWithDenseEvd(int vocabulary, int context, double scale, int seed)
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(vocabulary, context, scale, seed));
        var reference = SpectrumTestChains.ReferenceEigenvalues(chain.RecurrentBlock);

        var result = Spectrum.Compute(chain, ForceKrylov);

        ShouldBeCountClosedUnderConjugation(result, 6);
        ShouldAgree(result, reference, 1e-9);
        result.Slem.Should().BeApproximately(SpectrumTestChains.ReferenceSlem(reference), 1e-9);
        result.MatrixVectorProducts.Should().BePositive();
    }

    [Fact]
    public void Compute_JustAboveDenseLimit_SlemWithinErrorBoundOfDenseReference()
    {
        // P_ℛ of T = 2, K = 8 has 256 states: one above the dense limit 255.
        var chain = LanguageModelChain.Build(new RandomLogitsModel(2, 8, 3.0, 7));
        double reference = SpectrumTestChains.ReferenceSlem(SpectrumTestChains.ReferenceEigenvalues(chain.RecurrentBlock));

        var result = Spectrum.Compute(chain, new SpectrumOptions { DenseMaxStates = 255 });

        result.Method.Should().Be("arnoldi");
        result.Converged.Should().BeTrue();
        result.SlemErrorBound.Should().BeLessThan(1e-8);
        Math.Abs(result.Slem - reference).Should().BeLessThanOrEqualTo(result.SlemErrorBound + 1e-13);
    }

    [Fact]
    public void Compute_SparseChainJustAboveDenseLimit_SlemWithinErrorBoundOfDenseReference()
    {
        var matrix = SpectrumTestChains.RandomDense(300, 3, 11);
        var chain = SparseMarkovChain.FromDense(matrix);
        double reference = SpectrumTestChains.ReferenceSlem(SpectrumTestChains.ReferenceEigenvalues(matrix));

        var result = Spectrum.Compute(chain, new SpectrumOptions { DenseMaxStates = 299 });

        result.Method.Should().Be("arnoldi");
        result.Converged.Should().BeTrue();
        Math.Abs(result.Slem - reference).Should().BeLessThanOrEqualTo(result.SlemErrorBound + 1e-13);
    }

    [Theory]
    [InlineData(40, 50, 3, 21)]
    [InlineData(60, 50, 2, 22)]
    public void Compute_KroneckerChain_LeadingEigenvaluesAgreeWithProductsOfFactorSpectra(int p, int q, int perRow, int seed)
    {
        // A ⊗ B (2000 and 3000 states, non-normal): its eigenvalues are the products λᵢ(A)·μⱼ(B) of two small dense EVDs.
        var a = SpectrumTestChains.RandomDense(p, perRow, seed, lazy: true);
        var b = SpectrumTestChains.RandomDense(q, perRow, seed + 100, lazy: true);
        var chain = SpectrumTestChains.Kronecker(a, b);
        var reference = SpectrumTestChains.KroneckerEigenvalues(SpectrumTestChains.ReferenceEigenvalues(a), SpectrumTestChains.ReferenceEigenvalues(b));

        var result = Spectrum.Compute(chain, new SpectrumOptions { Count = 6 });

        ShouldAgree(result, reference, 1e-9);
        result.Slem.Should().BeApproximately(SpectrumTestChains.ReferenceSlem(reference), 1e-9);
    }

    [Fact]
    public void Compute_CirculantAboveDenseLimit_MatchesClosedForm()
    {
        var chain = SpectrumTestChains.Circulant(600, 0.3, 0.45);
        var expected = SpectrumTestChains.CirculantEigenvalues(600, 0.3, 0.45);

        var result = Spectrum.Compute(chain, new SpectrumOptions { Count = 5 });

        ShouldAgree(result, expected, 1e-9);
        result.Slem.Should().BeApproximately(Complex.Abs(expected[1]), 1e-10);
        result.RelaxationTime.Should().BeApproximately(1 / (1 - Complex.Abs(expected[1])), 1e-10 / Math.Pow(1 - Complex.Abs(expected[1]), 2));
    }

    [Fact]
    public void Compute_ParityToyChainByKrylov_SlemIsSqrtTanh()
    {
        // The 8-state block is spanned after 7 Krylov vectors: an exact decomposition (no restart).
        var chain = LanguageModelChain.Build(new ParityModel(3));

        var result = Spectrum.Compute(chain, new SpectrumOptions { DenseMaxStates = 1, Count = 3 });

        result.Method.Should().Be("arnoldi");
        result.Slem.Should().BeApproximately(Math.Sqrt(Math.Tanh(1)), 1e-7);
    }

    [Fact]
    public void Compute_ModelChainAndItsBlockAsSparseChain_SameSpectrum()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(3, 5, 2.0, 8));
        var block = SparseMarkovChain.FromDense(SpectrumTestChains.ToDense(chain.RecurrentBlock));

        var viaModel = Spectrum.Compute(chain, ForceKrylov);
        var viaBlock = Spectrum.Compute(block, ForceKrylov);

        viaModel.Slem.Should().BeApproximately(viaBlock.Slem, 1e-10);
        foreach (var value in viaModel.Eigenvalues)
        {
            SpectrumTestChains.DistanceToNearest(value, viaBlock.Eigenvalues).Should().BeLessThan(1e-9);
        }
    }

    [Fact]
    public void Compute_GreedyDecodingAboveDenseLimit_SlemOneFromStructure()
    {
        // τ = 0: every state has one successor, the recurrent classes are cycles (repetition loops).
        var chain = LanguageModelChain.Build(new RandomLogitsModel(2, 9, 1.0, 3), DecodingOptions.Greedy);

        var result = Spectrum.Compute(chain, ForceKrylov);

        result.Method.Should().BeOneOf("periodic", "reducible");
        result.Slem.Should().Be(1);
        result.MatrixVectorProducts.Should().Be(0);
        result.Eigenvalues.Should().OnlyContain(v => Math.Abs(Complex.Abs(v) - 1) < 1e-15);
    }

    [Theory]
    [InlineData(2, 10, false)]
    [InlineData(3, 6, false)]
    [InlineData(3, 5, true)]
    public void Compute_NilpotentDeflatedOperatorByKrylov_TrueSlemZeroWithinBound(int vocabulary, int context, bool contextFree)
    {
        // O-4/O-5: Q_f^K = eπ, so every eigenvalue but 1 is 0 — a defective one (Jordan blocks up to size K), which
        // rounding moves by about u^{1/K}. The reported bound must cover the true SLEM 0.
        ILanguageModel model = contextFree ? new ContextFreeModel(new[] { 0.5, 0.3, 0.2 }, context) : new UniformModel(vocabulary, context);
        var chain = LanguageModelChain.Build(model);

        var result = Spectrum.Compute(chain, new SpectrumOptions { DenseMaxStates = 1, MaxRestarts = 30 });

        result.Method.Should().Be("arnoldi");
        result.Slem.Should().BeLessThan(0.2);
        result.Slem.Should().BeLessThanOrEqualTo(result.SlemErrorBound, "the true SLEM 0 lies within the reported bound");
    }

    [Fact]
    public void Compute_SameSeedTwice_BitwiseIdentical()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(2, 10, 3.0, 9));
        var options = new SpectrumOptions { DenseMaxStates = 1, Seed = 5 };

        var first = Spectrum.Compute(chain, options);
        var second = Spectrum.Compute(chain, options);

        second.Eigenvalues.Should().Equal(first.Eigenvalues);
        second.ErrorEstimates.Should().Equal(first.ErrorEstimates);
        second.MatrixVectorProducts.Should().Be(first.MatrixVectorProducts);
    }

    [Fact]
    public void Compute_DifferentSeeds_SameSlem()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(2, 10, 3.0, 9));

        var first = Spectrum.Compute(chain, new SpectrumOptions { DenseMaxStates = 1, Seed = 1 });
        var second = Spectrum.Compute(chain, new SpectrumOptions { DenseMaxStates = 1, Seed = 2 });

        second.Slem.Should().BeApproximately(first.Slem, first.SlemErrorBound + second.SlemErrorBound + 1e-12);
    }

    [Fact]
    public void Compute_Krylov_ReportsProgress()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(2, 10, 3.0, 9));
        var progress = new RecordingProgress<Progress>();

        var result = Spectrum.Compute(chain, ForceKrylov, progress);

        progress.Reports.Should().NotBeEmpty();
        var last = progress.Reports[^1];
        last.Stage.Should().Be("spectrum");
        last.Done.Should().Be(result.MatrixVectorProducts);
        last.Total.Should().Be(0, "a Krylov method stops at a tolerance: no total is known");
        last.Detail.Should().Be(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"restart {result.Restarts}, 5/5 converged, SLEM ≈ {result.Slem:G6}"));
    }

    [Fact]
    public void Compute_NoRestartsAllowed_NotConvergedWithEstimates()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(2, 10, 3.0, 9));

        var result = Spectrum.Compute(chain, new SpectrumOptions { DenseMaxStates = 1, MaxRestarts = 0, KrylovDimension = 8, Count = 6 });

        result.Method.Should().Be("arnoldi");
        result.Converged.Should().BeFalse();
        result.Restarts.Should().Be(0);
        ShouldBeCountClosedUnderConjugation(result, 6);
        result.Slem.Should().BeInRange(0, 1);
        result.ErrorEstimates.Skip(1).Should().Contain(e => e > 1e-10);
    }

    [Fact]
    public void Compute_CancelledDuringKrylov_ThrowsOperationCanceled()
    {
        using var source = new CancellationTokenSource();
        var inner = LanguageModelChain.Build(new RandomLogitsModel(2, 12, 3.0, 1)).RecurrentBlock;
        var chain = new CancellingChain(inner, source, cancelAfterSteps: 50);

        var act = () => Spectrum.Compute(chain, ForceKrylov, cancellationToken: source.Token);

        act.Should().Throw<OperationCanceledException>();
        chain.Steps.Should().BeLessThanOrEqualTo(51);
    }

    [Fact]
    public void Compute_ChainWithTransientStates_TransientEigenvaluesBelongToTheSpectrum()
    {
        // A random 400-state recurrent part plus 100 transient states with self-loops 0.95 − 0.001·i feeding it: the
        // transient eigenvalues 0.95, 0.949, … are eigenvalues of Q and exceed the recurrent part's SLEM.
        int recurrent = 400, transient = 100;
        var core = SpectrumTestChains.RandomDense(recurrent, 8, 31, lazy: true);
        var entries = new List<(long, long, double)>();
        for (int i = 0; i < recurrent; i++)
        {
            for (int j = 0; j < recurrent; j++)
            {
                if (core[i, j] > 0)
                {
                    entries.Add((i, j, core[i, j]));
                }
            }
        }

        for (int i = 0; i < transient; i++)
        {
            double loop = 0.95 - (0.001 * i);
            entries.Add((recurrent + i, recurrent + i, loop));
            entries.Add((recurrent + i, i, 1 - loop));
        }

        var chain = SparseMarkovChain.FromTriplets(recurrent + transient, entries);
        double recurrentSlem = SpectrumTestChains.ReferenceSlem(SpectrumTestChains.ReferenceEigenvalues(core));

        var result = Spectrum.Compute(chain, new SpectrumOptions { DenseMaxStates = 1, Count = 4 });

        recurrentSlem.Should().BeLessThan(0.9);
        result.Converged.Should().BeTrue();
        result.Slem.Should().BeApproximately(0.95, 1e-10);
        result.Eigenvalues.Skip(1).Select(v => v.Real).Should().Equal(new[] { 0.95, 0.949, 0.948 }, (a, b) => Math.Abs(a - b) < 1e-10);
    }

    [Fact]
    public void Compute_NotConverged_LogsWarningAndInformation()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(2, 10, 3.0, 9));
        var logs = new CapturingLoggerFactory();

        var result = Spectrum.Compute(chain, new SpectrumOptions { DenseMaxStates = 1, MaxRestarts = 0, KrylovDimension = 8, LoggerFactory = logs });

        result.Converged.Should().BeFalse();
        logs.Entries.Should().Contain(e => e.Level == LogLevel.Warning && e.Message.Contains("did not converge"));
        logs.Entries.Count(e => e.Level == LogLevel.Information).Should().Be(2);
    }

    /// <summary>Records every log entry (thread-safe).</summary>
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Arnoldi_CountThatWouldSplitAConjugatePair_ReportsTheConjugateToo(int count)
    {
        // Q = ½·C + ½·J/n on a ring of n = 30: eigenvalues 1 and ½·ω^k, k = 1..29, all of modulus ½; the largest real
        // parts come in pairs ½·e^{±2πik/30}. Asking for 2 (or 4) would cut the first (second) pair in half.
        const int n = 30;
        var q = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                q[i, j] = (0.5 / n) + (j == (i + 1) % n ? 0.5 : 0);
            }
        }

        var result = Spectrum.Compute(SparseMarkovChain.FromDense(q), new SpectrumOptions { Count = count, DenseMaxStates = 8 });

        result.Method.Should().Be("arnoldi");
        result.Eigenvalues.Should().HaveCount(count + 1, "the cut falls inside a conjugate pair");
        foreach (var z in result.Eigenvalues.Where(z => Math.Abs(z.Imaginary) > 1e-9))
        {
            result.Eigenvalues.Should().Contain(w => Complex.Abs(w - Complex.Conjugate(z)) < 1e-8, "the conjugate of {0} is listed", z);
        }
    }

    /// <summary>Count eigenvalues, or one more when the count would have split a conjugate pair; the list is closed under conjugation.</summary>
    private static void ShouldBeCountClosedUnderConjugation(SpectrumResult result, int count)
    {
        var values = result.Eigenvalues;
        bool split = values.Count == count + 1 && Math.Abs(values[^1].Imaginary) > 1e-9 && Complex.Abs(values[^1] - Complex.Conjugate(values[^2])) < 1e-8;
        (values.Count == count || split).Should().BeTrue("{0} eigenvalues for a count of {1}", values.Count, count);
        foreach (var z in values.Where(z => Math.Abs(z.Imaginary) > 1e-9))
        {
            values.Should().Contain(w => Complex.Abs(w - Complex.Conjugate(z)) < 1e-8, "the conjugate of {0} is listed", z);
        }
    }

    private sealed class CapturingLoggerFactory : ILoggerFactory, ILogger
    {
        private readonly Lock _gate = new();
        private readonly List<(LogLevel Level, string Message)> _entries = [];

        public IReadOnlyList<(LogLevel Level, string Message)> Entries
        {
            get
            {
                lock (_gate)
                {
                    return [.. _entries];
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_gate)
            {
                _entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }

    /// <summary>Delegates to a chain and cancels a token after a number of steps.</summary>
    private sealed class CancellingChain(IMarkovChain inner, CancellationTokenSource source, int cancelAfterSteps) : IMarkovChain
    {
        public int Steps { get; private set; }

        public long StateCount => inner.StateCount;

        public int MaxRowNonZeros => inner.MaxRowNonZeros;

        public void Step(ReadOnlySpan<double> distribution, Span<double> next)
        {
            inner.Step(distribution, next);
            if (++Steps == cancelAfterSteps)
            {
                source.Cancel();
            }
        }

        public int GetRow(long state, Span<long> columns, Span<double> probabilities) => inner.GetRow(state, columns, probabilities);
    }
}
