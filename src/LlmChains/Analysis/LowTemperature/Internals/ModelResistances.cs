using System.Globalization;
using LlmChains.Chains;
using LlmChains.Internals;
using LlmChains.Models;
using LlmChains.Models.Internals;

namespace LlmChains.Analysis.LowTemperature.Internals;

/// <summary>
/// A language model's resistances r(v, a) = max_b z_b(v) − z_a(v) (the logit gaps), with top-k honoured exactly:
/// a token outside the τ-independent top-k set (ties at the k-th logit kept, as the decoder does) or with logit −∞
/// has no edge.
/// </summary>
internal static class ModelResistances
{
    /// <summary>Bytes a state of the full-length block needs during the analysis with <paramref name="workers"/>
    /// concurrent searches, at the searches (the loop finder's two int arrays come before and are reused: one as the loop
    /// labels, one as the first search's heap positions; a few tie states add about 60 bytes each).</summary>
    internal static long BytesPerFullLengthState(int vocabularySize, int workers) =>
        (4L * vocabularySize)
            + 4 /* successor, then the loop labels */
            + 4 /* reach, then the first search's heap positions */
            + (workers * 8L) /* distance */
            + ((workers - 1) * 4L) /* the other searches' heap positions */
            + (workers * 4L) /* heap slots, at most */;

    /// <summary>Writes the resistances of one state into <paramref name="resistances"/> (+∞ for no edge); throws on a
    /// NaN, +∞ or all −∞ row.</summary>
    internal static void FromLogits(ReadOnlySpan<double> logits, int? topK, Span<float> resistances, long state, StateSpace space)
    {
        int n = logits.Length;
        double max = double.NegativeInfinity;
        int failure = Decoder.AllNegativeInfinity;
        for (int a = 0; a < n; a++)
        {
            double z = logits[a];
            if (double.IsNaN(z) || double.IsPositiveInfinity(z))
            {
                failure = a;
                break;
            }

            if (z > max)
            {
                max = z;
                failure = Decoder.Success;
            }
        }

        if (failure != Decoder.Success)
        {
            throw Invalid.Argument(
                string.Create(CultureInfo.InvariantCulture, $"The model's logits at state {state} (context ") +
                string.Create(CultureInfo.InvariantCulture, $"[{string.Join(",", space.Unrank(state))}]) are invalid: ") +
                string.Create(CultureInfo.InvariantCulture, $"{Decoder.Describe(failure, logits, fromModel: true)}"));
        }

        double kth = double.NegativeInfinity;
        if (topK is { } k && k < n)
        {
            Span<double> copy = n <= 512 ? stackalloc double[n] : new double[n];
            logits.CopyTo(copy);
            copy.Sort();
            kth = copy[n - k];
        }

        for (int a = 0; a < n; a++)
        {
            double z = logits[a];
            if (z < kth || double.IsNegativeInfinity(z))
            {
                resistances[a] = float.PositiveInfinity;
                continue;
            }

            double r = max - z;
            float f = (float)r;
            // A positive gap never rounds to a tie (0), and a finite one never to "no edge" (+∞).
            resistances[a] = r > 0 && f == 0 ? float.Epsilon : float.IsPositiveInfinity(f) ? float.MaxValue : f;
        }
    }

    /// <summary>The resistances of the T^K full-length states (index = base-T code).</summary>
    internal static TableResistanceGraph BuildFullLength(
        ILanguageModel model,
        DecodingOptions decoding,
        int maxDegreeOfParallelism,
        IProgress<Progress>? progress,
        CancellationToken cancellationToken)
    {
        var space = new StateSpace(model.VocabularySize, model.ContextWindow);
        int t = space.VocabularySize;
        int n = checked((int)space.FullLengthStateCount);
        long offset = space.FullLengthOffset;
        var table = new float[checked((long)n * t)];
        const int Block = 4096;
        int blocks = (n + Block - 1) / Block;
        long done = 0;
        var throttle = new ProgressThrottle(progress, "logits", n);
        var indexed = model as IStateIndexedModel;
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = Math.Max(1, Math.Min(maxDegreeOfParallelism, blocks)),
            CancellationToken = cancellationToken,
        };
        Parallel.For(0, blocks, options, b =>
        {
            var logits = new double[t];
            var context = new int[space.ContextWindow];
            int first = b * Block;
            int last = Math.Min(n, first + Block);
            for (int c = first; c < last; c++)
            {
                long state = offset + c;
                if (indexed is not null)
                {
                    indexed.GetLogitsOfState(state, logits);
                }
                else
                {
                    int length = space.Unrank(state, context);
                    ModelCalls.GetLogits(model, context.AsSpan(0, length), logits, state);
                }

                FromLogits(logits, decoding.TopK, table.AsSpan((int)((long)c * t), t), state, space);
            }

            throttle.Report(Interlocked.Add(ref done, last - first));
        });
        throttle.Finish();
        long suffixCount = space.FullLengthStateCount / t;
        return new TableResistanceGraph(table, t, suffixCount, n);
    }

    /// <summary>
    /// Adds to <paramref name="basinSizes"/> the transient states (length &lt; K) whose zero-resistance paths reach a
    /// single loop, level by level from length K − 1 down to 1 (a state of length L moves to length L + 1).
    /// Returns the number of transient states that reach several loops. <paramref name="fullReach"/> (the full-length
    /// states' reach) is overwritten: each level's reach is written in place over the front of the level above.
    /// </summary>
    internal static long AddTransientBasins(
        ILanguageModel model, DecodingOptions decoding, int[] fullReach, long[] basinSizes, CancellationToken cancellationToken)
    {
        var space = new StateSpace(model.VocabularySize, model.ContextWindow);
        int t = space.VocabularySize;
        int k = space.ContextWindow;
        long several = 0;
        int[] next = fullReach; // each level's reach overwrites the front of the level above it
        var logits = new double[t];
        var resistances = new float[t];
        var context = new int[k];
        var indexed = model as IStateIndexedModel;
        for (int length = k - 1; length >= 1; length--)
        {
            long offset = space.Offset(length);
            long nextOffset = space.Offset(length + 1);
            int count = checked((int)(nextOffset - offset));
            for (int c = 0; c < count; c++)
            {
                if ((c & 0xFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                long state = offset + c;
                if (indexed is not null)
                {
                    indexed.GetLogitsOfState(state, logits);
                }
                else
                {
                    int len = space.Unrank(state, context);
                    ModelCalls.GetLogits(model, context.AsSpan(0, len), logits, state);
                }

                FromLogits(logits, decoding.TopK, resistances, state, space);
                int label = -1;
                for (int a = 0; a < t; a++)
                {
                    if (resistances[a] == 0)
                    {
                        int target = next[(c * t) + a];
                        label = label == -1 || label == target ? target : ZeroLoops.Several;
                    }
                }

                next[c] = label; // in place: c's successors (c·T + a ≥ c) are read before position c is written
                if (label >= 0)
                {
                    basinSizes[label]++;
                }
                else
                {
                    several++;
                }
            }
        }

        return several;
    }
}
