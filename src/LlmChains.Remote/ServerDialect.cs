namespace LlmChains.Remote;

/// <summary>The wire protocol of the inference server (docs/remote-models.md lists the versions and flags relied on).</summary>
public enum ServerDialect
{
    /// <summary>
    /// vLLM's OpenAI-compatible server: <c>POST /v1/completions</c> with prompts as token-id arrays (many per request),
    /// <c>logprobs</c>, <c>return_tokens_as_token_ids</c>, <c>prompt_logprobs</c> for whole sequences and
    /// <c>allowed_token_ids</c> to force a token; <c>POST /tokenize</c> and <c>/detokenize</c>.
    /// </summary>
    Vllm,

    /// <summary>
    /// The llama.cpp server (<c>llama-server</c>): <c>POST /completion</c> with prompts as token-id arrays (many per
    /// request), <c>n_probs</c> with <c>post_sampling_probs: false</c> and <c>logit_bias</c> to force a token;
    /// <c>POST /tokenize</c> and <c>/detokenize</c>. It has no prompt log-probabilities, so sequences are scored one
    /// prompt per position (batched).
    /// </summary>
    LlamaCpp,
}
