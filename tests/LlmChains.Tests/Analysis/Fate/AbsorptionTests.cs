using LlmChains.Analysis.Fate;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Tests.Analysis.Fate;

public sealed class AbsorptionTests
{
    private static readonly FateOptions KrylovOnly = new() { ExactMaxStates = 0, Tolerance = 1e-13 };

    public static TheoryData<int, bool, bool> RandomCases()
    {
        var data = new TheoryData<int, bool, bool>();
        for (int seed = 1; seed <= 6; seed++)
        {
            data.Add(seed, seed % 2 == 0, false);
            data.Add(seed, seed % 2 == 0, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RandomCases))]
    public void Compute_RandomReducibleChain_MatchesDenseFundamentalMatrix(int seed, bool periodic, bool krylov)
    {
        var p = FateOracle.RandomReducible(seed, 40, 3, periodic);
        var chain = SparseMarkovChain.FromDense(p);
        var (expectedB, expectedT) = FateOracle.Absorption(p);

        var result = Absorption.Compute(chain, options: krylov ? KrylovOnly : null);

        result.Classes.Should().HaveCount(3);
        result.ProbabilitySolve.Method.Should().Be(krylov ? FateMethod.Krylov : FateMethod.Exact);
        for (int s = 0; s < 40; s++)
        {
            result.Starts[s].Should().Be(s);
            result.GetProbabilities(s).Sum().Should().BeApproximately(1, 1e-12);
            for (int k = 0; k < 3; k++)
            {
                result.GetProbability(s, k).Should().BeApproximately(expectedB[s][k], 1e-11, $"state {s}, class {k}");
            }

            result.ExpectedSteps[s].Should().BeApproximately(expectedT[s], 1e-10 * Math.Max(1, expectedT[s]), $"state {s}");
        }

        result.StepsSolve.Residual.Should().BeLessThan(1e-12);
    }

    [Theory]
    [InlineData(0.4, 10)]
    [InlineData(0.5, 10)]
    [InlineData(0.7, 25)]
    public void Compute_GamblersRuin_MatchesClosedForm(double up, int n)
    {
        // States 0..N, 0 and N absorbing, up with probability p, down with q = 1 − p.
        var p = new double[n + 1, n + 1];
        p[0, 0] = p[n, n] = 1;
        for (int i = 1; i < n; i++)
        {
            p[i, i + 1] = up;
            p[i, i - 1] = 1 - up;
        }

        var result = Absorption.Compute(SparseMarkovChain.FromDense(p));

        double q = 1 - up;
        for (int i = 0; i <= n; i++)
        {
            double win, duration;
            if (up == 0.5)
            {
                win = (double)i / n;
                duration = i * (double)(n - i);
            }
            else
            {
                double r = q / up;
                win = (1 - Math.Pow(r, i)) / (1 - Math.Pow(r, n));
                duration = (i / (q - up)) - (n / (q - up) * win);
            }

            result.GetProbability(i, 1).Should().BeApproximately(win, 1e-13, $"P(reach N | {i})");
            result.ExpectedSteps[i].Should().BeApproximately(duration, 1e-11 * Math.Max(1, duration), $"E[duration | {i}]");
        }
    }

