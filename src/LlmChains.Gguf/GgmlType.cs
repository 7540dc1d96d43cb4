namespace LlmChains.Gguf;

/// <summary>
/// The storage type of a tensor (<c>ggml_type</c>). The reader knows the block size and byte size of every type
/// listed, so it validates every tensor's extent; <see cref="GgufFile.ReadRows"/> dequantizes F32, F16, BF16, F64,
/// Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K and Q6_K.
/// </summary>
#pragma warning disable CA1707 // the names are ggml's own (Q4_K, IQ2_XXS, …), as users see them in model file names
public enum GgmlType
{
    /// <summary>32-bit float.</summary>
    F32 = 0,

    /// <summary>IEEE half precision.</summary>
    F16 = 1,

    /// <summary>Blocks of 32: fp16 scale, 16 bytes of 4-bit values (offset 8).</summary>
    Q4_0 = 2,

    /// <summary>Blocks of 32: fp16 scale and minimum, 16 bytes of 4-bit values.</summary>
    Q4_1 = 3,

    /// <summary>Blocks of 32: fp16 scale, 32 high bits, 16 bytes of low nibbles (offset 16).</summary>
    Q5_0 = 6,

    /// <summary>Blocks of 32: fp16 scale and minimum, 32 high bits, 16 bytes of low nibbles.</summary>
    Q5_1 = 7,

    /// <summary>Blocks of 32: fp16 scale and 32 signed bytes.</summary>
    Q8_0 = 8,

    /// <summary>Blocks of 32: fp16 scale and sum, 32 signed bytes.</summary>
    Q8_1 = 9,

    /// <summary>K-quant, 2 bits, super-blocks of 256.</summary>
    Q2_K = 10,

    /// <summary>K-quant, 3 bits, super-blocks of 256.</summary>
    Q3_K = 11,

    /// <summary>K-quant, 4 bits, super-blocks of 256 (8 sub-blocks with 6-bit scales and minima).</summary>
    Q4_K = 12,

    /// <summary>K-quant, 5 bits, super-blocks of 256.</summary>
    Q5_K = 13,

    /// <summary>K-quant, 6 bits, super-blocks of 256 (16 sub-blocks with 8-bit scales).</summary>
    Q6_K = 14,

    /// <summary>K-quant, 8 bits (intermediate type), super-blocks of 256.</summary>
    Q8_K = 15,

    /// <summary>i-quant IQ2_XXS.</summary>
    IQ2_XXS = 16,

    /// <summary>i-quant IQ2_XS.</summary>
    IQ2_XS = 17,

    /// <summary>i-quant IQ3_XXS.</summary>
    IQ3_XXS = 18,

    /// <summary>i-quant IQ1_S.</summary>
    IQ1_S = 19,

    /// <summary>i-quant IQ4_NL.</summary>
    IQ4_NL = 20,

    /// <summary>i-quant IQ3_S.</summary>
    IQ3_S = 21,

    /// <summary>i-quant IQ2_S.</summary>
    IQ2_S = 22,

    /// <summary>i-quant IQ4_XS.</summary>
    IQ4_XS = 23,

    /// <summary>8-bit integer.</summary>
    I8 = 24,

    /// <summary>16-bit integer.</summary>
    I16 = 25,

    /// <summary>32-bit integer.</summary>
    I32 = 26,

    /// <summary>64-bit integer.</summary>
    I64 = 27,

    /// <summary>64-bit float.</summary>
    F64 = 28,

    /// <summary>i-quant IQ1_M.</summary>
    IQ1_M = 29,

    /// <summary>bfloat16.</summary>
    BF16 = 30,

    /// <summary>Ternary TQ1_0.</summary>
    TQ1_0 = 34,

    /// <summary>Ternary TQ2_0.</summary>
    TQ2_0 = 35,

    /// <summary>MXFP4 (blocks of 32: shared E8M0 exponent, 16 bytes of FP4 values).</summary>
    MXFP4 = 39,
}
#pragma warning restore CA1707
