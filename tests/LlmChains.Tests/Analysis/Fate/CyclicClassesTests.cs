using LlmChains.Analysis.Fate;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Tests.Analysis.Fate;

public sealed class CyclicClassesTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void Of_RandomPeriodicChain_EveryStepMovesToTheNextCyclicClass(int period)
    {
        // Blocks C_0..C_{d−1} of random sizes with random positive transitions C_r → C_{r+1}, states shuffled.
        var rng = new Random(period);
        int[] sizes = [.. Enumerable.Range(0, period).Select(_ => 1 + rng.Next(4))];
        int n = sizes.Sum();
        int[] order = [.. Enumerable.Range(0, n).OrderBy(_ => rng.Next())];
        var blocks = new List<int[]>();
        int at = 0;
        foreach (int size in sizes)
        {
            blocks.Add(order[at..(at + size)]);
            at += size;
        }

        var p = new double[n, n];
        for (int r = 0; r < period; r++)
        {
            foreach (int from in blocks[r])
            {
                foreach (int to in blocks[(r + 1) % period])
                {
                    p[from, to] = 0.1 + rng.NextDouble();
                }
            }
        }

        FateOracle.Normalise(p);
        var structure = ChainStructure.Analyze(SparseMarkovChain.FromDense(p));

        var cyclic = CyclicClasses.Of(structure, 0);

        cyclic.Should().HaveCount(period);
        cyclic[0].Should().Contain(0);
        for (int r = 0; r < period; r++)
        {
            foreach (long from in cyclic[r])
            {
                for (int to = 0; to < n; to++)
                {
                    if (p[from, to] > 0)
                    {
                        cyclic[(r + 1) % period].Should().Contain(to);
                    }
                }
            }
        }
    }

    [Fact]
    public void OfAll_GreedyParity_TheFourLoopsInCyclicOrder()
    {
        var chain = LanguageModelChain.Build(new ParityModel(3), DecodingOptions.Greedy);
        var structure = ChainStructure.Analyze(chain);

        var all = CyclicClasses.OfAll(structure);

        all.Select(c => c.Count).Order().Should().Equal(1, 1, 2, 4);
        var four = all.Single(c => c.Count == 4);
        for (int r = 0; r < 4; r++)
        {
            long s = four[r].Single();
            chain.GetTransitionProbability(s, four[(r + 1) % 4].Single()).Should().Be(1);
        }
    }
}
