using LlmChains.Analysis;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;

namespace LlmChains.Tests.Analysis.Spectral;

/// <summary>Bad input to <see cref="StationaryDistribution"/>: clear <see cref="ArgumentException"/>s naming the parameter and the value.</summary>
public sealed class StationaryArgumentTests
{
    private static readonly SparseMarkovChain Chain = SparseMarkovChain.FromDense(new[,] { { 0.7, 0.3 }, { 0.1, 0.9 } });

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(-1e-12, "-1E-12")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    public void Compute_BadTolerance_ThrowsNamingToleranceAndValue(double tolerance, string shown)
    {
        var act = () => StationaryDistribution.Compute(Chain, new StationaryOptions { Tolerance = tolerance });

        act.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "Tolerance").WithMessage($"*got {shown}*");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Compute_NonPositiveMaxIterations_ThrowsNamingMaxIterations(int maxIterations)
    {
        var act = () => StationaryDistribution.ComputeAll(Chain, new StationaryOptions { MaxIterations = maxIterations });

        act.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "MaxIterations").WithMessage($"*got {maxIterations}*");
    }

    [Fact]
    public void Compute_GthMaxStatesBelowOne_ThrowsNamingIt()
    {
        var act = () => StationaryDistribution.Compute(Chain, new StationaryOptions { GthMaxStates = 0 });

        act.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "GthMaxStates").WithMessage("*got 0*");
    }

    [Theory]
    [InlineData(2, 0)]
    [InlineData(10, 9)]
    [InlineData(10, -1)]
    public void Compute_BadKrylovSizes_Throw(int restart, int deflated)
    {
        var act = () => StationaryDistribution.Compute(Chain, new StationaryOptions { RestartLength = restart, DeflatedVectors = deflated });

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Compute_UndefinedMethod_Throws()
    {
        var act = () => StationaryDistribution.Compute(Chain, new StationaryOptions { Method = (StationaryMethod)42 });

        act.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "Method").WithMessage("*42*");
    }

    [Fact]
    public void Compute_InitialGuessOfWrongLength_ThrowsWithBothLengths()
    {
        var act = () => StationaryDistribution.Compute(Chain, new StationaryOptions { InitialGuess = [0.5, 0.25, 0.25] });

        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "options").WithMessage("*length 3*all 2 states*");
    }

    [Theory]
    [InlineData(-0.5, "-0.5")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    public void Compute_InitialGuessWithBadEntry_ThrowsNamingTheIndexAndValue(double bad, string shown)
    {
        var act = () => StationaryDistribution.Compute(Chain, new StationaryOptions { InitialGuess = [0.5, bad] });

        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "InitialGuess").WithMessage($"*InitialGuess[1] = {shown}*");
    }

    [Fact]
    public void Compute_InitialGuessAllZero_Throws()
    {
        var act = () => StationaryDistribution.Compute(Chain, new StationaryOptions { InitialGuess = [0.0, 0.0] });

        act.Should().Throw<ArgumentException>().WithMessage("*all zeros*");
    }

    [Fact]
    public void Compute_StructureOfAnotherChain_Throws()
    {
        var other = ChainStructure.Analyze(SparseMarkovChain.FromDense(new[,] { { 1.0 } }));

        var act = () => StationaryDistribution.Compute(Chain, new StationaryOptions { Structure = other });

        act.Should().Throw<ArgumentException>().WithMessage("*classifies 1 states but the chain has 2*");
    }

    [Fact]
    public void Compute_NullChain_ThrowsArgumentNull()
    {
        var act = () => StationaryDistribution.Compute(null!);

        act.Should().Throw<ArgumentNullException>().Where(e => e.ParamName == "chain");
    }

    [Fact]
    public void Compute_NonStochasticCustomChain_ThrowsNamingTheRow()
    {
        var act = () => StationaryDistribution.Compute(new LeakyChain());

        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "chain").WithMessage("*Row 1*sums to 0.9*");
    }

    [Fact]
    public void Gth_RowNotSummingToOne_ThrowsNamingRowAndSum()
    {
        var act = () => StationaryDistribution.Gth(new[,] { { 0.5, 0.5 }, { 0.4, 0.5 } });

        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "transitionMatrix").WithMessage("*Row 1*sums to 0.9*");
    }

    [Theory]
    [InlineData(-0.1, "-0.1")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    public void Gth_BadEntry_ThrowsNamingPositionAndValue(double bad, string shown)
    {
        var act = () => StationaryDistribution.Gth(new[,] { { 1.0, 0.0 }, { bad, 1.1 } });

        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "transitionMatrix").WithMessage($"*transitionMatrix[1, 0] = {shown}*");
    }

    [Fact]
    public void Gth_NonSquareOrEmpty_Throws()
    {
        var rectangular = () => StationaryDistribution.Gth(new double[2, 3]);
        var empty = () => StationaryDistribution.Gth(new double[0, 0]);

        rectangular.Should().Throw<ArgumentException>().WithMessage("*2×3*square*");
        empty.Should().Throw<ArgumentException>().WithMessage("*0×0*");
    }

    /// <summary>Row 1 loses 10% of its mass.</summary>
    private sealed class LeakyChain : IMarkovChain
    {
        public long StateCount => 2;

        public int MaxRowNonZeros => 2;

        public void Step(ReadOnlySpan<double> distribution, Span<double> next)
        {
            next[0] = (0.5 * distribution[0]) + (0.4 * distribution[1]);
            next[1] = (0.5 * distribution[0]) + (0.5 * distribution[1]);
        }

        public int GetRow(long state, Span<long> columns, Span<double> probabilities)
        {
            columns[0] = 0;
            columns[1] = 1;
            probabilities[0] = state == 0 ? 0.5 : 0.4;
            probabilities[1] = state == 0 ? 0.5 : 0.5;
            return 2;
        }
    }
}
