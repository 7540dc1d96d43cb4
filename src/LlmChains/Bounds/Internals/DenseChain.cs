using System.Numerics.Tensors;
using LlmChains.Chains;
using LlmChains.Internals.Numerics;

namespace LlmChains.Bounds.Internals;

/// <summary>
/// Dense linear algebra on small chains, for the mixing quantities of the bounds: row-major n × n arrays,
/// matrix products, the worst-pair total variation d̄ and the GTH stationary distribution (through the engine room).
/// </summary>
internal static class DenseChain
{
    /// <summary>The largest chain densified (n² doubles = 32 MiB at 2048 states; the algorithms cost O(n³) per power).</summary>
    internal const int MaxStates = 2048;

    /// <summary>The row-major n × n transition matrix of a small chain.</summary>
    internal static double[] ToDense(IMarkovChain chain, string paramName)
    {
        ArgumentNullException.ThrowIfNull(chain, paramName);
        long count = chain.StateCount;
        if (count < 1 || count > MaxStates)
        {
            throw new ArgumentOutOfRangeException(
                paramName,
                count,
                $"The chain has {count} states; the dense mixing computations accept 1..{MaxStates} states.");
        }

        int n = (int)count;
        var dense = new double[n * n];
        var columns = new long[Math.Max(1, chain.MaxRowNonZeros)];
        var probabilities = new double[columns.Length];
        for (int i = 0; i < n; i++)
        {
            int nonZeros = chain.GetRow(i, columns, probabilities);
            for (int k = 0; k < nonZeros; k++)
            {
                dense[(i * n) + (int)columns[k]] += probabilities[k];
            }
        }

        return dense;
    }

    /// <summary>c = a·b for row-major n × n arrays (i-k-j order, vectorised rows).</summary>
    internal static void Multiply(double[] a, double[] b, double[] c, int n)
    {
        Array.Clear(c);
        for (int i = 0; i < n; i++)
        {
            var row = c.AsSpan(i * n, n);
            for (int k = 0; k < n; k++)
            {
                double aik = a[(i * n) + k];
                if (aik != 0)
                {
                    TensorPrimitives.MultiplyAdd(b.AsSpan(k * n, n), aik, row, row);
                }
            }
        }
    }

    /// <summary>d̄ = max_{x,y} TV(M(x,·), M(y,·)) = ½ max_{x,y} ‖M(x,·) − M(y,·)‖₁, capped at 1.</summary>
    internal static double MaxPairTotalVariation(double[] m, int n, double[] scratch, CancellationToken cancellationToken)
    {
        double max = 0;
        var difference = scratch.AsSpan(0, n);
        for (int x = 0; x < n; x++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rx = m.AsSpan(x * n, n);
            for (int y = x + 1; y < n; y++)
            {
                max = Math.Max(max, VectorKernels.TotalVariation(rx, m.AsSpan(y * n, n), difference));
            }
        }

        return Math.Min(1, max);
    }

    /// <summary>
    /// The stationary distribution of an irreducible chain by the engine room's Grassmann–Taksar–Heyman elimination
    /// (<see cref="GthKernel"/>: subtraction-free, so every entry keeps full relative accuracy); <see langword="null"/>
    /// when a pivot vanishes (the chain is reducible).
    /// </summary>
    internal static double[]? StationaryGth(double[] p, int n)
    {
        var pi = new double[n];
        return GthKernel.Solve((double[])p.Clone(), n, pi, CancellationToken.None) < 0 ? pi : null;
    }

    /// <summary>‖π·P − π‖₁.</summary>
    internal static double StationaryResidual(double[] p, int n, ReadOnlySpan<double> pi)
    {
        var next = new double[n];
        for (int i = 0; i < n; i++)
        {
            if (pi[i] != 0)
            {
                TensorPrimitives.MultiplyAdd(p.AsSpan(i * n, n), pi[i], next, next);
            }
        }

        double residual = 0;
        for (int j = 0; j < n; j++)
        {
            residual += Math.Abs(next[j] - pi[j]);
        }

        return residual;
    }
}
