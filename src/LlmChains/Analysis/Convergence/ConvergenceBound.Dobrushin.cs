using System.Globalization;
using LlmChains.Analysis.Convergence.Internals;
using LlmChains.Chains;

namespace LlmChains.Analysis.Convergence;

public static partial class ConvergenceBound
{
    /// <summary>
    /// The Dobrushin contraction coefficient δ(Q) = max_{i,j} TV(Q(i, ·), Q(j, ·)), exactly, for chains of at most
    /// <see cref="TotalVariation.DefaultMaxWorstCaseStates"/> states (the limit of the exact worst case; the pair loop is
    /// O(n²·r) work, the same order as one worst-case step). TV(μQ, νQ) ≤ δ(Q)·TV(μ, ν) for all distributions, so
    /// d(t) ≤ δ(Q)^t·d(0) with π stationary (informative when δ(Q) &lt; 1).
    /// </summary>
    /// <remarks>
    /// <para>Each pair uses TV(a, b) = ½(Σa + Σb) − Σ_k min(a_k, b_k), the overlap summed over the sparser row: O(n²·r/2)
    /// work for r non-zeros per row, in parallel over i; it stops at the first pair with disjoint rows (δ = 1). Values are
    /// clamped to [0, 1].</para>
    /// <para>For a model chain with K ≥ 2 the rows of states with different last K − 1 tokens have disjoint successors, so
    /// δ(Q_f) = 1: one step contracts nothing, and the contraction of Prop. 3.4 comes from Q_f^K restricted to ℛ, where
    /// δ ≤ 1 − T^K·ε. For chains too large for the exact value use <see cref="DobrushinUpperBound"/>.</para>
    /// </remarks>
    /// <param name="chain">A chain of at most <see cref="TotalVariation.DefaultMaxWorstCaseStates"/> states.</param>
    /// <param name="cancellationToken">Cancels the pair loop.</param>
    /// <returns>δ(Q) in [0, 1].</returns>
    /// <exception cref="ArgumentException">The chain has more than
    /// <see cref="TotalVariation.DefaultMaxWorstCaseStates"/> states (the message gives the bytes and the
    /// limit).</exception>
    public static double Dobrushin(IMarkovChain chain, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ConvergenceGuard.CheckWorstCaseSize(chain.StateCount, "the exact Dobrushin coefficient", null);
        var rows = ConvergenceRows.Create(chain, cancellationToken);
        int n = rows.Dimension;
        int[] pointers = rows.RowPointers;
        int[] columns = rows.Columns;
        double[] values = rows.Values;
        var sums = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int k = pointers[i]; k < pointers[i + 1]; k++)
            {
                s += values[k];
            }

            sums[i] = s;
        }

        double result = 0;
        var gate = new Lock();
        var parallel = new ParallelOptions { CancellationToken = cancellationToken };
        Parallel.For(
            0,
            n,
            parallel,
            () => (Dense: new double[n], Max: 0.0),
            (i, state, local) =>
            {
                if (state.ShouldExitCurrentIteration)
                {
                    return local;
                }

                double[] dense = local.Dense;
                for (int k = pointers[i]; k < pointers[i + 1]; k++)
                {
                    dense[columns[k]] = values[k];
                }

                double max = local.Max;
                for (int j = i + 1; j < n && max < 1; j++)
                {
                    double overlap = 0;
                    for (int k = pointers[j]; k < pointers[j + 1]; k++)
                    {
                        overlap += Math.Min(dense[columns[k]], values[k]);
                    }

                    double tv = overlap == 0 ? 1 : Math.Clamp((0.5 * (sums[i] + sums[j])) - overlap, 0, 1);
                    max = Math.Max(max, tv);
                }

                for (int k = pointers[i]; k < pointers[i + 1]; k++)
                {
                    dense[columns[k]] = 0;
                }

                if (max >= 1)
                {
                    state.Stop();
                }

                return (dense, max);
            },
            local =>
            {
                lock (gate)
                {
                    result = Math.Max(result, local.Max);
                }
            });
        return result;
    }

    /// <summary>
    /// An upper bound on the Dobrushin coefficient for any chain size: δ(Q) ≤ 1 − Σ_k min_i Q(i, k), in O(non-zeros) time
    /// and O(largest row) memory. Cheap but looser than <see cref="Dobrushin"/>: it is 1 as soon as no column is shared by
    /// every row (for example every model chain with K ≥ 2), and tight for chains such as a rank-one Q = eπ (value 0).
    /// </summary>
    /// <remarks>
    /// Valid because TV(Q(i, ·), Q(j, ·)) = 1 − Σ_k min(Q(i, k), Q(j, k)) ≤ 1 − Σ_k min_l Q(l, k). The column minima are
    /// taken over the intersection of the row supports, scanned row by row; the scan stops when the intersection is empty.
    /// </remarks>
    /// <param name="chain">Any chain.</param>
    /// <param name="cancellationToken">Cancels the row scan.</param>
    /// <returns>A value in [0, 1] that is ≥ δ(Q).</returns>
    public static double DobrushinUpperBound(IMarkovChain chain, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chain);
        int width = Math.Max(1, chain.MaxRowNonZeros);
        var columns = new long[width];
        var probabilities = new double[width];
        var keptColumns = new long[width];
        var keptMinima = new double[width];
        int kept = chain.GetRow(0, keptColumns, keptMinima);
        for (long i = 1; i < chain.StateCount && kept > 0; i++)
        {
            if ((i & 4095) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            int count = chain.GetRow(i, columns, probabilities);
            int write = 0, a = 0, b = 0;
            while (a < kept && b < count)
            {
                if (keptColumns[a] < columns[b])
                {
                    a++;
                }
                else if (keptColumns[a] > columns[b])
                {
                    b++;
                }
                else
                {
                    keptColumns[write] = keptColumns[a];
                    keptMinima[write] = Math.Min(keptMinima[a], probabilities[b]);
                    write++;
                    a++;
                    b++;
                }
            }

            kept = write;
        }

        double shared = 0;
        for (int k = 0; k < kept; k++)
        {
            shared += keptMinima[k];
        }

        return Math.Clamp(1 - shared, 0, 1);
    }

    /// <summary>Formats a double for messages.</summary>
    internal static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
