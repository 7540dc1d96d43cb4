using System.Buffers.Binary;
using System.Runtime.InteropServices;
using FluentAssertions;
using LlmChains.Gguf.Internals;

namespace LlmChains.Gguf.Tests.Internals;

/// <summary>
/// The C# block decoders against ggml's own reference <c>dequantize_row_*</c> functions, called in the libggml-base
/// shipped by LLamaSharp.Backend.Cpu (the portable "noavx" build), on random blocks with finite fp16 scales.
/// </summary>
public sealed unsafe class DequantizerTests
{
    public static TheoryData<GgmlType, string, int[]> Types => new()
    {
        { GgmlType.Q8_0, "dequantize_row_q8_0", [0] },
        { GgmlType.Q4_0, "dequantize_row_q4_0", [0] },
        { GgmlType.Q4_1, "dequantize_row_q4_1", [0, 2] },
        { GgmlType.Q5_0, "dequantize_row_q5_0", [0] },
        { GgmlType.Q5_1, "dequantize_row_q5_1", [0, 2] },
        { GgmlType.Q4_K, "dequantize_row_q4_K", [0, 2] },
        { GgmlType.Q5_K, "dequantize_row_q5_K", [0, 2] },
        { GgmlType.Q6_K, "dequantize_row_q6_K", [208] },
    };

    [Theory]
    [MemberData(nameof(Types))]
    public void Decode_RandomBlocks_MatchesGgmlReference(GgmlType type, string function, int[] halfOffsets)
    {
        var (blockSize, blockBytes) = GgmlTypeTraits.Of(type);
        const int blocks = 16;
        var random = new Random((int)type);
        byte[] data = new byte[blocks * blockBytes];
        random.NextBytes(data);
        for (int b = 0; b < blocks; b++)
        {
            foreach (int offset in halfOffsets)
            {
                BinaryPrimitives.WriteHalfLittleEndian(data.AsSpan((b * blockBytes) + offset), (Half)((random.NextDouble() * 4) - 2));
            }
        }

        var ours = new float[blocks * blockSize];
        Dequantizer.Decode(type, data, ours);

        var reference = new float[ours.Length];
        var decode = (delegate* unmanaged<byte*, float*, long, void>)NativeLibrary.GetExport(Ggml.Handle, function);
        fixed (byte* x = data)
        fixed (float* y = reference)
        {
            decode(x, y, reference.Length);
        }

        ours.Should().Equal(reference, (a, b) => Math.Abs(a - b) <= 1e-6f * Math.Max(1, Math.Abs(b)));
        ours.Should().Contain(v => v != 0);
    }

    [Fact]
    public void ReadRows_UnsupportedType_ThrowsNotSupported()
    {
        var act = () => Dequantizer.Decode(GgmlType.IQ2_XXS, new byte[66], new float[256]);
        act.Should().Throw<NotSupportedException>().WithMessage("*IQ2_XXS*");
        GgufFile.CanDequantize(GgmlType.Q6_K).Should().BeTrue();
        GgufFile.CanDequantize(GgmlType.Q2_K).Should().BeFalse();
    }

    private static class Ggml
    {
        public static readonly IntPtr Handle = Load();

        private static IntPtr Load()
        {
            string name = OperatingSystem.IsWindows() ? "ggml-base.dll" : OperatingSystem.IsMacOS() ? "libggml-base.dylib" : "libggml-base.so";
            string root = Path.Combine(AppContext.BaseDirectory, "runtimes");
            string? path = Directory.Exists(root)
                ? Directory.EnumerateFiles(root, name, SearchOption.AllDirectories).OrderBy(p => p.Contains("noavx", StringComparison.Ordinal) ? 0 : 1).FirstOrDefault()
                : null;
            return path is not null
                ? NativeLibrary.Load(path)
                : throw new Xunit.Sdk.XunitException($"No {name} under {root}: LLamaSharp.Backend.Cpu's native files were not copied to the test output.");
        }
    }
}
