using System.Text.Json;
using LlmChains.Analysis.Fate;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;

namespace LlmChains.Tests.Analysis.Fate;

/// <summary>
/// The published test cases of PyDTMC, R markovchain, deeptime and QuantEcon.py (Fixtures/fate, written by
/// make_peer_cases.py from their test files; PyDTMC's fixture extracted as is). Conventions that differ are noted where
/// they apply.
/// </summary>
public sealed class PeerCaseTests
{
    public static TheoryData<int> PeerCaseIndices() => [.. Enumerable.Range(0, Load("peer-cases.json").GetArrayLength())];

    public static TheoryData<int> PyDtmcIndices() => [.. Enumerable.Range(0, Load("pydtmc-measures.json").GetArrayLength())];

    [Theory]
    [MemberData(nameof(PeerCaseIndices))]
    public void PeerCase_AgreesWithThePublishedValue(int index)
    {
        var c = Load("peer-cases.json")[index];
        string source = c.GetProperty("source").GetString()!;
        var chain = SparseMarkovChain.FromDense(Matrix(c.GetProperty("p")));
        var expected = c.GetProperty("expected");
        switch (c.GetProperty("kind").GetString())
        {
            case "mfpt":
                var m = FirstPassage.MeanTimes(chain);
                for (int i = 0; i < m.States.Count; i++)
                {
                    for (int j = 0; j < m.States.Count; j++)
                    {
                        m.GetTime(i, j).Should().BeApproximately(expected[i][j].GetDouble(), 1e-12, source);
                    }
                }

                break;
            case "kemeny":
                FirstPassage.KemenyConstant(chain).Should().BeApproximately(expected.GetDouble(), 1e-12, source);
                break;
            case "hitting":
                var h = Hitting.Compute(chain, TargetSet.States(Longs(c.GetProperty("target"))));
                for (int i = 0; i < expected.GetArrayLength(); i++)
                {
                    if (expected[i].ValueKind != JsonValueKind.Null)
                    {
                        h.Probabilities[i].Should().BeApproximately(expected[i].GetDouble(), 1e-12, $"{source}, state {i}");
                    }
                }

                break;
            case "hittingTime":
                var k = Hitting.Compute(chain, TargetSet.States(Longs(c.GetProperty("target"))));
                for (int i = 0; i < expected.GetArrayLength(); i++)
                {
                    k.ExpectedSteps[i].Should().BeApproximately(expected[i].GetDouble(), 1e-12, $"{source}, state {i}");
                }

                break;
            case "absorption":
                var a = Absorption.Compute(chain, Longs(c.GetProperty("starts")));
                for (int i = 0; i < expected.GetArrayLength(); i++)
                {
                    a.GetProbabilities(i).Should().Equal(expected[i].EnumerateArray().Select(e => e.GetDouble()), (x, y) => Math.Abs(x - y) < 1e-14, source);
                }

                break;
            case "absorptionTime":
                var t = Absorption.Compute(chain, Longs(c.GetProperty("starts")));
                t.ExpectedSteps.Should().Equal(expected.EnumerateArray().Select(e => e.GetDouble()), (x, y) => Math.Abs(x - y) < 1e-13, source);
                break;
            case "committor":
                var q = Committor.Forward(chain, TargetSet.States(Longs(c.GetProperty("avoid"))), TargetSet.States(Longs(c.GetProperty("target"))));
                q.Forward.Should().Equal(expected.EnumerateArray().Select(e => e.GetDouble()), (x, y) => Math.Abs(x - y) < 1e-12, source);
                break;
            case "cyclic":
                var structure = ChainStructure.Analyze(chain);
                var all = CyclicClasses.OfAll(structure);
                all.Should().HaveCount(expected.GetArrayLength(), source);
                for (int r = 0; r < all.Count; r++)
                {
                    all[r].Select(x => x.ToArray()).Should().BeEquivalentTo(expected[r].EnumerateArray().Select(Longs), o => o.WithStrictOrdering(), source);
                }

                break;
            default:
                throw new InvalidOperationException(source);
        }
    }

