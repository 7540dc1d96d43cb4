using LlmChains.InContext.Internals;

namespace LlmChains.InContext;

/// <summary>
/// The mapping between the d states of a chain and a model's token ids (the paper's state tokens I_d and
/// selector M in the setting of Thm. 4.3), with an optional separator token written after every state.
/// </summary>
/// <remarks>
/// A trajectory X_1 … X_L is encoded as [t(X_1), t(X_2), …] without a separator, or [t(X_1), sep, t(X_2), sep, …] with
/// one. The prediction of X_{n+1} is read from the logits after the token at <see cref="PredictionPosition"/>(n): the
/// token of X_n, or the separator after it. Instances are immutable.
/// </remarks>
public sealed class StateTokenMap
{
    private readonly int[] _tokens;
    private readonly Dictionary<int, int> _states;

    /// <summary>Creates a map: state x is token <paramref name="stateTokens"/>[x].</summary>
    /// <param name="stateTokens">d ≥ 2 distinct non-negative token ids.</param>
    /// <param name="separatorToken">The separator's token id, distinct from the state tokens, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">Fewer than 2 tokens, a negative or repeated id, or a separator equal to a
    /// state token.</exception>
    public StateTokenMap(IReadOnlyList<int> stateTokens, int? separatorToken = null)
    {
        ArgumentNullException.ThrowIfNull(stateTokens);
        InContextGuard.StateCount(stateTokens.Count, nameof(stateTokens));
        _tokens = [.. stateTokens];
        _states = new Dictionary<int, int>(_tokens.Length);
        for (int x = 0; x < _tokens.Length; x++)
        {
            if (_tokens[x] < 0)
            {
                throw new ArgumentException(
                    InContextGuard.Inv($"The token id {_tokens[x]} of state {x} is negative."),
                    nameof(stateTokens));
            }

            if (!_states.TryAdd(_tokens[x], x))
            {
                throw new ArgumentException(
                    InContextGuard.Inv($"Token id {_tokens[x]} is used by states {_states[_tokens[x]]} and {x}."),
                    nameof(stateTokens));
            }
        }

        if (separatorToken is { } sep && (sep < 0 || _states.ContainsKey(sep)))
        {
            throw new ArgumentException(
                InContextGuard.Inv($"The separator token id {sep} is negative or is also a state token."),
                nameof(separatorToken));
        }

        SeparatorToken = separatorToken;
    }

    /// <summary>
    /// State x ↔ token x for x = 0..d−1, no separator (a model whose vocabulary is the state set, e.g. a
    /// <see cref="Models.MarkovSourceModel"/>).
    /// </summary>
    /// <param name="stateCount">d ≥ 2.</param>
    /// <returns>The map.</returns>
    public static StateTokenMap Identity(int stateCount)
    {
        InContextGuard.StateCount(stateCount, nameof(stateCount));
        return new StateTokenMap(Enumerable.Range(0, stateCount).ToArray());
    }

    /// <summary>The number of states d.</summary>
    public int StateCount => _tokens.Length;

    /// <summary>The token id of each state.</summary>
    public IReadOnlyList<int> StateTokens => _tokens;

    /// <summary>The separator token id, or <see langword="null"/>.</summary>
    public int? SeparatorToken { get; }

    /// <summary>Tokens per state in an encoded trajectory: 1 without a separator, 2 with one.</summary>
    public int Stride => SeparatorToken is null ? 1 : 2;

    /// <summary>The token id of state <paramref name="state"/>.</summary>
    /// <param name="state">0..d−1.</param>
    /// <returns>The token id.</returns>
    public int GetToken(int state)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)state, (uint)_tokens.Length, nameof(state));
        return _tokens[state];
    }

    /// <summary>The state whose token is <paramref name="token"/>, if any.</summary>
    /// <param name="token">A token id.</param>
    /// <param name="state">The state, or −1.</param>
    /// <returns>Whether the token is a state token.</returns>
    public bool TryGetState(int token, out int state)
    {
        if (_states.TryGetValue(token, out state))
        {
            return true;
        }

        state = -1;
        return false;
    }

    /// <summary>Encodes a trajectory as token ids (see the remarks).</summary>
    /// <param name="trajectory">States in 0..d−1.</param>
    /// <returns>The tokens, <see cref="Stride"/> per state.</returns>
    /// <exception cref="ArgumentException">A state is out of range.</exception>
    public int[] Encode(ReadOnlySpan<int> trajectory)
    {
        int stride = Stride;
        var tokens = new int[trajectory.Length * stride];
        for (int i = 0; i < trajectory.Length; i++)
        {
            int s = trajectory[i];
            if ((uint)s >= (uint)_tokens.Length)
            {
                throw new ArgumentException(
                    InContextGuard.Inv($"State {s} at position {i} is outside 0..{_tokens.Length - 1}."),
                    nameof(trajectory));
            }

            tokens[i * stride] = _tokens[s];
            if (stride == 2)
            {
                tokens[(i * 2) + 1] = SeparatorToken!.Value;
            }
        }

        return tokens;
    }

    /// <summary>Decodes token ids back into states, skipping separators.</summary>
    /// <param name="tokens">Token ids.</param>
    /// <returns>The states.</returns>
    /// <exception cref="ArgumentException">A token is neither a state token nor the separator.</exception>
    public int[] Decode(ReadOnlySpan<int> tokens)
    {
        var states = new List<int>(tokens.Length);
        for (int i = 0; i < tokens.Length; i++)
        {
            if (tokens[i] == SeparatorToken)
            {
                continue;
            }

            states.Add(
                TryGetState(tokens[i], out int s) ? s : throw new ArgumentException(
                    InContextGuard.Inv($"Token {tokens[i]} at position {i} is not a state token."),
                    nameof(tokens)));
        }

        return [.. states];
    }

    /// <summary>The index, in an encoded trajectory, of the token after which X_{n+1} is predicted: n·<see cref="Stride"/> − 1.</summary>
    /// <param name="prefixLength">n ≥ 1, the number of states seen.</param>
    /// <returns>The token index.</returns>
    public int PredictionPosition(int prefixLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(prefixLength, 1);
        return (prefixLength * Stride) - 1;
    }

    /// <summary>
    /// Checks that every state token (and the separator) is a token of a vocabulary of size
    /// <paramref name="vocabularySize"/>.
    /// </summary>
    /// <param name="vocabularySize">T.</param>
    /// <param name="paramName">The parameter named in the exception.</param>
    /// <exception cref="ArgumentException">A token id is ≥ T (the message names the state and the id).</exception>
    public void CheckVocabulary(int vocabularySize, string paramName)
    {
        for (int x = 0; x < _tokens.Length; x++)
        {
            if (_tokens[x] >= vocabularySize)
            {
                throw new ArgumentException(
                    InContextGuard.Inv(
                        $"The model's vocabulary (T = {vocabularySize}, ids 0..{vocabularySize - 1}) lacks the token " +
                        $"of state {x} (id {_tokens[x]})."),
                    paramName);
            }
        }

        if (SeparatorToken >= vocabularySize)
        {
            throw new ArgumentException(
                InContextGuard.Inv($"The model's vocabulary (T = {vocabularySize}) lacks the separator token (id {SeparatorToken})."),
                paramName);
        }
    }
}
