using LlmChains.Analysis.Fate;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Tests.Analysis.Fate;

public sealed class HittingTests
{
    public static TheoryData<int, bool> Seeds()
    {
        var data = new TheoryData<int, bool>();
        for (int seed = 11; seed <= 16; seed++)
        {
            data.Add(seed, false);
            data.Add(seed, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Compute_RandomReducibleChain_MatchesValueIterationAndTheKilledSeries(int seed, bool krylov)
    {
        var p = FateOracle.RandomReducible(seed, 30, 3, seed % 2 == 0);
        var rng = new Random(seed);
        var target = new HashSet<int> { rng.Next(30), rng.Next(30) };
        var chain = SparseMarkovChain.FromDense(p);

        var result = Hitting.Compute(chain, TargetSet.States(target.Select(s => (long)s)), options: krylov ? new FateOptions { ExactMaxStates = 0, Tolerance = 1e-13 } : null);

        double[] h = FateOracle.HittingProbabilityByIteration(p, target);
        for (int s = 0; s < 30; s++)
        {
            result.Probabilities[s].Should().BeApproximately(h[s], 1e-11, $"P(hit) from {s}");
            if (h[s] < 1 - 1e-9)
            {
                result.ExpectedSteps[s].Should().Be(double.PositiveInfinity);
                result.Outcomes[s].Should().BeOneOf(HittingOutcome.Possible, HittingOutcome.Unreachable);
                result.GetReason(s).Should().NotBeNull();
            }
            else
            {
                double k = FateOracle.HittingTimeBySeries(p, target, s, 200_000);
                result.ExpectedSteps[s].Should().BeApproximately(k, 1e-9 * Math.Max(1, k), $"E[τ] from {s}");
                result.Outcomes[s].Should().BeOneOf(HittingOutcome.Certain, HittingOutcome.InTarget);
                result.GetReason(s).Should().BeNull();
            }
        }
    }

    [Fact]
    public void Compute_BirthDeathChain_MatchesTheClosedFormPassageTimes()
    {
        // Reflecting birth–death chain on 0..n−1: up p_i, down q_i. E[τ_{i+1} | i] = Σ_{j≤i} π_j/(π_i p_i), and
        // E[τ_{n−1} | 0] is the sum of those steps.
        const int n = 12;
        var rng = new Random(5);
        var p = new double[n, n];
        var up = new double[n];
        var down = new double[n];
        for (int i = 0; i < n; i++)
        {
            up[i] = i < n - 1 ? 0.1 + (0.5 * rng.NextDouble()) : 0;
            down[i] = i > 0 ? 0.1 + (0.3 * rng.NextDouble()) : 0;
            if (i < n - 1)
            {
                p[i, i + 1] = up[i];
            }

            if (i > 0)
            {
                p[i, i - 1] = down[i];
            }

            p[i, i] = 1 - up[i] - down[i];
        }

        var pi = new double[n];
        pi[0] = 1;
        for (int i = 1; i < n; i++)
        {
            pi[i] = pi[i - 1] * up[i - 1] / down[i];
        }

        var result = Hitting.Compute(SparseMarkovChain.FromDense(p), TargetSet.States([n - 1]));

        double expected = 0;
        for (int i = n - 2; i >= 0; i--)
        {
            double step = Enumerable.Range(0, i + 1).Sum(j => pi[j]) / (pi[i] * up[i]);
            expected += step;
            result.ExpectedSteps[i].Should().BeApproximately(expected, 1e-10 * expected, $"E[τ_{n - 1} | {i}]");
        }
    }

    [Fact]
    public void Compute_WindowEndsWith111OnAModel_MatchesTheDenseSolveOverTheWholeChain()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(2, 5, 1.5, seed: 3));
        var p = FateOracle.Dense(chain);
        var target = TargetSet.WindowEndsWith([1, 1, 1]);
        long[] b = target.Resolve(chain);
        b.Select(s => chain.States.Format(s, string.Empty)).Should().OnlyContain(w => w.EndsWith("111", StringComparison.Ordinal));
        b.Should().HaveCount(1 + 2 + 4, "111, x111, xx111");

        var result = Hitting.Compute(chain, target);

        int[] free = [.. Enumerable.Range(0, (int)chain.StateCount).Where(s => !b.Contains(s))];
        double[] k = FateOracle.SolveOn(p, free, [.. free.Select(_ => 1.0)]);
        for (int i = 0; i < free.Length; i++)
        {
            result.Probabilities[free[i]].Should().Be(1);
            result.ExpectedSteps[free[i]].Should().BeApproximately(k[i], 1e-11 * k[i], chain.States.Format(free[i]));
        }

        foreach (long s in b)
        {
            result.ExpectedSteps[(int)s].Should().Be(0);
            result.Outcomes[(int)s].Should().Be(HittingOutcome.InTarget);
        }
    }

    [Fact]
    public void Compute_TargetOfShortPromptsOnATopKModel_MatchesValueIteration()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(3, 3, 2.0, seed: 1), new DecodingOptions { TopK = 2 });
        var p = FateOracle.Dense(chain);
        var target = TargetSet.Prompts([[0, 1], [2, 2, 1]]);
        var set = target.Resolve(chain).Select(s => (int)s).ToHashSet();

