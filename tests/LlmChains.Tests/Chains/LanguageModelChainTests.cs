using System.Globalization;
using LlmChains.Chains;
using LlmChains.Models;
using LlmChains.Tests.Support;

namespace LlmChains.Tests.Chains;

public sealed class LanguageModelChainTests
{
    private static double[] Row(IMarkovChain chain, long state, out long[] columns)
    {
        var c = new long[chain.MaxRowNonZeros];
        var p = new double[chain.MaxRowNonZeros];
        int count = chain.GetRow(state, c, p);
        columns = c[..count];
        return p[..count];
    }

    [Theory]
    [InlineData(2, 3, 1.0)]
    [InlineData(3, 2, 0.5)]
    [InlineData(4, 3, 2.0)]
    [InlineData(1, 3, 1.0)]
    [InlineData(5, 1, 1.0)]
    public void Build_RandomLogits_EveryEntryEqualsBruteForceQ(int t, int k, double tau)
    {
        var model = new RandomLogitsModel(t, k, 1.5, 21);
        var decoding = new DecodingOptions { Temperature = tau };
        var chain = LanguageModelChain.Build(model, decoding);
        var reference = new BruteForceChain(model, decoding);
        chain.StateCount.Should().Be(reference.Count);
        chain.VocabularySize.Should().Be(t);
        chain.ContextWindow.Should().Be(k);
        chain.MaxRowNonZeros.Should().Be(t);
        chain.StoredTransitionCount.Should().Be(reference.Count * t);
        chain.ProbabilityBytes.Should().Be(reference.Count * t * 8);
        chain.Precision.Should().Be(ProbabilityPrecision.Float64);
        chain.Decoding.Should().Be(decoding);
        for (int i = 0; i < reference.Count; i++)
        {
            for (int j = 0; j < reference.Count; j++)
            {
                chain.GetTransitionProbability(i, j).Should().BeApproximately(reference[i, j], 1e-14, "Q({0}, {1})", i, j);
            }

            var p = Row(chain, i, out var columns);
            columns.Should().Equal(reference.Row(i).Select(e => (long)e.Column));
            p.Should().Equal(reference.Row(i).Select(e => e.Probability), (a, b) => Math.Abs(a - b) <= 1e-14);
        }
    }

    [Fact]
    public void GetNextTokenProbabilities_EqualsDecodedModelLogits()
    {
        var model = new RandomLogitsModel(4, 2, 2.0, 5);
        var decoding = new DecodingOptions { Temperature = 0.8, TopK = 3 };
        var chain = LanguageModelChain.Build(model, decoding);
        var states = new ReferenceStates(4, 2);
        var logits = new double[4];
        var p = new double[4];
        for (int i = 0; i < states.Count; i++)
        {
            model.GetNextTokenLogits(states.Sequences[i], logits);
            chain.GetNextTokenProbabilities(i, p);
            p.Should().Equal(ReferenceDecoder.Decode(logits, decoding), (a, b) => Math.Abs(a - b) <= 1e-14);
            p.Count(v => v > 0).Should().Be(3);
        }
    }

    [Fact]
    public void GetRow_TruncatedDecoding_OmitsZeroProbabilityColumns()
    {
        // context-free q = (0.6, 0.3, 0.1): top-k 2 keeps tokens 0, 1 → every row has 2 non-zeros (0.6/0.9, 0.3/0.9)
        var model = new ContextFreeModel([0.6, 0.3, 0.1], 2);
        var chain = LanguageModelChain.Build(model, new DecodingOptions { TopK = 2 });
        var space = new ReferenceStates(3, 2);
        for (int i = 0; i < space.Count; i++)
        {
            var p = Row(chain, i, out var columns);
            columns.Should().Equal(space.Next(i, 0), space.Next(i, 1));
            p[0].Should().BeApproximately(2.0 / 3, 1e-15);
            p[1].Should().BeApproximately(1.0 / 3, 1e-15);
            chain.GetTransitionProbability(i, space.Next(i, 2)).Should().Be(0);
        }
    }

