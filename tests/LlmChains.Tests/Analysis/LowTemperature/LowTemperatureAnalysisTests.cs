using LlmChains.Analysis.LowTemperature;
using LlmChains.Chains;
using LlmChains.Models;
using O = LlmChains.Tests.Analysis.LowTemperature.LowTemperatureOracle;

namespace LlmChains.Tests.Analysis.LowTemperature;

public sealed class LowTemperatureAnalysisTests
{
    public static TheoryData<int, int, int> SmallModels => new()
    {
        { 2, 3, 1 }, { 2, 4, 2 }, { 2, 5, 3 }, { 2, 6, 4 }, { 3, 2, 5 }, { 3, 3, 6 }, { 3, 4, 7 }, { 4, 2, 8 }, { 4, 3, 9 }, { 4, 4, 10 },
    };

    [Theory]
    [MemberData(nameof(SmallModels))]
    public void Analyze_RandomModel_MatchesFloydWarshallAndTreeEnumeration(int t, int k, int seed)
    {
        var model = new RandomLogitsModel(t, k, 3.0, seed);
        var result = LowTemperatureAnalysis.Analyze(model, options: new() { MaxDegreeOfParallelism = 1 });

        var r = O.ModelResistances(model);
        var loops = O.Loops(r);
        long offset = new StateSpace(t, k).FullLengthOffset;
        result.Loops.Select(l => l.States.Order().ToArray()).Should().BeEquivalentTo(
            loops.Select(l => l.Select(s => s + offset).ToArray()), o => o.WithStrictOrdering());
        var big = O.LoopResistances(r, loops);
        AssertResistances(result, big);
        if (loops.Count <= 7)
        {
            for (int j = 0; j < loops.Count; j++)
            {
                result.Loops[j].Potential.Should().BeApproximately(O.PotentialByEnumeration(big, j), 1e-5);
            }
        }

        result.Loops.Sum(l => l.BasinSize).Should().Be(new StateSpace(t, k).StateCount, "without ties every state falls into exactly one loop");
    }

    [Theory]
    [InlineData(6, 1)]
    [InlineData(7, 2)]
    [InlineData(8, 3)]
    [InlineData(9, 4)]
    [InlineData(10, 5)]
    [InlineData(10, 6)]
    public void Analyze_IntegerCosts_MatchesBruteForceAndTheSupportOfPiAtLowTemperature(int n, int seed)
    {
        // Integer resistances 0..3 make ties (several zero edges, equal potentials) likely; τ = 0.02 puts every
        // unstable loop below e^{−1/0.02} ≈ 2e−22 relative to the stable ones.
        var random = new Random(seed);
        var r = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                r[i, j] = random.NextDouble() < 0.4 ? double.PositiveInfinity : random.Next(4);
            }

