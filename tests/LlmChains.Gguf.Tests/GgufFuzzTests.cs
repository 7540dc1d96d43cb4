using System.Buffers.Binary;
using System.Diagnostics;
using FluentAssertions;

namespace LlmChains.Gguf.Tests;

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
        var writer = TinyLlama.Build(5, new TinyLlamaOptions { TiedEmbeddings = true });
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
