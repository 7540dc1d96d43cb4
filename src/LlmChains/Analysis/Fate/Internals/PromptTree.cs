namespace LlmChains.Analysis.Fate.Internals;

/// <summary>
/// The backward pass over the prompts shorter than K of a model's chain. Prompt x of length L &lt; K moves to x·t
/// (length L + 1) with probability f(x)_t and is never revisited, so the transient states above the full-length block
/// form a tree and every harmonic quantity satisfies v(x) = constant + Σ_t f(x)_t·v(x·t): one pass from length K − 1
/// down to 1 (children have larger indices), no linear system. Terms with f(x)_t = 0 are skipped, so an infinite child
/// value (an expected time where the probability is below 1) propagates only along transitions that can happen.
/// </summary>
internal static class PromptTree
{
    /// <summary>
    /// Fills the short-prompt entries (indices below the block offset) of every vector in <paramref name="values"/>
    /// (length = state count, full-length entries already set), except those with <paramref name="fixedShort"/> set.
    /// </summary>
    public static void BackwardPass(
        FateProblem problem,
        IReadOnlyList<double[]> values,
        bool[]? fixedShort,
        IReadOnlyList<double> constants,
        CancellationToken cancellationToken)
    {
        var model = problem.Model;
        if (model is null || problem.Offset == 0)
        {
            return;
        }

        int t = model.VocabularySize;
        var row = new double[t];
        var space = model.States;
        for (long x = problem.Offset - 1; x >= 0; x--)
        {
            if ((x & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (fixedShort is not null && fixedShort[x])
            {
                continue;
            }

            model.GetNextTokenProbabilities(x, row);
            long first = space.FirstSuccessor(x);
            for (int c = 0; c < values.Count; c++)
            {
                double[] v = values[c];
                double sum = constants[c];
                for (int token = 0; token < t; token++)
                {
                    double p = row[token];
                    if (p > 0)
                    {
                        sum += p * v[first + token];
                    }
                }

                v[x] = sum;
            }
        }
    }

    /// <summary>Copies a block vector into a new vector over every state (short-prompt entries 0).</summary>
    public static double[] Widen(FateProblem problem, double[] block)
    {
        if (problem.Offset == 0)
        {
            return block;
        }

        var all = new double[problem.StateCount];
        block.CopyTo(all, problem.Offset);
        return all;
    }
}
