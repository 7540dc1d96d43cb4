using System.Diagnostics;
using System.Globalization;
using System.Text;
using LlmChains.Chains;
using LlmChains.Gguf;
using LlmChains.LlamaSharp.Tests.Support;
using LlmChains.Models;
using Xunit.Abstractions;

namespace LlmChains.LlamaSharp.Tests;

/// <summary>
/// The numbers of docs/real-models.md: naive vs prefix-sharing construction on the fixture, and the cost of one token
/// evaluation as the model grows. Opt-in (they take minutes): LLMCHAINS_MEASURE=1 dotnet test --filter Measurements;
/// the table goes to the test output and to $TMPDIR/llmchains-real-models-measure.md.
/// </summary>
[Collection(LlamaTestGroup.Name)]
public sealed class Measurements(ModelFixture fixture, ITestOutputHelper output)
{
    [MeasurementFact]
    public void Measure_NaiveVersusPrefixSharing()
    {
        var table = new StringBuilder();
        table.AppendLine("| T | K | states | naive tokens/state | naive calls/state | naive µs/state (CPU) | shared tokens/state | shared calls/state | shared µs/state (CPU) | shared without leaf batching µs/state (CPU) | speed-up (CPU) | LanguageModelChain.Build wall µs/state, naive / shared |");
        table.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (t, k) in new[] { (2, 3), (2, 4), (2, 5), (2, 6), (3, 3), (3, 4), (3, 5), (3, 6) })
        {
            using var model = ModelFixture.Load(fixture.Plain, t, k, new LlamaSharpModelOptions { Threads = 1 });
            using var unbatched = ModelFixture.Load(fixture.Plain, t, k, new LlamaSharpModelOptions { Threads = 1, BatchLeafSiblings = false });
            var single = new ChainBuildOptions { MaxDegreeOfParallelism = 1 };
            long states = new StateSpace(t, k).StateCount;

            LanguageModelChain.Build(model); // warm-up
            var space = new StateSpace(t, k);
            var context = new int[k];
            var logits = new double[t];
            void Naive()
            {
                for (long state = 0; state < states; state++)
                {
                    int length = space.Unrank(state, context);
                    model.GetNextTokenLogits(context.AsSpan(0, length), logits);
                }
            }

            var naive = Time(model, Naive);
            var shared = Time(model, () => model.EvaluateAllContexts((_, _) => { }));
            var plain = Time(unbatched, () => unbatched.EvaluateAllContexts((_, _) => { }));
            var naiveBuild = Time(model, () => LanguageModelChain.Build(new Hidden(model), options: single));
            var sharedBuild = Time(model, () => LanguageModelChain.Build(model));
            table.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {t} | {k} | {states} | {naive.Tokens / (double)states:F2} | {naive.Calls / (double)states:F2} | {naive.Cpu / states:F0} | {shared.Tokens / (double)states:F3} | {shared.Calls / (double)states:F2} | {shared.Cpu / states:F0} | {plain.Cpu / states:F0} | {naive.Cpu / shared.Cpu:F1}× | {naiveBuild.Wall / states:F0} / {sharedBuild.Wall / states:F0} |"));
        }

