using System.Buffers.Binary;
using System.Diagnostics;
using FluentAssertions;
using LlmChains.LlamaSharp.Gguf;
using LlmChains.LlamaSharp.Tests.Support;

namespace LlmChains.LlamaSharp.Tests.Gguf;

public sealed class GgufFuzzTests
{
    private const int Mutations = 4000;

    /// <summary>
    /// Thousands of seeded mutations of a valid small model file (bit flips, random bytes, huge 64-bit values, cuts,
    /// insertions, deletions): parsing either succeeds or throws <see cref="GgufFormatException"/>; when it succeeds,
    /// computing the norms from the data throws nothing else either (or <see cref="NotSupportedException"/> for a tensor
    /// type the reader does not dequantize). Each parse is bounded in time, and allocations stay small.
    /// </summary>
    [Fact]
    public void Read_SeededMutationsOfAValidFile_ThrowOnlyFormatExceptions()
    {
        var writer = TinyLlama.Build(seed: 5, tied: true);
        writer.AddTensor("blk.0.extra_q8.weight", [64, 2], GgmlType.Q8_0, Enumerable.Range(0, 128).Select(i => i / 100f).ToArray());
        writer.AddTensor("blk.0.extra_bf16.weight", [8, 2], GgmlType.BF16, Enumerable.Range(0, 16).Select(i => i / 10f).ToArray());
        byte[] original = writer.ToBytes();
        int headerEnd = (int)GgufFile.Read(new MemoryStream(original)).DataOffset;
        var random = new Random(20260101);
        var total = Stopwatch.StartNew();
        var slowest = TimeSpan.Zero;
        int parsed = 0, rejected = 0;
        var unexpected = new List<string>();

        for (int m = 0; m < Mutations; m++)
        {
            byte[] bytes = Mutate(original, headerEnd, random);
            var clock = Stopwatch.StartNew();
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                var file = GgufFile.Read(new MemoryStream(bytes, writable: false));
                parsed++;
                try
                {
                    _ = GgufNorms.WeightNorms(file);
                }
                catch (NotSupportedException)
                {
                }
            }
            catch (GgufFormatException)
            {
                rejected++;
            }
#pragma warning disable CA1031 // the point of the test: record any other exception type
            catch (Exception e)
#pragma warning restore CA1031
            {
                unexpected.Add($"mutation {m}: {e.GetType().Name}: {e.Message}");
            }

            slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
            (GC.GetAllocatedBytesForCurrentThread() - allocated).Should().BeLessThan(64L << 20, $"mutation {m} must not allocate much");
        }

