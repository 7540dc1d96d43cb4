using System.Buffers;

namespace LlmChains.InContext.Internals;

/// <summary>
/// The shared kernel of the counting estimators: one pass over the trajectory keeping N_{x→y}; prediction n is row X_n of
/// (N_{x→y} + α_{xy})/(N_x + Σ_y α_{xy}), or the uniform row when there is no pseudo-count and N_x = 0.
/// </summary>
internal static class CountingPredictor
{
    /// <summary>Writes the L − 1 predictions (arguments already validated).</summary>
    /// <param name="trajectory">X_1 … X_L.</param>
    /// <param name="d">The number of states.</param>
    /// <param name="predictions">(L − 1)·d destination.</param>
    /// <param name="prior">Row-major d × d pseudo-counts, or null for the symmetric <paramref name="alpha"/>.</param>
    /// <param name="alpha">The symmetric pseudo-count (0: none, unseen rows uniform).</param>
    /// <param name="cancellationToken">Checked every 4096 positions.</param>
    internal static void Predict(
        ReadOnlySpan<int> trajectory,
        int d,
        Span<double> predictions,
        double[]? prior,
        double alpha,
        CancellationToken cancellationToken)
    {
        int cells = d * d;
        int[] counts = ArrayPool<int>.Shared.Rent(cells);
        int[] totals = ArrayPool<int>.Shared.Rent(d);
        try
        {
            Array.Clear(counts, 0, cells);
            Array.Clear(totals, 0, d);
            double uniform = 1.0 / d;
            for (int i = 0; i < trajectory.Length - 1; i++)
            {
                if ((i & 0xFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                if (i > 0)
                {
                    int from = trajectory[i - 1];
                    counts[(from * d) + trajectory[i]]++;
                    totals[from]++;
                }

                int x = trajectory[i];
                Span<double> row = predictions.Slice(i * d, d);
                ReadOnlySpan<int> n = counts.AsSpan(x * d, d);
                if (prior is not null)
                {
                    ReadOnlySpan<double> a = prior.AsSpan(x * d, d);
                    double denominator = totals[x];
                    for (int y = 0; y < d; y++)
                    {
                        denominator += a[y];
                    }

                    for (int y = 0; y < d; y++)
                    {
                        row[y] = (n[y] + a[y]) / denominator;
                    }
                }
                else if (totals[x] == 0)
                {
                    row.Fill(uniform);
                }
                else
                {
                    double denominator = totals[x] + (d * alpha);
                    for (int y = 0; y < d; y++)
                    {
                        row[y] = (n[y] + alpha) / denominator;
                    }
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(counts);
            ArrayPool<int>.Shared.Return(totals);
        }
    }
}
