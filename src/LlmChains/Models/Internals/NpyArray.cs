using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace LlmChains.Models.Internals;

/// <summary>
/// A reader of NumPy <c>.npy</c> files (format versions 1.0, 2.0 and 3.0) holding a 2-D array of
/// little- or big-endian float32 or float64, in C or Fortran order. Errors are
/// <see cref="InvalidDataException"/>s naming the file and the problem.
/// </summary>
internal sealed partial class NpyArray
{
    private NpyArray(int rows, int columns, double[]? doubles, float[]? singles)
    {
        Rows = rows;
        Columns = columns;
        Doubles = doubles;
        Singles = singles;
    }

    internal int Rows { get; }

    internal int Columns { get; }

    /// <summary>Row-major data when the file holds float64, else <see langword="null"/>.</summary>
    internal double[]? Doubles { get; }

    /// <summary>Row-major data when the file holds float32, else <see langword="null"/>.</summary>
    internal float[]? Singles { get; }

    internal static NpyArray Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    internal static NpyArray Read(Stream stream, string name)
    {
        Span<byte> prefix = stackalloc byte[8];
        ReadExactly(stream, prefix, name, "the magic string and version");
        if (prefix[0] != 0x93 || !prefix.Slice(1, 5).SequenceEqual("NUMPY"u8))
        {
            throw Error(name, "it does not start with the .npy magic string \\x93NUMPY");
        }

        byte major = prefix[6];
        int headerLength;
        if (major == 1)
        {
            Span<byte> len = stackalloc byte[2];
            ReadExactly(stream, len, name, "the header length");
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(len);
        }
        else if (major is 2 or 3)
        {
            Span<byte> len = stackalloc byte[4];
            ReadExactly(stream, len, name, "the header length");
            uint l = BinaryPrimitives.ReadUInt32LittleEndian(len);
            if (l > 1 << 20)
            {
                throw Error(name, $"the header claims {l} bytes, more than the 1 MiB this reader accepts");
            }

            headerLength = (int)l;
        }
        else
        {
            throw Error(name, $"format version {major}.{prefix[7]} is not supported (1.0, 2.0 and 3.0 are)");
        }

        var headerBytes = new byte[headerLength];
        ReadExactly(stream, headerBytes, name, "the header");
        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);

        string descr = Match(DescrRegex(), header, name, "descr");
        string fortran = Match(FortranRegex(), header, name, "fortran_order");
        string shapeText = Match(ShapeRegex(), header, name, "shape");

        bool bigEndian;
        int itemSize;
        switch (descr)
        {
            case "<f8": bigEndian = false; itemSize = 8; break;
            case ">f8": bigEndian = true; itemSize = 8; break;
            case "<f4": bigEndian = false; itemSize = 4; break;
            case ">f4": bigEndian = true; itemSize = 4; break;
            default: throw Error(name, $"dtype '{descr}' is not supported; logits must be float32 ('<f4') or float64 ('<f8')");
        }

        string[] dims = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (dims.Length != 2)
        {
            throw Error(name, $"the array has shape ({shapeText}); a 2-D array of shape (states, T) is required");
        }

        if (!long.TryParse(dims[0], NumberStyles.None, CultureInfo.InvariantCulture, out long rows)
            || !long.TryParse(dims[1], NumberStyles.None, CultureInfo.InvariantCulture, out long columns))
        {
            throw Error(name, $"the shape ({shapeText}) is not a pair of non-negative integers");
        }

        if (rows > int.MaxValue || columns > int.MaxValue || (rows * columns) > Array.MaxLength)
        {
            throw Error(name, $"the shape ({rows}, {columns}) has more elements than one array can hold ({Array.MaxLength})");
        }

        long count = rows * columns;
        long bytes = count * itemSize;
        if (stream.CanSeek && stream.Length - stream.Position < bytes)
        {
            throw Error(
                name,
                $"the data is truncated: shape ({rows}, {columns}) needs {bytes} bytes but only " +
                $"{stream.Length - stream.Position} follow the header");
        }

        bool isFortran = fortran == "True";
        var raw = new byte[checked((int)Math.Min(bytes, 1 << 24))];
        double[]? doubles = itemSize == 8 ? new double[count] : null;
        float[]? singles = itemSize == 4 ? new float[count] : null;
        long element = 0;
        while (element < count)
        {
            int chunkElements = (int)Math.Min(count - element, raw.Length / itemSize);
            Span<byte> chunk = raw.AsSpan(0, chunkElements * itemSize);
            ReadExactly(stream, chunk, name, "the data (the file is truncated)");
            for (int i = 0; i < chunkElements; i++, element++)
            {
                long destination = isFortran ? ((element % rows) * columns) + (element / rows) : element;
                ReadOnlySpan<byte> item = chunk.Slice(i * itemSize, itemSize);
                if (doubles is not null)
                {
                    doubles[destination] = bigEndian
                        ? BinaryPrimitives.ReadDoubleBigEndian(item)
                        : BinaryPrimitives.ReadDoubleLittleEndian(item);
                }
                else
                {
                    singles![destination] = bigEndian
                        ? BinaryPrimitives.ReadSingleBigEndian(item)
                        : BinaryPrimitives.ReadSingleLittleEndian(item);
                }
            }
        }

        return new NpyArray((int)rows, (int)columns, doubles, singles);
    }

    private static string Match(Regex regex, string header, string name, string key)
    {
        var m = regex.Match(header);
        return m.Success ? m.Groups[1].Value : throw Error(name, $"the header has no valid '{key}' entry: {header.Trim()}");
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string name, string what)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0)
            {
                throw Error(name, $"the file ends while reading {what}");
            }

            total += n;
        }
    }

    private static InvalidDataException Error(string name, string problem) => new($"{name}: not a valid .npy array of logits: {problem}.");

    [GeneratedRegex(@"['""]descr['""]\s*:\s*['""]([^'""]*)['""]")]
    private static partial Regex DescrRegex();

    [GeneratedRegex(@"['""]fortran_order['""]\s*:\s*(True|False)")]
    private static partial Regex FortranRegex();

    [GeneratedRegex(@"['""]shape['""]\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapeRegex();
}
