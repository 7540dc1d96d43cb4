using LlmChains.Analysis.Convergence;

namespace LlmChains.InContext.Internals;

/// <summary>Small helpers on row-major dense probability rows.</summary>
internal static class DenseRows
{
    /// <summary>TV(p, q) = ½ Σ|p_i − q_i| in ascending i.</summary>
    internal static double TotalVariation(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        double sum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            sum += Math.Abs(p[i] - q[i]);
        }

        return 0.5 * sum;
    }

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
