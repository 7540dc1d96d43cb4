using System.Globalization;

namespace LlmChains.Analysis.LowTemperature.Internals;

/// <summary>
/// Reads a resistance matrix in MatrixMarket coordinate format. Unlike <see cref="Chains.MatrixMarket"/> (which reads
/// probabilities, sums duplicates and drops explicit zeros), an explicit 0 here is an edge of the greedy chain and
/// must be kept, and a duplicate is an error.
/// </summary>
internal static class CostMatrixReader
{
    internal static (long StateCount, List<(long From, long To, double Resistance)> Edges) Read(TextReader reader, string source)
    {
        string? header = reader.ReadLine();
        int lineNumber = 1;
        if (header is null)
        {
            throw new InvalidDataException(
                $"{source}: the file is empty; expected a MatrixMarket header '%%MatrixMarket matrix coordinate real general'.");
        }

        var words = header.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (
            words.Length != 5
                || !words[0].Equals("%%MatrixMarket", StringComparison.OrdinalIgnoreCase)
                || !words[1].Equals("matrix", StringComparison.OrdinalIgnoreCase)
            || !words[2].Equals("coordinate", StringComparison.OrdinalIgnoreCase)
                || !(
                    words[3].Equals("real", StringComparison.OrdinalIgnoreCase)
                        || words[3].Equals("integer", StringComparison.OrdinalIgnoreCase))
            || !words[4].Equals("general", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException(
                $"{source} line 1: a resistance matrix must be '%%MatrixMarket matrix coordinate real general' (or integer); got " +
                $"'{Shorten(header)}'.");
        }

        long rows = -1, entries = -1;
        var edges = new List<(long, long, double)>();
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            var text = line.AsSpan().Trim();
            if (text.IsEmpty || text[0] == '%')
            {
                continue;
            }

            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (rows < 0)
            {
                if (
                    parts.Length != 3
                        || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out rows)
                        || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long columns)
                    || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out entries))
                {
                    throw new InvalidDataException(
                        $"{source} line {lineNumber}: expected the size line 'rows columns entries'; got '{Shorten(line)}'.");
                }

                if (rows != columns || rows < 1 || rows >= int.MaxValue)
                {
                    throw new InvalidDataException(
                        string.Create(CultureInfo.InvariantCulture, $"{source} line {lineNumber}: the matrix is {rows}×{columns}; a ") +
                        string.Create(CultureInfo.InvariantCulture, $"resistance matrix is square with 1 to {int.MaxValue - 1} states."));
                }

                continue;
            }

            if (
                parts.Length != 3
                    || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long i)
                    || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long j)
                || !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double r))
            {
                throw new InvalidDataException(
                    $"{source} line {lineNumber}: expected an entry 'row column resistance'; got '{Shorten(line)}'.");
            }

            string? problem = ResistanceMatrix.CheckEdge(rows, i - 1, j - 1, r);
            if (problem is not null)
            {
                throw new InvalidDataException(
                    string.Create(CultureInfo.InvariantCulture, $"{source} line {lineNumber}: entry ({i}, {j}) = {parts[2]}: {problem} ") +
                    string.Create(CultureInfo.InvariantCulture, $"(indices are 1-based in the file)"));
            }

            edges.Add((i - 1, j - 1, r));
        }

        if (rows < 0)
        {
            throw new InvalidDataException($"{source}: the size line 'rows columns entries' is missing.");
        }

        if (edges.Count != entries)
        {
            throw new InvalidDataException(
                string.Create(CultureInfo.InvariantCulture, $"{source}: the size line announces {entries} entries but the file has ") +
                string.Create(CultureInfo.InvariantCulture, $"{edges.Count}."));
        }

        return (rows, edges);
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");
}
