using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LlmChains.Analysis;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Tests.Support;

namespace LlmChains.Tests.Analysis.Spectral;

/// <summary>Properties of <see cref="Spectrum"/> over random sparse chains and random model chains (with truncated decoding).</summary>
public sealed class SpectrumPropertyTests
{
    /// <summary>Random model chains with at most 200 states (T ≤ 4, K ≤ 4), any decoding of <see cref="ChainCase"/>.</summary>
    private static readonly Arbitrary<ChainCase> SmallModelChains = (
        from t in Gen.Choose(1, 4)
        from k0 in Gen.Choose(1, 4)
        let k = CapK(t, k0)
        from tabular in Gen.Elements(true, false)
        from seed in Gen.Choose(0, int.MaxValue)
        from scale in Gen.Elements(0.0, 0.5, 1.0, 3.0)
        from temperature in Gen.Elements(0.0, 0.25, 1.0, 2.5)
        from topK in Gen.OneOf(Gen.Constant<int?>(null), Gen.Constant<int?>(null), Gen.Choose(1, t).Select(i => (int?)i))
        from topP in Gen.OneOf(Gen.Constant<double?>(null), Gen.Constant<double?>(null), Gen.Elements<double?>(0.5, 0.9))
        select new ChainCase(t, k, tabular, false, seed, scale, temperature, topK, topP, null)).ToArbitrary();

    private static int CapK(int t, int k)
    {
        while (k > 1 && ReferenceStates.CountBySum(t, k) > 200)
        {
            k--;
        }

        return k;
    }

    /// <summary>A random sparse chain: each row has 1..perRow random successors (often reducible or periodic).</summary>
    private static SparseMarkovChain RandomSparse(int n, int perRow, int seed)
    {
        var random = new Random(seed);
        var entries = new List<(long, long, double)>();
        for (int i = 0; i < n; i++)
        {
            var columns = new HashSet<int>();
            int count = random.Next(1, perRow + 1);
            while (columns.Count < Math.Min(count, n))
            {
                columns.Add(random.Next(n));
            }

            var weights = columns.Select(_ => 0.05 + random.NextDouble()).ToArray();
            double sum = weights.Sum();
            int w = 0;
            foreach (int column in columns.Order())
            {
                entries.Add((i, column, weights[w++] / sum));
            }
        }

        return SparseMarkovChain.FromTriplets(n, entries);
    }

    [Property(MaxTest = 60)]
    public Property Compute_RandomSparseChain_DenseSpectrumInvariants() => Prop.ForAll(
        Gen.Choose(1, 80).ToArbitrary(),
        Gen.Choose(1, 4).ToArbitrary(),
        Gen.Choose(0, int.MaxValue).ToArbitrary(),
        (n, perRow, seed) =>
        {
            var chain = RandomSparse(n, perRow, seed);
            var structure = ChainStructure.Analyze(chain);
            string context = $"n = {n}, perRow = {perRow}, seed = {seed}";

            var result = Spectrum.Compute(chain);

            result.Eigenvalues.Should().HaveCount(n, context);
            result.ErrorEstimates.Should().HaveCount(n);
            double trace = Enumerable.Range(0, n).Sum(i => chain.GetTransitionProbability(i, i));
            var sum = result.Eigenvalues.Aggregate(Complex.Zero, (a, b) => a + b);
            sum.Real.Should().BeApproximately(trace, 1e-10 * Math.Max(1, n), context);
            sum.Imaginary.Should().BeApproximately(0, 1e-10 * Math.Max(1, n), context);
            result.Eigenvalues.Should().OnlyContain(v => Complex.Abs(v) <= 1 + 1e-9, context);
            result.Eigenvalues.Select(Complex.Abs).Should().BeInDescendingOrder(context);
            result.Eigenvalues.Should().Contain(v => Complex.Abs(v - 1) < 1e-9, context);
            result.Slem.Should().BeInRange(0, 1, context);
            result.SpectralGap.Should().Be(1 - result.Slem);
            if (!structure.IsErgodicUnichain)
            {
                result.Slem.Should().Be(1, context);
                result.Method.Should().Be(structure.RecurrentClasses.Count > 1 ? "reducible" : "periodic", context);
                result.RelaxationTime.Should().Be(double.PositiveInfinity);
            }
            else
            {
                result.Method.Should().BeOneOf("dense", "trivial");
                result.Slem.Should().BeLessThan(1, context);
                result.Slem.Should().BeApproximately(SpectrumTestChains.ReferenceSlem([.. result.Eigenvalues]), 1e-15, context);
            }
        });

    [Property(MaxTest = 40)]
    public Property Compute_RandomErgodicSparseChain_KrylovSlemWithinBoundsOfDense() => Prop.ForAll(
        Gen.Choose(12, 150).ToArbitrary(),
        Gen.Choose(2, 5).ToArbitrary(),
        Gen.Choose(0, int.MaxValue).ToArbitrary(),
        (n, perRow, seed) =>
        {
            var chain = SparseMarkovChain.FromDense(SpectrumTestChains.RandomDense(n, perRow, seed, lazy: seed % 2 == 0));
            if (!ChainStructure.Analyze(chain).IsErgodicUnichain)
            {
                return;
            }

            string context = $"n = {n}, perRow = {perRow}, seed = {seed}";
            var dense = Spectrum.Compute(chain);
            var krylov = Spectrum.Compute(chain, new SpectrumOptions { DenseMaxStates = 1, Count = 3 });

            krylov.Method.Should().Be("arnoldi", context);
            krylov.Converged.Should().BeTrue(context);
            Math.Abs(krylov.Slem - dense.Slem).Should().BeLessThanOrEqualTo(krylov.SlemErrorBound + dense.SlemErrorBound + 1e-12, context);
            foreach (var value in krylov.Eigenvalues)
            {
                SpectrumTestChains.DistanceToNearest(value, dense.Eigenvalues).Should().BeLessThan(1e-8, context);
            }
        });

    [Property(MaxTest = 50)]
    public Property Compute_RandomModelChain_BlockSpectrumAgreesWithFullMatrix() => Prop.ForAll(SmallModelChains, c =>
    {
        var chain = LanguageModelChain.Build(c.CreateModel(), c.Decoding);
        var full = SparseMarkovChain.FromDense(SpectrumTestChains.ToDense(chain));

        var structured = Spectrum.Compute(chain);
        var general = Spectrum.Compute(full);

        structured.Eigenvalues.Should().HaveCount((int)chain.StateCount, c.ToString());
        general.Eigenvalues.Should().HaveCount((int)chain.StateCount, c.ToString());
        (structured.Slem == 1).Should().Be(general.Slem == 1, c.ToString());
        if (structured.Slem < 1)
        {
            Math.Abs(structured.Slem - general.Slem).Should().BeLessThanOrEqualTo(structured.SlemErrorBound + general.SlemErrorBound + 1e-9, c.ToString());
        }

        structured.Eigenvalues.Count(v => v == Complex.Zero).Should().BeGreaterThanOrEqualTo((int)(chain.StateCount - chain.RecurrentBlock.StateCount), c.ToString());
    });
}
