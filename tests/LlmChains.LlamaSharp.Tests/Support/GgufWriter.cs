using System.Buffers.Binary;
using System.Text;
using LlmChains.Gguf;

namespace LlmChains.LlamaSharp.Tests.Support;

/// <summary>
/// A small GGUF v3 writer for test fixtures, written from the format description (magic, version, counts, typed
/// metadata, tensor infos, alignment padding, data). Tensors are given as float values and encoded as F32, F16, BF16 or
/// Q8_0; <see cref="Tensor.Decoded"/> holds the values a correct reader must decode (after the encoding's rounding).
/// </summary>
internal sealed class GgufWriter
{
    private readonly List<(string Key, GgufValueType Type, GgufValueType? Element, object Value)> _metadata = [];
    private readonly List<Tensor> _tensors = [];

    public int Alignment { get; init; } = 32;

    public int Version { get; init; } = 3;

    public IReadOnlyList<Tensor> Tensors => _tensors;

    public GgufWriter Add(string key, string value) => AddRaw(key, GgufValueType.String, null, value);

    public GgufWriter Add(string key, uint value) => AddRaw(key, GgufValueType.UInt32, null, value);

    public GgufWriter Add(string key, float value) => AddRaw(key, GgufValueType.Float32, null, value);

    public GgufWriter Add(string key, bool value) => AddRaw(key, GgufValueType.Bool, null, value);

    public GgufWriter Add(string key, string[] values) => AddRaw(key, GgufValueType.Array, GgufValueType.String, values);

    public GgufWriter Add(string key, float[] values) => AddRaw(key, GgufValueType.Array, GgufValueType.Float32, values);

    public GgufWriter Add(string key, int[] values) => AddRaw(key, GgufValueType.Array, GgufValueType.Int32, values);

    public GgufWriter AddRaw(string key, GgufValueType type, GgufValueType? element, object value)
    {
        _metadata.Add((key, type, element, value));
        return this;
    }

    /// <summary>Replaces the value of <paramref name="key"/> in place (or appends it when absent).</summary>
    public GgufWriter Set(string key, GgufValueType type, GgufValueType? element, object value)
    {
        int at = _metadata.FindIndex(m => m.Key == key);
        if (at < 0)
        {
            return AddRaw(key, type, element, value);
        }

        _metadata[at] = (key, type, element, value);
        return this;
    }

    /// <summary>Removes <paramref name="key"/> when present.</summary>
    public GgufWriter Remove(string key)
    {
        _metadata.RemoveAll(m => m.Key == key);
        return this;
    }

    /// <summary>Whether the metadata has <paramref name="key"/>.</summary>
    public bool Has(string key) => _metadata.Exists(m => m.Key == key);

    /// <summary>Removes the tensor called <paramref name="name"/> when present.</summary>
    public GgufWriter RemoveTensor(string name)
    {
        _tensors.RemoveAll(t => t.Name == name);
        return this;
    }

    /// <summary>Replaces the tensor called <paramref name="name"/> (same place in the file) by one of new dimensions, filled with small values.</summary>
    public GgufWriter ReshapeTensor(string name, long[] dims)
    {
        int at = _tensors.FindIndex(t => t.Name == name);
        var old = _tensors[at];
        long count = dims.Aggregate(1L, (a, b) => a * b);
        var (data, decoded) = Encode(old.Type, Enumerable.Range(0, (int)count).Select(i => ((i % 7) - 3) / 10f).ToArray());
        _tensors[at] = new Tensor(name, dims, old.Type, data, decoded);
        return this;
    }

