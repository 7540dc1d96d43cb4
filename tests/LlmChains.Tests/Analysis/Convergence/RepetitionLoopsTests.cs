using LlmChains.Analysis;
using LlmChains.Analysis.Convergence;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Tests.Analysis.Convergence;

public sealed class RepetitionLoopsTests
{
    [Fact]
    public void Find_GreedyParity_ReportsTheFourCyclesWithTheirTokensAndBasins()
    {
        // Greedy parity, K = 3: short contexts have tied logits, so greedy emits 0 (lowest id): "0"→"00"→"000",
        // "1"→"10"→"100", "01"→"010", "11"→"110". The full-length map (a,b,c) ↦ (b,c,a⊕b⊕c) is a permutation with
        // cycles {000}, {111}, {010,101}, {001,011,110,100}.
        var chain = LanguageModelChain.Build(new ParityModel(3), DecodingOptions.Greedy);

        var loops = RepetitionLoops.Find(chain);

        loops.Should().HaveCount(4).And.OnlyContain(l => l.IsCycle);
        var byFirst = loops.ToDictionary(l => chain.States.Format(l.States.Min()));
        byFirst["000"].Tokens.Should().Equal(0);
        byFirst["000"].BasinSize.Should().Be(1 + 2, "000 itself, and 0 → 00 → 000 feed it");
        byFirst["111"].Tokens.Should().Equal(1);
        byFirst["111"].BasinSize.Should().Be(1);
        byFirst["010"].Period.Should().Be(2);
        byFirst["010"].Tokens.Should().HaveCount(2).And.Contain(0).And.Contain(1);
        byFirst["010"].BasinSize.Should().Be(2 + 1, "01 → 010");
        byFirst["001"].Period.Should().Be(4);
        byFirst["001"].BasinSize.Should().Be(4 + 3, "1 → 10 → 100 and 11 → 110");
        // The cycle order follows the chain: each state's successor is the next one.
        var cycle = byFirst["001"].States;
        for (int i = 0; i < cycle.Count; i++)
        {
            chain.GetTransitionProbability(cycle[i], cycle[(i + 1) % cycle.Count]).Should().Be(1.0);
        }

        loops.Sum(l => l.BasinSize).Should().Be(chain.StateCount, "under greedy decoding every state falls into exactly one loop");
    }

    [Fact]
    public void Find_UntruncatedChain_OneLoopWithEveryStateInItsBasin()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(2, 4, 1.0, 3));

        var loops = RepetitionLoops.Find(chain);

        loops.Should().ContainSingle();
        loops[0].IsCycle.Should().BeFalse();
        loops[0].States.Should().HaveCount(16);
        loops[0].BasinSize.Should().Be(chain.StateCount);
    }

    [Fact]
    public void Find_TopOneRandomModel_BasinsPartitionTheStates()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(3, 6, 1.0, 11), new DecodingOptions { TopK = 1 });

        var loops = RepetitionLoops.Find(chain, maxLoops: 1000);

        loops.Should().OnlyContain(l => l.IsCycle && l.Period == l.States.Count);
        loops.Sum(l => l.BasinSize).Should().Be(chain.StateCount);
        loops.Select(l => l.BasinSize).Should().BeInDescendingOrder();
        // Following the deterministic map from any state ends in the loop whose basin counts it.
        var columns = new long[3];
        var probabilities = new double[3];
        var loopOf = new Dictionary<long, int>();
        for (int i = 0; i < loops.Count; i++)
        {
            foreach (long s in loops[i].States)
            {
                loopOf[s] = i;
            }
        }

        var counts = new long[loops.Count];
        for (long s = 0; s < chain.StateCount; s++)
        {
            long v = s;
            for (int step = 0; step < 2 * chain.StateCount && !loopOf.ContainsKey(v); step++)
            {
                chain.GetRow(v, columns, probabilities);
                v = columns[0];
            }

            counts[loopOf[v]]++;
        }

        counts.Should().Equal(loops.Select(l => l.BasinSize));
    }
}
