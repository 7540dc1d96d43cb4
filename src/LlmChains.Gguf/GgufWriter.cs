using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using LlmChains.Gguf.Internals;

namespace LlmChains.Gguf;

/// <summary>
/// Writes small GGUF files (version 3 by default, little-endian): the magic "GGUF", the version, the tensor and
/// metadata counts, the metadata key–value pairs in the order added, the tensor descriptions, padding to the
/// alignment, and the tensor data, each tensor padded to the alignment. Tensors are given as float32 values and
/// encoded as F32, F16, BF16 or Q8_0 (<see cref="GgufWriterTensor.Decoded"/> holds what a reader decodes from them).
/// </summary>
/// <remarks>
/// <para>Meant for synthetic and test models (<see cref="TinyLlama"/> builds one), not for converting real checkpoints:
/// the whole file is assembled in memory. The writer checks the encoding (value types, dimensions, block sizes) but
/// not the meaning of the metadata: <see cref="Set"/>, <see cref="Remove"/> and <see cref="ReplaceTensor"/> can make a
/// file llama.cpp refuses, which is how the loaders' tests build their hostile inputs.</para>
/// <para>Output is deterministic: the same calls give the same bytes.</para>
/// </remarks>
public sealed class GgufWriter
{
    private readonly List<Entry> _metadata = [];
    private readonly List<GgufWriterTensor> _tensors = [];
    private readonly int _alignment = GgufFile.DefaultAlignment;
    private readonly int _version = 3;

    /// <summary>
    /// The alignment of the tensor data in bytes, a power of two (default 32, <see cref="GgufFile.DefaultAlignment"/>).
    /// Another value is also written as <c>general.alignment</c> (UInt32) unless that key was added.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a power of two between 1 and 2^20.</exception>
    public int Alignment
    {
        get => _alignment;
        init
        {
            if (value < 1 || value > 1 << 20 || (value & (value - 1)) != 0)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(value),
                    value,
                    $"The alignment {value} is not a power of two between 1 and 1048576.");
            }

