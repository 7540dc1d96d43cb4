using System.Globalization;

namespace LlmChains.Chains.Internals;

/// <summary>
/// Parses a MatrixMarket file into a <see cref="SparseMarkovChain"/>. Every problem is an
/// <see cref="InvalidDataException"/> whose one-line message starts with "{source} line {n}:".
/// </summary>
internal sealed class MatrixMarketReader
{
    private const string Banner = "%%MatrixMarket";
    private const string ExpectedHeader = "%%MatrixMarket matrix coordinate real general";

    private readonly TextReader _reader;
    private readonly string _source;
    private long _line;
    private bool _array;
    private bool _integer;
    private bool _symmetric;

    private MatrixMarketReader(TextReader reader, string source)
    {
        _reader = reader;
        _source = source;
    }

    internal static SparseMarkovChain Read(TextReader reader, string source, double tolerance)
    {
        return new MatrixMarketReader(reader, source).Read(tolerance);
    }

    private SparseMarkovChain Read(double tolerance)
    {
        ReadHeader();
        string sizeLine = NextDataLine() ?? throw Error(_line, "the size line is missing after the header");
        long sizeLineNumber = _line;
        var (n, declared) = ParseSize(sizeLine);
        long capacity = _symmetric ? 2 * Math.Min(declared, 1 << 20) : declared;
        var buffer = new SparseMarkovChain.TripletBuffer(n, capacity);
        if (_array)
        {
            ReadArrayEntries(buffer, n, declared, sizeLineNumber);
        }
        else
        {
            ReadCoordinateEntries(buffer, n, declared, sizeLineNumber);
        }

        if (NextDataLine() is not null)
        {
            throw Error(_line, $"unexpected data after the {declared} entries declared on line {sizeLineNumber}");
        }

        var chain = SparseMarkovChain.TryCreate(buffer, tolerance, out long badRow, out double sum);
        if (chain is null)
        {
            var inv = CultureInfo.InvariantCulture;
            string problem = sum == 0
                ? $"row {badRow + 1} has no non-zero entries (it sums to 0)"
                : $"row {badRow + 1} sums to {sum.ToString("R", inv)} (|sum − 1| = " +
                  $"{Math.Abs(sum - 1).ToString("G3", inv)} > tolerance {tolerance.ToString("G3", inv)})";
            throw new InvalidDataException($"{_source}: {problem}; every row of a transition matrix must sum to 1.");
        }

        return chain;
    }

    private void ReadHeader()
    {
        string? header = _reader.ReadLine();
        _line = 1;
        if (header is null)
        {
            throw Error(1, $"the file is empty; expected a header such as '{ExpectedHeader}'");
        }

        Span<Range> tokens = stackalloc Range[6];
        ReadOnlySpan<char> text = header;
        int count = Tokenize(text, tokens);
        if (count == 0 || !text[tokens[0]].Equals(Banner, StringComparison.OrdinalIgnoreCase))
        {
            throw Error(1, $"missing MatrixMarket header: the first line must start with '{Banner}' (found '{Shorten(header)}')");
        }

        if (count != 5)
        {
            throw Error(1, $"bad header '{Shorten(header)}': expected '{Banner} matrix <format> <field> <symmetry>'");
        }

        string obj = text[tokens[1]].ToString().ToLowerInvariant();
        string format = text[tokens[2]].ToString().ToLowerInvariant();
        string field = text[tokens[3]].ToString().ToLowerInvariant();
        string symmetry = text[tokens[4]].ToString().ToLowerInvariant();
        if (obj != "matrix")
        {
            throw Error(1, $"object '{obj}' is not supported; a transition matrix file declares 'matrix'");
        }

        _array = format switch
        {
            "coordinate" => false,
            "array" => true,
            _ => throw Error(1, $"unknown format '{format}'; expected 'coordinate' or 'array'"),
        };
        _integer = field switch
        {
            "real" or "double" => false,
            "integer" => true,
            "pattern" => throw Error(1, "field 'pattern' is not supported: a transition matrix needs its values (use 'real')"),
            "complex" => throw Error(1, "field 'complex' is not supported: transition probabilities are real"),
            _ => throw Error(1, $"unknown field '{field}'; expected 'real' or 'integer'"),
        };
        _symmetric = symmetry switch
        {
            "general" => false,
            "symmetric" => true,
            "skew-symmetric" or "hermitian" => throw Error(1, $"symmetry '{symmetry}' is not supported; expected 'general' or 'symmetric'"),
            _ => throw Error(1, $"unknown symmetry '{symmetry}'; expected 'general' or 'symmetric'"),
        };
    }

