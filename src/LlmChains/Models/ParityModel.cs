using LlmChains.Models.Internals;

namespace LlmChains.Models;

/// <summary>
/// A synthetic parity model (T = 2) after the toy example of the paper's Section 3.2, with fixed logits in place of the
/// trained minGPT: on a context of full length K the token (sum of the K tokens) mod 2 gets logit +β and the other
/// token −β; shorter contexts get logits 0 (uniform). At temperature τ the rule token has probability
/// 1/(1 + e^{−2β/τ}) and, for β = 1, ε(τ) = (1 + e^{2/τ})^{−K} (our closed form; the paper plots ε(τ) in Fig. 5 but
/// gives no formula).
/// </summary>
public sealed class ParityModel : ILanguageModel
{
    /// <summary>Creates the parity model.</summary>
    /// <param name="contextWindow">K ≥ 1 (the paper's toy uses 3).</param>
    /// <param name="beta">The logit margin β ≥ 0 (default 1).</param>
    public ParityModel(int contextWindow = 3, double beta = 1.0)
    {
        ModelGuard.CheckSizes(2, contextWindow);
        if (!(beta >= 0) || double.IsInfinity(beta))
        {
            throw new ArgumentOutOfRangeException(nameof(beta), beta, $"beta must be finite and ≥ 0; got {beta}.");
        }

        ContextWindow = contextWindow;
        Beta = beta;
    }

    /// <summary>The logit margin β.</summary>
    public double Beta { get; }

    /// <inheritdoc/>
    public int VocabularySize => 2;

    /// <inheritdoc/>
    public int ContextWindow { get; }

    /// <inheritdoc/>
    public void GetNextTokenLogits(ReadOnlySpan<int> context, Span<double> logits)
    {
        ModelGuard.CheckCall(context, logits, 2, ContextWindow);
        if (context.Length < ContextWindow)
        {
            logits.Clear();
            return;
        }

        int parity = 0;
        foreach (int token in context)
        {
            parity ^= token;
        }

        logits[parity] = Beta;
        logits[1 - parity] = -Beta;
    }
}
