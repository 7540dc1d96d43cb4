namespace LlmChains.LlamaSharp;

/// <summary>
/// The model's in-context predictions for a trajectory X_1..X_N of states (the paper's Section 4 setup and Section 5
/// experiments): for every n the
/// next-state distribution P_Θ(· | X_1..X_n) ∈ Δ_T, restricted to the T state tokens and renormalised, all from one
/// forward pass over the prompt.
/// </summary>
public sealed class InContextPredictions
{
    private readonly double[] _probabilities;

    internal InContextPredictions(
        int stateCount,
        int length,
        double[] probabilities,
        PromptEncoding encoding,
        bool tokenizerAgrees,
        int promptTokenCount,
        string promptText)
    {
        StateCount = stateCount;
        Length = length;
        _probabilities = probabilities;
        Encoding = encoding;
        TokenizerAgrees = tokenizerAgrees;
        PromptTokenCount = promptTokenCount;
        PromptText = promptText;
    }

    /// <summary>T (the chain's d), the number of states.</summary>
    public int StateCount { get; }

    /// <summary>N, the trajectory length, and the number of predictions.</summary>
    public int Length { get; }

    /// <summary>The encoding used (never <see cref="PromptEncoding.Auto"/>).</summary>
    public PromptEncoding Encoding { get; }

    /// <summary>
    /// Whether the model's tokenizer, given <see cref="PromptText"/>, produces exactly the token sequence that was
    /// evaluated (up to a leading space token), i.e. the prompt is what the model would see from the text.
    /// </summary>
    public bool TokenizerAgrees { get; }

    /// <summary>The number of tokens evaluated, the BOS token included.</summary>
    public int PromptTokenCount { get; }

    /// <summary>The prompt as text ("0120…" or "0,1,2,0,…,").</summary>
    public string PromptText { get; }

    /// <summary>All predictions, row-major: row n − 1 (n = 1..N) is P_Θ(· | X_1..X_n) over the T states.</summary>
    public ReadOnlySpan<double> Probabilities => _probabilities;

    /// <summary>
    /// The prediction after the first <paramref name="prefixLength"/> states: P_Θ(X_{n+1} = · | X_1..X_n), n =
    /// <paramref name="prefixLength"/>.
    /// </summary>
    /// <param name="prefixLength">n in 1..N.</param>
    public ReadOnlySpan<double> GetPrediction(int prefixLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(prefixLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, Length);
        return _probabilities.AsSpan((prefixLength - 1) * StateCount, StateCount);
    }
}
