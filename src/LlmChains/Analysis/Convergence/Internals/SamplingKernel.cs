using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Analysis.Convergence.Internals;

/// <summary>
/// The transitions the samplers read: for each state, the positive-probability moves as (label, probability) with
/// labels ascending, and the state each label leads to. The coupling makes two copies take the same label as often as
/// possible, so labels must mean the same thing in every row: tokens for a model's chain (two windows that emit the
/// same K tokens coincide), the next state for a general chain.
/// </summary>
internal abstract class SamplingKernel
{
    /// <summary>n.</summary>
    internal abstract long StateCount { get; }

    /// <summary>The largest number of moves of one state.</summary>
    internal abstract int MaxMoves { get; }

    /// <summary>Whether the labels are tokens (a model's chain) rather than next states.</summary>
    internal abstract bool LabelsAreTokens { get; }

    /// <summary>The state space when the states are token windows (a model's chain), otherwise <see langword="null"/>.</summary>
    internal virtual StateSpace? States => null;

    /// <summary>Writes the moves of <paramref name="state"/> with positive probability, labels ascending, and returns
    /// their count (≥ 1).</summary>
    internal abstract int GetMoves(long state, Span<long> labels, Span<double> probabilities);

    /// <summary>The state reached from <paramref name="state"/> by the move <paramref name="label"/>.</summary>
    internal abstract long Next(long state, long label);

    /// <summary>An instance for one worker thread (kernels with scratch buffers return a fresh one).</summary>
    internal virtual SamplingKernel ForWorker() => this;

    internal static SamplingKernel For(IMarkovChain chain) =>
        chain is LanguageModelChain model ? new ModelChainKernel(model) : new ChainKernel(chain);

    internal static InvalidOperationException EmptyRow(long state) =>
        new($"State {state} has no transition of positive probability; the chain is not row-stochastic.");

    /// <summary>Keeps the positive entries of a token distribution as moves.</summary>
    internal static int Compact(ReadOnlySpan<double> tokenProbabilities, Span<long> labels, Span<double> probabilities, long state)
    {
        int count = 0;
        for (int x = 0; x < tokenProbabilities.Length; x++)
        {
            double p = tokenProbabilities[x];
            if (p > 0)
            {
                labels[count] = x;
                probabilities[count] = p;
                count++;
            }
        }

        return count > 0 ? count : throw EmptyRow(state);
    }

    /// <summary>Any chain: labels are the next states (columns).</summary>
    private sealed class ChainKernel(IMarkovChain chain) : SamplingKernel
    {
        internal override long StateCount => chain.StateCount;

        internal override int MaxMoves => Math.Max(1, chain.MaxRowNonZeros);

        internal override bool LabelsAreTokens => false;

        internal override int GetMoves(long state, Span<long> labels, Span<double> probabilities)
        {
            int count = chain.GetRow(state, labels, probabilities);
            int kept = 0;
            for (int i = 0; i < count; i++)
            {
                if (probabilities[i] > 0)
                {
                    labels[kept] = labels[i];
                    probabilities[kept] = probabilities[i];
                    kept++;
                }
            }

            return kept > 0 ? kept : throw EmptyRow(state);
        }

        internal override long Next(long state, long label) => label;
    }

    /// <summary>A model's chain: labels are tokens.</summary>
    private sealed class ModelChainKernel(LanguageModelChain chain) : SamplingKernel
    {
        private readonly double[] _row = new double[chain.VocabularySize];

        internal override long StateCount => chain.StateCount;

        internal override int MaxMoves => chain.VocabularySize;

        internal override bool LabelsAreTokens => true;

        internal override StateSpace? States => chain.States;

        internal override int GetMoves(long state, Span<long> labels, Span<double> probabilities)
        {
            chain.GetNextTokenProbabilities(state, _row);
            return Compact(_row, labels, probabilities, state);
        }

        internal override long Next(long state, long label) => chain.States.SuccessorUnchecked(state, (int)label);

        internal override SamplingKernel ForWorker() => new ModelChainKernel(chain);
    }
}
