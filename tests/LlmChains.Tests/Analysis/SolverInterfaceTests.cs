using System.Numerics;
using LlmChains.Analysis;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Models;
using MathNet.Numerics.LinearAlgebra;

namespace LlmChains.Tests.Analysis;

/// <summary>
/// Solvers behind <see cref="IStationarySolver"/> and <see cref="ISpectrumSolver"/>: the built-in ones agree with the
/// static entry points, and a user's own solver — written here from scratch on the dense matrix with MathNet — runs
/// through <see cref="ChainAnalyzer"/> end to end, its result measured by the library, not taken on trust.
/// </summary>
public sealed class SolverInterfaceTests
{
    /// <summary>T = 2, K = 4, τ = 0.7: 30 states, one ergodic class of 16 states, 14 transient.</summary>
    private static readonly LanguageModelChain Chain = LanguageModelChain.Build(new RandomLogitsModel(2, 4, 1.0, seed: 3), new DecodingOptions { Temperature = 0.7 });

    [Theory]
    [InlineData(StationaryMethod.Gth)]
    [InlineData(StationaryMethod.Power)]
    [InlineData(StationaryMethod.Gmres)]
    [InlineData(StationaryMethod.Auto)]
    public void BuiltInSolver_IsTheStaticEntryPoint(StationaryMethod method)
    {
        var structure = ChainStructure.Analyze(Chain);
        var viaSolver = StationarySolver.For(method).ComputeAll(Chain, structure);
        var viaStatic = StationaryDistribution.ComputeAll(Chain, new StationaryOptions { Method = method });

        viaSolver.Should().HaveCount(1);
        viaSolver[0].Distribution.Should().Equal(viaStatic[0].Distribution);
        viaSolver[0].Method.Should().Be(viaStatic[0].Method);
    }

    [Fact]
    public void UsersDenseSolver_RunsThroughTheAnalyzer_AndAgreesWithTheLibrary()
    {
        var own = new DenseNullSpaceSolver();
        var reference = ChainAnalyzer.Analyze(Chain);

        var analysis = ChainAnalyzer.Analyze(Chain, new ChainAnalysisOptions { StationarySolver = own });

        own.Calls.Should().Be(1);
        var pi = analysis.Stationary!;
        pi.Method.Should().Be(StationaryMethod.External);
        pi.Status.Should().Be(SolveStatus.Converged);
        pi.Residual.Should().BeLessThan(1e-13);
        for (int i = 0; i < Chain.StateCount; i++)
        {
            pi.Distribution[i].Should().BeApproximately(reference.Stationary!.Distribution[i], 1e-13);
        }

        analysis.MixingTime!.Value.Should().Be(reference.MixingTime!.Value, "d(t) is computed from the user's π");
        analysis.TMin!.Value.Should().BeApproximately(reference.TMin!.Value, 1e-9);
    }

    [Fact]
    public void WrongDistribution_IsReportedAboveTolerance_WithTheMeasuredResidual()
    {
        var structure = ChainStructure.Analyze(Chain);
        var recurrent = structure.RecurrentClasses[0];
        var uniform = new double[Chain.StateCount];
        foreach (long s in structure.GetStates(recurrent.Id))
        {
            uniform[s] = 1.0 / recurrent.Size;
        }

        var result = StationaryResult.FromDistribution(Chain, structure, recurrent.Id, uniform);

        var next = new double[Chain.StateCount];
        Chain.Step(uniform, next);
        double residual = next.Zip(uniform, (a, b) => Math.Abs(a - b)).Sum();
        result.Status.Should().Be(SolveStatus.AboveTolerance);
        result.Residual.Should().BeApproximately(residual, 1e-15).And.BeGreaterThan(1e-3);
    }

    [Fact]
    public void FromDistribution_RefusesMassOffTheClass_NegativeEntries_AndWrongLengths()
    {
        var structure = ChainStructure.Analyze(Chain);
        int id = structure.RecurrentClasses[0].Id;
        var onTransient = new double[Chain.StateCount];
        onTransient[0] = 1; // state 0 is a prompt of length 1: transient

        FluentActions.Invoking(() => StationaryResult.FromDistribution(Chain, structure, id, onTransient)).Should().Throw<ArgumentException>().WithMessage("π[0] = 1 lies off class*");
        var negative = new double[Chain.StateCount];
        negative[^1] = -0.5;
        FluentActions.Invoking(() => StationaryResult.FromDistribution(Chain, structure, id, negative)).Should().Throw<ArgumentException>().WithMessage("π[29] = -0.5*");
        FluentActions.Invoking(() => StationaryResult.FromDistribution(Chain, structure, id, new double[3])).Should().Throw<ArgumentException>().WithMessage("*30 states*3*");
        FluentActions.Invoking(() => StationaryResult.FromDistribution(Chain, structure, structure.ClassCount, new double[30])).Should().Throw<ArgumentException>().WithMessage("Class * is not a recurrent class*");
    }

    [Fact]
    public void SolverReturningTheWrongNumberOfResults_IsANamedError()
    {
        var options = new ChainAnalysisOptions { StationarySolver = new NoResultSolver() };

        FluentActions.Invoking(() => ChainAnalyzer.Analyze(Chain, options)).Should().Throw<InvalidOperationException>()
            .WithMessage("The stationary solver NoResultSolver returned 0 results for a chain with 1 recurrent classes*");
    }

