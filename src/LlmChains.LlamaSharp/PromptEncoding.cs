namespace LlmChains.LlamaSharp;

/// <summary>How a trajectory of states is written as a prompt for in-context predictions (the paper's Section 5 and
/// App. D.1).</summary>
public enum PromptEncoding
{
    /// <summary>
    /// <see cref="Concatenated"/> when the model's tokenizer turns the concatenated state texts back into exactly one
    /// token per state (Llama 2, Gemma: digits are single tokens), otherwise <see cref="Separated"/> (Llama 3 merges up to
    /// three digits into one token).
    /// </summary>
    Auto = 0,

    /// <summary>One token per state and nothing else ("0120…"); the prediction for X_{n+1} is read at the token of X_n.</summary>
    Concatenated = 1,

    /// <summary>
    /// Each state followed by the separator ("0,1,2,0,…"); the prediction for X_{n+1} is read at the separator after
    /// X_n.
    /// </summary>
    Separated = 2,
}
