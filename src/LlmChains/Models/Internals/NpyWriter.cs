using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace LlmChains.Models.Internals;

/// <summary>
/// Writes a 2-D float64 or float32 array as a NumPy <c>.npy</c> file, format version 1.0: the magic string
/// <c>\x93NUMPY</c>, the version bytes 1 and 0, the header length as a little-endian uint16, the header (a Python dict
/// literal <c>{'descr': '&lt;f8', 'fortran_order': False, 'shape': (R, C), }</c> padded with spaces and ended by '\n' so
/// that the data starts at a multiple of 64 bytes), then the data, little-endian, in C (row-major) order.
/// </summary>
internal static class NpyWriter
{
    /// <summary>The data starts at a multiple of this (NumPy's own writer aligns to 64).</summary>
    internal const int Alignment = 64;

    private const int ChunkElements = 1 << 17;

    internal static void Write(Stream stream, long rows, long columns, ReadOnlySpan<double> data)
    {
        WriteHeader(stream, "<f8", rows, columns);
        for (int at = 0; at < data.Length; at += ChunkElements)
        {
            stream.Write(MemoryMarshal.AsBytes(data.Slice(at, Math.Min(ChunkElements, data.Length - at))));
        }
    }

    internal static void Write(Stream stream, long rows, long columns, ReadOnlySpan<float> data)
    {
        WriteHeader(stream, "<f4", rows, columns);
        for (int at = 0; at < data.Length; at += ChunkElements)
        {
            stream.Write(MemoryMarshal.AsBytes(data.Slice(at, Math.Min(ChunkElements, data.Length - at))));
        }
    }

    /// <summary>
    /// The header of a (rows, columns) array of <paramref name="descr"/>, padded: its length is a multiple of
    /// <see cref="Alignment"/>.
    /// </summary>
    internal static byte[] Header(string descr, long rows, long columns)
    {
        string dict = string.Create(
            CultureInfo.InvariantCulture,
            $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({rows}, {columns}), }}");
        const int prefix = 10; // magic (6), version (2), header length (2)
        int total = (prefix + dict.Length + 1 + Alignment - 1) / Alignment * Alignment;
        int headerLength = total - prefix;
        var bytes = new byte[total];
        bytes[0] = 0x93;
        "NUMPY"u8.CopyTo(bytes.AsSpan(1));
        bytes[6] = 1;
        bytes[7] = 0;
        bytes[8] = (byte)(headerLength & 0xFF);
        bytes[9] = (byte)(headerLength >> 8);
        Encoding.ASCII.GetBytes(dict.PadRight(headerLength - 1), bytes.AsSpan(prefix));
        bytes[^1] = (byte)'\n';
        return bytes;
    }

    private static void WriteHeader(Stream stream, string descr, long rows, long columns)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Writing .npy files needs a little-endian platform.");
        }

        stream.Write(Header(descr, rows, columns));
    }
}
