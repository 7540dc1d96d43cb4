using LlmChains.Analysis.Fate;
using LlmChains.Chains;
using LlmChains.Cli.Parsing;

namespace LlmChains.Cli.Commands.Fate;

/// <summary>
/// The state sets of <c>llmchains fate</c>: <c>--from</c>, <c>--target</c> and <c>--avoid</c>. A matrix chain takes state
/// indices (<c>3,4,7</c>); a model's chain takes <c>;</c>-separated prompts of comma-separated tokens (<c>0,1;1,1,0</c>).
/// Both take <c>states:3,4</c> (indices), <c>loop:K</c> (every state of recurrent class K, 0-based) for targets, and
/// models <c>ends:1,1,1</c> (every window ending with the pattern).
/// </summary>
internal static class FateSets
{
    public const string TargetHelp = "The target set B: state indices (--matrix: 3,4), prompts (models: 0,1;1,1,0), states:I,J " +
        "(indices), loop:K (every state of recurrent class K, 0-based) or ends:1,1,1 (every window ending with the tokens; models)";

    public const string AvoidHelp = "The set A of the forward committor P(hit --target before --avoid), same forms as --target; needs " +
        "--target";

    public const string FromHelp = "The starts: state indices (--matrix: 0,5) or prompts (models: 0,1;1,1,0), or states:I,J; default " +
        "every state when the chain has at most 10,000";

    /// <summary>Parses a target or avoid set.</summary>
    public static TargetSet ParseSet(string text, string option, IMarkovChain chain)
    {
        if (text.StartsWith("loop:", StringComparison.Ordinal))
        {
            return TargetSet.RecurrentClass((int)Integer(text[5..], option, 0, int.MaxValue));
        }

        if (text.StartsWith("ends:", StringComparison.Ordinal))
        {
            RequireModel(chain, option, "ends:");
            return TargetSet.WindowEndsWith(Tokens(text[5..], option));
        }

        return TargetSet.States(ParseStates(text, option, chain));
    }

    /// <summary>Parses --from (or the index/prompt form of a set) into state indices.</summary>
    public static long[] ParseStates(string text, string option, IMarkovChain chain)
    {
        if (text.StartsWith("states:", StringComparison.Ordinal))
        {
            return Indices(text[7..], option, chain.StateCount);
        }

        if (chain is not LanguageModelChain model)
        {
            return Indices(text, option, chain.StateCount);
        }

        var states = new List<long>();
        foreach (string prompt in text.Split(';'))
        {
            int[] tokens = Tokens(prompt, option);
            if (tokens.Length > model.ContextWindow)
            {
                throw new CliException(
                    $"{option} {text}: the prompt {prompt} has {tokens.Length} tokens; the context window K is {model.ContextWindow} " +
                    "(the chain's state is the last K tokens: give at most K)",
                    ExitCodes.UsageError);
            }

            foreach (int token in tokens)
            {
                if (token >= model.VocabularySize)
                {
                    throw new CliException(
                        $"{option} {text}: token {token} is outside the vocabulary 0..{model.VocabularySize - 1}", ExitCodes.UsageError);
                }
            }

            states.Add(model.States.Rank(tokens));
        }

        return [.. states];
    }

    private static long[] Indices(string text, string option, long stateCount)
    {
        var items = text.Split(',');
        var result = new long[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            long value = Integer(items[i].Trim(), option, 0, long.MaxValue);
            if (value >= stateCount)
            {
                throw new CliException(
                    $"{option} {text}: state {value} is outside the chain's states 0..{stateCount - 1}", ExitCodes.UsageError);
            }

            result[i] = value;
        }

        return result;
    }

    private static int[] Tokens(string text, string option)
    {
        if (text.Trim().Length == 0)
        {
            throw new CliException(
                $"{option}: an empty prompt or pattern; give tokens separated by commas, e.g. 0,1,1", ExitCodes.UsageError);
        }

        return [.. text.Split(',').Select(t => (int)Integer(t.Trim(), option, 0, int.MaxValue))];
    }

    private static long Integer(string text, string option, long min, long max) =>
        InvariantNumber.TryParseInteger(text, min, max, out long value, out string? problem)
            ? value
            : throw new CliException($"{option}: {problem}", ExitCodes.UsageError);

    private static void RequireModel(IMarkovChain chain, string option, string form)
    {
        if (chain is not LanguageModelChain)
        {
            throw new CliException(
                $"{option} {form}…: a token pattern needs a model's chain; a MatrixMarket chain has no tokens", ExitCodes.UsageError);
        }
    }
}