    [Fact]
    public void BothSolverAndOptions_RefusedInValidate()
    {
        var options = new ChainAnalysisOptions { StationarySolver = StationarySolver.Gth, Stationary = new StationaryOptions() };
        FluentActions.Invoking(options.Validate).Should().Throw<ArgumentException>().WithMessage("Both StationarySolver and Stationary are set*");
        var spectrum = new ChainAnalysisOptions { SpectrumSolver = SpectrumSolver.Default, Spectrum = new SpectrumOptions() };
        FluentActions.Invoking(spectrum.Validate).Should().Throw<ArgumentException>().WithMessage("Both SpectrumSolver and Spectrum are set*");
    }

    [Fact]
    public void UsersEigenSolver_RunsThroughTheAnalyzer_AndAgreesWithTheLibrary()
    {
        // a general chain with every eigenvalue: the library goes dense too, so the two must agree to rounding
        var dense = Dense(Chain);
        var sparse = SparseMarkovChain.FromMatrix(dense);
        var own = new DenseEigenSolver();
        var reference = ChainAnalyzer.Analyze(sparse);

        var analysis = ChainAnalyzer.Analyze(sparse, new ChainAnalysisOptions { SpectrumSolver = own });

        analysis.Spectrum!.Method.Should().Be("mathnet-evd");
        analysis.Spectrum.Slem.Should().BeApproximately(reference.Spectrum!.Slem, 1e-10);
        analysis.Spectrum.SpectralGap.Should().BeApproximately(1 - reference.Spectrum.Slem, 1e-10);
        analysis.Spectrum.Eigenvalues.Select(Complex.Abs).Should().BeInDescendingOrder();
    }

    [Fact]
    public void FromEigenvalues_TwoStateChain_SlemIsTheOtherEigenvalue()
    {
        // P = [[0.7, 0.3], [0.1, 0.9]]: eigenvalues 1 and 1 − 0.3 − 0.1 = 0.6, given in the "wrong" order
        var result = SpectrumResult.FromEigenvalues([new Complex(0.6, 0), Complex.One], "closed form", [1e-16, 0]);

        result.Eigenvalues.Should().Equal(Complex.One, new Complex(0.6, 0));
        result.ErrorEstimates.Should().Equal(0, 1e-16);
        result.Slem.Should().Be(0.6);
        result.RelaxationTime.Should().BeApproximately(2.5, 1e-15);
        result.SlemErrorBound.Should().Be(1e-16);
        FluentActions.Invoking(() => SpectrumResult.FromEigenvalues([new Complex(0.5, 0)], "x")).Should().Throw<ArgumentException>().WithMessage("No eigenvalue lies within 1e-6 of 1*");
        FluentActions.Invoking(() => SpectrumResult.FromEigenvalues([Complex.One, new Complex(1.5, 0)], "x")).Should().Throw<ArgumentException>().WithMessage("*modulus above 1*");
        FluentActions.Invoking(() => SpectrumResult.FromEigenvalues([Complex.One], "x", [0, 0])).Should().Throw<ArgumentException>().WithMessage("2 error estimates for 1 eigenvalues*");
    }

    private static Matrix<double> Dense(IMarkovChain chain)
    {
        int n = (int)chain.StateCount;
        var matrix = Matrix<double>.Build.Dense(n, n);
        var columns = new long[chain.MaxRowNonZeros];
        var values = new double[chain.MaxRowNonZeros];
        for (int i = 0; i < n; i++)
        {
            int count = chain.GetRow(i, columns, values);
            for (int k = 0; k < count; k++)
            {
                matrix[i, (int)columns[k]] = values[k];
            }
        }

        return matrix;
    }

    /// <summary>π of each recurrent class from the null space of (Q − I)ᵀ restricted to the class, by MathNet's SVD.</summary>
    private sealed class DenseNullSpaceSolver : IStationarySolver
    {
        public int Calls { get; private set; }

        public IReadOnlyList<StationaryResult> ComputeAll(IMarkovChain chain, ChainStructure structure, IProgress<Progress>? progress = null, CancellationToken cancellationToken = default)
        {
            Calls++;
            var q = Dense(chain);
            var results = new List<StationaryResult>();
            foreach (var recurrent in structure.RecurrentClasses)
            {
                int[] states = [.. structure.GetStates(recurrent.Id).Select(s => (int)s)];
                var block = Matrix<double>.Build.Dense(states.Length, states.Length, (i, j) => q[states[i], states[j]]);
                var a = (block - Matrix<double>.Build.DenseIdentity(states.Length)).Transpose();
                var svd = a.Svd();
                var v = svd.VT.Row(states.Length - 1); // right singular vector of the smallest singular value
                double sum = v.Sum();
                var pi = new double[chain.StateCount];
                for (int i = 0; i < states.Length; i++)
                {
                    pi[states[i]] = Math.Max(0, v[i] / sum);
                }

                results.Add(StationaryResult.FromDistribution(chain, structure, recurrent.Id, pi, tolerance: 1e-13));
            }

            return results;
        }
    }

    private sealed class NoResultSolver : IStationarySolver
    {
        public IReadOnlyList<StationaryResult> ComputeAll(IMarkovChain chain, ChainStructure structure, IProgress<Progress>? progress = null, CancellationToken cancellationToken = default) => [];

        public override string ToString() => nameof(NoResultSolver);
    }

    /// <summary>Every eigenvalue of the dense matrix by MathNet's EVD.</summary>
    private sealed class DenseEigenSolver : ISpectrumSolver
    {
        public SpectrumResult Compute(IMarkovChain chain, IProgress<Progress>? progress = null, CancellationToken cancellationToken = default)
            => SpectrumResult.FromEigenvalues([.. Dense(chain).Evd().EigenValues], "mathnet-evd");
    }
}
