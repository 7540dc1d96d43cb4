using System.Buffers;
using System.Globalization;
using System.Text;
using LlmChains.Chains.Internals;

namespace LlmChains.Chains;

/// <summary>
/// Reads and writes row-stochastic transition matrices Q in the MatrixMarket exchange format (the format of
/// <c>scipy.io.mmread</c>/<c>mmwrite</c>), with 1-based indices and invariant-culture numbers.
/// </summary>
/// <remarks>
/// <para>
/// Read accepts the headers <c>%%MatrixMarket matrix coordinate real|integer general|symmetric</c> and
/// <c>%%MatrixMarket matrix array real|integer general|symmetric</c> (case-insensitive). In coordinate format,
/// duplicates are summed and explicit zeros dropped; a symmetric file lists one triangle and each off-diagonal
/// entry is mirrored. Array format lists the values column by column (the lower triangle, column by column, when
/// symmetric), as <c>scipy.io.mmwrite</c> writes a dense NumPy array. Lines starting with <c>%</c> are comments;
/// blank lines are ignored. The <c>pattern</c>, <c>complex</c>, <c>hermitian</c> and <c>skew-symmetric</c>
/// variants and non-<c>matrix</c> objects are rejected.
/// </para>
/// <para>
/// Every problem in the data is an <see cref="InvalidDataException"/> with a one-line message naming the source and
/// the line, for example <c>chain.mtx line 7: entry (3, 9) has column 9 outside 1..5</c>; a row that does not sum
/// to 1 within the tolerance names its 1-based row and its sum. Write produces
/// <c>coordinate real general</c> with shortest round-trip ("R") values, so a write followed by a read
/// reproduces every probability bit for bit.
/// </para>
/// </remarks>
// RS0026: the two Read overloads differ in their first parameter (a path or a reader), so the optional
// tolerance cannot make a call ambiguous.
#pragma warning disable RS0026
public static class MatrixMarket
{
    /// <summary>Reads a transition matrix from a MatrixMarket file.</summary>
    /// <param name="path">The file; its path names the source in error messages.</param>
    /// <param name="tolerance">Largest accepted |Σ_j Q(i, j) − 1| of a row; finite, ≥ 0.</param>
    /// <returns>The validated chain (indices shifted to 0-based).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tolerance"/> is negative or not finite.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid MatrixMarket row-stochastic square matrix.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static SparseMarkovChain Read(string path, double tolerance = 1e-10)
    {
        ArgumentNullException.ThrowIfNull(path);
        SparseMarkovChain.CheckTolerance(tolerance);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, new FileStreamOptions { BufferSize = 1 << 16 });
        return MatrixMarketReader.Read(reader, path, tolerance);
    }

    /// <summary>Reads a transition matrix in MatrixMarket format from a text reader.</summary>
    /// <param name="reader">The text, read to its end (not disposed).</param>
    /// <param name="sourceName">The name used in error messages, usually a file name.</param>
    /// <param name="tolerance">Largest accepted |Σ_j Q(i, j) − 1| of a row; finite, ≥ 0.</param>
    /// <returns>The validated chain (indices shifted to 0-based).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reader"/> or <paramref name="sourceName"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tolerance"/> is negative or not finite.</exception>
    /// <exception cref="InvalidDataException">The text is not a valid MatrixMarket row-stochastic square matrix.</exception>
    public static SparseMarkovChain Read(TextReader reader, string sourceName, double tolerance = 1e-10)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sourceName);
        SparseMarkovChain.CheckTolerance(tolerance);
        return MatrixMarketReader.Read(reader, sourceName, tolerance);
    }

    /// <summary>Writes the transition matrix of any chain to a file as <c>coordinate real general</c> (see <see cref="Write(IMarkovChain, TextWriter)"/>).</summary>
    /// <param name="chain">The chain; its rows are read through <see cref="IMarkovChain.GetRow"/>.</param>
    /// <param name="path">The file, created or overwritten (UTF-8 without byte order mark).</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(IMarkovChain chain, string path)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(path);
        using var writer = new StreamWriter(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, BufferSize = 1 << 16 });
        Write(chain, writer);
    }

    /// <summary>
    /// Writes the transition matrix of any chain as <c>%%MatrixMarket matrix coordinate real general</c>: a comment,
    /// the size line "n n nnz", then one line "i j Q(i,j)" per non-zero with 1-based indices, rows in order and
    /// columns ascending, values in invariant-culture shortest round-trip ("R") form. Lines end with '\n'.
    /// </summary>
    /// <param name="chain">The chain; its rows are read through <see cref="IMarkovChain.GetRow"/> (twice, to count the non-zeros first, unless it is a <see cref="SparseMarkovChain"/>). Zeros a row reports are skipped.</param>
    /// <param name="writer">The destination (not flushed or disposed).</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static void Write(IMarkovChain chain, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(writer);
        long n = chain.StateCount;
        int width = Math.Max(1, chain.MaxRowNonZeros);
        long[] columns = ArrayPool<long>.Shared.Rent(width);
        double[] probabilities = ArrayPool<double>.Shared.Rent(width);
        try
        {
            long nonZeros = (chain as IChainFacts)?.KnownNonZeroCount ?? CountNonZeros(chain, columns, probabilities);
            Span<char> line = stackalloc char[96];
            writer.Write("%%MatrixMarket matrix coordinate real general\n");
            writer.Write("% row-stochastic transition matrix Q: row i holds P(next = j | current = i), 1-based; written by LlmChains\n");
            writer.Write(FormattableString.Invariant($"{n} {n} {nonZeros}\n"));
            for (long i = 0; i < n; i++)
            {
                int count = chain.GetRow(i, columns, probabilities);
                for (int k = 0; k < count; k++)
                {
                    double p = probabilities[k];
                    if (p == 0)
                    {
                        continue;
                    }

                    writer.Write(FormatEntry(line, i + 1, columns[k] + 1, p));
                }
            }
        }
        finally
        {
            ArrayPool<long>.Shared.Return(columns);
            ArrayPool<double>.Shared.Return(probabilities);
        }
    }

    private static long CountNonZeros(IMarkovChain chain, long[] columns, double[] probabilities)
    {
        long total = 0;
        for (long i = 0; i < chain.StateCount; i++)
        {
            int count = chain.GetRow(i, columns, probabilities);
            for (int k = 0; k < count; k++)
            {
                if (probabilities[k] != 0)
                {
                    total++;
                }
            }
        }

        return total;
    }

    /// <summary>"row column value\n" in <paramref name="buffer"/> (long enough for two 20-digit indices and any double).</summary>
    private static ReadOnlySpan<char> FormatEntry(Span<char> buffer, long row, long column, double value)
    {
        var inv = CultureInfo.InvariantCulture;
        row.TryFormat(buffer, out int length, default, inv);
        buffer[length++] = ' ';
        column.TryFormat(buffer[length..], out int written, default, inv);
        length += written;
        buffer[length++] = ' ';
        value.TryFormat(buffer[length..], out written, "R", inv);
        length += written;
        buffer[length++] = '\n';
        return buffer[..length];
    }
}
#pragma warning restore RS0026