    [Theory]
    [InlineData(3, 3, 2)]
    [InlineData(2, 5, 1)]
    [InlineData(4, 3, 2)]
    public void Compute_TopKModelChain_PromptTreePassMatchesDenseSolve(int t, int k, int topK)
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(t, k, 2.0, seed: 7), new DecodingOptions { TopK = topK });
        var p = FateOracle.Dense(chain);
        var (expectedB, expectedT) = FateOracle.Absorption(p);

        var result = Absorption.Compute(chain);

        result.Classes.Should().HaveCount(FateOracle.RecurrentClasses(p).Count);
        for (int s = 0; s < chain.StateCount; s++)
        {
            for (int c = 0; c < result.Classes.Count; c++)
            {
                result.GetProbability(s, c).Should().BeApproximately(expectedB[s][c], 1e-12, $"state {chain.States.Format(s)}, class {c}");
            }

            result.ExpectedSteps[s].Should().BeApproximately(expectedT[s], 1e-11 * Math.Max(1, expectedT[s]));
        }
    }

    [Fact]
    public void Compute_GreedyParity_EachPromptFallsIntoItsLoop()
    {
        // Greedy parity, K = 3: loops {000}, {001, 011, 110, 100}, {010, 101}, {111} (RepetitionLoopsTests). Ties at short
        // prompts go to token 0: "1" → "10" → "100" (the 4-cycle, 2 steps), "01" → "010" (1 step), "0" → "00" → "000".
        var chain = LanguageModelChain.Build(new ParityModel(3), DecodingOptions.Greedy);
        var states = chain.States;
        long[] starts = [states.Rank([1]), states.Rank([0, 1]), states.Rank([0]), states.Rank([1, 1]), states.Rank([1, 1, 1])];

        var result = Absorption.Compute(chain, starts);

        result.Classes.Should().HaveCount(4);
        int LoopOf(string window) => result.Classes.Select((c, i) => (c, i)).Single(x => ChainStructure.Analyze(chain).GetStates(x.c.Id).Contains(states.Rank([.. window.Select(ch => ch - '0')]))).i;
        result.GetProbability(0, LoopOf("100")).Should().Be(1);
        result.ExpectedSteps[0].Should().Be(2);
        result.GetProbability(1, LoopOf("010")).Should().Be(1);
        result.ExpectedSteps[1].Should().Be(1);
        result.GetProbability(2, LoopOf("000")).Should().Be(1);
        result.ExpectedSteps[2].Should().Be(2);
        result.GetProbability(3, LoopOf("110")).Should().Be(1);
        result.ExpectedSteps[3].Should().Be(1);
        result.GetProbability(4, LoopOf("111")).Should().Be(1);
        result.ExpectedSteps[4].Should().Be(0);
    }

    [Fact]
    public void Compute_PaperToyAtTemperatureOne_OneClassAndKMinusLengthSteps()
    {
        // τ = 1: every transition positive, one recurrent class (Prop. 3.3); a prompt of length L needs K − L steps.
        var chain = LanguageModelChain.Build(NGramModel.PaperToyExample());

        var result = Absorption.Compute(chain);

        result.Classes.Should().ContainSingle();
        result.ProbabilitySolve.Method.Should().Be(FateMethod.Structural);
        result.StepsSolve.Method.Should().Be(FateMethod.Structural);
        for (int s = 0; s < chain.StateCount; s++)
        {
            result.GetProbability(s, 0).Should().Be(1);
            result.ExpectedSteps[s].Should().Be(3 - chain.States.GetLength(s));
        }
    }

    [Fact]
    public void Compute_BadStarts_Throw()
    {
        var chain = SparseMarkovChain.FromDense(new double[,] { { 1, 0 }, { 0.5, 0.5 } });

        FluentActions.Invoking(() => Absorption.Compute(chain, [2])).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Start 2 is outside*0..1*");
        FluentActions.Invoking(() => Absorption.Compute(chain, [])).Should().Throw<ArgumentException>().WithMessage("*empty*");
        FluentActions.Invoking(() => Absorption.Compute(chain, options: new FateOptions { RestartLength = 1 })).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*RestartLength*");
    }

    [Fact]
    public void Compute_ReportsProgress()
    {
        var p = FateOracle.RandomReducible(3, 30, 2, false);
        var reports = new List<Progress>();

        Absorption.Compute(SparseMarkovChain.FromDense(p), progress: new SyncProgress(reports.Add));

        reports.Should().NotBeEmpty();
        reports.Select(r => r.Stage).Should().Contain("absorption times");
    }

    internal sealed class SyncProgress(Action<Progress> report) : IProgress<Progress>
    {
        public void Report(Progress value) => report(value);
    }
}
