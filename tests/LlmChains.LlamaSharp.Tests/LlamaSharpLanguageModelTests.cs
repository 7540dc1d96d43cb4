using FluentAssertions;
using LlmChains.Analysis;
using LlmChains.Analysis.Convergence;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Gguf;
using LlmChains.LlamaSharp.Tests.Support;
using LlmChains.Models;

namespace LlmChains.LlamaSharp.Tests;

[Collection(LlamaTestGroup.Name)]
public sealed class LlamaSharpLanguageModelTests(ModelFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void Load_TinyLlama_DescribesTheModelAndTheSubset()
    {
        using var model = ModelFixture.Load(fixture.Plain, states: 3, contextWindow: 4);

        model.VocabularySize.Should().Be(3);
        model.ContextWindow.Should().Be(4);
        model.ModelVocabularySize.Should().Be(24);
        model.ModelContextLength.Should().Be(TinyLlama.ContextLength);
        model.TokenIds.Should().Equal(TinyLlama.DigitId(0), TinyLlama.DigitId(1), TinyLlama.DigitId(2));
        model.TokenPieces.Should().Equal("0", "1", "2");
        model.BosToken.Should().Be(1);
        model.Threads.Should().Be(1);
        model.File.Architecture.Should().Be("llama");
        model.ToString().Should().Contain("T = 3, K = 4");
    }

    [Fact]
    public void GetNextTokenLogits_SameContextTwice_IsDeterministicAndFinite()
    {
        using var model = ModelFixture.Load(fixture.Plain, states: 3, contextWindow: 4);
        var first = new double[3];
        var second = new double[3];
        var other = new double[3];
        model.GetNextTokenLogits([2, 0, 1], first);
        model.GetNextTokenLogits([1], other);
        model.GetNextTokenLogits([2, 0, 1], second);

        first.Should().OnlyContain(x => double.IsFinite(x));
        second.Should().Equal(first);
        other.Should().NotEqual(first);
    }

    [Fact]
    public void GetNextTokenLogits_ThreadCount_DoesNotChangeTheLogits()
    {
        using var one = ModelFixture.Load(fixture.Plain, states: 3, contextWindow: 4, new LlamaSharpModelOptions { Threads = 1 });
        using var two = ModelFixture.Load(fixture.Plain, states: 3, contextWindow: 4, new LlamaSharpModelOptions { Threads = 2 });
        two.Threads.Should().Be(2);
        var a = new double[3];
        var b = new double[3];
        foreach (int[] context in new[] { new[] { 0 }, [1, 2], [2, 2, 0, 1] })
        {
            one.GetNextTokenLogits(context, a);
            two.GetNextTokenLogits(context, b);
            b.Should().Equal(a, (x, y) => Math.Abs(x - y) <= 1e-5);
        }
    }

    [Fact]
    public void GetNextTokenLogits_AreTheModelsFullLogitsOfTheSubsetTokens()
    {
        using var digits = ModelFixture.Load(fixture.Plain, states: 3, contextWindow: 3);
        using var reordered = LlamaSharpLanguageModel.Load(fixture.Plain, TokenSubset.FromIds([TinyLlama.DigitId(2), TinyLlama.DigitId(0), 19]), 3, new LlamaSharpModelOptions { Threads = 1 });
        var a = new double[3];
        var b = new double[3];
        digits.GetNextTokenLogits([0, 1], a);           // context "0","1"
        reordered.GetNextTokenLogits([1, 2], b);        // the same tokens: state 1 = "0"; but state 2 = "d"
        reordered.GetNextTokenLogits([1, 0], b);        // "0","2": another context
        reordered.TokenPieces.Should().Equal("2", "0", TinyLlama.Vocabulary()[19]);
        digits.GetNextTokenLogits([0, 2], a);
        b[0].Should().BeApproximately(a[2], 1e-5);      // logit of "2"
        b[1].Should().BeApproximately(a[0], 1e-5);      // logit of "0"
    }

    [Theory]
    [InlineData(2, 3, true)]
    [InlineData(2, 6, true)]
    [InlineData(3, 3, true)]
    [InlineData(3, 5, true)]
    [InlineData(2, 6, false)]
    [InlineData(3, 4, false)]
    public void Build_PrefixSharing_MatchesNaiveLogitsAndCountsOneEvaluationPerState(int t, int k, bool singlePrecision)
    {
        // F32 weights: the two paths agree to 1e-4. F16 weights: ggml rounds the activations to F16 before each product,
        // so a batched and an incremental evaluation differ by up to ~1e-3 (llama.cpp's own noise, not the walk's).
        double tolerance = singlePrecision ? 1e-4 : 2e-3;
        using var model = ModelFixture.Load(singlePrecision ? fixture.SinglePrecision : fixture.Plain, states: t, contextWindow: k);
        var states = new StateSpace(t, k);
        var naive = new double[states.StateCount * t];
        var context = new int[k];
        model.ResetCounters();
        for (long s = 0; s < states.StateCount; s++)
        {
            int length = states.Unrank(s, context);
            model.GetNextTokenLogits(context.AsSpan(0, length), naive.AsSpan((int)(s * t), t));
        }

        long naiveTokens = model.TokenEvaluations;
        naive.Should().OnlyContain(x => double.IsFinite(x));
        model.ResetCounters();
        var shared = new double[states.StateCount * t];
        int visits = 0;
        model.EvaluateAllContexts((ctx, logits) =>
        {
            visits++;
            logits.CopyTo(shared.AsSpan((int)(states.Rank(ctx) * t), t));
        });

        visits.Should().Be((int)states.StateCount);
        model.TokenEvaluations.Should().Be(states.StateCount + 1, "one token per state, plus the BOS token once");
        naiveTokens.Should().Be(Enumerable.Range(1, k).Sum(l => (long)(l + 1) * (long)Math.Pow(t, l)));
        model.DecodeCalls.Should().BeLessThan(states.StateCount, "the T leaves of a node share one call");
        double worst = 0;
        for (int i = 0; i < naive.Length; i++)
        {
            shared[i].Should().BeApproximately(naive[i], tolerance, $"logit {i % t} of state {i / t}");
            worst = Math.Max(worst, Math.Abs(shared[i] - naive[i]));
        }

        output.WriteLine(FormattableString.Invariant($"T = {t}, K = {k}, {(singlePrecision ? "F32" : "F16")} weights: largest |naive − shared| logit difference {worst:E2}"));
    }

    [Fact]
    public void Build_AllTenDigits_WorksWithManySequences()
    {
        // T + 1 = 11 llama.cpp sequences: the batch must be at least as large, or llama.cpp aborts the process
        using var model = ModelFixture.Load(fixture.SinglePrecision, states: 10, contextWindow: 2);
        var chain = LanguageModelChain.Build(model);
        chain.StateCount.Should().Be(110);
        var expected = new double[10];
        var probabilities = new double[10];
        model.GetNextTokenLogits([9, 3], expected);
        DecodingOptions.Default.Apply(expected, expected);
        chain.GetNextTokenProbabilities(chain.States.Rank([9, 3]), probabilities);
        probabilities.Should().Equal(expected, (a, b) => Math.Abs(a - b) <= 1e-5);
        model.PredictInContext([1, 2, 3, 4, 5, 6, 7, 8, 9, 0]).Encoding.Should().Be(PromptEncoding.Concatenated);
    }

    [Fact]
    public void Build_WithoutLeafBatchingOrBos_StillMatchesNaive()
    {
        using var model = ModelFixture.Load(fixture.SinglePrecision, states: 2, contextWindow: 3, new LlamaSharpModelOptions { Threads = 1, BatchLeafSiblings = false, PrependBos = false });
        model.BosToken.Should().BeNull();
        var viaBuild = LanguageModelChain.Build(model);
        var naive = LanguageModelChain.Build(new ContextByContext(model));
        var a = new double[2];
        var b = new double[2];
        for (long s = 0; s < naive.StateCount; s++)
        {
            naive.GetNextTokenProbabilities(s, a);
            viaBuild.GetNextTokenProbabilities(s, b);
            b.Should().Equal(a, (x, y) => Math.Abs(x - y) <= 1e-5);
        }
    }

    [Fact]
    public void Build_RealModelChain_AnalysesEndToEnd()
    {
        using var model = ModelFixture.Load(fixture.Plain, states: 3, contextWindow: 4);
        var chain = LanguageModelChain.Build(model);

        chain.StateCount.Should().Be(3 + 9 + 27 + 81);
        var row = new double[3];
        for (long s = 0; s < chain.StateCount; s++)
        {
            chain.GetNextTokenProbabilities(s, row);
            row.Sum().Should().BeApproximately(1, 1e-12);
            row.Should().OnlyContain(p => p > 0);
        }

        var structure = ChainStructure.Analyze(chain);
        structure.IsErgodicUnichain.Should().BeTrue();
        structure.RecurrentStateCount.Should().Be(81);

        var stationary = StationaryDistribution.Compute(chain);
        stationary.Residual.Should().BeLessThan(1e-10);
        double[] pi = stationary.Distribution;
        pi.Sum().Should().BeApproximately(1, 1e-9);
        pi.Take(39).Should().OnlyContain(p => p == 0, "π vanishes on the transient (shorter) states");

        var epsilon = ConvergenceBound.Epsilon(chain);
        epsilon.Epsilon.Should().BeInRange(double.Epsilon, 1.0 / 81);

        var curve = TotalVariation.WorstCaseDistances(chain, pi, 30);
        curve.Distances[0].Should().BeInRange(0.5, 1);
        curve.Distances.Zip(curve.Distances.Skip(1)).Should().OnlyContain(p => p.Second <= p.First + 1e-12);
        curve.Distances[^1].Should().BeLessThan(curve.Distances[0]);
    }

    [Fact]
    public void Build_Cancelled_ThrowsAndTheModelStaysUsable()
    {
        using var model = ModelFixture.Load(fixture.Plain, states: 2, contextWindow: 4);
        using var cancellation = new CancellationTokenSource();
        int seen = 0;
        var progress = new ActionProgress(_ =>
        {
            if (++seen == 2)
            {
                cancellation.Cancel();
            }
        });
        var act = () => LanguageModelChain.Build(model, progress: progress, cancellationToken: cancellation.Token);
        act.Should().Throw<OperationCanceledException>();

        var logits = new double[2];
        var again = new double[2];
        model.GetNextTokenLogits([1, 0], logits);
        using var fresh = ModelFixture.Load(fixture.Plain, states: 2, contextWindow: 4);
        fresh.GetNextTokenLogits([1, 0], again);
        logits.Should().Equal(again);
    }

    [Fact]
    public void Load_BadInputs_FailClearly()
    {
        string missing = Path.Combine(Path.GetTempPath(), "llmchains-no-such.gguf");
        ((Action)(() => LlamaSharpLanguageModel.Load(missing, TokenSubset.Digits(2), 3))).Should().Throw<FileNotFoundException>();
        ((Action)(() => LlamaSharpLanguageModel.Load(fixture.Plain, TokenSubset.FromPieces(["0", "zz"]), 3))).Should().Throw<ArgumentException>().WithMessage("*'zz' is not in the vocabulary*");
        ((Action)(() => LlamaSharpLanguageModel.Load(fixture.Plain, TokenSubset.FromIds([0, 99]), 3))).Should().Throw<ArgumentException>().WithMessage("*99*outside*");
        ((Action)(() => LlamaSharpLanguageModel.Load(fixture.Plain, TokenSubset.Digits(2), TinyLlama.ContextLength))).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*training context*")
            .Which.Message.Should().NotContainAny(["(Parameter", "Actual value", "\n"], "the CLI shows it as one line");

        string corrupt = Path.Combine(Path.GetTempPath(), $"llmchains-corrupt-{Environment.ProcessId}.gguf");
        byte[] bytes = File.ReadAllBytes(fixture.Plain);
        File.WriteAllBytes(corrupt, bytes[..(bytes.Length / 2)]);
        try
        {
            ((Action)(() => LlamaSharpLanguageModel.Load(corrupt, TokenSubset.Digits(2), 3))).Should().Throw<GgufFormatException>().WithMessage("*-byte file*");
        }
        finally
        {
            File.Delete(corrupt);
        }
    }

    /// <summary>
    /// llama.cpp does not bound the thread count: 100,000 threads overflow its stack in the first decode, 2·10⁹ throw
    /// std::bad_alloc, both ending the process. The options are checked first, with a one-line message.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(100_000)]
    [InlineData(2_000_000_000)]
    public void Load_ThreadsOutsideTheMachine_ThrowsArgumentExceptionWithTheRange(int threads)
    {
        var e = Assert.Throws<ArgumentException>(() => LlamaSharpLanguageModel.Load(fixture.Plain, TokenSubset.Digits(2), 2, new LlamaSharpModelOptions { Threads = threads }));

        e.Message.Should().Be(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Threads must be between 1 and {LlamaSharpModelOptions.MaxThreads} on this machine (4 per processor, {Environment.ProcessorCount} processors); got {threads}."));
        e.ParamName.Should().BeNull();
    }

    [Fact]
    public void Load_MaxThreads_LoadsAndEvaluates()
    {
        LlamaSharpModelOptions.MaxThreads.Should().Be(Math.Min(4 * Environment.ProcessorCount, 512));
        using var model = ModelFixture.Load(fixture.Plain, states: 2, contextWindow: 2, new LlamaSharpModelOptions { Threads = LlamaSharpModelOptions.MaxThreads });
        var logits = new double[2];
        model.GetNextTokenLogits([1, 0], logits);

        model.Threads.Should().Be(LlamaSharpModelOptions.MaxThreads);
        logits.Should().OnlyContain(x => double.IsFinite(x));
    }

    [Fact]
    public void NativeFailure_IsReportedAsAModelLoadExceptionWithAHint()
    {
        var failure = LlmChains.LlamaSharp.Internals.NativeBackend.Failure(new TypeInitializationException("LLama.Native.NativeApi", new DllNotFoundException("libllama.so: cannot open shared object file")));
        failure.Should().BeOfType<ModelLoadException>();
        failure.Message.Should().Contain("native library").And.Contain("DllNotFoundException").And.Contain("LLamaSharp.Backend.Cpu");
        failure.Should().BeAssignableTo<IOException>("the CLI reports IOExceptions as one line with exit code 1");
    }

    [Fact]
    public void TokenSubset_Parse_AcceptsTextsIdsAndDigits()
    {
        TokenSubset.Parse("0,1").Pieces.Should().Equal("0", "1");
        TokenSubset.Parse(" id:15 , id:16 ").Ids.Should().Equal(15, 16);
        TokenSubset.Parse("digits:3").Pieces.Should().Equal("0", "1", "2");
        ((Action)(() => TokenSubset.Parse("0,,1"))).Should().Throw<FormatException>();
        ((Action)(() => TokenSubset.Parse("1,1"))).Should().Throw<FormatException>().WithMessage("*repeats*");
        ((Action)(() => TokenSubset.Parse("digits:11"))).Should().Throw<FormatException>();
        ((Action)(() => TokenSubset.Parse("id:x"))).Should().Throw<FormatException>();
        TokenSubset.Parse("id:3,id:4").ToString().Should().Be("id:3,id:4");
    }

    /// <summary>Hides the prefix-sharing interface, so the chain builder takes the context-by-context path.</summary>
    private sealed class ContextByContext(ILanguageModel inner) : ILanguageModel
    {
        public int VocabularySize => inner.VocabularySize;

        public int ContextWindow => inner.ContextWindow;

        public void GetNextTokenLogits(ReadOnlySpan<int> context, Span<double> logits) => inner.GetNextTokenLogits(context, logits);
    }

    private sealed class ActionProgress(Action<Progress> action) : IProgress<Progress>
    {
        public void Report(Progress value) => action(value);
    }
}
