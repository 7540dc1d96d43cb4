using System.Globalization;
using MathNet.Numerics.LinearAlgebra.Double;

namespace LlmChains.Chains;

public sealed partial class LanguageModelChain
{
    /// <summary>
    /// Copies Q_f into a general CSR chain with explicit column indices (zero probabilities, from truncated decoding,
    /// are not stored). The copy takes 12 bytes a non-zero plus 8 a state, against 4–8 a non-zero here.
    /// </summary>
    /// <returns>An independent <see cref="SparseMarkovChain"/> equal to this chain.</returns>
    /// <exception cref="InvalidOperationException">The copy would exceed the largest array or the memory available (the message gives the bytes needed).</exception>
    public SparseMarkovChain ToSparseMarkovChain()
    {
        long nonZeros = AllTransitionsPositive() ? StoredTransitionCount : CountNonZeros();
        double bytes = ((StateCount + 1.0) * sizeof(long)) + (nonZeros * (double)(sizeof(int) + sizeof(double)));
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (nonZeros > Array.MaxLength || StateCount > SparseMarkovChain.MaxStateCount || bytes > available)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Copying the chain ({StateCount:N0} states, {nonZeros:N0} non-zeros) to CSR needs {FormatBytes(bytes)} in arrays of {nonZeros:N0} entries; the limits are {FormatBytes(available)} and {Array.MaxLength:N0} entries."));
        }

        int t = VocabularySize;
        var rowPointers = new long[StateCount + 1];
        var columns = new int[nonZeros];
        var values = new double[nonZeros];
        var rowColumns = new long[t];
        var rowValues = new double[t];
        long at = 0;
        for (long s = 0; s < StateCount; s++)
        {
            int count = GetRowUnchecked(s, States.FirstSuccessor(s), 0, rowColumns, rowValues);
            for (int e = 0; e < count; e++)
            {
                columns[at] = (int)rowColumns[e];
                values[at] = rowValues[e];
                at++;
            }

            rowPointers[s + 1] = at;
        }

        // float32 rows sum to 1 only within about T·6e−8.
        double tolerance = Precision == ProbabilityPrecision.Float32 ? Math.Max(1e-6, t * 1.2e-7) : 1e-10;
        return SparseMarkovChain.FromOwnedCsr(rowPointers, columns, values, tolerance);
    }

    /// <summary>Copies Q_f into a MathNet.Numerics <see cref="SparseMatrix"/> (through <see cref="ToSparseMarkovChain"/>).</summary>
    /// <returns>A sparse matrix equal to Q_f.</returns>
    /// <exception cref="InvalidOperationException">Q_f has more than 50,000,000 non-zeros (refused before copying) or more states than a MathNet matrix holds.</exception>
    public SparseMatrix ToSparseMatrix()
    {
        if (StoredTransitionCount > SparseMarkovChain.MaxMatrixNonZeros && CountNonZeros() > SparseMarkovChain.MaxMatrixNonZeros)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"The chain has {CountNonZeros():N0} non-zeros; a MathNet SparseMatrix copy is limited to {SparseMarkovChain.MaxMatrixNonZeros:N0}. Work with the chain through IMarkovChain instead."));
        }

        return ToSparseMarkovChain().ToMatrix();
    }

    /// <summary>The number of positive stored probabilities (the non-zeros of Q_f).</summary>
    public long CountNonZeros()
    {
        if (AllTransitionsPositive())
        {
            return StoredTransitionCount;
        }

        long zeros = _p64 is not null ? _p64.AsSpan().Count(0.0) : _p32.AsSpan().Count(0f);
        return StoredTransitionCount - zeros;
    }
}
