using LlmChains.Models;

namespace LlmChains.Tests.Support;

/// <summary>
/// A slow, obviously-correct decoder written from the documented rules of <see cref="DecodingOptions"/>
/// (Hugging Face warper order: temperature, top-k, top-p, min-p, renormalise). Shares no code with the library.
/// </summary>
internal static class ReferenceDecoder
{
    public static double[] Decode(IReadOnlyList<double> logits, DecodingOptions options)
    {
        int n = logits.Count;
        var result = new double[n];
        double max = logits.Max();
        if (options.Temperature == 0)
        {
            int first = Enumerable.Range(0, n).First(i => logits[i] == max);
            result[first] = 1;
            return result;
        }

        // ratio to the largest tempered probability: exp((z − max)/τ)
        var weight = logits.Select(z => double.IsNegativeInfinity(z) ? 0.0 : Math.Exp((z - max) / options.Temperature)).ToArray();

        if (options.TopK is { } k && k < n)
        {
            double kth = logits.OrderByDescending(z => z).ElementAt(k - 1);
            for (int i = 0; i < n; i++)
            {
                if (logits[i] < kth)
                {
                    weight[i] = 0;
                }
            }
        }

        // p = 1 keeps every token of positive probability (documented), even those of mass below 1e−12
        if (options.TopP is { } p && p < 1)
        {
            double total = weight.Sum();
            var sorted = weight.Select(w => w / total).OrderByDescending(q => q).ToArray();
            double cumulative = 0;
            double last = 0;
            foreach (double q in sorted)
            {
                cumulative += q;
                last = q;
                if (cumulative >= p * (1 - 1e-12))
                {
                    break;
                }
            }

            for (int i = 0; i < n; i++)
            {
                if (weight[i] / total < last)
                {
                    weight[i] = 0;
                }
            }
        }

        if (options.MinP is { } minP)
        {
            double top = weight.Max();
            for (int i = 0; i < n; i++)
            {
                if (weight[i] < minP * top)
                {
                    weight[i] = 0;
                }
            }
        }

        double sum = weight.Sum();
        for (int i = 0; i < n; i++)
        {
            result[i] = weight[i] / sum;
        }

        return result;
    }
}
