using System.Globalization;
using System.Numerics.Tensors;

namespace LlmChains.Models.Internals;

/// <summary>The decoding pipeline of <see cref="DecodingOptions"/>, without validation of the options and without throwing.</summary>
internal static class Decoder
{
    internal const int Success = -1;
    internal const int AllNegativeInfinity = -2;

    /// <summary>
    /// Decodes <paramref name="logits"/> into <paramref name="probabilities"/>. Returns <see cref="Success"/>,
    /// <see cref="AllNegativeInfinity"/>, or the index (≥ 0) of the first NaN or +∞ logit.
    /// </summary>
    internal static int Decode(DecodingOptions options, ReadOnlySpan<double> logits, Span<double> probabilities)
    {
        int n = logits.Length;
        if (probabilities.Length != n)
        {
            throw new ArgumentException(
                $"The destination has length {probabilities.Length} but there are {n} logits.",
                nameof(probabilities));
        }

        int argMax = -1;
        double max = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            double z = logits[i];
            if (double.IsNaN(z) || double.IsPositiveInfinity(z))
            {
                return i;
            }

            if (z > max)
            {
                max = z;
                argMax = i;
            }
        }

        if (argMax < 0)
        {
            return AllNegativeInfinity;
        }

        if (options.Temperature == 0)
        {
            probabilities.Clear();
            probabilities[argMax] = 1.0;
            return Success;
        }

        double kthLogit = double.NegativeInfinity;
        if (options.TopK is { } k && k < n)
        {
            kthLogit = KthLargest(logits, k);
        }

        // Tempered, unnormalised weights exp((z − max)/τ) ∈ [0, 1], 0 outside the top k; the argmax has weight 1.
        // Dividing (rather than multiplying by 1/τ, which overflows for subnormal τ) keeps 0/τ = 0 for the argmax at
        // every τ > 0. Each logit is read before its weight is written, so the destination may be the logits.
        // Subtract, Divide and Multiply are correctly rounded, so TensorPrimitives gives the scalar results; the
        // exponential stays Math.Exp because TensorPrimitives.Exp can differ in the last bit with the buffer's address
        // (in place or not), and a row of Q must not depend on which thread's buffer decoded it.
        double tau = options.Temperature;
        if (kthLogit > double.NegativeInfinity)
        {
            for (int i = 0; i < n; i++)
            {
                double z = logits[i];
                probabilities[i] = z >= kthLogit ? z - max : double.NegativeInfinity;
            }
        }
        else
        {
            TensorPrimitives.Subtract(logits, max, probabilities);
        }

        TensorPrimitives.Divide(probabilities, tau, probabilities);
        for (int i = 0; i < n; i++)
        {
            probabilities[i] = Math.Exp(probabilities[i]);
        }

        if (options.TopP is { } p && p < 1)
        {
            ApplyTopP(probabilities, SumAscending(probabilities), p);
        }

        if (options.MinP is { } minP && minP > 0)
        {
            // The largest weight is exactly 1 (the argmax survives every truncation).
            for (int i = 0; i < n; i++)
            {
                if (probabilities[i] < minP)
                {
                    probabilities[i] = 0;
                }
            }
        }

        double sum = SumAscending(probabilities);
        TensorPrimitives.Multiply(probabilities, 1.0 / sum, probabilities);

        return Success;
    }

    /// <summary>
    /// Σ values in ascending index order. Not TensorPrimitives.Sum: its order depends on the buffer's alignment, so the
    /// same logits could give rows differing in the last bit from one thread's buffer to another's.
    /// </summary>
    private static double SumAscending(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double v in values)
        {
            sum += v;
        }

        return sum;
    }

    /// <summary>The k-th largest value (1-based) of <paramref name="values"/>, for 1 ≤ k &lt; length.</summary>
    private static double KthLargest(ReadOnlySpan<double> values, int k)
    {
        double[]? rented = null;
        Span<double> copy = values.Length <= 256 ? stackalloc double[values.Length] : (
            rented = System.Buffers.ArrayPool<double>.Shared.Rent(values.Length)).AsSpan(0, values.Length);
        values.CopyTo(copy);
        copy.Sort();
        double result = copy[values.Length - k];
        if (rented is not null)
        {
            System.Buffers.ArrayPool<double>.Shared.Return(rented);
        }

        return result;
    }

    /// <summary>Zeroes the weights outside the nucleus of mass p (weights sum to <paramref name="sum"/>).</summary>
    private static void ApplyTopP(Span<double> weights, double sum, double p)
    {
        int n = weights.Length;
        int[]? rentedIdx = null;
        Span<int> order = n <= 256 ? stackalloc int[n] : (rentedIdx = System.Buffers.ArrayPool<int>.Shared.Rent(n)).AsSpan(0, n);
        double[]? rentedKeys = null;
        Span<double> keys = n <= 256 ? stackalloc double[n] : (rentedKeys = System.Buffers.ArrayPool<double>.Shared.Rent(n)).AsSpan(0, n);
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
            keys[i] = -weights[i]; // ascending keys = descending weights
        }

        keys.Sort(order);
        double target = p * sum * (1 - 1e-12);
        double cumulative = 0;
        double threshold = 0;
        for (int r = 0; r < n; r++)
        {
            double w = weights[order[r]];
            cumulative += w;
            if (cumulative >= target)
            {
                threshold = w;
                break;
            }
        }

        // Keep everything ≥ the last kept weight (ties kept); threshold > 0 because the argmax weight is 1.
        for (int i = 0; i < n; i++)
        {
            if (weights[i] < threshold)
            {
                weights[i] = 0;
            }
        }

        if (rentedIdx is not null)
        {
            System.Buffers.ArrayPool<int>.Shared.Return(rentedIdx);
        }

        if (rentedKeys is not null)
        {
            System.Buffers.ArrayPool<double>.Shared.Return(rentedKeys);
        }
    }

    /// <summary>A one-line description of a decoding failure code.</summary>
    /// <param name="failure">The failure code of <see cref="Decode"/>.</param>
    /// <param name="logits">The logits decoded.</param>
    /// <param name="fromModel">Whether a model wrote the logits into a NaN-filled buffer (<see cref="ModelCalls"/>): a
    /// NaN then also means an unwritten entry.</param>
    internal static string Describe(int failure, ReadOnlySpan<double> logits, bool fromModel = false) => failure switch
    {
        AllNegativeInfinity => "Every logit is −∞: the next-token distribution is undefined.",
        >= 0 when fromModel && double.IsNaN(logits[failure]) => string.Create(
            CultureInfo.InvariantCulture,
            $"The logit of token {failure} is {ModelCalls.UnwrittenNote}."),
        >= 0 => string.Create(
            CultureInfo.InvariantCulture,
            $"The logit of token {failure} is {logits[failure].ToString("R", CultureInfo.InvariantCulture)}; logits must be finite or −∞."),
        _ => "Decoding failed.",
    };
}