        unexpected.Should().BeEmpty();
        rejected.Should().BeGreaterThan(Mutations / 4);
        parsed.Should().BeGreaterThan(0);
        slowest.Should().BeLessThan(TimeSpan.FromSeconds(2), "no input may make the reader hang");
        total.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(40));
    }

    /// <summary>
    /// One test per hyper-parameter llama.cpp would abort on (without validation: a GGML_ASSERT, a division by zero or
    /// NaN logits): loaded through <see cref="LlamaSharpLanguageModel.Load"/> in a child process, the file is rejected
    /// with a one-line message naming the key.
    /// </summary>
    [Theory]
    [MemberData(nameof(RejectedCaseNames))]
    public void Load_HyperParameterLlamaCppAbortsOn_ThrowsNamingTheKey(string name)
    {
        var (_, key) = HyperParameterCases.Rejected.Single(c => c.Case.Name == name);
        ProbeOutcome outcome = RejectedOutcomes.Value[name];

        outcome.IsAcceptable.Should().BeTrue($"{name} must not abort the process: {outcome}");
        outcome.Kind.Should().Be(ProbeKind.Thrown, outcome.ToString());
        outcome.Message.Should().Contain(key, outcome.ToString());
    }

    /// <summary>
    /// A bounded, seeded fuzz of the whole path (reader, validation, llama.cpp's loader, evaluation): every single
    /// hyper-parameter mutation of <see cref="HyperParameterCases"/> (zero, negative, huge, NaN, ±∞, wrong types, missing
    /// keys, arrays of the wrong length, tensors inconsistent with the hyper-parameters) and random combinations of two
    /// or three, each loaded in a child process: it loads and gives finite logits, or throws one of our exceptions with a
    /// one-line message; it never ends the process.
    /// </summary>
    [Fact]
    public void Load_SeededHyperParameterMutations_LoadOrThrowOurExceptionsNeverAbort()
    {
        var random = new Random(20260214);
        var singles = HyperParameterCases.All;
        var cases = new List<HyperParameterCase>(singles);
        for (int i = 0; i < 150; i++)
        {
            var picked = Enumerable.Range(0, 2 + random.Next(2)).Select(_ => singles[random.Next(singles.Count)]).DistinctBy(c => c.Name).ToArray();
            cases.Add(new HyperParameterCase(string.Join(" + ", picked.Select(c => c.Name)), w => Array.ForEach(picked, c => c.Mutate(w))));
        }

        var outcomes = HyperParameterCases.Probe(cases, "fuzz");

        if (Environment.GetEnvironmentVariable("LLMCHAINS_FUZZ_REPORT") is { Length: > 0 } report)
        {
            File.WriteAllLines(report, outcomes.Select(o => $"{o.Case.Name}\t{o.Outcome.Kind}\t{o.Outcome.ExceptionType}\t{o.Outcome.Message}\t{o.Outcome.NativeOutput}"));
        }

        var bad = outcomes.Where(o => !o.Outcome.IsAcceptable).Select(o => $"{o.Case.Name}: {o.Outcome}").ToArray();
        bad.Should().BeEmpty(string.Join(Environment.NewLine, bad));
        outcomes.Count(o => o.Outcome.Kind == ProbeKind.Loaded).Should().BeGreaterThan(0, "some mutations are valid models");
        outcomes.Count(o => o.Outcome.Kind == ProbeKind.Thrown).Should().BeGreaterThan(cases.Count / 3);
    }

    public static TheoryData<string> RejectedCaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var (c, _) in HyperParameterCases.Rejected)
        {
            data.Add(c.Name);
        }

        return data;
    }

    private static readonly Lazy<Dictionary<string, ProbeOutcome>> RejectedOutcomes = new(
        () => HyperParameterCases.Probe(HyperParameterCases.Rejected.Select(r => r.Case).ToArray(), "rejected").ToDictionary(o => o.Case.Name, o => o.Outcome));

    private static byte[] Mutate(byte[] original, int headerEnd, Random random)
    {
        byte[] bytes = (byte[])original.Clone();
        int edits = 1 + random.Next(4);
        for (int e = 0; e < edits; e++)
        {
            // mostly the header, where the structure is; sometimes anywhere
            int limit = random.Next(4) == 0 ? bytes.Length : Math.Min(headerEnd, bytes.Length);
            if (limit < 9)
            {
                break;
            }

            int at = random.Next(limit - 8);
            switch (random.Next(7))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 2:
                    BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), random.Next(3) switch { 0 => ulong.MaxValue, 1 => 1UL << random.Next(64), _ => (ulong)random.NextInt64() });
                    break;
                case 3:
                    BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), (uint)random.Next(40));
                    break;
                case 4:
                    bytes = bytes[..random.Next(bytes.Length)];
                    break;
                case 5:
                    bytes = [.. bytes[..at], .. Enumerable.Range(0, 1 + random.Next(16)).Select(_ => (byte)random.Next(256)), .. bytes[at..]];
                    break;
                default:
                    bytes = [.. bytes[..at], .. bytes[Math.Min(bytes.Length, at + 1 + random.Next(16))..]];
                    break;
            }
        }

        return bytes;
    }
}