    /// <summary>Adds a tensor of GGML dimensions <paramref name="dims"/> (contiguous first) holding <paramref name="values"/>.</summary>
    public Tensor AddTensor(string name, long[] dims, GgmlType type, float[] values)
    {
        long count = dims.Aggregate(1L, (a, b) => a * b);
        if (count != values.Length)
        {
            throw new ArgumentException($"{name}: {values.Length} values for dims [{string.Join(",", dims)}]");
        }

        var (data, decoded) = Encode(type, values);
        var tensor = new Tensor(name, dims, type, data, decoded);
        _tensors.Add(tensor);
        return tensor;
    }

    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Encoding.ASCII.GetBytes("GGUF"));
        w.Write((uint)Version);
        w.Write((ulong)_tensors.Count);
        w.Write((ulong)_metadata.Count);
        foreach (var (key, type, element, value) in _metadata)
        {
            WriteString(w, key);
            w.Write((uint)type);
            if (type == GgufValueType.Array)
            {
                w.Write((uint)element!.Value);
                var array = (Array)value;
                w.Write((ulong)array.Length);
                foreach (object item in array)
                {
                    WriteScalar(w, element.Value, item);
                }
            }
            else
            {
                WriteScalar(w, type, value);
            }
        }

        long offset = 0;
        foreach (var tensor in _tensors)
        {
            WriteString(w, tensor.Name);
            w.Write((uint)tensor.Dims.Length);
            foreach (long d in tensor.Dims)
            {
                w.Write((ulong)d);
            }

            w.Write((uint)tensor.Type);
            w.Write((ulong)offset);
            offset += Pad(tensor.Data.Length);
        }

        w.Flush();
        while (stream.Position % Alignment != 0)
        {
            w.Write((byte)0);
        }

        foreach (var tensor in _tensors)
        {
            w.Write(tensor.Data);
            w.Write(new byte[Pad(tensor.Data.Length) - tensor.Data.Length]);
        }

        w.Flush();
        return stream.ToArray();
    }

    public string WriteTo(string path)
    {
        File.WriteAllBytes(path, ToBytes());
        return path;
    }

    private long Pad(long length) => (length + Alignment - 1) / Alignment * Alignment;

    private static void WriteString(BinaryWriter w, string s)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private static void WriteScalar(BinaryWriter w, GgufValueType type, object value)
    {
        switch (type)
        {
            case GgufValueType.String: WriteString(w, (string)value); break;
            case GgufValueType.UInt32: w.Write((uint)value); break;
            case GgufValueType.Int32: w.Write((int)value); break;
            case GgufValueType.Float32: w.Write((float)value); break;
            case GgufValueType.Bool: w.Write((byte)((bool)value ? 1 : 0)); break;
            case GgufValueType.UInt64: w.Write((ulong)value); break;
            case GgufValueType.UInt8: w.Write((byte)value); break;
            case GgufValueType.Int8: w.Write((sbyte)value); break;
            case GgufValueType.UInt16: w.Write((ushort)value); break;
            case GgufValueType.Int16: w.Write((short)value); break;
            case GgufValueType.Int64: w.Write((long)value); break;
            case GgufValueType.Float64: w.Write((double)value); break;
            default: throw new NotSupportedException(type.ToString());
        }
    }

    private static (byte[] Data, float[] Decoded) Encode(GgmlType type, float[] values)
    {
        switch (type)
        {
            case GgmlType.F32:
            {
                var data = new byte[values.Length * 4];
                for (int i = 0; i < values.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), values[i]);
                }

                return (data, (float[])values.Clone());
            }

            case GgmlType.F16:
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

            case GgmlType.BF16:
            {
                // round to nearest even on the upper 16 bits
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

            case GgmlType.Q8_0:
            {
                if (values.Length % 32 != 0)
                {
                    throw new ArgumentException("Q8_0 needs a multiple of 32 values");
                }

                int blocks = values.Length / 32;
                var data = new byte[blocks * 34];
                var decoded = new float[values.Length];
                for (int b = 0; b < blocks; b++)
                {
                    ReadOnlySpan<float> x = values.AsSpan(b * 32, 32);
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

            default:
                throw new NotSupportedException($"The test writer does not encode {type}.");
        }
    }

    internal sealed record Tensor(string Name, long[] Dims, GgmlType Type, byte[] Data, float[] Decoded);
}