    [Theory]
    [MemberData(nameof(PyDtmcIndices))]
    public void PyDtmc_MeasuresFixture_AgreesWhereItReportsAValue(int index)
    {
        var c = Load("pydtmc-measures.json")[index];
        string id = "PyDTMC " + c.GetProperty("id").GetString();
        var p = Matrix(c.GetProperty("p"));
        int n = p.GetLength(0);
        var chain = SparseMarkovChain.FromDense(p);
        var structure = ChainStructure.Analyze(chain);

        foreach (var h in c.GetProperty("hitting_probabilities_data").EnumerateArray())
        {
            var result = Hitting.Compute(chain, Targets(h.GetProperty("targets"), n));
            result.Probabilities.Should().Equal(h.GetProperty("value").EnumerateArray().Select(Number), (x, y) => Math.Abs(x - y) < 1e-6, id);
        }

        foreach (var h in c.GetProperty("hitting_times_data").EnumerateArray())
        {
            var result = Hitting.Compute(chain, Targets(h.GetProperty("targets"), n));
            result.ExpectedSteps.Should().Equal(h.GetProperty("value").EnumerateArray().Select(Number), (x, y) => x == y || Math.Abs(x - y) < 1e-6, id);
        }

        foreach (var q in c.GetProperty("committor_probabilities_data").EnumerateArray())
        {
            // PyDTMC reports committors only for ergodic chains (null otherwise).
            if (q.GetProperty("value_forward").ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            var result = Committor.Forward(chain, Targets(q.GetProperty("states1"), n), Targets(q.GetProperty("states2"), n));
            result.Forward.Should().Equal(q.GetProperty("value_forward").EnumerateArray().Select(Number), (x, y) => Math.Abs(x - y) < 1e-7, id);
        }

        foreach (var m in c.GetProperty("mean_first_passage_times_to_data").EnumerateArray())
        {
            // PyDTMC reports them only for ergodic chains; the periodic #1 (null there) is K = 0.5 here, as in R markovchain.
            if (m.GetProperty("value").ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            var value = m.GetProperty("value");
            if (m.GetProperty("targets").ValueKind == JsonValueKind.Null)
            {
                var all = FirstPassage.MeanTimes(chain);
                for (int i = 0; i < n; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        all.GetTime(i, j).Should().BeApproximately(value[i][j].GetDouble(), 1e-7, id);
                    }
                }
            }
            else
            {
                Hitting.Compute(chain, Targets(m.GetProperty("targets"), n)).ExpectedSteps
                    .Should().Equal(value.EnumerateArray().Select(Number), (x, y) => Math.Abs(x - y) < 1e-7, id);
            }
        }

        if (c.GetProperty("mean_recurrence_times").ValueKind != JsonValueKind.Null)
        {
            var all = FirstPassage.MeanTimes(chain);
            Enumerable.Range(0, n).Select(all.GetReturnTime).Should().Equal(c.GetProperty("mean_recurrence_times").EnumerateArray().Select(Number), (x, y) => Math.Abs(x - y) < 1e-7, id);
        }

        if (c.GetProperty("absorption_probabilities").ValueKind != JsonValueKind.Null)
        {
            // PyDTMC: rows = absorbing states, columns = transient states, in state order.
            int[] transient = [.. Enumerable.Range(0, n).Where(s => !structure.GetClass(structure.GetClassOf(s)).IsRecurrent)];
            var result = Absorption.Compute(chain, [.. transient.Select(s => (long)s)]);
            var expected = c.GetProperty("absorption_probabilities");
            for (int k = 0; k < result.Classes.Count; k++)
            {
                for (int i = 0; i < transient.Length; i++)
                {
                    result.GetProbability(i, k).Should().BeApproximately(expected[k][i].GetDouble(), 1e-6, id);
                }
            }

            result.ExpectedSteps.Should().Equal(c.GetProperty("mean_absorption_times").EnumerateArray().Select(Number), (x, y) => Math.Abs(x - y) < 1e-6, id);
        }
    }

    [Fact]
    public void RMarkovchain_IllConditionedChain_ProbabilitiesInRangeAndSatisfyTheRecurrenceToRelativeAccuracy()
    {
        // R markovchain's regression chain: probabilities down to 1e−134 and several absorbing states. Its LU solve once
        // returned values outside [0, 1]; state reduction is subtraction-free, so each h(x) satisfies its own equation
        // h(x) = Σ_y P(x, y)·h(y) to a relative (not only absolute) accuracy.
        var root = Load("r-markovchain-ill-conditioned.json", whole: true);
        int n = root.GetProperty("states").GetArrayLength();
        var triplets = root.GetProperty("triplets").EnumerateArray().Select(t => ((long)t[0].GetInt32(), (long)t[1].GetInt32(), t[2].GetDouble())).ToList();
        var chain = SparseMarkovChain.FromTriplets(n, triplets);
        var p = FateOracle.Dense(chain);

        for (int target = 0; target < n; target++)
        {
            var result = Hitting.Compute(chain, TargetSet.States([target]));
            for (int x = 0; x < n; x++)
            {
                double h = result.Probabilities[x];
                h.Should().BeInRange(0, 1);
                if (x == target || h == 0)
                {
                    continue;
                }

                double rhs = Enumerable.Range(0, n).Sum(y => p[x, y] * result.Probabilities[y]);
                h.Should().BeApproximately(rhs, 1e-13 * h, $"h({x}) for target {target}");
            }
        }
    }

    private static JsonElement Load(string name, bool whole = false)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(FateOracle.FixturePath(name)));
        return document.RootElement.Clone();
    }

    private static double[,] Matrix(JsonElement rows)
    {
        int n = rows.GetArrayLength();
        var p = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                p[i, j] = rows[i][j].GetDouble();
            }
        }

        return p;
    }

    private static long[] Longs(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt64())];

    /// <summary>A PyDTMC target: an index, a list, or null (every state).</summary>
    private static TargetSet Targets(JsonElement value, int n) => value.ValueKind switch
    {
        JsonValueKind.Null => TargetSet.States(Enumerable.Range(0, n).Select(i => (long)i)),
        JsonValueKind.Number => TargetSet.States([value.GetInt64()]),
        _ => TargetSet.States(Longs(value)),
    };

    private static double Number(JsonElement e) => e.ValueKind == JsonValueKind.String ? double.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : e.GetDouble();
}
