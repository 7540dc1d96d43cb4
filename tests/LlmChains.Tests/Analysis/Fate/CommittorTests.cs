using LlmChains.Analysis.Fate;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Tests.Analysis.Fate;

public sealed class CommittorTests
{
    [Theory]
    [InlineData(21, false)]
    [InlineData(22, true)]
    [InlineData(23, false)]
    [InlineData(24, true)]
    public void Forward_RandomChain_MatchesDenseSolve(int seed, bool krylov)
    {
        var p = FateOracle.RandomIrreducible(seed, 30);
        var rng = new Random(seed);
        int[] shuffled = [.. Enumerable.Range(0, 30).OrderBy(_ => rng.Next())];
        int[] a = shuffled[..3];
        int[] b = shuffled[3..5];

        var result = Committor.Forward(SparseMarkovChain.FromDense(p), TargetSet.States(a.Select(s => (long)s)), TargetSet.States(b.Select(s => (long)s)), krylov ? new FateOptions { ExactMaxStates = 0, Tolerance = 1e-13 } : null);

        int[] free = [.. Enumerable.Range(0, 30).Except(a).Except(b)];
        double[] rhs = [.. free.Select(i => b.Sum(j => p[i, j]))];
        double[] q = FateOracle.SolveOn(p, free, rhs);
        for (int i = 0; i < free.Length; i++)
        {
            result.Forward[free[i]].Should().BeApproximately(q[i], 1e-11);
        }

        a.Should().OnlyContain(s => result.Forward[s] == 0);
        b.Should().OnlyContain(s => result.Forward[s] == 1);
    }

    [Fact]
    public void Forward_GamblersRuin_IsTheProbabilityOfWinning()
    {
        const int n = 12;
        var p = new double[n + 1, n + 1];
        for (int i = 0; i <= n; i++)
        {
            p[i, Math.Max(0, i - 1)] += 0.55;
            p[i, Math.Min(n, i + 1)] += 0.45;
        }

        var result = Committor.Forward(SparseMarkovChain.FromDense(p), TargetSet.States([0]), TargetSet.States([n]));

        double r = 0.55 / 0.45;
        for (int i = 0; i <= n; i++)
        {
            result.Forward[i].Should().BeApproximately((1 - Math.Pow(r, i)) / (1 - Math.Pow(r, n)), 1e-13);
        }
    }

    [Fact]
    public void Forward_ModelChainWithPromptSets_MatchesDenseSolve()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(2, 4, 1.0, seed: 2));
        var p = FateOracle.Dense(chain);
        var avoid = TargetSet.WindowEndsWith([0, 0, 0]);
        var target = TargetSet.WindowEndsWith([1, 1]);
        int[] a = [.. avoid.Resolve(chain).Select(s => (int)s)];
        int[] b = [.. target.Resolve(chain).Select(s => (int)s)];

        var result = Committor.Forward(chain, avoid, target);

        int[] free = [.. Enumerable.Range(0, (int)chain.StateCount).Except(a).Except(b)];
        double[] q = FateOracle.SolveOn(p, free, [.. free.Select(i => b.Sum(j => p[i, j]))]);
        for (int i = 0; i < free.Length; i++)
        {
            result.Forward[free[i]].Should().BeApproximately(q[i], 1e-12, chain.States.Format(free[i]));
        }
    }

    [Fact]
    public void Forward_OverlappingSets_Throws()
    {
        var chain = SparseMarkovChain.FromDense(new double[,] { { 0.5, 0.5 }, { 0.5, 0.5 } });

        FluentActions.Invoking(() => Committor.Forward(chain, TargetSet.States([0, 1]), TargetSet.States([1])))
            .Should().Throw<ArgumentException>().WithMessage("*overlap at state 1*");
    }
}
