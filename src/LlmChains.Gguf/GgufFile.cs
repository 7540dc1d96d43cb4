using System.Buffers.Binary;
using System.Globalization;
using LlmChains.Gguf.Internals;

namespace LlmChains.Gguf;

/// <summary>
/// A GGUF model file (ggml's format: magic "GGUF", version 2 or 3, metadata key–value pairs, tensor descriptions,
/// aligned tensor data), read in pure C#: the header, the metadata, the tensor descriptions, and on demand the tensor
/// data (dequantized to float32, see <see cref="GgmlType"/>).
/// </summary>
/// <remarks>
/// <para>Every malformed input is rejected with a <see cref="GgufFormatException"/> and nothing else: bad magic, an
/// unsupported version (1, or big-endian files), truncation anywhere, unknown value or tensor types, nested arrays,
/// duplicate keys or tensor names, an alignment that is not a power of two, dimensions that overflow, a row length that
/// is not a multiple of the type's block size, a misaligned tensor, or a tensor beyond the end of the file. Counts and
/// lengths are checked against the bytes left in the file and against the limits below before anything is allocated,
/// so a corrupt header never causes a large allocation or a long loop.</para>
/// <para>Limits: <see cref="MaxStringBytes"/> per string, <see cref="MaxArrayLength"/> elements per array,
/// <see cref="MaxCount"/> metadata pairs or tensors, <see cref="MaxTensorNameBytes"/> per tensor name, 4 dimensions.</para>
/// <para>Instances are immutable; reading tensor data from a file path is safe from several threads (each call opens
/// the file); an instance read from a <see cref="Stream"/> reads its data from that stream, which must stay open and
/// must not be used concurrently.</para>
/// </remarks>
public sealed class GgufFile
{
    /// <summary>The magic number, the bytes "GGUF" read as a little-endian 32-bit integer.</summary>
    public const uint Magic = 0x46554747;

    /// <summary>The default alignment of the tensor data when <c>general.alignment</c> is absent.</summary>
    public const int DefaultAlignment = 32;

    /// <summary>The longest string accepted (16 MiB).</summary>
    public const int MaxStringBytes = 16 << 20;

    /// <summary>The longest array accepted (16,777,216 elements; vocabularies have ~10^5).</summary>
    public const int MaxArrayLength = 1 << 24;

    /// <summary>The largest number of metadata pairs, and of tensors, accepted (1,048,576).</summary>
    public const int MaxCount = 1 << 20;

    /// <summary>The longest tensor name accepted, in bytes (ggml itself allows 63).</summary>
    public const int MaxTensorNameBytes = 1024;

    private const int MaxDimensions = 4;

    private readonly Dictionary<string, GgufValue> _metadata;
    private readonly Dictionary<string, GgufTensorInfo> _tensorsByName;
    private readonly GgufTensorInfo[] _tensors;
    private readonly Stream? _stream;

    private GgufFile(
        string? path,
        Stream? stream,
        int version,
        long length,
        Dictionary<string, GgufValue> metadata,
        GgufTensorInfo[] tensors,
        Dictionary<string, GgufTensorInfo> byName,
        int alignment,
        long dataOffset)
    {
        FilePath = path;
        _stream = stream;
        Version = version;
        Length = length;
        _metadata = metadata;
        _tensors = tensors;
        _tensorsByName = byName;
        Alignment = alignment;
        DataOffset = dataOffset;

        Architecture = GetString("general.architecture");
        Name = GetString("general.name");
        string prefix = (Architecture ?? "llama") + ".";
        ContextLength = GetSize(prefix + "context_length");
        EmbeddingLength = GetSize(prefix + "embedding_length");
        BlockCount = GetSize(prefix + "block_count");
        FeedForwardLength = GetSize(prefix + "feed_forward_length");
        HeadCount = GetSize(prefix + "attention.head_count");
        HeadCountKv = GetSize(prefix + "attention.head_count_kv");
        if (_metadata.TryGetValue("tokenizer.ggml.tokens", out var tokens))
        {
            Tokens = tokens.Value as string[] ?? throw KeyType("tokenizer.ggml.tokens", tokens, "an array of strings");
        }

        VocabularySize = Tokens?.Count ?? GetSize(prefix + "vocab_size") ?? FindTensor("token_embd.weight")?.RowCount;
    }

