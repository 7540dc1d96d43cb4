using System.Buffers.Binary;
using System.Text;
using LlmChains.Gguf;

namespace LlmChains.Gguf.Internals;

/// <summary>
/// Little-endian reads from a seekable stream with the remaining length checked before every read, so a count or
/// length read from the file is compared with the bytes that are actually there before anything is allocated.
/// </summary>
internal sealed class GgufByteReader
{
    private readonly Stream _stream;
    private readonly byte[] _scratch = new byte[8];

    internal GgufByteReader(Stream stream)
    {
        _stream = stream;
        Length = stream.Length;
        Position = 0;
        stream.Position = 0;
    }

    internal long Length { get; }

    internal long Position { get; private set; }

    internal long Remaining => Length - Position;

    internal void Require(long bytes, string what)
    {
        if (bytes > Remaining)
        {
            throw new GgufFormatException(
                FormattableString.Invariant($"Truncated file: {what} needs {bytes} bytes but only {Remaining} remain of {Length}"),
                Position);
        }
    }

    internal ReadOnlySpan<byte> Read(int bytes, string what)
    {
        Require(bytes, what);
        Span<byte> span = _scratch.AsSpan(0, bytes);
        _stream.ReadExactly(span);
        Position += bytes;
        return span;
    }

    internal byte ReadByte(string what) => Read(1, what)[0];

    internal uint ReadUInt32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Read(4, what));

    internal ulong ReadUInt64(string what) => BinaryPrimitives.ReadUInt64LittleEndian(Read(8, what));

    internal void ReadInto(Span<byte> destination, string what)
    {
        Require(destination.Length, what);
        _stream.ReadExactly(destination);
        Position += destination.Length;
    }

    /// <summary>Reads a GGUF string (64-bit byte length, UTF-8 bytes; invalid UTF-8 becomes U+FFFD).</summary>
    internal string ReadString(string what, long maxBytes)
    {
        long start = Position;
        ulong length = ReadUInt64($"the length of {what}");
        if (length > (ulong)maxBytes)
        {
            throw new GgufFormatException(
                FormattableString.Invariant($"{what} claims {length} bytes, more than the limit of {maxBytes}"),
                start);
        }

        Require((long)length, what);
        if (length == 0)
        {
            return string.Empty;
        }

        if (length <= 256)
        {
            Span<byte> small = stackalloc byte[(int)length];
            ReadInto(small, what);
            return Encoding.UTF8.GetString(small);
        }

        var bytes = new byte[length];
        ReadInto(bytes, what);
        return Encoding.UTF8.GetString(bytes);
    }

    internal void Skip(long bytes, string what)
    {
        Require(bytes, what);
        _stream.Seek(bytes, SeekOrigin.Current);
        Position += bytes;
    }
}