    private (int StateCount, long Entries) ParseSize(string line)
    {
        int expected = _array ? 2 : 3;
        string shape = _array ? "'rows columns'" : "'rows columns entries'";
        Span<Range> tokens = stackalloc Range[4];
        ReadOnlySpan<char> text = line;
        int count = Tokenize(text, tokens);
        if (count != expected
            || !TryParseInteger(text[tokens[0]], out long rows)
            || !TryParseInteger(text[tokens[1]], out long columns)
            || rows < 0 || columns < 0)
        {
            throw Error(_line, $"bad size line '{Shorten(line)}': expected {shape} as {expected} non-negative integers");
        }

        long entries = 0;
        if (!_array && (!TryParseInteger(text[tokens[2]], out entries) || entries < 0))
        {
            throw Error(
                _line,
                $"bad size line '{Shorten(line)}': the entry count '{Shorten(text[tokens[2]].ToString())}' is not a non-negative integer");
        }

        if (rows != columns)
        {
            throw Error(_line, $"the matrix is {rows} × {columns}; a transition matrix must be square");
        }

        if (rows == 0)
        {
            throw Error(_line, "the matrix is 0 × 0; a chain needs at least one state");
        }

        if (rows > SparseMarkovChain.MaxStateCount)
        {
            throw Error(_line, $"the matrix has {rows} states; at most {SparseMarkovChain.MaxStateCount} are supported");
        }

        if (_array)
        {
            // n(n + 1)/2 or n² values; n < 2^31 so neither overflows
            entries = _symmetric ? rows * (rows + 1) / 2 : rows * rows;
        }
        else if (entries > (_symmetric ? Array.MaxLength / 2 : Array.MaxLength))
        {
            throw Error(_line, $"the file declares {entries} entries; at most {Array.MaxLength} non-zeros are supported");
        }
        else if ((_symmetric ? 2 * entries : entries) < rows)
        {
            // Every row of a stochastic matrix has a non-zero: a header declaring fewer entries than states cannot
            // describe a chain, and would otherwise make the reader size its row arrays for states that never come.
            throw Error(
                _line,
                $"the matrix has {rows} states but the file declares only {entries} entries; every row of a " +
                $"transition matrix needs at least one non-zero");
        }

        // The row pointers, and per entry the triplet being read (16 B) plus the CSR copy (12 B), before any is allocated.
        double bytes = ((rows + 1) * 8.0) + (entries * (_symmetric ? 2.0 : 1.0) * 28);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (bytes > available)
        {
            throw Error(
                _line,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"reading {rows} states and {entries} entries needs about " +
                    $"{LanguageModelChain.FormatBytes(bytes)}, more than the " +
                    $"{LanguageModelChain.FormatBytes(available)} available"));
        }

