// The checks throw on behalf of StationaryDistribution.Compute, naming its `chain` parameter.
#pragma warning disable CA2208

using System.Globalization;
using LlmChains.Chains;
using LlmChains.Chains.Internals;

namespace LlmChains.Analysis.Spectral.Internals;

/// <summary>
/// Poses each recurrent class of a chain as a chain of its own. A model's chain whose class is its whole
/// full-length block uses <see cref="LanguageModelChain.RecurrentBlock"/> (implicit, no copy; Prop. 3.3); any
/// other class gets a local CSR copy built row by row through <see cref="IMarkovChain.GetRow"/> (the class is
/// closed, so every non-zero of its rows stays inside it).
/// </summary>
internal sealed class SubChainBuilder(IMarkovChain chain, ChainStructure? structure)
{
    /// <summary>Largest accepted |row sum − 1| of a class's rows (float32 storage rounds each row by ~6e−8).</summary>
    internal const double RowSumTolerance = 1e-6;

    private int[][]? _groups;       // per recurrent class (in RecurrentClasses order): its states, ascending
    private int[]? _localIndex;     // per state: its position within its recurrent class

    /// <summary>
    /// The problem of <paramref name="recurrent"/>, the <paramref name="position"/>-th recurrent class. A class that is
    /// the whole chain uses the chain itself; others need the structure that found them.
    /// </summary>
    public StationaryClassProblem Create(CommunicatingClass recurrent, int position, CancellationToken cancellationToken)
    {
        if (recurrent.Size > Array.MaxLength)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Recurrent class {recurrent.Id} has {recurrent.Size:N0} states (log10 ") +
                string.Create(CultureInfo.InvariantCulture, $"{Math.Log10(recurrent.Size):F1}); a stationary vector holds at most ") +
                string.Create(CultureInfo.InvariantCulture, $"{Array.MaxLength:N0} entries ") +
                string.Create(CultureInfo.InvariantCulture, $"({(double)recurrent.Size * sizeof(double):N0} bytes would be needed)."),
                nameof(chain));
        }

        int size = (int)recurrent.Size;
        if (chain is IChainFacts { ClosedBlock: { } block } facts
            && recurrent.FirstState == facts.ClosedBlockOffset
            && recurrent.Size == block.StateCount)
        {
            return new StationaryClassProblem(recurrent, block, size, null, recurrent.FirstState);
        }

        if (recurrent.Size == chain.StateCount)
        {
            if (chain is not IChainFacts { RowsValidated: true })
            {
                ValidateRows(cancellationToken); // the library's chains validate their rows when built
            }

            return new StationaryClassProblem(recurrent, chain, size, null, 0);
        }

        if (recurrent.Size == 1)
        {
            int[] single = [checked((int)recurrent.FirstState)];
            return new StationaryClassProblem(
                recurrent, BuildLocal(single, null, recurrent, cancellationToken), size, null, recurrent.FirstState);
        }

        if (structure is null)
        {
            throw new InvalidOperationException("A recurrent class smaller than the chain needs the chain's structure.");
        }