            r[i, random.Next(n)] = 0;
            r[i, (i + 1) % n] = Math.Min(r[i, (i + 1) % n], 1 + random.Next(3)); // irreducible at τ > 0
        }

        var result = LowTemperatureAnalysis.Analyze(ResistanceMatrix.FromDense(r));
        var normalized = Normalize(r);
        var loops = O.Loops(normalized);
        result.Loops.Select(l => l.States.Order().Select(s => (int)s).ToArray()).Should().BeEquivalentTo(loops, o => o.WithStrictOrdering());
        var big = O.LoopResistances(normalized, loops);
        AssertResistances(result, big);
        var gamma = Enumerable.Range(0, loops.Count).Select(j => O.PotentialByEnumeration(big, j)).ToArray();
        result.Loops.Select(l => l.Potential).Should().Equal(gamma, (a, b) => Math.Abs(a - b) < 1e-9);

        var pi = O.Stationary(O.AtTemperature(normalized, 0.02));
        var stableStates = result.Stable.SelectMany(j => result.Loops[j].States).ToHashSet();
        double off = Enumerable.Range(0, n).Where(s => !stableStates.Contains(s)).Sum(s => pi[s]);
        off.Should().BeLessThan(1e-6);
        foreach (int j in result.Stable)
        {
            result.Loops[j].States.Sum(s => pi[s]).Should().BeGreaterThan(1e-6, "every stable loop keeps mass");
        }
    }

    [Theory]
    [InlineData(2, 3, 11)]
    [InlineData(2, 4, 12)]
    [InlineData(3, 3, 13)]
    [InlineData(3, 2, 14)]
    [InlineData(4, 2, 15)]
    [InlineData(2, 5, 16)]
    [InlineData(2, 6, 17)]
    [InlineData(4, 3, 18)]
    [InlineData(3, 4, 19)]
    public void Analyze_RandomModel_FiniteTemperatureMassesAndExitTimesConvergeToTheRates(int t, int k, int seed)
    {
        // −τ·log(π_τ(L_j)/π_τ(L*)) = (γ_j − γ*) + τ·c + o(τ): the intercept of a line fitted at τ ∈ {0.2, 0.1, 0.07, 0.05}
        // is the exponent. The same for τ·log E[time to reach another loop from L_j] and ρ_j.
        var model = new RandomLogitsModel(t, k, 3.0, seed);
        var result = LowTemperatureAnalysis.Analyze(model);
        var r = O.ModelResistances(model);
        long offset = new StateSpace(t, k).FullLengthOffset;
        double[] taus = [0.2, 0.1, 0.07, 0.05];
        int m = result.LoopCount;
        var mass = new double[m][];
        var exit = new double[m][];
        for (int j = 0; j < m; j++)
        {
            mass[j] = new double[taus.Length];
            exit[j] = new double[taus.Length];
        }

        int star = result.Stable[0];
        for (int q = 0; q < taus.Length; q++)
        {
            var p = O.AtTemperature(r, taus[q]);
            var pi = O.Stationary(p);
            double LoopMass(int j) => result.Loops[j].States.Sum(s => pi[s - offset]);
            for (int j = 0; j < m; j++)
            {
                mass[j][q] = -taus[q] * Math.Log(LoopMass(j) / LoopMass(star));
                if (m > 1)
                {
                    var target = new bool[r.GetLength(0)];
                    foreach (var other in result.Loops.Where(l => l.Index != j))
                    {
                        foreach (long s in other.States)
                        {
                            target[s - offset] = true;
                        }
                    }

                    exit[j][q] = taus[q] * Math.Log(O.ExpectedHittingTime(p, target, (int)(result.Loops[j].States[0] - offset)));
                }
            }
        }

        for (int j = 0; j < m; j++)
        {
            double gap = result.Loops[j].Potential - result.MinimumPotential;
            AssertConverges(taus, mass[j], gap, $"loop {j}: −τ·log(π(L_j)/π(L*))");
            if (m > 1)
            {
                double rho = result.Loops[j].Radius;
                AssertConverges(taus, exit[j], rho, $"loop {j}: τ·log E[exit]");
            }
        }
    }

    [Fact]
    public void Analyze_ParityModel_EveryLoopTiesAndIsStable()
    {
        // The worked example of docs/low-temperature.md: loops {000}, {001, 011, 110, 100}, {010, 101}, {111}; every
        // deviation from the rule costs 2β = 2; the 4-cycle is one deviation from every other loop.
        var result = LowTemperatureAnalysis.Analyze(new ParityModel(3));
        var space = new StateSpace(2, 3);
        result.Loops.Select(l => string.Join(" ", l.States.Select(s => space.Format(s, string.Empty)))).Should().Equal("000", "001 011 110 100", "010 101", "111");
        result.Loops.Select(l => l.Potential).Should().Equal(6, 6, 6, 6);
        result.Loops.Select(l => l.Radius).Should().Equal(2, 2, 2, 2);
        result.Stable.Should().Equal(0, 1, 2, 3);
        result.Loops.Should().OnlyContain(l => l.LimitMass == null);
        result.GetResistance(0, 1).Should().Be(2);
        result.GetResistance(0, 2).Should().Be(4);
        result.GetResistance(2, 3).Should().Be(4);
        result.Coradius.Should().Be(0);
        result.ModifiedCoradius.Should().Be(0);
        result.Loops.Select(l => l.BasinSize).Sum().Should().Be(8, "the full-length states; the shorter ones have tied logits and reach several loops");
        result.UnresolvedStateCount.Should().Be(6);
        result.Loops[1].Tokens.Should().Equal(1, 1, 0, 0);
    }

    [Fact]
    public void Analyze_PaperToyExample_TiesMakeOneLoopWhereGreedyHasTwo()
    {
        // docs/low-temperature.md, worked example 3: context 000 never occurs in the training sequence, so its logits
        // tie; the τ = 0 decoder makes 000 absorbing (lowest id), sampling as τ → 0 leaves it at zero resistance.
        var model = NGramModel.PaperToyExample();
        var result = LowTemperatureAnalysis.Analyze(model);
        var greedy = LlmChains.Analysis.Convergence.RepetitionLoops.Find(LanguageModelChain.Build(model, DecodingOptions.Greedy));

        greedy.Should().HaveCount(2);
        result.LoopCount.Should().Be(1);
        result.HasZeroResistanceTies.Should().BeTrue();
        result.Loops[0].Tokens.Should().Equal(1, 1, 0, 0);
        result.Loops[0].BasinSize.Should().Be(14);
        double.IsPositiveInfinity(result.Loops[0].Radius).Should().BeTrue();
    }

    [Fact]
    public void Analyze_HandExample_GivesTheDocumentedNumbers()
    {
        // docs/low-temperature.md, worked example 1: A = {0} and B = {2} absorbing in the zero chain; state 1 ties
        // between them. A → B: 0 → 1 (cost 1) then 1 → 2 free; B → A: 2 → 1 (cost 3) then 1 → 0 free.
        var inf = double.PositiveInfinity;
        var r = new double[,]
        {
            { 0, 1, inf },
            { 0, inf, 0 },
            { inf, 3, 0 },
        };
        var result = LowTemperatureAnalysis.Analyze(ResistanceMatrix.FromDense(r));
        result.LoopCount.Should().Be(2);
        result.HasZeroResistanceTies.Should().BeTrue();
        result.UnresolvedStateCount.Should().Be(1, "state 1 has two zero edges, into A and into B");
        result.Loops.Select(l => l.BasinSize).Should().Equal(1, 1);
        result.GetResistance(0, 1).Should().Be(1);
        result.GetResistance(1, 0).Should().Be(3);
        result.Loops.Select(l => l.Potential).Should().Equal(3, 1);
        result.Stable.Should().Equal(1);
        result.Loops.Select(l => l.Radius).Should().Equal(1, 3);
        result.Coradius.Should().Be(1);
        result.ModifiedCoradius.Should().Be(1);
        result.StableSetRadius.Should().Be(3);
        result.Loops[1].LimitMass.Should().Be(1);
        result.Loops[0].LimitMass.Should().Be(0);
        result.PredictMassRatio(0, 0.5).Should().BeApproximately(Math.Exp(-4), 1e-15);
        result.PredictExitTime(1, 0.5).Should().BeApproximately(Math.Exp(6), 1e-9);

        // The closed forms of the docs: π_A/π_B = (1 + x)·y / (x·(1 + y)), E_A[T_B] = 2(1 + 2x)/x, x = e^{−1/τ}, y = e^{−3/τ}.
        foreach (double tau in new[] { 0.5, 0.2, 0.1, 0.05 })
        {
            double x = Math.Exp(-1 / tau), y = Math.Exp(-3 / tau);
            var p = O.AtTemperature(r, tau);
            var pi = O.Stationary(p);
            (pi[0] / pi[2]).Should().BeApproximately((1 + x) * y / (x * (1 + y)), 1e-12 * (y / x));
            O.ExpectedHittingTime(p, [false, false, true], 0).Should().BeApproximately(2 * (1 + (2 * x)) / x, 1e-9 * (2 / x));
        }
    }

    [Fact]
    public void Analyze_TopK_RemovesEdgesAndMayLeaveSeveralClosedClasses()
    {
        var model = new RandomLogitsModel(3, 3, 3.0, 21);
        var result = LowTemperatureAnalysis.Analyze(model, new DecodingOptions { TopK = 1 });
        result.ClosedClassCount.Should().Be(result.LoopCount, "top-1 is greedy: no loop can be left");
        result.Loops.Should().OnlyContain(l => l.IsStable && double.IsPositiveInfinity(l.Radius) && l.Potential == 0);

        var top2 = LowTemperatureAnalysis.Analyze(model, new DecodingOptions { TopK = 2 });
        var r = O.ModelResistances(model, topK: 2);
        var loops = O.Loops(r);
        AssertResistances(top2, O.LoopResistances(r, loops));
    }

    [Fact]
    public void Analyze_OneLoop_IsStableAndCannotBeLeft()
    {
        var result = LowTemperatureAnalysis.Analyze(ResistanceMatrix.FromDense(new double[,] { { 1, 0 }, { 0, 2 } }));
        result.LoopCount.Should().Be(1);
        result.Loops[0].States.Should().Equal(0, 1);
        result.Loops[0].Period.Should().Be(2);
        result.Loops[0].IsStable.Should().BeTrue();
        result.Loops[0].LimitMass.Should().Be(1);
        result.Loops[0].LimitDistribution.Should().Equal(0.5, 0.5);
        double.IsPositiveInfinity(result.Loops[0].Radius).Should().BeTrue();
        result.Coradius.Should().Be(0);
    }

    [Fact]
    public void Analyze_TiedClass_LimitDistributionIsItsStationaryDistribution()
    {
        // State 0 → {0, 1} tied, 1 → 0: the zero chain's class {0, 1} has π = (2/3, 1/3).
        var result = LowTemperatureAnalysis.Analyze(ResistanceMatrix.FromDense(new double[,] { { 0, 0 }, { 0, 5 } }));
        result.Loops.Should().ContainSingle();
        result.Loops[0].IsCycle.Should().BeFalse();
        result.Loops[0].LimitDistribution!.Select(x => Math.Round(x, 12)).Should().Equal(Math.Round(2.0 / 3, 12), Math.Round(1.0 / 3, 12));
    }

    [Fact]
    public void Analyze_TopPOrMinP_IsRefusedWithTheReason()
    {
        var model = new ParityModel(3);
        var topP = () => LowTemperatureAnalysis.Analyze(model, new DecodingOptions { TopP = 0.9 });
        topP.Should().Throw<ArgumentException>().WithMessage("TopP is 0.9*shrinks to the argmax*");
        var minP = () => LowTemperatureAnalysis.Analyze(model, new DecodingOptions { MinP = 0.1 });
        minP.Should().Throw<ArgumentException>().WithMessage("MinP is 0.1*");
        LowTemperatureAnalysis.Analyze(model, new DecodingOptions { TopP = 1, MinP = 0 }).LoopCount.Should().Be(4, "p = 1 and min-p = 0 truncate nothing");
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Analyze_BadLogit_NamesTheState(double bad)
    {
        var logits = new double[(2 + 4) * 2];
        logits[9] = bad;
        var model = TabularModel.FromArray(logits, 2, 2);
        var act = () => LowTemperatureAnalysis.Analyze(model);
        act.Should().Throw<ArgumentException>().WithMessage("*state 4*token 1*");
    }

    [Fact]
    public void Analyze_TooManyLoops_IsRefusedBeforeTheSearches()
    {
        var identity = new double[50, 50];
        for (int i = 0; i < 50; i++)
        {
            for (int j = 0; j < 50; j++)
            {
                identity[i, j] = i == j ? 0 : 1;
            }
        }

        var act = () => LowTemperatureAnalysis.Analyze(ResistanceMatrix.FromDense(identity), new LowTemperatureOptions { MaxLoops = 10 });
        act.Should().Throw<ArgumentException>().WithMessage("MaxLoops is 10, but the zero-resistance chain has 50 loops*");
        var all = LowTemperatureAnalysis.Analyze(ResistanceMatrix.FromDense(identity));
        all.Stable.Should().HaveCount(50, "a symmetric chain ties every loop");
        all.Loops.Should().OnlyContain(l => l.Potential == 49 && l.Radius == 1);
    }

    [Fact]
    public void ReadMatrixMarket_KeepsExplicitZerosAndRejectsDuplicates()
    {
        const string Text = "%%MatrixMarket matrix coordinate real general\n% costs\n2 2 3\n1 1 0\n1 2 1.5\n2 1 0\n";
        var matrix = ResistanceMatrix.ReadMatrixMarket(new StringReader(Text), "c.mtx");
        matrix.EdgeCount.Should().Be(3);
        var result = LowTemperatureAnalysis.Analyze(matrix);
        result.Loops.Should().ContainSingle().Which.States.Should().Equal(0);

        var duplicate = () => ResistanceMatrix.ReadMatrixMarket(new StringReader("%%MatrixMarket matrix coordinate real general\n1 1 2\n1 1 0\n1 1 0\n"), "d.mtx");
        duplicate.Should().Throw<InvalidDataException>().WithMessage("d.mtx: edge (0, 0) is given twice*");
        var negative = () => ResistanceMatrix.ReadMatrixMarket(new StringReader("%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 -1\n"), "n.mtx");
        negative.Should().Throw<InvalidDataException>().WithMessage("n.mtx line 3:*");
    }

    [Theory]
    [InlineData(2, 3, 4)]
    [InlineData(2, 5, 4)]
    [InlineData(2, 6, 6)]
    [InlineData(2, 7, 8)]
    [InlineData(3, 3, 6)]
    [InlineData(3, 4, 8)]
    [InlineData(4, 3, 8)]
    public void Analyze_ModelWithTiedLogits_BasinsOfEveryStateMatchBruteForce(int t, int k, int levels)
    {
        // Integer logits 0..levels−1 tie often, in the short (transient) states too: every state's set of reachable
        // loops by a search over the zero edges of the whole chain, against the basin sizes and the unresolved count,
        // on 30 models of the shape; some of them must have states that reach several loops.
        var space = new StateSpace(t, k);
        int withSeveral = 0;
        for (int seed = 0; seed < 30; seed++)
        {
            var random = new Random(seed);
            var logits = new double[space.StateCount * t];
            for (int i = 0; i < logits.Length; i++)
            {
                logits[i] = random.Next(levels);
            }

            var model = TabularModel.FromArray(logits, t, k);
            var result = LowTemperatureAnalysis.Analyze(model, options: new() { MaxDegreeOfParallelism = 1 });
            var loops = O.Loops(O.ModelResistances(model));
            result.Loops.Select(l => l.States.Order().ToArray()).Should().BeEquivalentTo(
                loops.Select(l => l.Select(s => s + space.FullLengthOffset).ToArray()), o => o.WithStrictOrdering());
            var (basins, several) = BasinsByBruteForce(space, logits, result);
            result.Loops.Select(l => l.BasinSize).Should().Equal(basins, $"seed {seed}");
            result.UnresolvedStateCount.Should().Be(several, $"seed {seed}");
            withSeveral += several > 0 ? 1 : 0;
        }

        withSeveral.Should().BeGreaterThan(0, "the ties make some states reach several loops");
    }

    [Fact]
    public void Analyze_ThreadCount_DoesNotChangeTheResult()
    {
        var model = new RandomLogitsModel(2, 9, 2.0, 3);
        var one = LowTemperatureAnalysis.Analyze(model, options: new() { MaxDegreeOfParallelism = 1 });
        var two = LowTemperatureAnalysis.Analyze(model, options: new() { MaxDegreeOfParallelism = 2 });
        two.Loops.Select(l => (l.Potential, l.Radius, l.BasinSize)).Should().Equal(one.Loops.Select(l => (l.Potential, l.Radius, l.BasinSize)));
    }

    /// <summary>
    /// y(τ) = limit + τ·c + (exponentially small in 1/τ): the intercept of the line fitted at the given τ must match the
    /// limit within 5% or 0.05. When the limit is below 0.3 the corrections exp(−δ/τ) are not yet small at τ ≥ 0.05 and
    /// the curve still bends (τ·log E[exit] = 0.479, 0.252, 0.188, 0.146 for ρ = 0.084: the 4-point line's intercept is
    /// 0.033): there y must approach the limit monotonically and either that line or the secant through the two lowest
    /// temperatures (where the bend is smallest) must hit the limit within the same tolerance.
    /// </summary>
    private static void AssertConverges(double[] taus, double[] y, double limit, string what)
    {
        string values = what + " = [" + string.Join(", ", y.Select(v => v.ToString("F3", System.Globalization.CultureInfo.InvariantCulture))) + "]";
        double tolerance = Math.Max(0.05, 0.05 * limit);
        double line = O.Intercept(taus, y);
        if (limit >= 0.3)
        {
            line.Should().BeApproximately(limit, tolerance, values);
            return;
        }

        y.Select(v => Math.Abs(v - limit)).Should().BeInDescendingOrder(values);
        double secant = O.Intercept(taus[^2..], y[^2..]);
        Math.Min(Math.Abs(line - limit), Math.Abs(secant - limit)).Should().BeLessThanOrEqualTo(tolerance, $"{values}: line intercept {line:F3}, secant intercept {secant:F3}");
    }

    /// <summary>Per loop, the states whose zero-resistance paths reach it alone; and the states that reach several (a
    /// breadth-first search over the zero edges of the whole chain from every state).</summary>
    private static (long[] Basins, long Several) BasinsByBruteForce(StateSpace space, double[] logits, LowTemperatureResult result)
    {
        int t = space.VocabularySize;
        var loopOf = new Dictionary<long, int>();
        for (int j = 0; j < result.LoopCount; j++)
        {
            foreach (long s in result.Loops[j].States)
            {
                loopOf[s] = j;
            }
        }

        var basins = new long[result.LoopCount];
        long several = 0;
        for (long start = 0; start < space.StateCount; start++)
        {
            var seen = new HashSet<long> { start };
            var queue = new Queue<long>([start]);
            var reached = new HashSet<int>();
            while (queue.Count > 0)
            {
                long u = queue.Dequeue();
                if (loopOf.TryGetValue(u, out int j))
                {
                    reached.Add(j);
                }

                double max = Enumerable.Range(0, t).Max(a => logits[(u * t) + a]);
                for (int a = 0; a < t; a++)
                {
                    long v = space.Successor(u, a);
                    if (logits[(u * t) + a] == max && seen.Add(v))
                    {
                        queue.Enqueue(v);
                    }
                }
            }

            if (reached.Count == 1)
            {
                basins[reached.Single()]++;
            }
            else
            {
                several++;
            }
        }

        return (basins, several);
    }

    private static void AssertResistances(LowTemperatureResult result, double[,] expected)
    {
        int m = expected.GetLength(0);
        result.LoopCount.Should().Be(m);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < m; j++)
            {
                double actual = result.GetResistance(i, j);
                if (double.IsPositiveInfinity(expected[i, j]))
                {
                    double.IsPositiveInfinity(actual).Should().BeTrue($"R({i} → {j}) is unreachable");
                }
                else
                {
                    actual.Should().BeApproximately(expected[i, j], 1e-5, $"R({i} → {j})");
                }
            }
        }
    }

    private static double[,] Normalize(double[,] r)
    {
        int n = r.GetLength(0);
        var result = (double[,])r.Clone();
        for (int i = 0; i < n; i++)
        {
            double min = Enumerable.Range(0, n).Min(j => r[i, j]);
            for (int j = 0; j < n; j++)
            {
                result[i, j] -= min;
            }
        }

        return result;
    }
}
