using System.Globalization;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;

namespace LlmChains.Analysis.Fate;

/// <summary>
/// A set of states described independently of the chain it is applied to: explicit state indices, prompts of a model's
/// chain, every state of the k-th recurrent class ("loop k"), or every window that ends with a token pattern.
/// <see cref="Resolve"/> turns it into the sorted, distinct state indices of one chain.
/// </summary>
public sealed class TargetSet
{
    private readonly Func<IMarkovChain, ChainStructure?, long[]> _resolve;
    private readonly bool _needsStructure;

    private TargetSet(string description, bool needsStructure, Func<IMarkovChain, ChainStructure?, long[]> resolve)
    {
        Description = description;
        _needsStructure = needsStructure;
        _resolve = resolve;
    }

    /// <summary>A readable description, e.g. "states 3, 4" or "windows ending with 1 1 1".</summary>
    public string Description { get; }

    /// <inheritdoc />
    public override string ToString() => Description;

    /// <summary>The given state indices (0-based, the chain's state order).</summary>
    /// <param name="states">The states; duplicates are allowed.</param>
    /// <returns>The set.</returns>
    public static TargetSet States(IEnumerable<long> states)
    {
        ArgumentNullException.ThrowIfNull(states);
        long[] copy = [.. states];
        string text = copy.Length <= 8
            ? string.Join(", ", copy.Select(s => s.ToString(CultureInfo.InvariantCulture)))
            : $"{copy.Length} states";
        return new TargetSet($"states {text}", false, (chain, _) =>
        {
            foreach (long s in copy)
            {
                if (s < 0 || s >= chain.StateCount)
                {
                    throw new ArgumentOutOfRangeException(
                        nameof(states), s, $"State {s} is outside the chain's states 0..{chain.StateCount - 1}.");
                }
            }

            return copy;
        });
    }

    /// <summary>The states of the given prompts (token sequences of length 1..K) of a model's chain.</summary>
    /// <param name="prompts">The prompts, each a sequence of tokens 0..T−1.</param>
    /// <returns>The set.</returns>
    public static TargetSet Prompts(IEnumerable<IReadOnlyList<int>> prompts)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        int[][] copy = [.. prompts.Select(p => p.ToArray())];
        string text = copy.Length <= 4 ? string.Join("; ", copy.Select(p => string.Join(",", p))) : $"{copy.Length} prompts";
        return new TargetSet($"prompts {text}", false, (chain, _) =>
        {
            var space = RequireModel(chain, "A set of prompts").States;
            return [.. copy.Select(p => space.Rank(p))];
        });
    }

    /// <summary>
    /// Every state of recurrent class <paramref name="index"/> (0-based, in the order of
    /// <see cref="ChainStructure.RecurrentClasses"/>, i.e. by smallest state): for a truncated model, its k-th repetition loop.
    /// </summary>
    /// <param name="index">The recurrent class, 0..r−1.</param>
    /// <returns>The set.</returns>
    public static TargetSet RecurrentClass(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return new TargetSet($"recurrent class {index}", true, (chain, structure) =>
        {
            var classes = structure!.RecurrentClasses;
            if (index >= classes.Count)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(index),
                    index,
                    $"Recurrent class {index} does not exist; the chain has {classes.Count} recurrent class(es), 0..{classes.Count - 1}.");
            }

            return structure.GetStates(classes[index].Id);
        });
    }

    /// <summary>
    /// Every state of a model's chain whose window ends with <paramref name="tokens"/> (of every length from m to K, m the
    /// pattern's length): "the model has just produced this pattern".
    /// </summary>
    /// <param name="tokens">The pattern, 1..K tokens of 0..T−1.</param>
    /// <returns>The set.</returns>
    public static TargetSet WindowEndsWith(IReadOnlyList<int> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        int[] pattern = [.. tokens];
        if (pattern.Length == 0)
        {
            throw new ArgumentException("The pattern is empty; give at least one token.", nameof(tokens));
        }

        return new TargetSet($"windows ending with {string.Join(' ', pattern)}", false, (chain, _) =>
        {
            var space = RequireModel(chain, "A token pattern").States;
            int t = space.VocabularySize;
            int k = space.ContextWindow;
            if (pattern.Length > k)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(tokens), pattern.Length, $"The pattern has {pattern.Length} tokens; the context window K is {k}.");
            }

            long code = 0;
            foreach (int token in pattern)
            {
                if ((uint)token >= (uint)t)
                {
                    throw new ArgumentOutOfRangeException(nameof(tokens), token, $"Token {token} is outside the vocabulary 0..{t - 1}.");
                }

                code = (code * t) + token;
            }

            long tail = (long)Math.Pow(t, pattern.Length);
            var states = new List<long>();
            for (int length = pattern.Length; length <= k; length++)
            {
                long offset = space.Offset(length);
                long heads = (long)Math.Pow(t, length - pattern.Length);
                for (long q = 0; q < heads; q++)
                {
                    states.Add(offset + (q * tail) + code);
                }
            }

            return [.. states];
        });
    }

    /// <summary>The sorted, distinct states of this set in <paramref name="chain"/>.</summary>
    /// <param name="chain">The chain.</param>
    /// <param name="structure">Its classification (computed when needed and not given).</param>
    /// <returns>The states, ascending.</returns>
    /// <exception cref="ArgumentException">The set is empty, a state is out of range, or the set needs a model's chain.</exception>
    public long[] Resolve(IMarkovChain chain, ChainStructure? structure = null)
    {
        ArgumentNullException.ThrowIfNull(chain);
        if (_needsStructure)
        {
            structure ??= ChainStructure.Analyze(chain);
        }

        long[] states = _resolve(chain, structure);
        if (states.Length == 0)
        {
            throw new ArgumentException($"The set ({Description}) is empty; give at least one state.");
        }

        return [.. states.Distinct().Order()];
    }

    private static LanguageModelChain RequireModel(IMarkovChain chain, string what) =>
        chain as LanguageModelChain
            ?? throw new ArgumentException($"{what} needs a model's chain (LanguageModelChain); this chain has no tokens.");
}
