using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace LlmChains.Remote.Internals;

/// <summary>
/// The on-disk cache prompt → T log-probabilities of the state tokens. An append-only file: a header (magic, T and a
/// fingerprint of server model, token ids and BOS), then records [length n][n token ids][T float64][FNV-1a checksum],
/// all little-endian. A wave of records is written in one append and flushed to the disk before the chain uses them, so
/// an interruption loses at most the wave being written; a torn or corrupt tail is cut off when the file is opened.
/// </summary>
internal sealed class LogitsCache : IDisposable
{
    private static readonly byte[] Magic = "LLMCHAINS-LOGITS-1\n"u8.ToArray();
    private readonly Dictionary<string, double[]> _entries = new(StringComparer.Ordinal);
    private readonly FileStream? _file;
    private readonly int _t;
    private readonly Lock _gate = new();

    private LogitsCache(FileStream? file, int t)
    {
        _file = file;
        _t = t;
    }

    /// <summary>Entries held.</summary>
    internal int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Bytes of an unfinished or corrupt tail dropped when the file was opened.</summary>
    internal long DroppedBytes { get; private set; }

    /// <summary>A cache in memory only.</summary>
    internal static LogitsCache InMemory(int t) => new(null, t);

    /// <summary>Opens or creates the file; refuses one written for another model, token subset or BOS setting.</summary>
    internal static LogitsCache Open(string path, int t, string fingerprint)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            var cache = new LogitsCache(file, t);
            byte[] header = Header(t, fingerprint);
            if (file.Length == 0)
            {
                file.Write(header);
                file.Flush(true);
                return cache;
            }

            var existing = new byte[Math.Min(file.Length, header.Length)];
            file.ReadExactly(existing);
            if (!existing.AsSpan().SequenceEqual(header))
            {
                throw new RemoteServerException(
                    $"The cache {path} was written for another server model, token subset or BOS setting (or is not a logits cache); use " +
                    $"another --cache file for {fingerprint}.");
            }

            cache.ReadRecords(header.Length);
            return cache;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    internal static string Key(ReadOnlySpan<int> prompt)
        => Convert.ToBase64String(MemoryMarshal.AsBytes(prompt));

    /// <summary>The cached log-probabilities of <paramref name="prompt"/>, or null.</summary>
    internal double[]? Find(ReadOnlySpan<int> prompt)
    {
        string key = Key(prompt);
        lock (_gate)
        {
            return _entries.GetValueOrDefault(key);
        }
    }

    /// <summary>Adds entries and appends them to the file in one write, flushed to the disk.</summary>
    internal void Add(IReadOnlyList<(int[] Prompt, double[] Logprobs)> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            using var buffer = new MemoryStream();
            foreach (var (prompt, logprobs) in entries)
            {
                if (!_entries.TryAdd(Key(prompt), logprobs) || _file is null)
                {
                    continue;
                }

                var record = new byte[RecordLength(prompt.Length)];
                BinaryPrimitives.WriteInt32LittleEndian(record, prompt.Length);
                for (int i = 0; i < prompt.Length; i++)
                {
                    BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(4 + (4 * i)), prompt[i]);
                }

                int at = 4 + (4 * prompt.Length);
                for (int x = 0; x < _t; x++)
                {
                    BinaryPrimitives.WriteDoubleLittleEndian(record.AsSpan(at + (8 * x)), logprobs[x]);
                }

                BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(record.Length - 4), Checksum(record.AsSpan(0, record.Length - 4)));
                buffer.Write(record);
            }

            if (_file is not null && buffer.Length > 0)
            {
                _file.Seek(0, SeekOrigin.End);
                _file.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
                _file.Flush(true);
            }
        }
    }

    public void Dispose() => _file?.Dispose();

    private int RecordLength(int n) => 4 + (4 * n) + (8 * _t) + 4;

    private void ReadRecords(long start)
    {
        var file = _file!;
        file.Seek(start, SeekOrigin.Begin);
        long good = start;
        var lengthBytes = new byte[4];
        while (true)
        {
            if (file.Length - good < 4)
            {
                break;
            }

            file.ReadExactly(lengthBytes);
            int n = BinaryPrimitives.ReadInt32LittleEndian(lengthBytes);
            if (n < 1 || n > 1 << 20 || file.Length - good < RecordLength(n))
            {
                break;
            }

            var record = new byte[RecordLength(n)];
            lengthBytes.CopyTo(record, 0);
            file.ReadExactly(record.AsSpan(4));
            if (BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(record.Length - 4)) != Checksum(record.AsSpan(0, record.Length - 4)))
            {
                break;
            }

            var prompt = new int[n];
            for (int i = 0; i < n; i++)
            {
                prompt[i] = BinaryPrimitives.ReadInt32LittleEndian(record.AsSpan(4 + (4 * i)));
            }

            var logprobs = new double[_t];
            int at = 4 + (4 * n);
            for (int x = 0; x < _t; x++)
            {
                logprobs[x] = BinaryPrimitives.ReadDoubleLittleEndian(record.AsSpan(at + (8 * x)));
            }

            _entries[Key(prompt)] = logprobs;
            good += record.Length;
        }

        DroppedBytes = file.Length - good;
        if (DroppedBytes > 0)
        {
            file.SetLength(good);
            file.Flush(true);
        }
    }

    private static byte[] Header(int t, string fingerprint)
    {
        byte[] text = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"T={t};{fingerprint}\n"));
        var header = new byte[Magic.Length + 4 + text.Length];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(Magic.Length), text.Length);
        text.CopyTo(header, Magic.Length + 4);
        return header;
    }

    private static uint Checksum(ReadOnlySpan<byte> data)
    {
        uint hash = 2166136261;
        foreach (byte b in data)
        {
            hash = (hash ^ b) * 16777619;
        }

        return hash;
    }
}