        var result = Hitting.Compute(chain, target);

        double[] h = FateOracle.HittingProbabilityByIteration(p, set);
        for (int s = 0; s < chain.StateCount; s++)
        {
            result.Probabilities[s].Should().BeApproximately(h[s], 1e-12, chain.States.Format(s));
            if (h[s] > 1 - 1e-12)
            {
                double k = FateOracle.HittingTimeBySeries(p, set, s, 100_000);
                result.ExpectedSteps[s].Should().BeApproximately(k, 1e-9 * Math.Max(1, k));
            }
            else
            {
                result.ExpectedSteps[s].Should().Be(double.PositiveInfinity);
            }
        }
    }

    [Fact]
    public void Compute_LoopTarget_UnreachableStartIsProbabilityZeroNotAnError()
    {
        // Two absorbing loops: from inside loop 1, loop 0 is unreachable.
        var chain = SparseMarkovChain.FromDense(new double[,] { { 1, 0, 0 }, { 0.3, 0.3, 0.4 }, { 0, 0, 1 } });

        var result = Hitting.Compute(chain, TargetSet.RecurrentClass(0));

        result.Probabilities[0].Should().Be(1);
        result.Probabilities[1].Should().BeApproximately(0.3 / 0.7, 1e-15);
        result.Probabilities[2].Should().Be(0);
        result.ExpectedSteps[0].Should().Be(0);
        result.ExpectedSteps[1].Should().Be(double.PositiveInfinity);
        result.ExpectedSteps[2].Should().Be(double.PositiveInfinity);
        result.Outcomes.Should().Equal(HittingOutcome.InTarget, HittingOutcome.Possible, HittingOutcome.Unreachable);
        result.GetReason(2).Should().Contain("cannot be reached");
    }

    [Fact]
    public void Compute_BadTargets_ThrowClearMessages()
    {
        var chain = SparseMarkovChain.FromDense(new double[,] { { 0.5, 0.5 }, { 0.5, 0.5 } });

        FluentActions.Invoking(() => Hitting.Compute(chain, TargetSet.States([]))).Should().Throw<ArgumentException>().WithMessage("*is empty*");
        FluentActions.Invoking(() => Hitting.Compute(chain, TargetSet.States([5]))).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*State 5 is outside*0..1*");
        FluentActions.Invoking(() => Hitting.Compute(chain, TargetSet.RecurrentClass(1))).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*1 recurrent class*");
        FluentActions.Invoking(() => Hitting.Compute(chain, TargetSet.WindowEndsWith([1]))).Should().Throw<ArgumentException>().WithMessage("*needs a model's chain*");
        var model = LanguageModelChain.Build(new UniformModel(2, 2));
        FluentActions.Invoking(() => Hitting.Compute(model, TargetSet.WindowEndsWith([1, 1, 1]))).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*pattern has 3 tokens*K is 2*");
        FluentActions.Invoking(() => Hitting.Compute(model, TargetSet.WindowEndsWith([2]))).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Token 2*");
    }

    [Fact]
    public void Compute_KrylovOnALargerModel_StatesItsResidualAndAgreesWithSimulation()
    {
        // T = 2, K = 10 (2,046 states, 1,024 full-length windows), τ = 1: hitting "1 1 1" by GMRES on the block, the prompt
        // tree by the backward pass; checked against seeded simulation with 99.9% normal intervals.
        var chain = LanguageModelChain.Build(new RandomLogitsModel(2, 10, 1.0, seed: 9));
        var result = Hitting.Compute(chain, TargetSet.WindowEndsWith([1, 1, 1]), options: new FateOptions { ExactMaxStates = 100, Tolerance = 1e-12 });

        result.StepsSolve.Method.Should().Be(FateMethod.Krylov);
        result.StepsSolve.Status.Should().Be(LlmChains.Analysis.Spectral.SolveStatus.Converged);
        result.StepsSolve.Residual.Should().BeLessThan(1e-12 * 1.0001);
        result.StepsSolve.Products.Should().BeGreaterThan(0);

        var rng = new Random(123);
        var row = new double[2];
        foreach (long start in new long[] { 0, 1, chain.States.Rank([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) })
        {
            const int runs = 4000;
            double sum = 0;
            double sumSquares = 0;
            for (int r = 0; r < runs; r++)
            {
                long s = start;
                int steps = 0;
                while (!chain.States.Format(s, string.Empty).EndsWith("111", StringComparison.Ordinal))
                {
                    chain.GetNextTokenProbabilities(s, row);
                    s = chain.States.Successor(s, rng.NextDouble() < row[0] ? 0 : 1);
                    steps++;
                }

                sum += steps;
                sumSquares += (double)steps * steps;
            }

            double mean = sum / runs;
            double sd = Math.Sqrt((sumSquares / runs) - (mean * mean));
            result.ExpectedSteps[(int)start].Should().BeApproximately(mean, 3.3 * sd / Math.Sqrt(runs), $"start {chain.States.Format(start)}");
        }
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.2)]
    public void Compute_LowTemperatureKrylov_AgreesWithTheExactStateReduction(double temperature)
    {
        // Metastable chains (τ ≤ 0.2, a rare target): GMRES may stagnate with its default restart length and then
        // doubles it from the iterate; the answer must match the exact elimination of the same 1,024-window block.
        var chain = LanguageModelChain.Build(new RandomLogitsModel(2, 10, 1.0, seed: 4), new DecodingOptions { Temperature = temperature });
        var target = TargetSet.WindowEndsWith([1, 1, 1, 1, 1, 1, 1]);

        var krylov = Hitting.Compute(chain, target, options: new FateOptions { ExactMaxStates = 0 });
        var exact = Hitting.Compute(chain, target, options: new FateOptions { ExactMaxStates = 2048 });

        krylov.StepsSolve.Method.Should().Be(FateMethod.Krylov);
        krylov.StepsSolve.Status.Should().Be(LlmChains.Analysis.Spectral.SolveStatus.Converged);
        exact.StepsSolve.Method.Should().Be(FateMethod.Exact);
        double max = exact.ExpectedSteps.Max();
        for (int s = 0; s < chain.StateCount; s++)
        {
            // error ≤ max E[τ] × (residual + the rounding of the residual itself, ~ε·max E[τ] per entry) (docs/fate.md);
            // at τ = 0.1 the times reach 2·10^8 steps, so the Krylov answer is good to ~3e−8 relative, the exact one far better
            krylov.ExpectedSteps[s].Should().BeApproximately(exact.ExpectedSteps[s], max * ((krylov.StepsSolve.Residual * 1.01) + (8 * 2.2e-16 * max)));
        }
    }
}