        Group(structure, cancellationToken);
        int[] states = _groups![position];
        return new StationaryClassProblem(
            recurrent, BuildLocal(states, _localIndex, recurrent, cancellationToken), size, states, recurrent.FirstState);
    }

    /// <summary>Checks every row of a chain of unknown origin: finite, non-negative entries summing to 1.</summary>
    private void ValidateRows(CancellationToken cancellationToken)
    {
        int width = chain.MaxRowNonZeros;
        var columns = new long[width];
        var probabilities = new double[width];
        for (long s = 0; s < chain.StateCount; s++)
        {
            if ((s & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            int count = chain.GetRow(s, columns, probabilities);
            CheckRow(s, probabilities.AsSpan(0, count), columns.AsSpan(0, count));
        }
    }

    private static void CheckRow(long state, ReadOnlySpan<double> probabilities, ReadOnlySpan<long> columns)
    {
        double sum = 0;
        for (int q = 0; q < probabilities.Length; q++)
        {
            double p = probabilities[q];
            if (!(p >= 0) || double.IsInfinity(p))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Row {state} of the chain has the entry {p} at column {columns[q]}; ") +
                    string.Create(CultureInfo.InvariantCulture, $"entries must be finite and ≥ 0."),
                    "chain");
            }

            sum += p;
        }

        if (!(Math.Abs(sum - 1) <= RowSumTolerance))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Row {state} of the chain sums to {sum:R}, not 1 (tolerance ") +
                string.Create(CultureInfo.InvariantCulture, $"{RowSumTolerance:E0}); the chain is not stochastic."),
                "chain");
        }
    }

    /// <summary>One pass over the states: the states of every recurrent class and each state's local index.</summary>
    private void Group(ChainStructure structure, CancellationToken cancellationToken)
    {
        if (_groups is not null)
        {
            return;
        }

        int n = checked((int)chain.StateCount);
        var positionOfClass = new int[structure.ClassCount];
        Array.Fill(positionOfClass, -1);
        var groups = new int[structure.RecurrentClasses.Count][];
        for (int r = 0; r < groups.Length; r++)
        {
            positionOfClass[structure.RecurrentClasses[r].Id] = r;
            groups[r] = new int[structure.RecurrentClasses[r].Size];
        }

        var filled = new int[groups.Length];
        var localIndex = new int[n];
        for (int s = 0; s < n; s++)
        {
            if ((s & 0xFFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            int r = positionOfClass[structure.GetClassOf(s)];
            if (r >= 0)
            {
                int local = filled[r]++;
                groups[r][local] = s;
                localIndex[s] = local;
            }
        }

        _groups = groups;
        _localIndex = localIndex;
    }

    /// <summary>The class's rows with columns renumbered to local indices, as a validated CSR chain.</summary>
    private SparseMarkovChain BuildLocal(int[] states, int[]? localIndex, CommunicatingClass recurrent, CancellationToken cancellationToken)
    {
        int width = chain.MaxRowNonZeros;
        var columns = new long[width];
        var probabilities = new double[width];
        int size = states.Length;
        var rowPointers = new long[size + 1];
        int capacity = (int)Math.Min(Array.MaxLength, Math.Max(16, (long)size * Math.Min(width, 8)));
        var localColumns = new int[capacity];
        var values = new double[capacity];
        long count = 0;
        long first = states[0];
        for (int j = 0; j < size; j++)
        {
            if ((j & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            int nonZeros = chain.GetRow(states[j], columns, probabilities);
            if (count + nonZeros > localColumns.Length)
            {
                int grown = (int)Math.Min(Array.MaxLength, Math.Max(count + nonZeros, 2L * localColumns.Length));
                Array.Resize(ref localColumns, grown);
                Array.Resize(ref values, grown);
            }

            for (int q = 0; q < nonZeros; q++)
            {
                long column = columns[q];
                int local = localIndex is null ? checked((int)(column - first)) : localIndex[column];
                if (local < 0 || local >= size || (localIndex is null ? column - first != local : states[local] != column))
                {
                    throw new InvalidOperationException(
                        string.Create(CultureInfo.InvariantCulture, $"State {states[j]} of recurrent class {recurrent.Id} has a ") +
                        string.Create(CultureInfo.InvariantCulture, $"transition to state {column} outside the class; the chain's rows ") +
                        string.Create(CultureInfo.InvariantCulture, $"changed after it was classified."));
                }

                localColumns[count + q] = local;
                values[count + q] = probabilities[q];
            }

            CheckRow(states[j], probabilities.AsSpan(0, nonZeros), columns.AsSpan(0, nonZeros));
            count += nonZeros;
            rowPointers[j + 1] = count;
        }

        Array.Resize(ref localColumns, (int)count);
        Array.Resize(ref values, (int)count);
        return SparseMarkovChain.FromOwnedCsr(rowPointers, localColumns, values, RowSumTolerance);
    }
}
