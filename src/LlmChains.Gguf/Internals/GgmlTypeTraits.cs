using LlmChains.Gguf;

namespace LlmChains.Gguf.Internals;

/// <summary>Block size (elements) and block byte size of every ggml type the reader knows (ggml's type traits).</summary>
internal static class GgmlTypeTraits
{
    private const int QK = 256; // QK_K, the K-quant super-block

    /// <summary>Returns (elements per block, bytes per block), or (0, 0) for an unknown type id.</summary>
    internal static (int BlockSize, int BlockBytes) Of(GgmlType type) => type switch
    {
        GgmlType.F32 => (1, 4),
        GgmlType.F16 => (1, 2),
        GgmlType.Q4_0 => (32, 18),
        GgmlType.Q4_1 => (32, 20),
        GgmlType.Q5_0 => (32, 22),
        GgmlType.Q5_1 => (32, 24),
        GgmlType.Q8_0 => (32, 34),
        GgmlType.Q8_1 => (32, 36),
        GgmlType.Q2_K => (QK, 84),
        GgmlType.Q3_K => (QK, 110),
        GgmlType.Q4_K => (QK, 144),
        GgmlType.Q5_K => (QK, 176),
        GgmlType.Q6_K => (QK, 210),
        GgmlType.Q8_K => (QK, 292),
        GgmlType.IQ2_XXS => (QK, 66),
        GgmlType.IQ2_XS => (QK, 74),
        GgmlType.IQ3_XXS => (QK, 98),
        GgmlType.IQ1_S => (QK, 50),
        GgmlType.IQ4_NL => (32, 18),
        GgmlType.IQ3_S => (QK, 110),
        GgmlType.IQ2_S => (QK, 82),
        GgmlType.IQ4_XS => (QK, 136),
        GgmlType.I8 => (1, 1),
        GgmlType.I16 => (1, 2),
        GgmlType.I32 => (1, 4),
        GgmlType.I64 => (1, 8),
        GgmlType.F64 => (1, 8),
        GgmlType.IQ1_M => (QK, 56),
        GgmlType.BF16 => (1, 2),
        GgmlType.TQ1_0 => (QK, 54),
        GgmlType.TQ2_0 => (QK, 66),
        GgmlType.MXFP4 => (32, 17),
        _ => (0, 0),
    };

    /// <summary>Whether <see cref="Dequantizer"/> can decode the type.</summary>
    internal static bool CanDequantize(GgmlType type) => type is GgmlType.F32 or GgmlType.F16 or GgmlType.BF16 or GgmlType.F64
        or GgmlType.Q8_0 or GgmlType.Q4_0 or GgmlType.Q4_1 or GgmlType.Q5_0 or GgmlType.Q5_1
        or GgmlType.Q4_K or GgmlType.Q5_K or GgmlType.Q6_K;
}
