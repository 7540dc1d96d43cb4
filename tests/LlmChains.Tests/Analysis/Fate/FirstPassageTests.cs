using System.Numerics;
using LlmChains.Analysis.Fate;
using LlmChains.Chains;
using MathNet.Numerics.LinearAlgebra.Double;

namespace LlmChains.Tests.Analysis.Fate;

public sealed class FirstPassageTests
{
    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    public void MeanTimes_RandomIrreducibleChain_MatchPerTargetSolvesAndKemenyIsStartIndependent(int seed)
    {
        const int n = 25;
        var p = FateOracle.RandomIrreducible(seed, n);

        var result = FirstPassage.MeanTimes(SparseMarkovChain.FromDense(p));

        result.States.Should().HaveCount(n);
        for (int j = 0; j < n; j++)
        {
            int[] free = [.. Enumerable.Range(0, n).Where(i => i != j)];
            double[] m = FateOracle.SolveOn(p, free, [.. free.Select(_ => 1.0)]);
            for (int i = 0; i < free.Length; i++)
            {
                result.GetTime(free[i], j).Should().BeApproximately(m[i], 1e-10 * m[i]);
            }

            result.GetTime(j, j).Should().Be(0);
        }

        for (int i = 0; i < n; i++)
        {
            double k = Enumerable.Range(0, n).Sum(j => result.Stationary[j] * result.GetTime(i, j));
            k.Should().BeApproximately(result.KemenyConstant, 1e-10 * result.KemenyConstant, $"start {i}");
        }

        // Σ_{λ ≠ 1} 1/(1 − λ) from the eigenvalues.
        var eigen = DenseMatrix.OfArray(p).Evd().EigenValues;
        int unit = Enumerable.Range(0, n).MinBy(i => (eigen[i] - Complex.One).Magnitude);
        double spectral = Enumerable.Range(0, n).Where(i => i != unit).Select(i => (Complex.One / (Complex.One - eigen[i])).Real).Sum();
        result.KemenyConstant.Should().BeApproximately(spectral, 1e-9 * spectral);
    }

    [Fact]
    public void KemenyConstant_UnichainWithTransientStates_TransientStartsAddTheirAbsorptionTime()
    {
        // One recurrent class plus transient states: f(i) = Σ_j π_j·E_i[τ_j] is harmonic on the recurrent class (f = K
        // there) but satisfies f = 1 + P·f on transient states, so from a transient start it is K + E_i[steps to absorption].
        var p = FateOracle.RandomReducible(41, 20, 1, false);
        var chain = SparseMarkovChain.FromDense(p);
        var result = FirstPassage.MeanTimes(chain);
        var absorption = Absorption.Compute(chain);

        for (int i = 0; i < 20; i++)
        {
            double k = 0;
            for (int j = 0; j < result.States.Count; j++)
            {
                var hit = Hitting.Compute(chain, TargetSet.States([result.States[j]]), [i]);
                double time = result.States[j] == i ? 0 : hit.ExpectedSteps[0];
                k += result.Stationary[j] * time;
            }

            double expected = result.KemenyConstant + absorption.ExpectedSteps[i];
            k.Should().BeApproximately(expected, 1e-10 * Math.Max(1, expected), $"start {i}");
        }
    }

    [Fact]
    public void MeanTimes_SeveralRecurrentClasses_ThrowsAClearMessage()
    {
        var chain = SparseMarkovChain.FromDense(new double[,] { { 1, 0, 0 }, { 0.5, 0, 0.5 }, { 0, 0, 1 } });

        FluentActions.Invoking(() => FirstPassage.KemenyConstant(chain)).Should().Throw<ArgumentException>()
            .WithMessage("*one recurrent class; this chain has 2*Absorption*");
    }

    [Fact]
    public void MeanTimes_ClassAboveTheLimit_ThrowsWithTheBytes()
    {
        var chain = SparseMarkovChain.FromDense(FateOracle.RandomIrreducible(1, 30));

        FluentActions.Invoking(() => FirstPassage.MeanTimes(chain, new FateOptions { MeanFirstPassageMaxStates = 10 })).Should().Throw<ArgumentException>()
            .WithMessage("*30 states*MeanFirstPassageMaxStates = 10*bytes*");
    }
}