    /// <summary>The path the file was read from; <see langword="null"/> when read from a stream.</summary>
    public string? FilePath { get; }

    /// <summary>The format version (2 or 3).</summary>
    public int Version { get; }

    /// <summary>The file length in bytes.</summary>
    public long Length { get; }

    /// <summary>The alignment of the tensor data (<c>general.alignment</c>, default 32).</summary>
    public int Alignment { get; }

    /// <summary>The offset of the tensor data section.</summary>
    public long DataOffset { get; }

    /// <summary>Every metadata pair, by key.</summary>
    public IReadOnlyDictionary<string, GgufValue> Metadata => _metadata;

    /// <summary>Every tensor description, in file order.</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors => _tensors;

    /// <summary><c>general.architecture</c> (e.g. llama, gemma2, mistral), or <see langword="null"/>.</summary>
    public string? Architecture { get; }

    /// <summary><c>general.name</c>, or <see langword="null"/>.</summary>
    public string? Name { get; }

    /// <summary>The training context length (<c>{arch}.context_length</c>), or <see langword="null"/>.</summary>
    public long? ContextLength { get; }

    /// <summary>The embedding dimension r (<c>{arch}.embedding_length</c>), or <see langword="null"/>.</summary>
    public long? EmbeddingLength { get; }

    /// <summary>The number of layers L (<c>{arch}.block_count</c>), or <see langword="null"/>.</summary>
    public long? BlockCount { get; }

    /// <summary>
    /// The MLP width m (<c>{arch}.feed_forward_length</c>; the largest entry when it is per layer), or
    /// <see langword="null"/>.
    /// </summary>
    public long? FeedForwardLength { get; }

    /// <summary>
    /// The number of attention heads H (<c>{arch}.attention.head_count</c>; the largest when per layer), or
    /// <see langword="null"/>.
    /// </summary>
    public long? HeadCount { get; }

    /// <summary>The number of key–value heads (<c>{arch}.attention.head_count_kv</c>), or <see langword="null"/>.</summary>
    public long? HeadCountKv { get; }

    /// <summary>The vocabulary (<c>tokenizer.ggml.tokens</c>; the index is the token id), or <see langword="null"/>.</summary>
    public IReadOnlyList<string>? Tokens { get; }

    /// <summary>
    /// The vocabulary size: the token list's length, else <c>{arch}.vocab_size</c>, else the rows of
    /// <c>token_embd.weight</c>.
    /// </summary>
    public long? VocabularySize { get; }

