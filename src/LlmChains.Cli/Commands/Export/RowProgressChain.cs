using LlmChains.Chains;

namespace LlmChains.Cli.Commands.Export;

/// <summary>
/// A chain that passes every call to <paramref name="inner"/> and reports, as a fraction of <paramref name="passes"/>
/// passes over the rows, how many rows have been read: progress for a writer that reads a chain row by row
/// (<see cref="MatrixMarket.Write(IMarkovChain, TextWriter)"/> reads every row twice, to count the non-zeros first).
/// </summary>
internal sealed class RowProgressChain(IMarkovChain inner, int passes, IProgress<double> progress) : IMarkovChain
{
    private long _rowsRead;

    public long StateCount => inner.StateCount;

    public int MaxRowNonZeros => inner.MaxRowNonZeros;

    public void Step(ReadOnlySpan<double> distribution, Span<double> next) => inner.Step(distribution, next);

    public int GetRow(long state, Span<long> columns, Span<double> probabilities)
    {
        if ((++_rowsRead & 4095) == 0)
        {
            progress.Report(_rowsRead / ((double)passes * Math.Max(1, inner.StateCount)));
        }

        return inner.GetRow(state, columns, probabilities);
    }
}
