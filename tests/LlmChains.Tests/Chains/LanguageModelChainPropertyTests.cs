using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LlmChains.Chains;
using LlmChains.Tests.Support;

namespace LlmChains.Tests.Chains;

/// <summary>
/// Properties of Q_f over random T ∈ 1..6, K ∈ 1..5 (|V_K^*| ≤ 5000), random logits (random-logits model or tables
/// with −∞ entries and ties) and random decoding options, checked against <see cref="BruteForceChain"/>.
/// </summary>
public sealed class LanguageModelChainPropertyTests
{
    private static double MaxAbsDifference(double[] a, double[] b)
    {
        a.Length.Should().Be(b.Length);
        double max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a[i] - b[i]));
        }

        return max;
    }

    [Property(MaxTest = 100)]
    public Property GetRow_RandomCase_StochasticSparseAndOnSuccessors() => Prop.ForAll(ChainCases.Arbitrary, c =>
    {
        var model = c.CreateModel();
        var chain = LanguageModelChain.Build(model, c.Decoding);
        var reference = new BruteForceChain(model, c.Decoding);
        chain.StateCount.Should().Be(reference.Count);
        var columns = new long[c.T];
        var p = new double[c.T];
        var problems = new List<string>();
        for (int i = 0; i < reference.Count && problems.Count < 5; i++)
        {
            int count = chain.GetRow(i, columns, p);
            var expected = reference.Row(i).Where(e => e.Probability > 0).ToArray();
            var successors = reference.Row(i).Select(e => (long)e.Column).ToHashSet();
            double sum = p.AsSpan(0, count).ToArray().Sum();
            if (successors.Count != c.T)
            {
                problems.Add($"row {i}: the paper's rule gives {successors.Count} successors, not T");
            }

            if (count > c.T || Math.Abs(sum - 1) > 1e-12)
            {
                problems.Add($"row {i}: {count} non-zeros summing to {sum:R}");
            }

            if (!columns[..count].All(successors.Contains) || !columns[..count].SequenceEqual(expected.Select(e => (long)e.Column)))
            {
                problems.Add($"row {i}: columns [{string.Join(",", columns[..count])}], expected [{string.Join(",", expected.Select(e => e.Column))}]");
                continue;
            }

            for (int m = 0; m < count; m++)
            {
                if (!(p[m] > 0) || Math.Abs(p[m] - expected[m].Probability) > 1e-12)
                {
                    problems.Add($"row {i}, column {columns[m]}: {p[m]:R}, expected {expected[m].Probability:R}");
                }
            }
        }

        problems.Should().BeEmpty(c.ToString());
    });

    [Property(MaxTest = 100)]
    public Property Step_RandomCase_EqualsBruteForceXTimesQ() => Prop.ForAll(ChainCases.Arbitrary, c =>
    {
        var model = c.CreateModel();
        var chain = LanguageModelChain.Build(model, c.Decoding);
        var reference = new BruteForceChain(model, c.Decoding);
        var x = TestVectors.Random(reference.Count, c.Seed);
        var y = new double[reference.Count];
        chain.Step(x, y);
        var expected = reference.Step(x);
        MaxAbsDifference(y, expected).Should().BeLessThanOrEqualTo(1e-12, c.ToString());

        // a probability vector stays one
        var delta = new double[reference.Count];
        delta[c.Seed % reference.Count] = 1;
        chain.Step(delta, y);
        y.Sum().Should().BeApproximately(1, 1e-12);
        y.All(v => v >= 0).Should().BeTrue();
    });

    [Property(MaxTest = 100)]
    public Property RecurrentBlockStep_RandomCase_EqualsRestrictionOfFullStep() => Prop.ForAll(ChainCases.Arbitrary, c =>
    {
        var model = c.CreateModel();
        var chain = LanguageModelChain.Build(model, c.Decoding);
        var reference = new BruteForceChain(model, c.Decoding);
        int offset = reference.States.FirstFullLength;
        int full = reference.Count - offset;
        chain.RecurrentBlock.StateCount.Should().Be(full);
        chain.States.FullLengthOffset.Should().Be(offset);
        var local = TestVectors.Random(full, c.Seed ^ 0x5A5A);
        var padded = new double[reference.Count];
        local.CopyTo(padded, offset);
        var expected = reference.Step(padded);
        expected.Take(offset).All(v => v == 0).Should().BeTrue("the block is closed");
        var y = new double[full];
        chain.RecurrentBlock.Step(local, y);
        MaxAbsDifference(y, expected[offset..]).Should().BeLessThanOrEqualTo(1e-12, c.ToString());
    });

    [Property(MaxTest = 60)]
    public Property BuildFloat32_RandomCase_WithinOneEMinus6OfFloat64() => Prop.ForAll(ChainCases.Arbitrary, c =>
    {
        var model = c.CreateModel();
        var c64 = LanguageModelChain.Build(model, c.Decoding);
        var c32 = LanguageModelChain.Build(model, c.Decoding, new ChainBuildOptions { Precision = ProbabilityPrecision.Float32 });
        var a = new double[c64.StateCount * c.T];
        var b = new double[c64.StateCount * c.T];
        for (long s = 0; s < c64.StateCount; s++)
        {
            c64.GetNextTokenProbabilities(s, a.AsSpan((int)(s * c.T), c.T));
            c32.GetNextTokenProbabilities(s, b.AsSpan((int)(s * c.T), c.T));
        }

        MaxAbsDifference(b, a).Should().BeLessThanOrEqualTo(1e-6, c.ToString());

        var v = TestVectors.Random((int)c64.StateCount, c.Seed);
        var y64 = new double[v.Length];
        var y32 = new double[v.Length];
        c64.Step(v, y64);
        c32.Step(v, y32);
        MaxAbsDifference(y32, y64).Should().BeLessThanOrEqualTo(1e-6 * (c.T + 1), c.ToString());
    });

    [Property(MaxTest = 200)]
    public Property UnrankRank_RandomSequence_RoundTrips() => Prop.ForAll(
        (from t in Gen.Choose(1, 40)
         from k in Gen.Choose(1, 8)
         from length in Gen.Choose(1, k)
         from seed in Gen.Choose(0, int.MaxValue)
         select (t, k, length, seed)).ToArbitrary(),
        c =>
        {
            var space = new StateSpace(c.t, c.k);
            var random = new Random(c.seed);
            var tokens = Enumerable.Range(0, c.length).Select(_ => random.Next(c.t)).ToArray();
            long index = space.Rank(tokens);
            space.Unrank(index).Should().Equal(tokens);
            space.GetLength(index).Should().Be(c.length);

            // and rank(unrank(i)) = i for a random index
            long i = (long)(random.NextDouble() * space.StateCount);
            space.Rank(space.Unrank(i)).Should().Be(i);
        });
}
