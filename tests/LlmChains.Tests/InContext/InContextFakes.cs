using LlmChains.InContext;
using LlmChains.Models;

namespace LlmChains.Tests.InContext;

/// <summary>Wraps a model as an <see cref="ISequenceScoringModel"/> that honours the contract by sliding windows, counting calls.</summary>
internal sealed class SlidingWindowScoringModel(ILanguageModel inner) : ISequenceScoringModel
{
    private int _scoreCalls;
    private int _singleCalls;

    public int ScoreCalls => _scoreCalls;

    public int SingleCalls => _singleCalls;

    public int VocabularySize => inner.VocabularySize;

    public int ContextWindow => inner.ContextWindow;

    public void GetNextTokenLogits(ReadOnlySpan<int> context, Span<double> logits)
    {
        Interlocked.Increment(ref _singleCalls);
        inner.GetNextTokenLogits(context, logits);
    }

    public void ScoreSequence(ReadOnlySpan<int> tokens, ReadOnlySpan<int> positions, ReadOnlySpan<int> candidates, Span<double> logits, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _scoreCalls);
        var full = new double[inner.VocabularySize];
        for (int i = 0; i < positions.Length; i++)
        {
            int p = positions[i];
            int start = Math.Max(0, p + 1 - inner.ContextWindow);
            inner.GetNextTokenLogits(tokens[start..(p + 1)], full);
            for (int j = 0; j < candidates.Length; j++)
            {
                logits[(i * candidates.Length) + j] = full[candidates[j]];
            }
        }
    }
}

/// <summary>
/// A digit model for Hierarchy-PDF: tokens 0..9 are the digits, token 10 the separator, K = 64. After the separator it
/// gives log q(d₁), after the separator and k digits log q(d_{k+1} | d₁…d_k) of a joint law q over 3-digit codes (or the
/// delegate's logits), counting calls.
/// </summary>
internal sealed class DigitModel(Func<int[], double[]> nextDigit) : ILanguageModel
{
    public const int Separator = 10;
    private int _calls;

    public int Calls => _calls;

    public int VocabularySize => 11;

    public int ContextWindow => 64;

    public static int[] DigitTokens { get; } = Enumerable.Range(0, 10).ToArray();

    /// <summary>The model of a joint law q over codes 0..10^P − 1: the digits typed since the last separator give the conditional.</summary>
    public static DigitModel FromJoint(double[] joint, int precision) => new(digits =>
    {
        int scale = 1;
        for (int i = digits.Length + 1; i < precision; i++)
        {
            scale *= 10;
        }

        int prefix = digits.Aggregate(0, (a, b) => (a * 10) + b);
        var p = new double[10];
        for (int code = 0; code < joint.Length; code++)
        {
            int head = code / (scale * 10);
            int next = code / scale % 10;
            if (head == prefix)
            {
                p[next] += joint[code];
            }
        }

        return p.Select(v => Math.Log(v)).ToArray();
    });

    public void GetNextTokenLogits(ReadOnlySpan<int> context, Span<double> logits)
    {
        Interlocked.Increment(ref _calls);
        int last = context.LastIndexOf(Separator);
        if (last < 0)
        {
            throw new InvalidOperationException("The context has no separator; the window is too short for this test.");
        }

        double[] row = nextDigit(context[(last + 1)..].ToArray());
        row.CopyTo(logits);
        logits[Separator] = double.NegativeInfinity;
    }
}
