using LlmChains.Analysis.LowTemperature;
using LlmChains.Analysis.LowTemperature.Internals;

namespace LlmChains.Tests.Analysis.LowTemperature;

/// <summary>
/// The tie-tolerant loop finder (<see cref="ZeroLoops.Find"/>) against the general classification it replaced
/// (<see cref="ZeroLoopsOracle.FindWithTies"/>: Tarjan over the whole zero chain and reverse breadth-first basins),
/// every field of the result compared, on random graphs with few to all states tied, and on hand-made cases whose
/// answer is written out.
/// </summary>
public sealed class ZeroLoopsTests
{
    public static TheoryData<int, int, bool, bool, int> RandomShapes
    {
        get
        {
            var data = new TheoryData<int, int, bool, bool, int>();
            int seed = 0;
            foreach (int n in new[] { 1, 2, 3, 7, 30, 200, 2000 })
            {
                foreach (int ties in new[] { 0, 1, 3, n / 8, n / 2, n })
                {
                    foreach (bool local in new[] { false, true })
                    {
                        foreach (bool onCycles in new[] { false, true })
                        {
                            data.Add(n, Math.Min(ties, n), local, onCycles, seed++);
                        }
                    }
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(RandomShapes))]
    public void Find_RandomGraphWithTies_EqualsTheGeneralClassification(int n, int ties, bool local, bool onCycles, int seed)
    {
        for (int repeat = 0; repeat < 5; repeat++)
        {
            var graph = RandomGraph(n, ties, local, onCycles, allowNoZeroEdge: false, new Random((seed * 7) + repeat));
            AssertSame(ZeroLoopsOracle.FindWithTies(graph), ZeroLoops.Find(graph, default));
        }
    }

    [Theory]
    [InlineData(5, 1)]
    [InlineData(30, 2)]
    [InlineData(200, 3)]
    [InlineData(2000, 4)]
    public void Find_RowsWithoutZeroEdges_EqualsTheGeneralClassification(int n, int seed)
    {
        // A general ResistanceGraph may have a state with no zero-resistance edge (a model's graph or a ResistanceMatrix
        // cannot): then it is a closed class of its own with period 0, as ChainStructure classifies it.
        for (int repeat = 0; repeat < 10; repeat++)
        {
            var graph = RandomGraph(n, n / 4 + 1, local: repeat % 2 == 0, onCycles: repeat % 3 == 0, allowNoZeroEdge: true, new Random((seed * 31) + repeat));
            AssertSame(ZeroLoopsOracle.FindWithTies(graph), ZeroLoops.Find(graph, default));
        }
    }

    [Fact]
    public void RandomGraphs_ExerciseEveryCase()
    {
        // The random comparison above is only as good as what the graphs contain: tied classes, periodic tied classes,
        // states that reach several loops, pure cycles next to tied classes, and tie states that are transient.
        int tiedClasses = 0, periodicTied = 0, several = 0, mixed = 0, transientTies = 0;
        foreach (object[] row in RandomShapes)
        {
            for (int repeat = 0; repeat < 5; repeat++)
            {
                var graph = RandomGraph((int)row[0], (int)row[1], (bool)row[2], (bool)row[3], false, new Random(((int)row[4] * 7) + repeat));
                var result = ZeroLoopsOracle.FindWithTies(graph);
                int tied = result.IsCycle.Count(c => !c);
                tiedClasses += tied;
                periodicTied += Enumerable.Range(0, result.Loops.Length).Count(j => !result.IsCycle[j] && result.Periods[j] > 1);
                several += result.Reach.Count(r => r == ZeroLoops.Several);
                mixed += tied > 0 && tied < result.Loops.Length ? 1 : 0;
                transientTies += Enumerable.Range(0, graph.StateCount).Count(s => ZeroEdges(graph, s) > 1 && result.LoopOf[s] < 0);
            }
        }

        tiedClasses.Should().BeGreaterThan(100);
        periodicTied.Should().BeGreaterThan(5);
        several.Should().BeGreaterThan(100);
        mixed.Should().BeGreaterThan(20);
        transientTies.Should().BeGreaterThan(100);
    }

    public static TheoryData<int, int, int, int> ModelShapes => new()
    {
        { 2, 2, 2, 1 }, { 2, 4, 2, 2 }, { 2, 6, 3, 3 }, { 2, 8, 0, 4 }, { 3, 2, 2, 5 }, { 3, 4, 3, 6 }, { 3, 5, 0, 7 },
        { 4, 2, 2, 8 }, { 4, 3, 3, 9 }, { 4, 4, 0, 10 },
    };

    [Theory]
    [MemberData(nameof(ModelShapes))]
    public void Find_LanguageModelTableWithTiedLogits_EqualsTheGeneralClassification(int t, int k, int levels, int seed)
    {
        // levels > 0: integer logits 0..levels−1, so ties are everywhere; levels = 0: N(0, 1) logits with a few
        // deliberate ties. Some non-argmax tokens are removed (+∞, as top-k does).
        for (int repeat = 0; repeat < 5; repeat++)
        {
            var graph = ModelGraph(t, k, levels, new Random((seed * 13) + repeat));
            AssertSame(ZeroLoopsOracle.FindWithTies(graph), ZeroLoops.Find(graph, default));
        }
    }

    [Fact]
    public void Find_TwoCyclesJoinedByTies_AreOneClassOfPeriodTwo()
    {
        // 0 ⇄ 1 and 2 ⇄ 3; 1 → {0, 2} and 3 → {2, 0} tie: one class {0, 1, 2, 3}, cycles of lengths 2 and 4; state 4 → 0.
        var graph = Graph([[1], [2]], [[0, 2], [4]], [[3], [1]], [[2, 0], [1]], [[0], [3]]);
        var result = ZeroLoops.Find(graph, default);
        result.Loops.Should().HaveCount(1);
        result.Loops[0].Should().Equal(0, 1, 2, 3);
        result.Periods.Should().Equal(2);
        result.IsCycle.Should().Equal(false);
        result.Reach.Should().Equal(0, 0, 0, 0, 0);
        result.LoopOf.Should().Equal(0, 0, 0, 0, -1);
        result.HasTies.Should().BeTrue();
        AssertSame(ZeroLoopsOracle.FindWithTies(graph), result);
    }

    [Fact]
    public void Find_TieIntoTwoLoops_ReachesSeveral()
    {
        // The hand example of docs/low-temperature.md: 0 and 2 absorbing, 1 → {0, 2}; and 3 → 1, 4 → 3 inherit Several.
        var graph = Graph([[0], [1]], [[0, 2], []], [[2], [1]], [[1], [0]], [[3], [2]]);
        var result = ZeroLoops.Find(graph, default);
        result.Loops.Should().HaveCount(2);
        result.Loops[0].Should().Equal(0);
        result.Loops[1].Should().Equal(2);
        result.Periods.Should().Equal(1, 1);
        result.IsCycle.Should().Equal(true, true);
        result.Reach.Should().Equal(0, ZeroLoops.Several, 1, ZeroLoops.Several, ZeroLoops.Several);
        result.LoopOf.Should().Equal(0, -1, 1, -1, -1);
        AssertSame(ZeroLoopsOracle.FindWithTies(graph), result);
    }

    [Fact]
    public void Find_BranchingClass_HasThePeriodOfItsCycleLengths()
    {
        // 0 → {1, 2}; 1 → 0 (a 2-cycle); 2 → 3 → 4 → 0 (a 4-cycle): period gcd(2, 4) = 2. 5 → 2 is transient.
        var graph = Graph([[1, 2], []], [[0], []], [[3], []], [[4], []], [[0], []], [[2], [0]]);
        var result = ZeroLoops.Find(graph, default);
        result.Loops.Should().HaveCount(1);
        result.Loops[0].Should().Equal(0, 1, 2, 3, 4);
        result.Periods.Should().Equal(2);
        result.IsCycle.Should().Equal(false);
        result.Reach.Should().Equal(0, 0, 0, 0, 0, 0);
        AssertSame(ZeroLoopsOracle.FindWithTies(graph), result);
    }

    [Fact]
    public void Find_OpenTieComponentsInSeries_InheritWhatTheyReach()
    {
        // Tie SCC {1, 2} (1 → {2, 3}, 2 → {1, 3}) leaves only to 3 → 4 ⇄ 5, a pure cycle; tie 0 → {1, 6} where 6 → 1 too:
        // everything reaches the one loop {4, 5}. Tie 7 → {0, 8} with 8 ⇄ 8 absorbing reaches two loops.
        var graph = Graph(
            [[1, 6], []], [[2, 3], []], [[1, 3], []], [[4], []], [[5], []], [[4], []], [[1], []], [[0, 8], []], [[8], []]);
        var result = ZeroLoops.Find(graph, default);
        result.Loops.Should().HaveCount(2);
        result.Loops[0].Should().Equal(4, 5);
        result.Loops[1].Should().Equal(8);
        result.IsCycle.Should().Equal(true, true);
        result.Periods.Should().Equal(2, 1);
        result.Reach.Should().Equal(0, 0, 0, 0, 0, 0, 0, ZeroLoops.Several, 1);
        AssertSame(ZeroLoopsOracle.FindWithTies(graph), result);
    }

    [Fact]
    public void Find_CycleOrder_StartsAtTheSmallestStateAndFollowsTheEdges()
    {
        // 5 → 2 → 7 → 5 and a tie 0 → {1, 0}, 1 → 0: the cycle is listed 2, 7, 5; the tied class 0, 1 ascending.
        var graph = Graph([[1, 0], []], [[0], []], [[7], []], [[2], []], [[3], []], [[2], []], [[5], []], [[5], []]);
        var result = ZeroLoops.Find(graph, default);
        result.Loops.Should().HaveCount(2);
        result.Loops[0].Should().Equal(0, 1);
        result.Loops[1].Should().Equal(2, 7, 5);
        result.Periods.Should().Equal(1, 3);
        result.IsCycle.Should().Equal(false, true);
        AssertSame(ZeroLoopsOracle.FindWithTies(graph), result);
    }

    [Fact]
    public void Find_StateWithoutZeroEdge_IsAClassOfItsOwnWithPeriodZero()
    {
        // 0 has only a positive edge (possible for a general ResistanceGraph); 1 → 0; 2 → {2, 3} ties, 3 → 2.
        var graph = Graph([[], [1]], [[0], []], [[2, 3], [0]], [[2], []]);
        var result = ZeroLoops.Find(graph, default);
        result.Loops.Should().HaveCount(2);
        result.Loops[0].Should().Equal(0);
        result.Loops[1].Should().Equal(2, 3);
        result.Periods.Should().Equal(0, 1);
        result.IsCycle.Should().Equal(false, false);
        result.Reach.Should().Equal(0, 0, 1, 1);
        result.LoopOf.Should().Equal(0, -1, 1, 1);
        result.HasTies.Should().BeTrue();
        AssertSame(ZeroLoopsOracle.FindWithTies(graph), result);
    }

    [Fact]
    public void Find_ResistanceMatrixOfTheHandExample_EqualsTheGeneralClassification()
    {
        var matrix = ResistanceMatrix.FromDense(new double[,]
        {
            { 0, 1, double.PositiveInfinity },
            { 0, double.PositiveInfinity, 0 },
            { double.PositiveInfinity, 3, 0 },
        });
        var graph = new MatrixResistanceGraph(matrix);
        var result = ZeroLoops.Find(graph, default);
        result.Reach.Should().Equal(0, ZeroLoops.Several, 1);
        AssertSame(ZeroLoopsOracle.FindWithTies(graph), result);
    }

    [Fact]
    public void Find_OneTieAmongAMillionStates_AllocatesAboutEightBytesAState()
    {
        // The case of issue 17 at K = 24: one float32 tie in a model's table. The general path allocated about 100
        // bytes a state; the tie-tolerant pass needs the successor/loop-label array and the reach array.
        const int T = 2, K = 20;
        int n = 1 << K;
        var random = new Random(5);
        var table = new float[n * T];
        for (int s = 0; s < n; s++)
        {
            int best = random.Next(T);
            for (int a = 0; a < T; a++)
            {
                table[(s * T) + a] = a == best ? 0 : (float)random.NextDouble() + 0.01f;
            }
        }

        table[(12345 * T) + 0] = 0;
        table[(12345 * T) + 1] = 0;
        var graph = new TableResistanceGraph(table, T, n / T, n);
        ZeroLoops.Find(graph, default); // JIT and statics outside the measurement
        long before = GC.GetAllocatedBytesForCurrentThread();
        var result = ZeroLoops.Find(graph, default);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        result.HasTies.Should().BeTrue();
        allocated.Should().BeLessThan((9L * n) + (1 << 20), $"{allocated:N0} bytes for {n:N0} states");
    }

    [Fact]
    public void Find_Cancelled_Throws()
    {
        var graph = RandomGraph(200_000, 10, local: true, onCycles: false, allowNoZeroEdge: false, new Random(1));
        var act = () => ZeroLoops.Find(graph, new CancellationToken(canceled: true));
        act.Should().Throw<OperationCanceledException>();
    }

    private static void AssertSame(ZeroLoopSet expected, ZeroLoopSet actual)
    {
        actual.HasTies.Should().Be(expected.HasTies, "HasTies");
        actual.Loops.Length.Should().Be(expected.Loops.Length, "the number of loops");
        for (int j = 0; j < expected.Loops.Length; j++)
        {
            actual.Loops[j].Should().Equal(expected.Loops[j], $"the states of loop {j}, in order");
        }

        actual.Periods.Should().Equal(expected.Periods, "Periods");
        actual.IsCycle.Should().Equal(expected.IsCycle, "IsCycle");
        actual.LoopOf.Should().Equal(expected.LoopOf, "LoopOf");
        actual.Reach.Should().Equal(expected.Reach, "Reach");
    }

    private static int ZeroEdges(ResistanceGraph graph, int s)
    {
        var targets = new int[Math.Max(1, graph.MaxOutDegree)];
        var costs = new double[targets.Length];
        int count = graph.GetEdges(s, targets, costs);
        return costs.AsSpan(0, count).Count(0.0);
    }

    /// <summary>A graph from per-state lists: the zero-edge targets, then the targets of edges of resistance 1.</summary>
    private static EdgeListGraph Graph(params int[][][] rows) =>
        new(rows.Select(r => r[0].Select(t => (t, 0.0)).Concat(r[1].Select(t => (t, 1.0))).ToArray()).ToArray());

    /// <summary>
    /// A functional graph of zero edges (global: uniform successors, a few long cycles; local: successors within a few
    /// states, many short cycles) with <paramref name="ties"/> states given two or three zero edges (their own successor
    /// kept, so a tie on a cycle branches it), chosen among the cycle states when <paramref name="onCycles"/>; with
    /// <paramref name="allowNoZeroEdge"/> a fifth of the ties have none. Every state also gets up to two positive edges.
    /// </summary>
    private static EdgeListGraph RandomGraph(int n, int ties, bool local, bool onCycles, bool allowNoZeroEdge, Random random)
    {
        int Target(int s) => local ? Math.Clamp(s + random.Next(-4, 2), 0, n - 1) : random.Next(n);
        var successor = new int[n];
        for (int s = 0; s < n; s++)
        {
            successor[s] = Target(s);
        }

        var onCycle = new bool[n];
        var seen = new int[n];
        Array.Fill(seen, -1);
        for (int s = 0; s < n; s++)
        {
            int u = s;
            while (seen[u] == -1)
            {
                seen[u] = s;
                u = successor[u];
            }

            if (seen[u] == s)
            {
                for (int v = u; !onCycle[v]; v = successor[v])
                {
                    onCycle[v] = true;
                }
            }
        }

        var candidates = Enumerable.Range(0, n).Where(s => !onCycles || onCycle[s]).OrderBy(_ => random.Next()).ToList();
        candidates.AddRange(Enumerable.Range(0, n).Except(candidates).OrderBy(_ => random.Next()));
        var tied = candidates.Take(ties).ToHashSet();
        var rows = new (int, double)[n][];
        for (int s = 0; s < n; s++)
        {
            var zeros = new List<int> { successor[s] };
            if (tied.Contains(s))
            {
                if (allowNoZeroEdge && random.Next(5) == 0)
                {
                    zeros.Clear();
                }
                else
                {
                    int want = Math.Min(n, 2 + random.Next(2));
                    while (zeros.Count < want)
                    {
                        int t = random.Next(2) == 0 ? Target(s) : random.Next(n);
                        if (!zeros.Contains(t))
                        {
                            zeros.Add(t);
                        }
                    }
                }
            }

            var row = zeros.Select(t => (t, 0.0)).ToList();
            for (int e = random.Next(3); e > 0; e--)
            {
                int t = random.Next(n);
                if (!zeros.Contains(t) && row.All(x => x.Item1 != t))
                {
                    row.Add((t, 1 + random.Next(3)));
                }
            }

            if (row.Count == 0)
            {
                row.Add((random.Next(n), 0.5)); // a state without a zero edge still has an edge
            }

            rows[s] = [.. row.OrderBy(_ => random.Next())];
        }

        return new EdgeListGraph(rows);
    }

    /// <summary>A language model's full-length block (T^K states, state c → (c mod T^{K−1})·T + a) from random logits.</summary>
    private static TableResistanceGraph ModelGraph(int t, int k, int levels, Random random)
    {
        int n = (int)Math.Pow(t, k);
        var table = new float[n * t];
        var logits = new double[t];
        for (int s = 0; s < n; s++)
        {
            for (int a = 0; a < t; a++)
            {
                logits[a] = levels > 0 ? random.Next(levels) : (random.NextDouble() * 2) - 1;
            }

            if (levels == 0 && random.Next(8) == 0)
            {
                int a = random.Next(t);
                logits[(a + 1) % t] = logits[a] = logits.Max(); // a deliberate tie at the maximum
            }

            double max = logits.Max();
            for (int a = 0; a < t; a++)
            {
                double r = max - logits[a];
                table[(s * t) + a] = r > 0 && random.Next(4) == 0 ? float.PositiveInfinity : (float)r;
            }
        }

        return new TableResistanceGraph(table, t, n / t, n);
    }

    /// <summary>A <see cref="ResistanceGraph"/> from explicit edge lists (rows may lack a zero edge, unlike a ResistanceMatrix).</summary>
    private sealed class EdgeListGraph((int To, double Resistance)[][] rows) : ResistanceGraph
    {
        internal override int StateCount { get; } = rows.Length;

        internal override int MaxOutDegree { get; } = rows.Max(r => r.Length);

        internal override int GetEdges(int state, Span<int> targets, Span<double> resistances)
        {
            var row = rows[state];
            for (int e = 0; e < row.Length; e++)
            {
                targets[e] = row[e].To;
                resistances[e] = row[e].Resistance;
            }

            return row.Length;
        }
    }
}
