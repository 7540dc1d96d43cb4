using System.Buffers.Binary;

namespace LlmChains.Gguf.Internals;

/// <summary>Encodes float32 values as the tensor types <see cref="GgufWriter"/> writes, and returns what a reader decodes.</summary>
internal static class GgufEncoder
{
    public static (byte[] Data, float[] Decoded) Encode(GgmlType type, ReadOnlySpan<float> values) => type switch
    {
        GgmlType.F32 => F32(values),
        GgmlType.F16 => F16(values),
        GgmlType.BF16 => BF16(values),
        GgmlType.Q8_0 => Q8_0(values),
        _ => throw new NotSupportedException($"The GGUF writer encodes F32, F16, BF16 and Q8_0, not {type}."),
    };

    private static (byte[] Data, float[] Decoded) F32(ReadOnlySpan<float> values)
    {
        var data = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), values[i]);
        }

        return (data, values.ToArray());
    }

    private static (byte[] Data, float[] Decoded) F16(ReadOnlySpan<float> values)
    {
        var data = new byte[values.Length * 2];
        var decoded = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            Half h = (Half)values[i];
            BinaryPrimitives.WriteHalfLittleEndian(data.AsSpan(2 * i), h);
            decoded[i] = (float)h;
        }

        return (data, decoded);
    }

    /// <summary>Round to nearest even on the upper 16 bits.</summary>
    private static (byte[] Data, float[] Decoded) BF16(ReadOnlySpan<float> values)
    {
        var data = new byte[values.Length * 2];
        var decoded = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            uint bits = BitConverter.SingleToUInt32Bits(values[i]);
            uint rounded = bits + 0x7FFF + ((bits >> 16) & 1);
            ushort upper = (ushort)(rounded >> 16);
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(2 * i), upper);
            decoded[i] = BitConverter.UInt32BitsToSingle((uint)upper << 16);
        }

        return (data, decoded);
    }

    /// <summary>Blocks of 32: d = max|x|/127 stored in F16, q = round(x/d) clamped to ±127 as int8; decoded q·d.</summary>
    private static (byte[] Data, float[] Decoded) Q8_0(ReadOnlySpan<float> values)
    {
        int blocks = values.Length / 32;
        var data = new byte[blocks * 34];
        var decoded = new float[values.Length];
        for (int b = 0; b < blocks; b++)
        {
            ReadOnlySpan<float> x = values.Slice(b * 32, 32);
            float amax = 0;
            foreach (float v in x)
            {
                amax = Math.Max(amax, Math.Abs(v));
            }

            Half d = (Half)(amax / 127f);
            float scale = (float)d;
            BinaryPrimitives.WriteHalfLittleEndian(data.AsSpan(b * 34), d);
            for (int j = 0; j < 32; j++)
            {
                int q = scale == 0 ? 0 : (int)Math.Clamp(MathF.Round(x[j] / scale), -127, 127);
                data[(b * 34) + 2 + j] = (byte)(sbyte)q;
                decoded[(b * 32) + j] = q * scale;
            }
        }

        return (data, decoded);
    }
}
