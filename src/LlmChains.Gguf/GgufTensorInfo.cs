namespace LlmChains.Gguf;

/// <summary>
/// The description of one tensor in a GGUF file. <see cref="Dimensions"/> are in GGML order: the first is the
/// contiguous one (a "row" of <see cref="RowLength"/> elements), so a matrix W ∈ R^{T×r} such as the unembedding
/// <c>output.weight</c> has dimensions [r, T] and T rows of length r.
/// </summary>
public sealed class GgufTensorInfo
{
    internal GgufTensorInfo(string name, long[] dimensions, GgmlType type, long offset, long elementCount, long byteCount, long dataOffset)
    {
        Name = name;
        DimensionArray = dimensions;
        Type = type;
        Offset = offset;
        ElementCount = elementCount;
        ByteCount = byteCount;
        FileOffset = dataOffset + offset;
    }

    /// <summary>The tensor name, e.g. <c>output.weight</c> or <c>blk.0.attn_v.weight</c>.</summary>
    public string Name { get; }

    /// <summary>The dimensions (1 to 4), contiguous one first.</summary>
    public IReadOnlyList<long> Dimensions => DimensionArray;

    /// <summary>The storage type.</summary>
    public GgmlType Type { get; }

    /// <summary>The offset of the data from the start of the tensor data section (a multiple of the alignment).</summary>
    public long Offset { get; }

    /// <summary>The absolute offset of the data in the file.</summary>
    public long FileOffset { get; }

    /// <summary>The number of elements, the product of the dimensions.</summary>
    public long ElementCount { get; }

    /// <summary>The number of bytes of the data.</summary>
    public long ByteCount { get; }

    /// <summary>The number of elements of one row, the first dimension.</summary>
    public long RowLength => DimensionArray[0];

    /// <summary>The number of rows, the product of the dimensions after the first.</summary>
    public long RowCount => DimensionArray[0] == 0 ? 0 : ElementCount / DimensionArray[0];

    internal long[] DimensionArray { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {Type} [{string.Join(", ", DimensionArray)}]";
}