        Report(table.ToString());
    }

    [MeasurementFact]
    public void Measure_TokenCostAgainstModelSize()
    {
        var table = new StringBuilder();
        table.AppendLine("| embedding r | layers | MLP m | weights (F16) | µs per 1-token call (CPU, 1 thread) | µs per call of T = 10 leaf tokens | ratio | GFLOP/s (2 × parameters per token) |");
        table.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var (r, layers, ff) in new[] { (32, 2, 64), (512, 4, 1408), (1024, 4, 2816), (2048, 2, 5632) })
        {
            string path = TestFiles.WriteTemp(Sized(r, layers, ff), $"sized-{r}.gguf");
            long bytes = GgufFile.Read(path).Tensors.Sum(x => x.ByteCount);
            try
            {
                // K = 1 walks: BOS + 10 one-token calls (no leaf batching), or BOS + one call of the 10 leaf tokens
                using var unbatched = ModelFixture.Load(path, 10, 1, new LlamaSharpModelOptions { Threads = 1, BatchLeafSiblings = false });
                using var batched = ModelFixture.Load(path, 10, 1, new LlamaSharpModelOptions { Threads = 1 });
                int repeats = r >= 1024 ? 3 : 30;
                var singles = Time(unbatched, () => { for (int i = 0; i < repeats; i++) { unbatched.EvaluateAllContexts((_, _) => { }); } }, runs: 3);
                var leaves = Time(batched, () => { for (int i = 0; i < repeats; i++) { batched.EvaluateAllContexts((_, _) => { }); } }, runs: 3);
                double one = singles.Cpu / repeats / 11;
                double leaf = (leaves.Cpu / repeats) - one;
                table.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {r} | {layers} | {ff} | {bytes / 1048576.0:F1} MiB | {one:F0} | {leaf:F0} | {leaf / one:F1} | {2.0 * bytes / 2 / (one * 1e-6) / 1e9:F1} |"));
            }
            finally
            {
                File.Delete(path);
            }
        }

        Report(table.ToString());
    }

    private static GgufWriter Sized(int r, int layers, int ff)
    {
        var random = new Random(1);
        string[] vocabulary = [.. TinyLlama.Vocabulary()];
        int n = vocabulary.Length;
        var writer = new GgufWriter();
        writer.Add("general.architecture", "llama").Add("llama.context_length", 64u).Add("llama.embedding_length", (uint)r)
            .Add("llama.block_count", (uint)layers).Add("llama.feed_forward_length", (uint)ff).Add("llama.attention.head_count", (uint)(r / 32))
            .Add("llama.attention.head_count_kv", (uint)(r / 32)).Add("llama.attention.layer_norm_rms_epsilon", 1e-5f)
            .Add("tokenizer.ggml.model", "llama").Add("tokenizer.ggml.tokens", vocabulary)
            .Add("tokenizer.ggml.scores", Enumerable.Range(0, n).Select(i => -(float)i).ToArray())
            .Add("tokenizer.ggml.token_type", Enumerable.Range(0, n).Select(i => i switch { 0 => 2, 1 or 2 => 3, 3 => 6, _ => 1 }).ToArray())
            .Add("tokenizer.ggml.bos_token_id", 1u).Add("tokenizer.ggml.eos_token_id", 2u).Add("tokenizer.ggml.add_bos_token", true);
        float[] Random(long count, double scale) { var a = new float[count]; for (long i = 0; i < count; i++) { a[i] = (float)(((random.NextDouble() * 2) - 1) * scale); } return a; }
        float[] Ones(long count) => Enumerable.Repeat(1f, (int)count).ToArray();
        double s = 1 / Math.Sqrt(r);
        writer.AddTensor("token_embd.weight", [r, n], GgmlType.F32, Random((long)r * n, 1));
        writer.AddTensor("output_norm.weight", [r], GgmlType.F32, Ones(r));
        writer.AddTensor("output.weight", [r, n], GgmlType.F16, Random((long)r * n, s));
        for (int l = 0; l < layers; l++)
        {
            writer.AddTensor($"blk.{l}.attn_norm.weight", [r], GgmlType.F32, Ones(r));
            foreach (string part in new[] { "attn_q", "attn_k", "attn_v", "attn_output" })
            {
                writer.AddTensor($"blk.{l}.{part}.weight", [r, r], GgmlType.F16, Random((long)r * r, s));
            }

            writer.AddTensor($"blk.{l}.ffn_norm.weight", [r], GgmlType.F32, Ones(r));
            writer.AddTensor($"blk.{l}.ffn_gate.weight", [r, ff], GgmlType.F16, Random((long)r * ff, s));
            writer.AddTensor($"blk.{l}.ffn_up.weight", [r, ff], GgmlType.F16, Random((long)r * ff, s));
            writer.AddTensor($"blk.{l}.ffn_down.weight", [ff, r], GgmlType.F16, Random((long)r * ff, s));
        }

        return writer;
    }

    /// <summary>
    /// The best of five runs (the machine is shared) of the wall time and of the calling thread's on-CPU time (llama.cpp
    /// with one thread computes on the calling thread; on-CPU time does not grow when other processes compete), in µs,
    /// with the counters of one run.
    /// </summary>
    private static (double Wall, double Cpu, long Tokens, long Calls) Time(LlamaSharpLanguageModel model, Action build, int runs = 5)
    {
        double wall = double.MaxValue, cpu = double.MaxValue;
        long tokens = 0, calls = 0;
        for (int run = 0; run < runs; run++)
        {
            model.ResetCounters();
            double cpuStart = ThreadCpuMicroseconds();
            var clock = Stopwatch.StartNew();
            build();
            wall = Math.Min(wall, clock.Elapsed.TotalMicroseconds);
            cpu = Math.Min(cpu, ThreadCpuMicroseconds() - cpuStart);
            (tokens, calls) = (model.TokenEvaluations, model.DecodeCalls);
        }

        return (wall, cpu, tokens, calls);
    }

    /// <summary>The current thread's on-CPU time (clock_gettime(CLOCK_THREAD_CPUTIME_ID)), in µs.</summary>
    private static double ThreadCpuMicroseconds()
    {
        const int threadCpuTime = 3;
        return ClockGetTime(threadCpuTime, out Timespec now) == 0 ? (now.Seconds * 1e6) + (now.Nanoseconds / 1e3) : double.NaN;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out Timespec time);

    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private void Report(string table)
    {
        string header = string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} processors, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, load average {LoadAverage()}\n\n");
        output.WriteLine(header + table);
        File.AppendAllText(Path.Combine(Path.GetTempPath(), "llmchains-real-models-measure.md"), header + table + "\n");
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private sealed class Hidden(ILanguageModel inner) : ILanguageModel
    {
        public int VocabularySize => inner.VocabularySize;

        public int ContextWindow => inner.ContextWindow;

        public void GetNextTokenLogits(ReadOnlySpan<int> context, Span<double> logits) => inner.GetNextTokenLogits(context, logits);
    }
}

/// <summary>A measurement, not a test: reported as skipped unless LLMCHAINS_MEASURE=1.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class MeasurementFactAttribute : FactAttribute
{
    /// <summary>Skips the measurement unless LLMCHAINS_MEASURE=1.</summary>
    public MeasurementFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("LLMCHAINS_MEASURE") != "1")
        {
            Skip = "Measurement (minutes): run with LLMCHAINS_MEASURE=1";
        }
    }
}