    [Fact]
    public void GetTransitionProbability_NonSuccessor_Zero()
    {
        var chain = LanguageModelChain.Build(new UniformModel(2, 3));
        chain.GetTransitionProbability(3, 8).Should().Be(0.5); // "01" → "010"
        chain.GetTransitionProbability(3, 10).Should().Be(0); // "01" → "100"
        chain.GetTransitionProbability(3, 4).Should().Be(0); // "01" → "10": not a successor below length K
        chain.GetTransitionProbability(13, 0).Should().Be(0); // "111" never shrinks
        chain.GetTransitionProbability(13, 13).Should().Be(0.5);
    }

    [Fact]
    public void RecurrentBlock_GetRow_LocalColumnsOfFullLengthRows()
    {
        var model = new RandomLogitsModel(3, 3, 1.0, 9);
        var chain = LanguageModelChain.Build(model);
        var reference = new BruteForceChain(model, DecodingOptions.Default);
        var block = chain.RecurrentBlock;
        int offset = reference.States.FirstFullLength;
        block.StateCount.Should().Be(27);
        block.MaxRowNonZeros.Should().Be(3);
        for (int local = 0; local < 27; local++)
        {
            var p = Row(block, local, out var columns);
            var expected = reference.Row(offset + local);
            columns.Should().Equal(expected.Select(e => (long)e.Column - offset));
            p.Should().Equal(expected.Select(e => e.Probability), (a, b) => Math.Abs(a - b) <= 1e-14);
        }
    }

    [Fact]
    public void Build_Float32_ProbabilitiesRoundedToFloat()
    {
        var model = new RandomLogitsModel(3, 3, 2.0, 4);
        var c64 = LanguageModelChain.Build(model);
        var c32 = LanguageModelChain.Build(model, options: new ChainBuildOptions { Precision = ProbabilityPrecision.Float32 });
        c32.Precision.Should().Be(ProbabilityPrecision.Float32);
        c32.ProbabilityBytes.Should().Be(c64.StateCount * 3 * 4);
        var p64 = new double[3];
        var p32 = new double[3];
        for (long s = 0; s < c64.StateCount; s++)
        {
            c64.GetNextTokenProbabilities(s, p64);
            c32.GetNextTokenProbabilities(s, p32);
            for (int x = 0; x < 3; x++)
            {
                p32[x].Should().Be((float)p64[x]);
            }
        }
    }

    [Fact]
    public void Step_ParallelPathTwoFifteen_IdenticalToSerialReference()
    {
        // T = 2, K = 15: 65534 states ≥ 32768 → the step runs in parallel chunks
        var chain = LanguageModelChain.Build(new RandomLogitsModel(2, 15, 1.0, 3));
        AssertStepMatchesReferences(chain);
    }

    [Fact]
    public void Step_ParallelPathThreeTen_IdenticalToSerialReference()
    {
        // T = 3, K = 10: 88572 states, the general (non-binary) kernel in parallel
        var chain = LanguageModelChain.Build(new RandomLogitsModel(3, 10, 1.0, 8), new DecodingOptions { Temperature = 0.7, TopK = 2 });
        AssertStepMatchesReferences(chain);
    }

