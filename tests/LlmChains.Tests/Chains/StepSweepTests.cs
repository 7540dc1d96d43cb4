using LlmChains.Chains;
using LlmChains.Chains.Internals;
using LlmChains.Models;
using LlmChains.Tests.Support;

namespace LlmChains.Tests.Chains;

/// <summary>
/// The step kernels for every vocabulary width they specialise on (T = 3..32 in registers, with and without a partial
/// last register; T &gt; 32 row by row into the targets), float64 and float32: the whole chain, its recurrent block, and the
/// block kernel cut into work items at every possible boundary, each compared bit for bit with a serial pull-form
/// reference read from the stored rows and, with a tolerance, with the CSR export's product.
/// </summary>
public sealed class StepSweepTests
{
    public static TheoryData<int, int, bool> Shapes()
    {
        var data = new TheoryData<int, int, bool>();
        foreach (var (t, k) in new[] { (3, 10), (4, 8), (5, 7), (6, 6), (7, 6), (8, 5), (12, 5), (16, 4), (17, 4), (32, 3), (50, 3), (64, 3), (100, 2), (256, 2) })
        {
            data.Add(t, k, false);
            data.Add(t, k, true);
        }

        return data;
    }

    public static TheoryData<int, bool> Widths()
    {
        var data = new TheoryData<int, bool>();
        foreach (int t in new[] { 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 15, 16, 17, 19, 29, 31, 32, 33, 50, 64, 100, 127, 128, 130, 200, 256 })
        {
            data.Add(t, false);
            data.Add(t, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Step_EveryKernelWidth_IdenticalToSerialPullReference(int t, int k, bool singlePrecision)
    {
        var chain = Build(t, k, singlePrecision);
        long n = chain.StateCount;
        var x = TestVectors.Random(n, t + k);
        var y = new double[n];
        chain.Step(x, y);

        var rows = Rows(chain);
        var expected = new double[n];
        int[] tokens = new int[k];
        for (long target = 0; target < n; target++)
        {
            int length = chain.States.Unrank(target, tokens);
            if (length == 1)
            {
                continue;
            }

            int last = tokens[length - 1];
            long prefix = chain.States.Rank(tokens.AsSpan(0, length - 1));
            double sum = x[prefix] * rows[(prefix * t) + last];
            if (length == k)
            {
                var source = new int[k];
                tokens.AsSpan(0, k - 1).CopyTo(source.AsSpan(1));
                for (int b = 0; b < t; b++)
                {
                    source[0] = b;
                    long from = chain.States.Rank(source);
                    sum += x[from] * rows[(from * t) + last];
                }
            }

            expected[target] = sum;
        }

        y.Should().Equal(expected);
        AssertCloseToCsr(chain, x, y);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void RecurrentBlockStep_EveryKernelWidth_IdenticalToSerialPullReference(int t, int k, bool singlePrecision)
    {
        var chain = Build(t, k, singlePrecision);
        var block = chain.RecurrentBlock;
        long n = block.StateCount;
        var x = TestVectors.Random(n, 3 * t);
        var y = new double[n];
        block.Step(x, y);
        y.Should().Equal(BlockReference(chain, x));
    }

    /// <summary>
    /// The block kernel run over suffix ranges cut at every boundary the parallel step could choose (items of one,
    /// two, three and seven suffixes, in reverse order): the same bits as one call over all suffixes and as the serial
    /// reference, and nothing written outside the targets (NaN sentinels around them stay).
    /// </summary>
    [Theory]
    [MemberData(nameof(Widths))]
    public unsafe void FullLengthTargets_CutIntoItemsAtEveryBoundary_SameBitsAndNoWritesOutside(int t, bool singlePrecision)
    {
        int k = t <= 16 ? 3 : 2;
        var chain = Build(t, k, singlePrecision);
        long n = chain.RecurrentBlock.StateCount;
        long stride = n / t;
        var x = TestVectors.Random(n, t);
        double[] expected = BlockReference(chain, x);
        const int Pad = 8;
        foreach (int item in new[] { 1, 2, 3, 7, (int)stride })
        {
            var y = new double[n + (2 * Pad)];
            Array.Fill(y, double.NaN);
            fixed (double* px = x)
            fixed (double* py = y)
            {
                for (long lo = ((stride - 1) / item) * item; lo >= 0; lo -= item)
                {
                    long hi = Math.Min(stride, lo + item);
                    if (singlePrecision)
                    {
                        fixed (float* table = chain.Singles)
                        {
                            StepKernels.FullLengthTargets(px, table + (chain.States.FullLengthOffset * t), null, (float*)null, py + Pad, t, stride, lo, hi);
                        }
                    }
                    else
                    {
                        fixed (double* table = chain.Doubles)
                        {
                            StepKernels.FullLengthTargets(px, table + (chain.States.FullLengthOffset * t), null, (double*)null, py + Pad, t, stride, lo, hi);
                        }
                    }
                }
            }

            y.AsSpan(Pad, (int)n).ToArray().Should().Equal(expected, "items of {0} suffixes", item);
            y.AsSpan(0, Pad).ToArray().Should().OnlyContain(v => double.IsNaN(v));
            y.AsSpan((int)n + Pad).ToArray().Should().OnlyContain(v => double.IsNaN(v));
        }
    }

    private static LanguageModelChain Build(int t, int k, bool singlePrecision)
    {
        var options = new ChainBuildOptions { Precision = singlePrecision ? ProbabilityPrecision.Float32 : ProbabilityPrecision.Float64 };
        return LanguageModelChain.Build(new RandomLogitsModel(t, k, 2.0, t + (7 * k)), new DecodingOptions { Temperature = 0.9 }, options);
    }

    /// <summary>Every stored row, in state order (row i at i·T), read once through the public accessor.</summary>
    private static double[] Rows(LanguageModelChain chain)
    {
        int t = chain.VocabularySize;
        var rows = new double[chain.StateCount * t];
        for (long s = 0; s < chain.StateCount; s++)
        {
            chain.GetNextTokenProbabilities(s, rows.AsSpan((int)(s * t), t));
        }

        return rows;
    }

    /// <summary>x·P_ℛ serially: target s·T + a sums x[b·T^{K−1} + s]·P(b·T^{K−1} + s, a) over b = 0..T−1, in that order.</summary>
    private static double[] BlockReference(LanguageModelChain chain, double[] x)
    {
        int t = chain.VocabularySize;
        long offset = chain.States.FullLengthOffset;
        long n = chain.RecurrentBlock.StateCount;
        long stride = n / t;
        var rows = Rows(chain);
        var expected = new double[n];
        for (long s = 0; s < stride; s++)
        {
            for (int a = 0; a < t; a++)
            {
                double sum = 0;
                for (int b = 0; b < t; b++)
                {
                    long source = (b * stride) + s;
                    sum += x[source] * rows[((offset + source) * t) + a];
                }

                expected[(s * t) + a] = sum;
            }
        }

        return expected;
    }

    /// <summary>The same product through the CSR export (another summation order): equal to rounding.</summary>
    private static void AssertCloseToCsr(LanguageModelChain chain, double[] x, double[] y)
    {
        var csr = chain.ToSparseMarkovChain();
        var z = new double[x.Length];
        csr.Step(x, z);
        for (int i = 0; i < z.Length; i++)
        {
            y[i].Should().BeApproximately(z[i], 1e-13, "state {0}", i);
        }
    }
}
