using System.Buffers.Binary;
using LlmChains.Gguf;

namespace LlmChains.Gguf.Internals;

/// <summary>
/// Decodes ggml blocks to float32, following the layouts of ggml's reference <c>dequantize_row_*</c> functions
/// (little-endian; fp16 scales).
/// </summary>
internal static class Dequantizer
{
    /// <summary>Decodes <paramref name="destination"/>.Length elements (a whole number of blocks) from <paramref name="source"/>.</summary>
    internal static void Decode(GgmlType type, ReadOnlySpan<byte> source, Span<float> destination)
    {
        switch (type)
        {
            case GgmlType.F32:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(4 * i)..]);
                }

                break;
            case GgmlType.F16:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(source[(2 * i)..]);
                }

                break;
            case GgmlType.BF16:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source[(2 * i)..]) << 16);
                }

                break;
            case GgmlType.F64:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(source[(8 * i)..]);
                }

                break;
            case GgmlType.Q8_0:
                ForBlocks(source, destination, 34, 32, Q8_0);
                break;
            case GgmlType.Q4_0:
                ForBlocks(source, destination, 18, 32, Q4_0);
                break;
            case GgmlType.Q4_1:
                ForBlocks(source, destination, 20, 32, Q4_1);
                break;
            case GgmlType.Q5_0:
                ForBlocks(source, destination, 22, 32, Q5_0);
                break;
            case GgmlType.Q5_1:
                ForBlocks(source, destination, 24, 32, Q5_1);
                break;
            case GgmlType.Q4_K:
                ForBlocks(source, destination, 144, 256, Q4_K);
                break;
            case GgmlType.Q5_K:
                ForBlocks(source, destination, 176, 256, Q5_K);
                break;
            case GgmlType.Q6_K:
                ForBlocks(source, destination, 210, 256, Q6_K);
                break;
            default:
                throw new NotSupportedException(
                    $"Dequantizing ggml type {type} is not supported (supported: F32, F16, BF16, F64, Q8_0, Q4_0, " +
                    $"Q4_1, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K).");
        }
    }

    private delegate void BlockDecoder(ReadOnlySpan<byte> block, Span<float> y);

    private static void ForBlocks(ReadOnlySpan<byte> source, Span<float> destination, int blockBytes, int blockSize, BlockDecoder decode)
    {
        int blocks = destination.Length / blockSize;
        for (int b = 0; b < blocks; b++)
        {
            decode(source.Slice(b * blockBytes, blockBytes), destination.Slice(b * blockSize, blockSize));
        }
    }

    private static float Half(ReadOnlySpan<byte> bytes) => (float)BinaryPrimitives.ReadHalfLittleEndian(bytes);

    private static void Q8_0(ReadOnlySpan<byte> x, Span<float> y)
    {
        float d = Half(x);
        for (int j = 0; j < 32; j++)
        {
            y[j] = d * (sbyte)x[2 + j];
        }
    }

    private static void Q4_0(ReadOnlySpan<byte> x, Span<float> y)
    {
        float d = Half(x);
        ReadOnlySpan<byte> qs = x.Slice(2, 16);
        for (int j = 0; j < 16; j++)
        {
            y[j] = ((qs[j] & 0x0F) - 8) * d;
            y[j + 16] = ((qs[j] >> 4) - 8) * d;
        }
    }

    private static void Q4_1(ReadOnlySpan<byte> x, Span<float> y)
    {
        float d = Half(x);
        float m = Half(x[2..]);
        ReadOnlySpan<byte> qs = x.Slice(4, 16);
        for (int j = 0; j < 16; j++)
        {
            y[j] = ((qs[j] & 0x0F) * d) + m;
            y[j + 16] = ((qs[j] >> 4) * d) + m;
        }
    }

    private static void Q5_0(ReadOnlySpan<byte> x, Span<float> y)
    {
        float d = Half(x);
        uint qh = BinaryPrimitives.ReadUInt32LittleEndian(x[2..]);
        ReadOnlySpan<byte> qs = x.Slice(6, 16);
        for (int j = 0; j < 16; j++)
        {
            int h0 = (int)((qh >> j) << 4) & 0x10;
            int h1 = (int)(qh >> (j + 12)) & 0x10;
            y[j] = (((qs[j] & 0x0F) | h0) - 16) * d;
            y[j + 16] = (((qs[j] >> 4) | h1) - 16) * d;
        }
    }

    private static void Q5_1(ReadOnlySpan<byte> x, Span<float> y)
    {
        float d = Half(x);
        float m = Half(x[2..]);
        uint qh = BinaryPrimitives.ReadUInt32LittleEndian(x[4..]);
        ReadOnlySpan<byte> qs = x.Slice(8, 16);
        for (int j = 0; j < 16; j++)
        {
            int h0 = (int)((qh >> j) << 4) & 0x10;
            int h1 = (int)(qh >> (j + 12)) & 0x10;
            y[j] = (((qs[j] & 0x0F) | h0) * d) + m;
            y[j + 16] = (((qs[j] >> 4) | h1) * d) + m;
        }
    }

    /// <summary>The 6-bit scale and minimum of sub-block <paramref name="j"/> (0..7) from the 12 packed bytes.</summary>
    private static (int Scale, int Min) ScaleMinK4(int j, ReadOnlySpan<byte> q)
    {
        if (j < 4)
        {
            return (q[j] & 63, q[j + 4] & 63);
        }

        return ((q[j + 4] & 0x0F) | ((q[j - 4] >> 6) << 4), (q[j + 4] >> 4) | ((q[j] >> 6) << 4));
    }

    private static void Q4_K(ReadOnlySpan<byte> x, Span<float> y)
    {
        float d = Half(x);
        float min = Half(x[2..]);
        ReadOnlySpan<byte> scales = x.Slice(4, 12);
        ReadOnlySpan<byte> q = x.Slice(16, 128);
        int at = 0;
        for (int j = 0, sub = 0; j < 256; j += 64, sub += 2)
        {
            var (s1, m1) = ScaleMinK4(sub, scales);
            var (s2, m2) = ScaleMinK4(sub + 1, scales);
            float d1 = d * s1, mm1 = min * m1, d2 = d * s2, mm2 = min * m2;
            for (int l = 0; l < 32; l++)
            {
                y[at + l] = (d1 * (q[l] & 0x0F)) - mm1;
                y[at + 32 + l] = (d2 * (q[l] >> 4)) - mm2;
            }

            q = q[32..];
            at += 64;
        }
    }

    private static void Q5_K(ReadOnlySpan<byte> x, Span<float> y)
    {
        float d = Half(x);
        float min = Half(x[2..]);
        ReadOnlySpan<byte> scales = x.Slice(4, 12);
        ReadOnlySpan<byte> qh = x.Slice(16, 32);
        ReadOnlySpan<byte> ql = x.Slice(48, 128);
        int at = 0;
        int u1 = 1, u2 = 2;
        for (int j = 0, sub = 0; j < 256; j += 64, sub += 2)
        {
            var (s1, m1) = ScaleMinK4(sub, scales);
            var (s2, m2) = ScaleMinK4(sub + 1, scales);
            float d1 = d * s1, mm1 = min * m1, d2 = d * s2, mm2 = min * m2;
            for (int l = 0; l < 32; l++)
            {
                y[at + l] = (d1 * ((ql[l] & 0x0F) + ((qh[l] & u1) != 0 ? 16 : 0))) - mm1;
                y[at + 32 + l] = (d2 * ((ql[l] >> 4) + ((qh[l] & u2) != 0 ? 16 : 0))) - mm2;
            }

            ql = ql[32..];
            at += 64;
            u1 <<= 2;
            u2 <<= 2;
        }
    }

    private static void Q6_K(ReadOnlySpan<byte> x, Span<float> y)
    {
        ReadOnlySpan<byte> ql = x[..128];
        ReadOnlySpan<byte> qh = x.Slice(128, 64);
        ReadOnlySpan<byte> sc = x.Slice(192, 16);
        float d = Half(x[208..]);
        int at = 0;
        for (int n = 0; n < 256; n += 128)
        {
            for (int l = 0; l < 32; l++)
            {
                int s = l / 16;
                int q1 = ((ql[l] & 0x0F) | (((qh[l] >> 0) & 3) << 4)) - 32;
                int q2 = ((ql[l + 32] & 0x0F) | (((qh[l] >> 2) & 3) << 4)) - 32;
                int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                y[at + l] = d * (sbyte)sc[s] * q1;
                y[at + l + 32] = d * (sbyte)sc[s + 2] * q2;
                y[at + l + 64] = d * (sbyte)sc[s + 4] * q3;
                y[at + l + 96] = d * (sbyte)sc[s + 6] * q4;
            }

            at += 128;
            ql = ql[64..];
            qh = qh[32..];
            sc = sc[8..];
        }
    }
}