        return ((int)rows, entries);
    }

    private void ReadCoordinateEntries(SparseMarkovChain.TripletBuffer buffer, int n, long declared, long sizeLine)
    {
        Span<Range> tokens = stackalloc Range[4];
        for (long e = 0; e < declared; e++)
        {
            string line = NextDataLine() ?? throw Error(
                _line,
                $"the file ends after {e} of the {declared} entries declared on line {sizeLine}");
            ReadOnlySpan<char> text = line;
            int count = Tokenize(text, tokens);
            if (count != 3)
            {
                throw Error(_line, $"expected 'row column value' (3 tokens), found {count} in '{Shorten(line)}'");
            }

            if (!TryParseInteger(text[tokens[0]], out long row))
            {
                throw Error(_line, $"row index '{Shorten(text[tokens[0]].ToString())}' is not an integer");
            }

            if (!TryParseInteger(text[tokens[1]], out long column))
            {
                throw Error(_line, $"column index '{Shorten(text[tokens[1]].ToString())}' is not an integer");
            }

            if (row < 1 || row > n)
            {
                throw Error(_line, $"entry ({row}, {column}) has row {row} outside 1..{n}");
            }

            if (column < 1 || column > n)
            {
                throw Error(_line, $"entry ({row}, {column}) has column {column} outside 1..{n}");
            }

            double value = ParseValue(text[tokens[2]], row, column);
            buffer.Add((int)row - 1, (int)column - 1, value);
            if (_symmetric && row != column)
            {
                buffer.Add((int)column - 1, (int)row - 1, value);
            }
        }
    }

    private void ReadArrayEntries(SparseMarkovChain.TripletBuffer buffer, int n, long declared, long sizeLine)
    {
        Span<Range> tokens = stackalloc Range[2];
        long row = 1, column = 1; // 1-based position of the next value, column-major (lower triangle if symmetric)
        for (long e = 0; e < declared; e++)
        {
            string line = NextDataLine() ?? throw Error(
                _line,
                $"the file ends after {e} of the {declared} values of the {n} × {n} array declared on line {sizeLine}");
            ReadOnlySpan<char> text = line;
            int count = Tokenize(text, tokens);
            if (count != 1)
            {
                throw Error(_line, $"expected one value per line in array format, found {count} tokens in '{Shorten(line)}'");
            }

            double value = ParseValue(text[tokens[0]], row, column);
            buffer.Add((int)row - 1, (int)column - 1, value);
            if (_symmetric && row != column)
            {
                buffer.Add((int)column - 1, (int)row - 1, value);
            }

            if (++row > n)
            {
                column++;
                row = _symmetric ? column : 1;
            }
        }
    }

    private double ParseValue(ReadOnlySpan<char> token, long row, long column)
    {
        double value;
        if (_integer)
        {
            if (!TryParseInteger(token, out long integer))
            {
                throw Error(
                    _line,
                    $"entry ({row}, {column}) has value '{Shorten(token.ToString())}', which is not an integer (the " +
                    $"header declares field 'integer')");
            }

            value = integer;
        }
        else if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            throw IsNonFiniteWord(token)
                ? Error(_line, $"entry ({row}, {column}) has value '{token}', which is not finite; transition probabilities must be finite")
                : Error(_line, $"entry ({row}, {column}) has value '{Shorten(token.ToString())}', which is not a number");
        }

        if (!double.IsFinite(value))
        {
            throw Error(
                _line,
                $"entry ({row}, {column}) has value '{Shorten(token.ToString())}', which is not finite; transition " +
                $"probabilities must be finite");
        }

        if (value < 0)
        {
            throw Error(_line, $"entry ({row}, {column}) has negative value {token}; transition probabilities must be ≥ 0");
        }

        return value;
    }

    /// <summary>The next line that is neither blank nor a comment, or <see langword="null"/> at the end; counts lines.</summary>
    private string? NextDataLine()
    {
        while (_reader.ReadLine() is { } line)
        {
            _line++;
            ReadOnlySpan<char> trimmed = line.AsSpan().TrimStart();
            if (trimmed.IsEmpty || trimmed[0] == '%')
            {
                continue;
            }

            return line;
        }

        return null;
    }

    /// <summary>Splits on blanks and tabs; stores up to <paramref name="tokens"/>.Length ranges and returns the total count.</summary>
    private static int Tokenize(ReadOnlySpan<char> line, Span<Range> tokens)
    {
        int count = 0;
        int i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && char.IsWhiteSpace(line[i]))
            {
                i++;
            }

            if (i == line.Length)
            {
                break;
            }

            int start = i;
            while (i < line.Length && !char.IsWhiteSpace(line[i]))
            {
                i++;
            }

            if (count < tokens.Length)
            {
                tokens[count] = new Range(start, i);
            }

            count++;
        }

        return count;
    }

    private static bool TryParseInteger(ReadOnlySpan<char> token, out long value) =>
        long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    /// <summary>Spellings of NaN and infinity that other tools write (Python 'nan', 'inf', C '-INF', …).</summary>
    private static bool IsNonFiniteWord(ReadOnlySpan<char> token)
    {
        if (token.Length > 0 && (token[0] == '+' || token[0] == '-'))
        {
            token = token[1..];
        }

        return token.Equals("nan", StringComparison.OrdinalIgnoreCase)
            || token.Equals("inf", StringComparison.OrdinalIgnoreCase)
            || token.Equals("infinity", StringComparison.OrdinalIgnoreCase);
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");

    private InvalidDataException Error(long line, string message) => new($"{_source} line {line}: {message}");
}