    [Fact]
    public void Step_ParallelPathFloat32_IdenticalToSerialReference()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(2, 15, 1.0, 3), options: new ChainBuildOptions { Precision = ProbabilityPrecision.Float32 });
        AssertStepMatchesReferences(chain);
    }

    [Theory]
    [InlineData(4, 8, false)] // 87,380 states: whole AVX vectors of four
    [InlineData(5, 7, true)] // 97,655 states: four plus a scalar tail, float32
    [InlineData(6, 6, false)] // 55,986 states: four plus a pair
    [InlineData(10, 5, true)] // 111,110 states: two fours plus a pair, float32
    [InlineData(17, 4, true)] // 88,740 states: beyond the register kernel, float32
    [InlineData(18, 4, false)] // 111,150 states: beyond the register kernel, float64
    public void Step_ParallelPathWideVocabulary_IdenticalToSerialReference(int t, int k, bool singlePrecision)
    {
        var options = new ChainBuildOptions { Precision = singlePrecision ? ProbabilityPrecision.Float32 : ProbabilityPrecision.Float64 };
        var chain = LanguageModelChain.Build(new RandomLogitsModel(t, k, 2.0, t + k), new DecodingOptions { Temperature = 0.8, TopP = 0.9 }, options);
        AssertStepMatchesReferences(chain);
    }

    [Theory]
    [InlineData(2, 15, false)] // T^K = 32,768 full-length states: the block alone also takes the parallel path
    [InlineData(2, 15, true)]
    [InlineData(10, 5, true)] // 100,000: the register kernel
    [InlineData(17, 4, false)] // 83,521: beyond it
    public void RecurrentBlockStep_ParallelPath_IdenticalToSerialReference(int t, int k, bool singlePrecision)
    {
        var options = new ChainBuildOptions { Precision = singlePrecision ? ProbabilityPrecision.Float32 : ProbabilityPrecision.Float64 };
        var chain = LanguageModelChain.Build(new RandomLogitsModel(t, k, 1.0, 6), options: options);
        long n = chain.RecurrentBlock.StateCount;
        n.Should().BeGreaterThanOrEqualTo(32768);
        long offset = chain.States.FullLengthOffset;
        var x = TestVectors.Random(n, 12);
        var y = new double[n];
        chain.RecurrentBlock.Step(x, y);
        var p = new double[t];
        var expected = new double[n];
        long stride = n / t;
        for (long s = 0; s < stride; s++)
        {
            for (int a = 0; a < t; a++)
            {
                double sum = 0;
                for (int b = 0; b < t; b++)
                {
                    long source = (b * stride) + s;
                    chain.GetNextTokenProbabilities(offset + source, p);
                    sum += x[source] * p[a];
                }

                expected[(s * t) + a] = sum;
            }
        }

        y.Should().Equal(expected);
    }

    /// <summary>
    /// A serial pull-form reference written from the paper's rule and the chain's stored rows: a target of length
    /// L &lt; K has its unique prefix as predecessor; a full-length target (…, a) with window suffix s is reached from
    /// the length-(K−1) state s and from the T full-length states b·s, summed in that order. Also compared, with a
    /// tolerance, with a push-form x·Q over successors computed from token sequences. Needs K ≥ 2.
    /// </summary>
    private static void AssertStepMatchesReferences(LanguageModelChain chain)
    {
        int t = chain.VocabularySize;
        int k = chain.ContextWindow;
        long n = chain.StateCount;
        var x = TestVectors.Random(n, 99);
        var y = new double[n];
        chain.Step(x, y);
        var again = new double[n];
        chain.Step(x, again);
        again.Should().Equal(y);

        // all rows, read once
        var rows = new double[n * t];
        for (long s = 0; s < n; s++)
        {
            chain.GetNextTokenProbabilities(s, rows.AsSpan((int)(s * t), t));
        }

        // pull form, serial
        var pull = new double[n];
        var tokens = new int[k];
        var prefixTokens = new int[k];
        for (long target = 0; target < n; target++)
        {
            int length = chain.States.Unrank(target, tokens);
            int last = tokens[length - 1];
            if (length == 1)
            {
                pull[target] = 0;
                continue;
            }

            long prefix = chain.States.Rank(tokens.AsSpan(0, length - 1));
            double sum = x[prefix] * rows[(prefix * t) + last];
            if (length == k)
            {
                tokens.AsSpan(0, k - 1).CopyTo(prefixTokens.AsSpan(1));
                for (int b = 0; b < t; b++)
                {
                    prefixTokens[0] = b;
                    long source = chain.States.Rank(prefixTokens.AsSpan(0, k));
                    sum += x[source] * rows[(source * t) + last];
                }
            }

            pull[target] = sum;
        }

        y.Should().Equal(pull);

        // push form over successors built from sequences
        var push = new double[n];
        var next = new int[k];
        for (long s = 0; s < n; s++)
        {
            int length = chain.States.Unrank(s, tokens);
            for (int a = 0; a < t; a++)
            {
                int m;
                if (length < k)
                {
                    tokens.AsSpan(0, length).CopyTo(next);
                    next[length] = a;
                    m = length + 1;
                }
                else
                {
                    tokens.AsSpan(1, k - 1).CopyTo(next);
                    next[k - 1] = a;
                    m = k;
                }

                push[chain.States.Rank(next.AsSpan(0, m))] += x[s] * rows[(s * t) + a];
            }
        }

        for (long i = 0; i < n; i++)
        {
            y[i].Should().BeApproximately(push[i], 1e-14);
        }
    }

    [Fact]
    public void Build_NaNLogitAtOneState_ThrowsNamingState()
    {
        var table = new double[14 * 2];
        table[(9 * 2) + 1] = double.NaN; // state 9 = "011"
        var act = () => LanguageModelChain.Build(TabularModel.FromArray(table, 2, 3));
        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain("state 9").And.Contain("NaN");
    }

    [Fact]
    public void Build_PositiveInfinityLogit_ThrowsNamingState()
    {
        var table = new float[39 * 3];
        table[(20 * 3) + 2] = float.PositiveInfinity;
        var act = () => LanguageModelChain.Build(TabularModel.FromArray(table, 3, 3));
        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain("state 20").And.Contain("∞");
    }

    [Fact]
    public void Build_RowOfAllNegativeInfinity_ThrowsNamingState()
    {
        var table = new double[14 * 2];
        table[4 * 2] = double.NegativeInfinity;
        table[(4 * 2) + 1] = double.NegativeInfinity;
        var act = () => LanguageModelChain.Build(TabularModel.FromArray(table, 2, 3));
        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain("state 4");
    }

    [Fact]
    public void Build_NegativeTemperature_ThrowsNamingTemperature()
    {
        var act = () => LanguageModelChain.Build(new UniformModel(2, 2), new DecodingOptions { Temperature = -1 });
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("Temperature must be*");
    }

    [Fact]
    public void Build_SubnormalTemperature_RowsAreProbabilities()
    {
        // τ = 1e-310 passes validation (finite, > 0); the rows must still be distributions (here one-hot on the argmax)
        var chain = LanguageModelChain.Build(new ContextFreeModel([0.2, 0.5, 0.3], 2), new DecodingOptions { Temperature = 1e-310 });
        var p = new double[3];
        for (long s = 0; s < chain.StateCount; s++)
        {
            chain.GetNextTokenProbabilities(s, p);
            p.Should().Equal(0.0, 1.0, 0.0);
        }
    }

    [Fact]
    public void Build_NaNTemperature_ThrowsNamingTemperature()
    {
        var act = () => LanguageModelChain.Build(new UniformModel(2, 2), new DecodingOptions { Temperature = double.NaN });
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("Temperature must be*");
    }

    [Fact]
    public void Build_TopKZero_ThrowsNamingTopK()
    {
        var act = () => LanguageModelChain.Build(new UniformModel(2, 2), new DecodingOptions { TopK = 0 });
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("TopK must be*");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    public void Build_TopPOutsideRange_ThrowsNamingTopP(double p)
    {
        var act = () => LanguageModelChain.Build(new UniformModel(2, 2), new DecodingOptions { TopP = p });
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("TopP must*");
    }

    [Fact]
    public void Build_ZeroDegreeOfParallelism_Throws()
    {
        var act = () => LanguageModelChain.Build(new UniformModel(2, 2), options: new ChainBuildOptions { MaxDegreeOfParallelism = 0 });
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(-1, 2)]
    [InlineData(2, 0)]
    [InlineData(2, -3)]
    public void Build_ModelWithNonPositiveSizes_ThrowsArgumentOutOfRange(int t, int k)
    {
        var act = () => LanguageModelChain.Build(new FixedSizeModel(t, k));
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("model");
    }

    [Fact]
    public void Build_ModelBeyondLong_ThrowsArgumentOutOfRange()
    {
        var act = () => LanguageModelChain.Build(new FixedSizeModel(50257, 2048));
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Build_ModelThrows_WrappedWithStateAndInnerException()
    {
        var act = () => LanguageModelChain.Build(new ThrowingModel());
        var e = act.Should().Throw<LanguageModelException>().Which;
        e.InnerException.Should().BeOfType<InvalidOperationException>().Which.Message.Should().Be("model failure");
        e.Message.Should().Contain("at state").And.Contain("model failure");
    }

    [Fact]
    public void Build_NullModel_ThrowsArgumentNull()
    {
        var act = () => LanguageModelChain.Build(null!);
        act.Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public void Build_BeyondMemoryLimit_ThrowsWithBytesAndStateCount()
    {
        // T = 2, K = 9: 1022 states, 1022 · 2 · 8 = 16352 bytes > 1000
        var act = () => LanguageModelChain.Build(new UniformModel(2, 9), options: new ChainBuildOptions { MemoryLimitBytes = 1000 });
        string message = act.Should().Throw<ArgumentException>().Which.Message;
        message.Should().Contain(1022.ToString("N0", CultureInfo.InvariantCulture));
        string[] byteForms = ["16352", "16,352", (16352 / 1024.0).ToString("0.##", CultureInfo.InvariantCulture) + " KiB"];
        message.Should().Match(m => byteForms.Any(m.Contains), "the message must give the bytes needed ({0})", string.Join(" or ", byteForms));
        message.Should().Contain("1000");
    }

    [Fact]
    public void Build_Float32BeyondMemoryLimit_ThrowsWithFloat32Bytes()
    {
        // 1022 · 2 · 4 = 8176 bytes
        var act = () => LanguageModelChain.Build(
            new UniformModel(2, 9),
            options: new ChainBuildOptions { MemoryLimitBytes = 8000, Precision = ProbabilityPrecision.Float32 });
        string message = act.Should().Throw<ArgumentException>().Which.Message;
        string[] byteForms = ["8176", "8,176", (8176 / 1024.0).ToString("0.##", CultureInfo.InvariantCulture) + " KiB"];
        message.Should().Match(m => byteForms.Any(m.Contains));
        LanguageModelChain.Build(new UniformModel(2, 9), options: new ChainBuildOptions { MemoryLimitBytes = 8176, Precision = ProbabilityPrecision.Float32 })
            .StateCount.Should().Be(1022);
    }

    [Fact]
    public void Build_TwoFortyDefaultLimit_FailsFastWithoutAllocating()
    {
        // 2^41 − 2 states · 2 · 8 bytes = 35 TB: refused before any table or any model call
        var model = new CountingModel(new UniformModel(2, 40));
        ArgumentException? error = null;
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            LanguageModelChain.Build(model);
        }
        catch (ArgumentException e)
        {
            error = e;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        error.Should().NotBeNull();
        string message = error!.Message;
        allocated.Should().BeLessThan(1 << 20);
        model.Calls.Should().Be(0);
        message.Should().Contain(((1L << 41) - 2).ToString("N0", CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Build_TwoFortyWithLimit_FailsFast()
    {
        var act = () => LanguageModelChain.Build(new UniformModel(2, 40), options: new ChainBuildOptions { MemoryLimitBytes = 1000 });
        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Build_Progress_EndsAtStateCountAndIsMonotone()
    {
        // T = 2, K = 13: 16382 states, several build chunks
        var progress = new RecordingProgress<Progress>();
        var chain = LanguageModelChain.Build(new UniformModel(2, 13), progress: progress);
        var reports = progress.Reports;
        reports.Should().NotBeEmpty();
        reports.Should().OnlyContain(r => r.Total == 16382 && r.Stage == "build");
        reports[^1].Done.Should().Be(16382);
        reports[^1].Fraction.Should().Be(1);
        reports.Select(r => r.Done).Should().BeInAscendingOrder();
        reports.Should().OnlyContain(r => r.Done > 0 && r.Done <= 16382);
        chain.StateCount.Should().Be(16382);
    }

    [Fact]
    public void Build_ProgressSerial_EndsAtStateCount()
    {
        var progress = new RecordingProgress<Progress>();
        LanguageModelChain.Build(new UniformModel(3, 3), options: new ChainBuildOptions { MaxDegreeOfParallelism = 1 }, progress: progress);
        progress.Reports.Should().NotBeEmpty();
        progress.Reports[^1].Should().Be(new Progress("build", 39, 39));
    }

    [Fact]
    public void Build_CancelledToken_ThrowsOperationCanceled()
    {
        using var source = new CancellationTokenSource();
        source.Cancel();
        var act = () => LanguageModelChain.Build(new UniformModel(2, 10), cancellationToken: source.Token);
        act.Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void Build_CancelledDuringBuild_ThrowsOperationCanceled()
    {
        using var source = new CancellationTokenSource();
        var model = new CancellingModel(new UniformModel(2, 14), source, cancelAfter: 100);
        var act = () => LanguageModelChain.Build(model, cancellationToken: source.Token);
        act.Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void Build_SerialAndParallel_SameProbabilities()
    {
        var model = new RandomLogitsModel(3, 7, 1.0, 2);
        var serial = LanguageModelChain.Build(model, options: new ChainBuildOptions { MaxDegreeOfParallelism = 1 });
        var parallel = LanguageModelChain.Build(model);
        var a = new double[3];
        var b = new double[3];
        for (long s = 0; s < serial.StateCount; s++)
        {
            serial.GetNextTokenProbabilities(s, a);
            parallel.GetNextTokenProbabilities(s, b);
            b.Should().Equal(a);
        }
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(14L)]
    public void GetRow_StateOutOfRange_Throws(long state)
    {
        var chain = LanguageModelChain.Build(new UniformModel(2, 3));
        chain.Invoking(c => c.GetRow(state, new long[2], new double[2])).Should().Throw<ArgumentOutOfRangeException>();
        chain.Invoking(c => c.GetNextTokenProbabilities(state, new double[2])).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Theory]
    [InlineData(-1L, 0L, "from")]
    [InlineData(14L, 0L, "from")]
    [InlineData(0L, 14L, "to")]
    [InlineData(0L, -1L, "to")]
    public void GetTransitionProbability_StateOutOfRange_ThrowsNamingParameter(long from, long to, string name)
    {
        var chain = LanguageModelChain.Build(new UniformModel(2, 3));
        chain.Invoking(c => c.GetTransitionProbability(from, to)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(name);
    }

    [Fact]
    public void RecurrentBlockGetRow_StateOutOfRange_Throws()
    {
        var chain = LanguageModelChain.Build(new UniformModel(2, 3));
        chain.RecurrentBlock.Invoking(b => b.GetRow(8, new long[2], new double[2])).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void GetRow_DestinationTooShort_Throws()
    {
        var chain = LanguageModelChain.Build(new UniformModel(3, 2));
        chain.Invoking(c => c.GetRow(0, new long[2], new double[3])).Should().Throw<ArgumentException>();
        chain.Invoking(c => c.GetNextTokenProbabilities(0, new double[2])).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Step_WrongLengths_Throws()
    {
        var chain = LanguageModelChain.Build(new UniformModel(2, 3));
        chain.Invoking(c => c.Step(new double[13], new double[14])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("distribution");
        chain.Invoking(c => c.Step(new double[14], new double[15])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("next");
        chain.RecurrentBlock.Invoking(c => c.Step(new double[14], new double[14])).Should().Throw<ArgumentException>();
    }

    /// <summary>A model that only declares sizes (never called in these tests).</summary>
    private sealed class FixedSizeModel(int t, int k) : ILanguageModel
    {
        public int VocabularySize => t;

        public int ContextWindow => k;

        public void GetNextTokenLogits(ReadOnlySpan<int> context, Span<double> logits) => logits.Clear();
    }

    /// <summary>A model whose every call fails.</summary>
    private sealed class ThrowingModel : ILanguageModel
    {
        public int VocabularySize => 2;

        public int ContextWindow => 2;

        public void GetNextTokenLogits(ReadOnlySpan<int> context, Span<double> logits) => throw new InvalidOperationException("model failure");
    }

    /// <summary>Counts calls to the wrapped model (and hides its internal interfaces).</summary>
    private sealed class CountingModel(ILanguageModel inner) : ILanguageModel
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public int VocabularySize => inner.VocabularySize;

        public int ContextWindow => inner.ContextWindow;

        public void GetNextTokenLogits(ReadOnlySpan<int> context, Span<double> logits)
        {
            Interlocked.Increment(ref _calls);
            inner.GetNextTokenLogits(context, logits);
        }
    }

    /// <summary>Cancels the token after a number of calls.</summary>
    private sealed class CancellingModel(ILanguageModel inner, CancellationTokenSource source, int cancelAfter) : ILanguageModel
    {
        private int _calls;

        public int VocabularySize => inner.VocabularySize;

        public int ContextWindow => inner.ContextWindow;

        public void GetNextTokenLogits(ReadOnlySpan<int> context, Span<double> logits)
        {
            if (Interlocked.Increment(ref _calls) == cancelAfter)
            {
                source.Cancel();
            }

            inner.GetNextTokenLogits(context, logits);
        }
    }
}
