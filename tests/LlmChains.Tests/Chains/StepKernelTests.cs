using LlmChains.Chains;
using LlmChains.Models;
using LlmChains.Tests.Support;

namespace LlmChains.Tests.Chains;

/// <summary>The steady-state behaviour of the parallel steps: no allocation, determinism, and the transposed step Q·v.</summary>
public sealed class StepKernelTests
{
    public static TheoryData<int, int, bool> ParallelShapes => new()
    {
        { 2, 16, false }, // 131,070 states: the binary kernel
        { 2, 16, true },
        { 10, 5, false }, // 111,110 states: the general kernel
        { 10, 5, true },
    };

    [Theory]
    [MemberData(nameof(ParallelShapes))]
    public void Step_ParallelPathInSteadyState_AllocatesNothingOnTheCallingThread(int t, int k, bool singlePrecision)
    {
        var chain = Build(t, k, singlePrecision);
        chain.StateCount.Should().BeGreaterThan(1 << 15, "the parallel path must be the one measured");
        var x = Uniform(chain.StateCount);
        var y = new double[chain.StateCount];
        var v = new double[chain.StateCount];
        var block = chain.RecurrentBlock;
        var xBlock = Uniform(block.StateCount);
        var yBlock = new double[block.StateCount];
        // Steady state: after warm-up (the cached job, the pool's queue, tiered compilation, which allocates a few
        // hundred bytes during the first calls), five consecutive rounds of 10 × 3 calls must allocate nothing.
        // An implementation that allocates per call (a closure, a task, a Parallel.For) never has a zero round.
        int zeroRounds = 0;
        var allocations = new List<long>();
        for (int round = 0; round < 60 && zeroRounds < 5; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++)
            {
                chain.Step(x, y);
                chain.StepTransposed(x, v);
                block.Step(xBlock, yBlock);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            allocations.Add(allocated);
            zeroRounds = allocated == 0 ? zeroRounds + 1 : 0;
        }

        zeroRounds.Should().Be(5, "bytes allocated per round: {0}", string.Join(", ", allocations));
        y.Sum().Should().BeApproximately(1, 1e-9, "a probability vector stays one");
    }

    [Fact]
    public void Step_CalledFromManyThreadsAtOnce_GivesTheSameBitsAsAlone()
    {
        // Concurrent calls on one chain each rent their own job; every result must equal the lone call's.
        var chain = Build(2, 16, singlePrecision: false);
        var x = TestVectors.Random(chain.StateCount, 5);
        var expected = new double[chain.StateCount];
        chain.Step(x, expected);
        var results = new double[6][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 6 }, r =>
        {
            var y = new double[chain.StateCount];
            for (int repeat = 0; repeat < 5; repeat++)
            {
                chain.Step(x, y);
            }

            results[r] = y;
        });
        foreach (var y in results)
        {
            y.Should().Equal(expected);
        }
    }

    [Theory]
    [MemberData(nameof(ParallelShapes))]
    [InlineData(3, 4, false)] // 120 states: the sequential path
    [InlineData(17, 4, true)] // 88,740 states: wide rows, parallel
    public void StepTransposed_EqualsRowByRowDotProducts(int t, int k, bool singlePrecision)
    {
        var chain = Build(t, k, singlePrecision, new DecodingOptions { Temperature = 0.9, TopK = Math.Max(1, t - 1) });
        var v = TestVectors.Random(chain.StateCount, 17);
        var result = new double[chain.StateCount];
        chain.StepTransposed(v, result);
        var columns = new long[t];
        var probabilities = new double[t];
        for (long i = 0; i < chain.StateCount; i++)
        {
            int count = chain.GetRow(i, columns, probabilities);
            double sum = 0;
            for (int a = 0; a < count; a++)
            {
                sum += probabilities[a] * v[columns[a]];
            }

            result[i].Should().BeApproximately(sum, 1e-14 * (1 + Math.Abs(sum)), "row {0}", i);
        }
    }

    [Fact]
    public void StepTransposed_IsTheAdjointOfStep_AndFixesConstants()
    {
        // ⟨x·Q, v⟩ = ⟨x, Q·v⟩ for all x, v; Q·1 = 1 (rows sum to one)
        var chain = Build(3, 9, singlePrecision: false);
        var sparse = chain.ToSparseMarkovChain();
        var x = TestVectors.Random(chain.StateCount, 1);
        var v = TestVectors.Random(chain.StateCount, 2);
        var xq = new double[chain.StateCount];
        var qv = new double[chain.StateCount];
        chain.Step(x, xq);
        chain.StepTransposed(v, qv);
        Dot(xq, v).Should().BeApproximately(Dot(x, qv), 1e-9);

        var ones = Enumerable.Repeat(1.0, (int)chain.StateCount).ToArray();
        chain.StepTransposed(ones, qv);
        qv.Should().OnlyContain(value => Math.Abs(value - 1) < 1e-13);

        var sparseQv = new double[chain.StateCount];
        chain.StepTransposed(v, qv);
        sparse.StepTransposed(v, sparseQv);
        for (int i = 0; i < qv.Length; i++)
        {
            sparseQv[i].Should().BeApproximately(qv[i], 1e-14);
        }

        // the interface's default implementation (through GetRow) on the recurrent block agrees with the restriction
        IMarkovChain block = chain.RecurrentBlock;
        long offset = chain.States.FullLengthOffset;
        var local = v.AsSpan((int)offset).ToArray();
        var blockResult = new double[block.StateCount];
        block.StepTransposed(local, blockResult);
        chain.StepTransposed(v, qv);
        for (long i = 0; i < block.StateCount; i++)
        {
            blockResult[i].Should().BeApproximately(qv[offset + i], 1e-14);
        }
    }

    [Fact]
    public void StepTransposed_BadArguments_Throw()
    {
        var chain = Build(2, 3, singlePrecision: false);
        var buffer = new double[28];
        chain.Invoking(c => c.StepTransposed(new double[13], new double[14])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("values");
        chain.Invoking(c => c.StepTransposed(new double[14], new double[13])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("result");
        chain.Invoking(c => c.StepTransposed(buffer.AsSpan(0, 14), buffer.AsSpan(10, 14))).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("result");
        var sparse = chain.ToSparseMarkovChain();
        sparse.Invoking(c => c.StepTransposed(buffer.AsSpan(0, 14), buffer.AsSpan(10, 14))).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("result");
    }

    private static LanguageModelChain Build(int t, int k, bool singlePrecision, DecodingOptions? decoding = null) =>
        LanguageModelChain.Build(
            new RandomLogitsModel(t, k, 1.5, (31 * t) + k),
            decoding,
            new ChainBuildOptions { Precision = singlePrecision ? ProbabilityPrecision.Float32 : ProbabilityPrecision.Float64 });

    private static double[] Uniform(long n) => Enumerable.Repeat(1.0 / n, (int)n).ToArray();

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
