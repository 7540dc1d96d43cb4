namespace LlmChains.Gguf;

/// <summary>
/// A tensor as <see cref="GgufWriter"/> writes it: its name, GGML dimensions, type, encoded bytes and the values a
/// reader decodes.
/// </summary>
public sealed class GgufWriterTensor
{
    private readonly long[] _dimensions;

    internal GgufWriterTensor(string name, long[] dimensions, GgmlType type, byte[] data, float[] decoded)
    {
        Name = name;
        _dimensions = dimensions;
        Type = type;
        Data = data;
        Decoded = decoded;
    }

    /// <summary>The tensor's name.</summary>
    public string Name { get; }

    /// <summary>The GGML dimensions, the contiguous one first.</summary>
    public IReadOnlyList<long> Dimensions => _dimensions;

    /// <summary>The storage type.</summary>
    public GgmlType Type { get; }

    /// <summary>The encoded bytes (without the alignment padding).</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The values after the encoding's rounding, in file order: what a correct reader dequantizes.</summary>
    public ReadOnlyMemory<float> Decoded { get; }
}
