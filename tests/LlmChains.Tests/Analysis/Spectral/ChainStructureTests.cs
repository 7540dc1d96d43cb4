using LlmChains.Analysis;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Tests.Analysis.Spectral;

public sealed class ChainStructureTests
{
    [Fact]
    public void Analyze_PaperToyChain_UsesProposition33AndAgreesWithTheGraphSearch()
    {
        var chain = LanguageModelChain.Build(NGramModel.PaperToyExample());

        var fast = ChainStructure.Analyze(chain);
        var general = ChainStructure.Analyze(new OpaqueChain(chain));

        fast.UsedPropositionShortcut.Should().BeTrue();
        general.UsedPropositionShortcut.Should().BeFalse();
        fast.RecurrentStateCount.Should().Be(8);
        fast.TransientStateCount.Should().Be(6);
        fast.IsErgodicUnichain.Should().BeTrue();
        AssertSameStructure(fast, general);
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(2, 4)]
    [InlineData(3, 3)]
    [InlineData(5, 2)]
    [InlineData(1, 4)]
    public void Analyze_UntruncatedRandomModel_ShortcutMatchesGraphSearch(int t, int k)
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(t, k, 2.0, seed: t * 10 + k));

        var fast = ChainStructure.Analyze(chain);
        var general = ChainStructure.Analyze(new OpaqueChain(chain));

        fast.UsedPropositionShortcut.Should().BeTrue();
        AssertSameStructure(fast, general);
        general.RecurrentClasses.Should().ContainSingle().Which.Size.Should().Be(new StateSpace(t, k).FullLengthStateCount);
    }

    [Fact]
    public void Analyze_GreedyParity_FindsTheFourShiftRegisterCycles()
    {
        var chain = LanguageModelChain.Build(new ParityModel(3), DecodingOptions.Greedy);

        var structure = ChainStructure.Analyze(chain);

        structure.UsedPropositionShortcut.Should().BeFalse();
        structure.RecurrentStateCount.Should().Be(8);
        var cycles = structure.RecurrentClasses
            .Select(c => (Period: c.Period, States: structure.GetStates(c.Id).Select(s => chain.States.Format(s)).OrderBy(x => x, StringComparer.Ordinal).ToArray()))
            .OrderBy(c => c.States[0], StringComparer.Ordinal)
            .ToArray();
        cycles.Should().HaveCount(4);
        cycles[0].States.Should().Equal("000");
        cycles[0].Period.Should().Be(1);
        cycles[1].States.Should().Equal("001", "011", "100", "110");
        cycles[1].Period.Should().Be(4);
        cycles[2].States.Should().Equal("010", "101");
        cycles[2].Period.Should().Be(2);
        cycles[3].States.Should().Equal("111");
        cycles[3].Period.Should().Be(1);
        structure.IsAperiodic.Should().BeFalse();
        structure.IsErgodicUnichain.Should().BeFalse();
        AssertCyclicIndicesAdvanceAlongEdges(chain, structure);
    }

    [Theory]
    [InlineData(3, 2)]
    [InlineData(4, 2)]
    [InlineData(6, 2)]
    public void Analyze_ConstrainedRandomWalk_IsIrreducibleWithPeriodTwo(int d, int period)
    {
        // paper-spec eq. (6), oracle O-16
        var p = new double[d, d];
        p[0, 1] = 1;
        p[d - 1, d - 2] = 1;
        for (int i = 1; i < d - 1; i++)
        {
            p[i, i - 1] = 0.5;
            p[i, i + 1] = 0.5;
        }

        var structure = ChainStructure.Analyze(SparseMarkovChain.FromDense(p));

        structure.IsIrreducible.Should().BeTrue();
        structure.RecurrentClasses.Should().ContainSingle().Which.Period.Should().Be(period);
        structure.IsErgodicUnichain.Should().BeFalse();
    }

    [Theory]
    [InlineData(4, 2)]
    [InlineData(5, 1)]
    [InlineData(6, 2)]
    public void Analyze_PolygonalRandomWalk_PeriodTwoExactlyForEvenSizes(int d, int period)
    {
        // paper-spec eq. (7), oracle O-16
        var p = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            p[i, (i + 1) % d] = 0.5;
            p[i, (i + d - 1) % d] = 0.5;
        }

        var structure = ChainStructure.Analyze(SparseMarkovChain.FromDense(p));

        structure.RecurrentClasses.Should().ContainSingle().Which.Period.Should().Be(period);
    }

    [Fact]
    public void Analyze_Identity_EveryStateIsItsOwnRecurrentClass()
    {
        var p = new double[5, 5];
        for (int i = 0; i < 5; i++)
        {
            p[i, i] = 1;
        }

        var structure = ChainStructure.Analyze(SparseMarkovChain.FromDense(p));

        structure.ClassCount.Should().Be(5);
        structure.RecurrentClasses.Should().HaveCount(5).And.OnlyContain(c => c.Size == 1 && c.Period == 1);
        structure.IsErgodicUnichain.Should().BeFalse();
    }

    [Fact]
    public void Analyze_TwoAbsorbingStatesFedByATransientOne_TwoRecurrentClasses()
    {
        var chain = SparseMarkovChain.FromDense(new[,] { { 1.0, 0, 0 }, { 0.3, 0.2, 0.5 }, { 0, 0, 1.0 } });

        var structure = ChainStructure.Analyze(chain);

        structure.RecurrentClasses.Select(c => c.FirstState).Should().Equal(0L, 2L);
        structure.TransientStateCount.Should().Be(1);
        var transient = structure.GetClass(structure.GetClassOf(1));
        transient.IsRecurrent.Should().BeFalse();
        transient.Period.Should().Be(1, "state 1 has a self-loop");
    }

    [Fact]
    public void Analyze_TransientStateWithoutCycle_HasUndefinedPeriodZero()
    {
        var chain = SparseMarkovChain.FromDense(new[,] { { 0, 1.0 }, { 0, 1.0 } });

        var structure = ChainStructure.Analyze(chain);

        structure.GetClass(structure.GetClassOf(0)).Should().Be(new CommunicatingClass(0, 1, false, 0, 0));
        structure.GetClass(structure.GetClassOf(1)).Should().Be(new CommunicatingClass(1, 1, true, 1, 1));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Analyze_RandomSparseChains_AgreeWithBruteForceReachabilityAndCycleLengths(int seed)
    {
        var random = new Random(seed);
        int n = random.Next(2, 40);
        var dense = RandomSparseStochastic(random, n);

        var structure = ChainStructure.Analyze(SparseMarkovChain.FromDense(dense));

        var reach = Reachability(dense);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                bool sameClass = i == j || (reach[i, j] && reach[j, i]);
                (structure.GetClassOf(i) == structure.GetClassOf(j)).Should().Be(sameClass, $"states {i} and {j}");
            }

            bool closed = Enumerable.Range(0, n).All(j => !reach[i, j] || reach[j, i]);
            var c = structure.GetClass(structure.GetClassOf(i));
            c.IsRecurrent.Should().Be(closed, $"state {i}");
            c.Period.Should().Be(BruteForcePeriod(dense, i), $"state {i}");
        }

        structure.RecurrentStateCount.Should().Be(Enumerable.Range(0, n).Count(i => Enumerable.Range(0, n).All(j => !reach[i, j] || reach[j, i])));
    }

    [Theory]
    [InlineData(2, 12, 1)]
    [InlineData(3, 7, 1)]
    [InlineData(2, 20, 1)]
    public void Analyze_TopKTruncatedModel_RecurrentStatesAreExactlyTheCyclesOfTheDeterministicMap(int t, int k, int topK)
    {
        // With top-k = 1 (and continuous random logits, so no ties) every state has one successor: the recurrent
        // states are the states on cycles of the map, which a simple independent walk finds.
        var chain = LanguageModelChain.Build(new RandomLogitsModel(t, k, 1.0, seed: 5), new DecodingOptions { TopK = topK });

        var structure = ChainStructure.Analyze(chain);

        var next = new long[chain.StateCount];
        var columns = new long[t];
        var probabilities = new double[t];
        for (long s = 0; s < chain.StateCount; s++)
        {
            chain.GetRow(s, columns, probabilities).Should().Be(1);
            next[s] = columns[0];
        }

        var onCycle = CycleStates(next);
        structure.RecurrentStateCount.Should().Be(onCycle.LongCount(x => x));
        for (long s = 0; s < chain.StateCount; s += Math.Max(1, chain.StateCount / 5000))
        {
            structure.GetClass(structure.GetClassOf(s)).IsRecurrent.Should().Be(onCycle[s]);
        }

        foreach (var c in structure.RecurrentClasses.Take(50))
        {
            c.Period.Should().Be((int)c.Size, "a cycle of a deterministic map of length L has period L");
        }
    }

    [Fact]
    public void Analyze_CancelledToken_Throws()
    {
        var chain = new OpaqueChain(LanguageModelChain.Build(new RandomLogitsModel(2, 10, 1.0, 1), new DecodingOptions { TopK = 1 }));
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        var act = () => ChainStructure.Analyze(chain, cts.Token);

        act.Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void Accessors_OutOfRange_Throw()
    {
        var structure = ChainStructure.Analyze(LanguageModelChain.Build(new UniformModel(2, 2)));

        structure.Invoking(s => s.GetClassOf(6)).Should().Throw<ArgumentOutOfRangeException>();
        structure.Invoking(s => s.GetClass(-1)).Should().Throw<ArgumentOutOfRangeException>();
        structure.Invoking(s => s.GetCyclicIndex(-1)).Should().Throw<ArgumentOutOfRangeException>();
        structure.GetStates(structure.RecurrentClasses[0].Id).Should().Equal(2L, 3L, 4L, 5L);
    }

    private static void AssertSameStructure(ChainStructure a, ChainStructure b)
    {
        a.StateCount.Should().Be(b.StateCount);
        a.ClassCount.Should().Be(b.ClassCount);
        a.RecurrentClasses.Should().Equal(b.RecurrentClasses);
        for (long s = 0; s < a.StateCount; s++)
        {
            a.GetClassOf(s).Should().Be(b.GetClassOf(s));
            a.GetClass(a.GetClassOf(s)).Should().Be(b.GetClass(b.GetClassOf(s)));
        }
    }

    private static void AssertCyclicIndicesAdvanceAlongEdges(IMarkovChain chain, ChainStructure structure)
    {
        var columns = new long[chain.MaxRowNonZeros];
        var probabilities = new double[chain.MaxRowNonZeros];
        for (long s = 0; s < chain.StateCount; s++)
        {
            var c = structure.GetClass(structure.GetClassOf(s));
            if (!c.IsRecurrent || c.Period < 2)
            {
                continue;
            }

            int count = chain.GetRow(s, columns, probabilities);
            for (int e = 0; e < count; e++)
            {
                structure.GetCyclicIndex(columns[e]).Should().Be((structure.GetCyclicIndex(s) + 1) % c.Period);
            }
        }
    }

    private static double[,] RandomSparseStochastic(Random random, int n)
    {
        var p = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            int degree = random.Next(1, 4);
            var targets = Enumerable.Range(0, degree).Select(_ => random.Next(n)).Distinct().ToArray();
            foreach (int j in targets)
            {
                p[i, j] = 1.0 / targets.Length;
            }
        }

        return p;
    }

    private static bool[,] Reachability(double[,] p)
    {
        int n = p.GetLength(0);
        var r = new bool[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                r[i, j] = p[i, j] > 0;
            }
        }

        for (int m = 0; m < n; m++)
        {
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    r[i, j] |= r[i, m] && r[m, j];
                }
            }
        }

        return r;
    }

    /// <summary>gcd of the n ≤ 3·size² with (Qⁿ)_ii &gt; 0, by boolean matrix powers; 0 if none.</summary>
    private static int BruteForcePeriod(double[,] p, int state)
    {
        int n = p.GetLength(0);
        var current = new bool[n];
        current[state] = true;
        int gcd = 0;
        for (int length = 1; length <= 3 * n * n; length++)
        {
            var next = new bool[n];
            for (int i = 0; i < n; i++)
            {
                if (!current[i])
                {
                    continue;
                }

                for (int j = 0; j < n; j++)
                {
                    next[j] |= p[i, j] > 0;
                }
            }

            current = next;
            if (current[state])
            {
                gcd = Gcd(gcd, length);
            }
        }

        return gcd;
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    private static bool[] CycleStates(long[] next)
    {
        long n = next.Length;
        var color = new byte[n]; // 0 unvisited, 1 on current walk, 2 done
        var onCycle = new bool[n];
        var walk = new List<long>();
        for (long s = 0; s < n; s++)
        {
            walk.Clear();
            long v = s;
            while (color[v] == 0)
            {
                color[v] = 1;
                walk.Add(v);
                v = next[v];
            }

            if (color[v] == 1)
            {
                long u = v;
                do
                {
                    onCycle[u] = true;
                    u = next[u];
                }
                while (u != v);
            }

            foreach (long w in walk)
            {
                color[w] = 2;
            }
        }

        return onCycle;
    }

    /// <summary>Hides the concrete type so that the general graph search runs.</summary>
    private sealed class OpaqueChain(IMarkovChain inner) : IMarkovChain
    {
        public long StateCount => inner.StateCount;

        public int MaxRowNonZeros => inner.MaxRowNonZeros;

        public void Step(ReadOnlySpan<double> distribution, Span<double> next) => inner.Step(distribution, next);

        public int GetRow(long state, Span<long> columns, Span<double> probabilities) => inner.GetRow(state, columns, probabilities);
    }
}