    /// <summary>Reads the header, metadata and tensor descriptions of a GGUF file (tensor data is read on demand).</summary>
    /// <param name="path">The file.</param>
    /// <returns>The parsed file.</returns>
    /// <exception cref="GgufFormatException">The file is not a well-formed GGUF file.</exception>
    /// <exception cref="IOException">The file cannot be read (<see cref="FileNotFoundException"/> when missing).</exception>
    public static GgufFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            return Parse(stream, Path.GetFullPath(path), keep: false);
        }
        catch (GgufFormatException e)
        {
            throw new GgufFormatException(path, e);
        }
    }

    /// <summary>Reads a GGUF file from a seekable stream; tensor data is later read from the same stream.</summary>
    /// <param name="stream">A readable, seekable stream positioned anywhere (reading starts at 0); it must stay open
    /// for <see cref="ReadRows"/>.</param>
    /// <returns>The parsed file.</returns>
    /// <exception cref="GgufFormatException">The stream is not a well-formed GGUF file.</exception>
    public static GgufFile Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead || !stream.CanSeek)
        {
            throw new ArgumentException("The stream must be readable and seekable.", nameof(stream));
        }

        return Parse(stream, null, keep: true);
    }

    /// <summary>The tensor called <paramref name="name"/>, or <see langword="null"/>.</summary>
    /// <param name="name">A tensor name such as <c>output.weight</c>.</param>
    public GgufTensorInfo? FindTensor(string name) => _tensorsByName.GetValueOrDefault(name);

    /// <summary>Whether <see cref="ReadRows"/> can decode tensors of type <paramref name="type"/>.</summary>
    /// <param name="type">A tensor type.</param>
    public static bool CanDequantize(GgmlType type) => GgmlTypeTraits.CanDequantize(type);

    /// <summary>
    /// Reads rows <paramref name="firstRow"/> .. <paramref name="firstRow"/> + n − 1 of a tensor, dequantized to float32,
    /// into <paramref name="destination"/> (n = destination length / <see cref="GgufTensorInfo.RowLength"/>).
    /// </summary>
    /// <param name="tensor">A tensor of this file.</param>
    /// <param name="firstRow">The first row, 0-based.</param>
    /// <param name="destination">A whole number of rows.</param>
    /// <exception cref="ArgumentException">The tensor is not from this file, or the rows are out of range.</exception>
    /// <exception cref="NotSupportedException">The tensor type cannot be dequantized (see <see cref="CanDequantize"/>).</exception>
    public void ReadRows(GgufTensorInfo tensor, long firstRow, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!ReferenceEquals(FindTensor(tensor.Name), tensor))
        {
            throw new ArgumentException($"Tensor {tensor.Name} does not belong to this file.", nameof(tensor));
        }

        if (!CanDequantize(tensor.Type))
        {
            throw new NotSupportedException($"Tensor {tensor.Name} has type {tensor.Type}, which this reader cannot dequantize.");
        }

        long width = tensor.RowLength;
        if (width == 0 || destination.Length % width != 0)
        {
            throw new ArgumentException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"The destination holds {destination.Length} floats, not a whole number of rows of {width}."),
                nameof(destination));
        }

        long rows = destination.Length / width;
        if (firstRow < 0 || firstRow + rows > tensor.RowCount)
        {
            throw new ArgumentOutOfRangeException(
                nameof(firstRow),
                firstRow,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Rows {firstRow}..{firstRow + rows - 1} are outside the {tensor.RowCount} rows of {tensor.Name}."));
        }

        var (blockSize, blockBytes) = GgmlTypeTraits.Of(tensor.Type);
        long rowBytes = width / blockSize * blockBytes;
        long start = tensor.FileOffset + (firstRow * rowBytes);
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent((int)Math.Min(rowBytes * rows, 1 << 20));
        try
        {
            Stream stream = _stream ?? new FileStream(FilePath!, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            try
            {
                int rowsPerChunk = (int)Math.Max(1, buffer.Length / rowBytes);
                long row = 0;
                while (row < rows)
                {
                    int chunkRows = (int)Math.Min(rowsPerChunk, rows - row);
                    int bytes = checked((int)(chunkRows * rowBytes));
                    byte[] chunk = bytes <= buffer.Length ? buffer : new byte[bytes]; // one row larger than 1 MiB
                    stream.Position = start + (row * rowBytes);
                    stream.ReadExactly(chunk, 0, bytes);
                    Dequantizer.Decode(
                        tensor.Type,
                        chunk.AsSpan(0, bytes),
                        destination.Slice((int)(row * width), (int)(chunkRows * width)));
                    row += chunkRows;
                }
            }
            finally
            {
                if (_stream is null)
                {
                    stream.Dispose();
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The id of the token whose text is exactly <paramref name="piece"/>, or −1.</summary>
    /// <param name="piece">The token text as stored in the vocabulary (e.g. "0", ",").</param>
    public int FindToken(string piece)
    {
        ArgumentNullException.ThrowIfNull(piece);
        if (Tokens is null)
        {
            return -1;
        }

        for (int id = 0; id < Tokens.Count; id++)
        {
            if (string.Equals(Tokens[id], piece, StringComparison.Ordinal))
            {
                return id;
            }
        }

        return -1;
    }

    private string? GetString(string key)
    {
        if (!_metadata.TryGetValue(key, out var value))
        {
            return null;
        }

        return value.Value as string ?? throw KeyType(key, value, "a string");
    }

    private long? GetSize(string key)
    {
        if (!_metadata.TryGetValue(key, out var value))
        {
            return null;
        }

        if (value.TryGetInt64(out long size) && size >= 0)
        {
            return size;
        }

        if (value.IsArray
            && value.ElementType is not (GgufValueType.String or GgufValueType.Bool or GgufValueType.Float32 or GgufValueType.Float64)
            && value.Count > 0)
        {
            try
            {
                long max = value.AsInt64Array().Max();
                if (max >= 0)
                {
                    return max;
                }
            }
            catch (InvalidOperationException)
            {
                // a UInt64 beyond long.MaxValue: falls through to the error below
            }
        }

        throw KeyType(key, value, "a non-negative integer");
    }

    private static GgufFormatException KeyType(string key, GgufValue value, string wanted)
        => new(
            $"Metadata key {key} is {(value.IsArray ? $"an array of {value.ElementType}" : value.Type.ToString())} " +
            $"({value}); it must be {wanted}.");

    private static GgufFile Parse(Stream stream, string? path, bool keep)
    {
        var reader = new GgufByteReader(stream);
        if (reader.Length < 4)
        {
            throw new GgufFormatException(
                FormattableString.Invariant($"Not a GGUF file: it has {reader.Length} bytes, fewer than the 4-byte magic"),
                0);
        }

        uint magic = reader.ReadUInt32("the magic");
        if (magic != Magic)
        {
            Span<byte> bytes = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, magic);
            throw new GgufFormatException(
                $"Not a GGUF file: the first 4 bytes are {Convert.ToHexString(bytes)}, not 47475546 (\"GGUF\")",
                0);
        }

        uint version = reader.ReadUInt32("the version");
        if (version is not (2 or 3))
        {
            string hint = version == 1 ? " (GGUF v1 is obsolete; convert the file again)"
                : BinaryPrimitives.ReverseEndianness(version) is 2 or 3
                    ? " (a big-endian GGUF file; only little-endian files are supported)"
                : string.Empty;
            throw new GgufFormatException(
                FormattableString.Invariant($"Unsupported GGUF version {version}; versions 2 and 3 are supported{hint}"),
                4);
        }

        long tensorCount = ReadCount(reader, "the tensor count", 24);
        long kvCount = ReadCount(reader, "the metadata count", 13);

        var metadata = new Dictionary<string, GgufValue>((int)Math.Min(kvCount, 1024), StringComparer.Ordinal);
        for (long i = 0; i < kvCount; i++)
        {
            long at = reader.Position;
            string key = reader.ReadString(FormattableString.Invariant($"metadata key {i}"), MaxStringBytes);
            GgufValue value = ReadValue(reader, key);
            if (!metadata.TryAdd(key, value))
            {
                throw new GgufFormatException($"Duplicate metadata key {key}", at);
            }
        }

        int alignment = DefaultAlignment;
        if (metadata.TryGetValue("general.alignment", out var alignValue))
        {
            if (alignValue.Value is not uint a || a == 0 || (a & (a - 1)) != 0 || a > 1 << 30)
            {
                throw new GgufFormatException($"general.alignment is {alignValue} ({alignValue.Type}); it must be a UInt32 power of two");
            }

            alignment = (int)a;
        }

        var infos = new (string Name, long[] Dims, GgmlType Type, long Offset, long Elements, long Bytes, long At)[tensorCount];
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (long i = 0; i < tensorCount; i++)
        {
            long at = reader.Position;
            string name = reader.ReadString(FormattableString.Invariant($"the name of tensor {i}"), MaxTensorNameBytes);
            if (!names.Add(name))
            {
                throw new GgufFormatException($"Duplicate tensor name {name}", at);
            }

            uint dimensionCount = reader.ReadUInt32($"the dimension count of tensor {name}");
            if (dimensionCount is < 1 or > MaxDimensions)
            {
                throw new GgufFormatException(
                    FormattableString.Invariant($"Tensor {name} has {dimensionCount} dimensions; 1 to {MaxDimensions} are supported"),
                    at);
            }

            var dims = new long[dimensionCount];
            long elements = 1;
            for (int d = 0; d < dims.Length; d++)
            {
                ulong size = reader.ReadUInt64($"dimension {d} of tensor {name}");
                if (size > long.MaxValue)
                {
                    throw new GgufFormatException(
                        FormattableString.Invariant($"Tensor {name} has dimension {d} = {size}, beyond 2^63 − 1"),
                        at);
                }

                dims[d] = (long)size;
                if (size != 0 && elements > long.MaxValue / (long)size)
                {
                    throw new GgufFormatException(
                        $"Tensor {name} has dimensions [{string.Join(", ", dims[..(d + 1)])}] whose product overflows 64 bits",
                        at);
                }

                elements *= (long)size;
            }

            uint typeId = reader.ReadUInt32($"the type of tensor {name}");
            var type = (GgmlType)typeId;
            var (blockSize, blockBytes) = GgmlTypeTraits.Of(type);
            if (blockSize == 0)
            {
                throw new GgufFormatException(FormattableString.Invariant($"Tensor {name} has unknown ggml type {typeId}"), at);
            }

            if (dims[0] % blockSize != 0)
            {
                throw new GgufFormatException(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"Tensor {name} of type {type} has rows of {dims[0]} elements, not a multiple of the block size {blockSize}"),
                    at);
            }

            long bytes;
            try
            {
                bytes = checked(elements / blockSize * blockBytes);
            }
            catch (OverflowException)
            {
                throw new GgufFormatException(
                    FormattableString.Invariant($"Tensor {name} of {elements} elements of type {type} has a byte size beyond 2^63 − 1"),
                    at);
            }

            ulong offset = reader.ReadUInt64($"the data offset of tensor {name}");
            if (offset % (ulong)alignment != 0)
            {
                throw new GgufFormatException(
                    FormattableString.Invariant($"Tensor {name} has data offset {offset}, not a multiple of the alignment {alignment}"),
                    at);
            }

            if (offset > (ulong)reader.Length)
            {
                throw new GgufFormatException(
                    FormattableString.Invariant($"Tensor {name} has data offset {offset}, beyond the end of the {reader.Length}-byte file"),
                    at);
            }

            infos[i] = (name, dims, type, (long)offset, elements, bytes, at);
        }

        long dataOffset = (reader.Position + alignment - 1) / alignment * alignment;
        var tensors = new GgufTensorInfo[tensorCount];
        var byName = new Dictionary<string, GgufTensorInfo>((int)tensorCount, StringComparer.Ordinal);
        for (long i = 0; i < tensorCount; i++)
        {
            var (name, dims, type, offset, elements, bytes, at) = infos[i];
            if (bytes > reader.Length - dataOffset - offset)
            {
                throw new GgufFormatException(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"Truncated file: tensor {name} ({type} [{string.Join(", ", dims)}]) needs bytes " +
                        $"{dataOffset + offset}..{dataOffset + offset + bytes} but the file has {reader.Length}"),
                    at);
            }

            tensors[i] = new GgufTensorInfo(name, dims, type, offset, elements, bytes, dataOffset);
            byName.Add(name, tensors[i]);
        }

        return new GgufFile(path, keep ? stream : null, (int)version, reader.Length, metadata, tensors, byName, alignment, dataOffset);
    }

    private static long ReadCount(GgufByteReader reader, string what, int minimumBytesEach)
    {
        long at = reader.Position;
        ulong count = reader.ReadUInt64(what);
        if (count > MaxCount || count > (ulong)(reader.Remaining / minimumBytesEach))
        {
            throw new GgufFormatException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{what} is {count}, impossible in the {reader.Remaining} bytes that remain (limit {MaxCount})"),
                at);
        }

        return (long)count;
    }

    private static GgufValue ReadValue(GgufByteReader reader, string key)
    {
        long at = reader.Position;
        uint typeId = reader.ReadUInt32($"the value type of {key}");
        if (typeId > (uint)GgufValueType.Float64)
        {
            throw new GgufFormatException(FormattableString.Invariant($"Metadata key {key} has unknown value type {typeId}"), at);
        }

        var type = (GgufValueType)typeId;
        if (type != GgufValueType.Array)
        {
            return new GgufValue(type, null, ReadScalar(reader, type, key));
        }

        uint elementId = reader.ReadUInt32($"the element type of {key}");
        if (elementId > (uint)GgufValueType.Float64)
        {
            throw new GgufFormatException(FormattableString.Invariant($"Metadata array {key} has unknown element type {elementId}"), at);
        }

        var element = (GgufValueType)elementId;
        if (element == GgufValueType.Array)
        {
            throw new GgufFormatException($"Metadata array {key} is an array of arrays, which is not supported", at);
        }

        long countAt = reader.Position;
        ulong count = reader.ReadUInt64($"the length of array {key}");
        int size = ScalarSize(element);
        if (count > MaxArrayLength || count > (ulong)(reader.Remaining / size))
        {
            throw new GgufFormatException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Metadata array {key} claims {count} elements of {element}, impossible in the {reader.Remaining} " +
                    $"bytes that remain (limit {MaxArrayLength})"),
                countAt);
        }

        int n = (int)count;
        Array values = element switch
        {
            GgufValueType.String => ReadStrings(reader, n, key),
            GgufValueType.UInt8 => ReadArray<byte>(reader, n, key),
            GgufValueType.Int8 => ReadArray<sbyte>(reader, n, key),
            GgufValueType.UInt16 => ReadArray<ushort>(reader, n, key),
            GgufValueType.Int16 => ReadArray<short>(reader, n, key),
            GgufValueType.UInt32 => ReadArray<uint>(reader, n, key),
            GgufValueType.Int32 => ReadArray<int>(reader, n, key),
            GgufValueType.Float32 => ReadArray<float>(reader, n, key),
            GgufValueType.UInt64 => ReadArray<ulong>(reader, n, key),
            GgufValueType.Int64 => ReadArray<long>(reader, n, key),
            GgufValueType.Float64 => ReadArray<double>(reader, n, key),
            _ => ReadBools(reader, n, key),
        };
        return new GgufValue(GgufValueType.Array, element, values);
    }

    /// <summary>The smallest encoded size of one element (a string needs at least its 8-byte length).</summary>
    private static int ScalarSize(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
        GgufValueType.UInt16 or GgufValueType.Int16 => 2,
        GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
        _ => 8,
    };

    private static string[] ReadStrings(GgufByteReader reader, int count, string key)
    {
        var values = new string[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = reader.ReadString(FormattableString.Invariant($"element {i} of {key}"), MaxStringBytes);
        }

        return values;
    }

    private static T[] ReadArray<T>(GgufByteReader reader, int count, string key)
        where T : unmanaged
    {
        var values = new T[count];
        Span<byte> bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan());
        reader.ReadInto(bytes, $"the elements of {key}"); // GGUF is little-endian, as is every platform .NET 10 runs on
        return values;
    }

    private static bool[] ReadBools(GgufByteReader reader, int count, string key)
    {
        byte[] raw = ReadArray<byte>(reader, count, key);
        return Array.ConvertAll(raw, b => b != 0);
    }

    private static object ReadScalar(GgufByteReader reader, GgufValueType type, string key)
    {
        string what = $"the value of {key}";
        return type switch
        {
            GgufValueType.UInt8 => reader.ReadByte(what),
            GgufValueType.Int8 => (sbyte)reader.ReadByte(what),
            GgufValueType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(reader.Read(2, what)),
            GgufValueType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(reader.Read(2, what)),
            GgufValueType.UInt32 => reader.ReadUInt32(what),
            GgufValueType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(reader.Read(4, what)),
            GgufValueType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(reader.Read(4, what)),
            GgufValueType.Bool => reader.ReadByte(what) != 0,
            GgufValueType.String => reader.ReadString(what, MaxStringBytes),
            GgufValueType.UInt64 => reader.ReadUInt64(what),
            GgufValueType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(reader.Read(8, what)),
            _ => BinaryPrimitives.ReadDoubleLittleEndian(reader.Read(8, what)),
        };
    }
}