            _alignment = value;
        }
    }

    /// <summary>The format version written, 2 or 3 (default 3; the two share this layout).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not 2 or 3.</exception>
    public int Version
    {
        get => _version;
        init => _version = value is 2 or 3 ? value : throw new ArgumentOutOfRangeException(
            nameof(value),
            value,
            $"GGUF version {value} is not written; give 2 or 3.");
    }

    /// <summary>The tensors added, in file order.</summary>
    public IReadOnlyList<GgufWriterTensor> Tensors => _tensors;

    /// <summary>The metadata keys, in file order.</summary>
    public IEnumerable<string> Keys => _metadata.Select(m => m.Key);

    /// <summary>Adds a string value.</summary>
    /// <param name="key">The key, e.g. <c>general.name</c>.</param>
    /// <param name="value">The value (UTF-8 in the file).</param>
    /// <returns>This writer.</returns>
    public GgufWriter Add(string key, string value) => Add(key, GgufValueType.String, null, value);

    /// <summary>Adds a UInt32 value.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>This writer.</returns>
    public GgufWriter Add(string key, uint value) => Add(key, GgufValueType.UInt32, null, value);

    /// <summary>Adds a Float32 value.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>This writer.</returns>
    public GgufWriter Add(string key, float value) => Add(key, GgufValueType.Float32, null, value);

    /// <summary>Adds a Bool value.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>This writer.</returns>
    public GgufWriter Add(string key, bool value) => Add(key, GgufValueType.Bool, null, value);

    /// <summary>Adds an array of strings.</summary>
    /// <param name="key">The key, e.g. <c>tokenizer.ggml.tokens</c>.</param>
    /// <param name="values">The values (copied).</param>
    /// <returns>This writer.</returns>
    public GgufWriter Add(string key, IReadOnlyList<string> values) => Add(
        key,
        GgufValueType.Array,
        GgufValueType.String,
        values?.ToArray()!);

    /// <summary>Adds an array of Float32.</summary>
    /// <param name="key">The key.</param>
    /// <param name="values">The values (copied).</param>
    /// <returns>This writer.</returns>
    public GgufWriter Add(string key, ReadOnlySpan<float> values) => Add(key, GgufValueType.Array, GgufValueType.Float32, values.ToArray());

    /// <summary>Adds an array of Int32.</summary>
    /// <param name="key">The key.</param>
    /// <param name="values">The values (copied).</param>
    /// <returns>This writer.</returns>
    public GgufWriter Add(string key, ReadOnlySpan<int> values) => Add(key, GgufValueType.Array, GgufValueType.Int32, values.ToArray());

    /// <summary>
    /// Adds a value of any GGUF type. A scalar's CLR type must be the type's (<see cref="byte"/> for UInt8,
    /// <see cref="sbyte"/>, <see cref="ushort"/>, <see cref="short"/>, <see cref="uint"/>, <see cref="int"/>,
    /// <see cref="float"/>, <see cref="bool"/>, <see cref="string"/>, <see cref="ulong"/>, <see cref="long"/>,
    /// <see cref="double"/> for Float64); an array is a CLR array of the element type's CLR type. Adding a key twice
    /// writes it twice (a file readers refuse); <see cref="Set"/> replaces.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="type">The value type.</param>
    /// <param name="elementType">The element type when <paramref name="type"/> is <see cref="GgufValueType.Array"/>
    /// (not an array), else <see langword="null"/>.</param>
    /// <param name="value">The value.</param>
    /// <returns>This writer.</returns>
    /// <exception cref="ArgumentException">The value does not have the CLR type of <paramref name="type"/>, or the
    /// types are inconsistent.</exception>
    public GgufWriter Add(string key, GgufValueType type, GgufValueType? elementType, object value)
    {
        _metadata.Add(Check(key, type, elementType, value));
        return this;
    }

    /// <summary>Replaces the value of <paramref name="key"/> in place (same position in the file), or adds it when absent.</summary>
    /// <param name="key">The key.</param>
    /// <param name="type">The value type.</param>
    /// <param name="elementType">The element type of an array, else <see langword="null"/>.</param>
    /// <param name="value">The value, as for <see cref="Add(string, GgufValueType, GgufValueType?, object)"/>.</param>
    /// <returns>This writer.</returns>
    /// <exception cref="ArgumentException">The value does not have the CLR type of <paramref name="type"/>.</exception>
    public GgufWriter Set(string key, GgufValueType type, GgufValueType? elementType, object value)
    {
        var entry = Check(key, type, elementType, value);
        int at = _metadata.FindIndex(m => m.Key == key);
        if (at < 0)
        {
            _metadata.Add(entry);
        }
        else
        {
            _metadata[at] = entry;
        }

        return this;
    }

    /// <summary>Removes every value of <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <returns>This writer.</returns>
    public GgufWriter Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _metadata.RemoveAll(m => m.Key == key);
        return this;
    }

    /// <summary>Whether the metadata has <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> when the key was added and not removed.</returns>
    public bool ContainsKey(string key) => _metadata.Exists(m => m.Key == key);

    /// <summary>
    /// Adds a tensor of GGML dimensions <paramref name="dimensions"/> (the contiguous one first: a matrix of R rows of
    /// length C is [C, R]) holding <paramref name="values"/> in that order, encoded as <paramref name="type"/>.
    /// </summary>
    /// <param name="name">The tensor's name, e.g. <c>token_embd.weight</c>.</param>
    /// <param name="dimensions">1 to 4 dimensions, each ≥ 0.</param>
    /// <param name="type">F32, F16 (round to nearest), BF16 (round to nearest even) or Q8_0 (blocks of 32: scale
    /// max|x|/127 in F16, values rounded to int8; the first dimension a multiple of 32).</param>
    /// <param name="values">The product of the dimensions values.</param>
    /// <returns>The tensor as it will be written, with the decoded values.</returns>
    /// <exception cref="ArgumentException">The counts do not match, a dimension is negative, the tensor name is taken,
    /// or Q8_0 rows are not whole blocks.</exception>
    /// <exception cref="NotSupportedException"><paramref name="type"/> is not one of the four written.</exception>
    public GgufWriterTensor AddTensor(string name, ReadOnlySpan<long> dimensions, GgmlType type, ReadOnlySpan<float> values)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_tensors.Exists(t => t.Name == name))
        {
            throw new ArgumentException($"A tensor called '{name}' was already added.", nameof(name));
        }

        var tensor = CreateTensor(name, dimensions, type, values);
        _tensors.Add(tensor);
        return tensor;
    }

    /// <summary>
    /// Replaces the tensor called <paramref name="name"/> in place (same position in the file) by new dimensions and
    /// values of the same type.
    /// </summary>
    /// <param name="name">The tensor's name.</param>
    /// <param name="dimensions">The new dimensions.</param>
    /// <param name="values">The new values.</param>
    /// <returns>The new tensor.</returns>
    /// <exception cref="ArgumentException">No tensor has that name, or the dimensions and values do not match.</exception>
    public GgufWriterTensor ReplaceTensor(string name, ReadOnlySpan<long> dimensions, ReadOnlySpan<float> values)
    {
        ArgumentNullException.ThrowIfNull(name);
        int at = _tensors.FindIndex(t => t.Name == name);
        if (at < 0)
        {
            throw new ArgumentException($"No tensor is called '{name}'.", nameof(name));
        }

        var tensor = CreateTensor(name, dimensions, _tensors[at].Type, values);
        _tensors[at] = tensor;
        return tensor;
    }

    /// <summary>Removes the tensor called <paramref name="name"/> when present.</summary>
    /// <param name="name">The tensor's name.</param>
    /// <returns>This writer.</returns>
    public GgufWriter RemoveTensor(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        _tensors.RemoveAll(t => t.Name == name);
        return this;
    }

    /// <summary>The whole file.</summary>
    /// <returns>The bytes of the file.</returns>
    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        Write(stream);
        return stream.ToArray();
    }

    /// <summary>Writes the file to <paramref name="path"/> (created or replaced).</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public void Write(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        File.WriteAllBytes(path, ToBytes());
    }

    /// <summary>Writes the file to <paramref name="stream"/> from its current position (not flushed or disposed).</summary>
    /// <param name="stream">A writable stream.</param>
    public void Write(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var metadata = _metadata;
        if (_alignment != GgufFile.DefaultAlignment && !ContainsKey("general.alignment"))
        {
            metadata = [.. _metadata, new Entry("general.alignment", GgufValueType.UInt32, null, (uint)_alignment)];
        }

        long written = 0;
        void Bytes(ReadOnlySpan<byte> bytes)
        {
            stream.Write(bytes);
            written += bytes.Length;
        }

        byte[] scratch = new byte[8];
        void U32(uint value)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(scratch, value);
            Bytes(scratch.AsSpan(0, 4));
        }

        void U64(ulong value)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(scratch, value);
            Bytes(scratch);
        }

        void String(string s)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(s);
            U64((ulong)bytes.Length);
            Bytes(bytes);
        }

        void Scalar(GgufValueType type, object value)
        {
            switch (type)
            {
                case GgufValueType.String: String((string)value); break;
                case GgufValueType.UInt8: Bytes([(byte)value]); break;
                case GgufValueType.Int8: Bytes([(byte)(sbyte)value]); break;
                case GgufValueType.Bool: Bytes([(byte)((bool)value ? 1 : 0)]); break;
                case GgufValueType.UInt16: BinaryPrimitives.WriteUInt16LittleEndian(
                    scratch,
                    (ushort)value); Bytes(scratch.AsSpan(0, 2)); break;
                case GgufValueType.Int16: BinaryPrimitives.WriteInt16LittleEndian(
                    scratch,
                    (short)value); Bytes(scratch.AsSpan(0, 2)); break;
                case GgufValueType.UInt32: U32((uint)value); break;
                case GgufValueType.Int32: U32(unchecked((uint)(int)value)); break;
                case GgufValueType.Float32: U32(BitConverter.SingleToUInt32Bits((float)value)); break;
                case GgufValueType.UInt64: U64((ulong)value); break;
                case GgufValueType.Int64: U64(unchecked((ulong)(long)value)); break;
                case GgufValueType.Float64: U64(BitConverter.DoubleToUInt64Bits((double)value)); break;
                default: throw new NotSupportedException($"GGUF value type {type} has no scalar encoding.");
            }
        }

        Bytes("GGUF"u8);
        U32((uint)_version);
        U64((ulong)_tensors.Count);
        U64((ulong)metadata.Count);
        foreach (var (key, type, element, value) in metadata)
        {
            String(key);
            U32((uint)type);
            if (type == GgufValueType.Array)
            {
                U32((uint)element!.Value);
                var array = (Array)value;
                U64((ulong)array.Length);
                foreach (object item in array)
                {
                    Scalar(element.Value, item);
                }
            }
            else
            {
                Scalar(type, value);
            }
        }

        long offset = 0;
        foreach (var tensor in _tensors)
        {
            String(tensor.Name);
            U32((uint)tensor.Dimensions.Count);
            foreach (long d in tensor.Dimensions)
            {
                U64((ulong)d);
            }

            U32((uint)tensor.Type);
            U64((ulong)offset);
            offset += Pad(tensor.Data.Length);
        }

        Bytes(new byte[Pad(written) - written]);
        foreach (var tensor in _tensors)
        {
            Bytes(tensor.Data.Span);
            Bytes(new byte[Pad(tensor.Data.Length) - tensor.Data.Length]);
        }
    }

    private long Pad(long length) => (length + _alignment - 1) / _alignment * _alignment;

    private static Entry Check(string key, GgufValueType type, GgufValueType? elementType, object value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (type == GgufValueType.Array)
        {
            if (elementType is not { } element || element == GgufValueType.Array || !Enum.IsDefined(element))
            {
                throw new ArgumentException(
                    $"{key}: an array needs a scalar element type, not {elementType?.ToString() ?? "none"}.",
                    nameof(elementType));
            }

            var expected = ClrArrayType(element);
            if (value.GetType() != expected)
            {
                throw new ArgumentException(
                    $"{key}: an array of {element} is a {expected.Name}, not a {value.GetType().Name}.",
                    nameof(value));
            }

            if (value is string[] strings && strings.Any(s => s is null))
            {
                throw new ArgumentException($"{key}: the array holds a null string.", nameof(value));
            }
        }
        else
        {
            if (elementType is not null || !Enum.IsDefined(type))
            {
                throw new ArgumentException($"{key}: {type} with element type {elementType} is not a GGUF scalar type.", nameof(type));
            }

            if (value.GetType() != ClrType(type))
            {
                throw new ArgumentException(
                    $"{key}: a {type} value is a {ClrType(type).Name}, not a {value.GetType().Name}.",
                    nameof(value));
            }
        }

        return new Entry(key, type, elementType, value);
    }

    private static Type ClrType(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 => typeof(byte),
        GgufValueType.Int8 => typeof(sbyte),
        GgufValueType.UInt16 => typeof(ushort),
        GgufValueType.Int16 => typeof(short),
        GgufValueType.UInt32 => typeof(uint),
        GgufValueType.Int32 => typeof(int),
        GgufValueType.Float32 => typeof(float),
        GgufValueType.Bool => typeof(bool),
        GgufValueType.String => typeof(string),
        GgufValueType.UInt64 => typeof(ulong),
        GgufValueType.Int64 => typeof(long),
        GgufValueType.Float64 => typeof(double),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a scalar GGUF value type."),
    };

    private static Type ClrArrayType(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 => typeof(byte[]),
        GgufValueType.Int8 => typeof(sbyte[]),
        GgufValueType.UInt16 => typeof(ushort[]),
        GgufValueType.Int16 => typeof(short[]),
        GgufValueType.UInt32 => typeof(uint[]),
        GgufValueType.Int32 => typeof(int[]),
        GgufValueType.Float32 => typeof(float[]),
        GgufValueType.Bool => typeof(bool[]),
        GgufValueType.String => typeof(string[]),
        GgufValueType.UInt64 => typeof(ulong[]),
        GgufValueType.Int64 => typeof(long[]),
        GgufValueType.Float64 => typeof(double[]),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a scalar GGUF value type."),
    };

    private static GgufWriterTensor CreateTensor(string name, ReadOnlySpan<long> dimensions, GgmlType type, ReadOnlySpan<float> values)
    {
        if (dimensions.Length is < 1 or > 4)
        {
            throw new ArgumentException($"{name}: {dimensions.Length} dimensions; a tensor has 1 to 4.", nameof(dimensions));
        }

        long count = 1;
        foreach (long d in dimensions)
        {
            if (d < 0)
            {
                throw new ArgumentException($"{name}: dimension {d} is negative.", nameof(dimensions));
            }

            count = checked(count * d);
        }

        if (count != values.Length)
        {
            throw new ArgumentException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{name}: {values.Length} values for dimensions [{string.Join(",", dimensions.ToArray())}] ({count} elements)."),
                nameof(values));
        }

        if (type == GgmlType.Q8_0 && dimensions[0] % 32 != 0)
        {
            throw new ArgumentException(
                $"{name}: Q8_0 encodes rows of whole 32-value blocks; the first dimension is {dimensions[0]}.",
                nameof(dimensions));
        }

        var (data, decoded) = GgufEncoder.Encode(type, values);
        return new GgufWriterTensor(name, dimensions.ToArray(), type, data, decoded);
    }

    private readonly record struct Entry(string Key, GgufValueType Type, GgufValueType? Element, object Value);
}
