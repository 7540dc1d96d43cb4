namespace LlmChains.InContext.Internals;

/// <summary>Small helpers on row-major dense probability rows.</summary>
internal static class DenseRows
{
    /// <summary>Divides a non-negative row by its sum (in ascending order); returns the sum.</summary>
    internal static double Normalize(Span<double> row)
    {
        double sum = 0;
        foreach (double v in row)
        {
            sum += v;
        }

        if (sum > 0)
        {
            for (int i = 0; i < row.Length; i++)
            {
                row[i] /= sum;
            }
        }

        return sum;
    }
}
