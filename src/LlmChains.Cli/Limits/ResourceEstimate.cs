using System.Globalization;
using LlmChains.Chains;

namespace LlmChains.Cli.Limits;

/// <summary>
/// Byte estimates of the work a command is asked to do, made from the options before anything is allocated, so that
/// <see cref="MemoryBudget.Require"/> can refuse a size the machine cannot hold with the estimate and the limit. They
/// count the arrays whose size the user controls (and round up), not the runtime's fixed overhead.
/// </summary>
internal static class ResourceEstimate
{
    /// <summary>
    /// The probability table of the chain of T and K (|V_K^*|·T entries) and the few vectors of length |V_K^*| the
    /// analysis keeps (π, d(t) propagation, solver work vectors), in log10 so that a chain beyond any memory still has an estimate.
    /// </summary>
    /// <returns>log10 of the bytes (finite for every T and K, where the bytes themselves may overflow a double).</returns>
    public static double Log10Chain(StateSpaceSize size, bool single)
    {
        // table T·|V_K^*|·(4 or 8) B plus 8 vectors of |V_K^*| doubles (64 B a state): log10 of (T·s + 64)·|V_K^*|
        double perState = (size.VocabularySize * (single ? 4.0 : 8.0)) + (8 * sizeof(double));
        return size.Log10StateCount + Math.Log10(perState);
    }

    /// <summary>
    /// <c>export</c>: the captured logit table (|V_K^*|·T values of 4 or 8 B) when the logits are written, and the
    /// chain's probability table (|V_K^*|·T doubles) when the chain is; the files themselves are streamed.
    /// </summary>
    /// <returns>log10 of the bytes.</returns>
    public static double Log10Export(StateSpaceSize size, bool single, bool logits, bool matrix)
    {
        double perState = ((logits ? (single ? 4.0 : 8.0) : 0) + (matrix ? 8.0 : 0)) * size.VocabularySize;
        return size.Log10StateCount + Math.Log10(Math.Max(perState, 1));
    }

    /// <summary>"the chain of T = 2, K = 40 (about 2.2e12 states)".</summary>
    public static string DescribeChain(StateSpaceSize size)
    {
        string states = size.StateCount is { } n
            ? n.ToString("N0", CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"about 10^{size.Log10StateCount:F1}");
        return string.Create(
            CultureInfo.InvariantCulture, $"the chain of T = {size.VocabularySize}, K = {size.ContextWindow} ({states} states)");
    }

    /// <summary>d(t) for t = 0..steps: the curves the analysis and the output keep.</summary>
    public static double DistanceCurve(long steps) => (steps + 1.0) * 4 * sizeof(double);

    /// <summary>
    /// The sampled diagnostics: per pair its meeting time, entry time and final loop; per step the histogram of the
    /// separating event (up to 16,384 buckets, counted twice) and the counters; per thread the loop detector.
    /// </summary>
    public static double Sampling(long trajectories, long steps, long maxLoopPeriod)
    {
        const double buckets = 16_384;
        double perPair = 64 + (maxLoopPeriod * (double)sizeof(long));
        double perStep = (buckets * (sizeof(int) + sizeof(bool))) + 64;
        double perThread = (maxLoopPeriod + 1.0) * (sizeof(long) + sizeof(int));
        return (trajectories * perPair) + ((steps + 1.0) * perStep) + (Environment.ProcessorCount * perThread);
    }

    /// <summary>
    /// The in-context experiment: the d×d chain (generated, stored and summarised: 3 copies; one per running
    /// repetition when chains are resampled), per running repetition its trajectory and each predictor's d×d counts,
    /// and the per-position risks of every predictor and repetition.
    /// </summary>
    public static double InContext(long states, long length, long repetitions, long predictors, long points, bool resampled, int? threads)
    {
        double running = Math.Min(repetitions, threads ?? Environment.ProcessorCount);
        double matrix = (double)states * states * sizeof(double);
        double chains = (resampled ? running : 1) * 3 * matrix;
        double perRepetition = ((length + 1.0) * sizeof(int)) + (predictors * (matrix + (states * 16.0)));
        double risks = 2.0 * predictors * repetitions * Math.Min(points, length) * sizeof(double);
        return chains + (running * perRepetition) + risks;
    }
}
