using LlmChains.InContext.Internals;
using LlmChains.Models;

namespace LlmChains.InContext;

/// <summary>
/// The in-context predictions of a language model (the setting of Thm. 4.3 and the experiments of Section 5): the
/// trajectory is encoded with a
/// <see cref="StateTokenMap"/>, and the prediction for X_{n+1} is the model's logits after X_n (or after the separator
/// following it) restricted to the d state tokens, turned into a distribution over those d only:
/// P_Θ(·|S_n) = softmax(z_{I_d}/τ) with the temperature and truncation of <see cref="DecodingOptions"/> (τ = 1 by default).
/// </summary>
/// <remarks>
/// <para>When the model implements <see cref="ISequenceScoringModel"/> the whole trajectory is scored in one pass (the
/// protocol of Liu et al.); otherwise the model is called once per position on the last K tokens
/// (K = <see cref="ILanguageModel.ContextWindow"/>), so a model with a short window sees only the recent states.</para>
/// <para>Over a <see cref="MarkovSourceModel"/> of the true chain with <see cref="StateTokenMap.Identity"/>, the
/// predictions are the true rows (zero risk); over a context-free model they are the same q at every position.</para>
/// </remarks>
public sealed class LanguageModelPredictor : IInContextPredictor
{
    private readonly int[] _candidates;

    /// <summary>Creates the predictor.</summary>
    /// <param name="model">The model; its vocabulary must contain every state token (and the separator).</param>
    /// <param name="tokens">State ↔ token mapping.</param>
    /// <param name="decoding">Temperature and truncation applied to the d restricted logits; default τ = 1, no truncation.</param>
    /// <param name="name">The name in reports; default "model".</param>
    /// <exception cref="ArgumentException">The model's vocabulary lacks a state token or the separator (the message
    /// names it), or the decoding options are invalid.</exception>
    public LanguageModelPredictor(ILanguageModel model, StateTokenMap tokens, DecodingOptions? decoding = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokens);
        decoding ??= DecodingOptions.Default;
        decoding.Validate();
        tokens.CheckVocabulary(model.VocabularySize, nameof(tokens));
        Model = model;
        Tokens = tokens;
        Decoding = decoding;
        Name = string.IsNullOrWhiteSpace(name) ? "model" : name;
        _candidates = [.. tokens.StateTokens];
    }

    /// <summary>The model.</summary>
    public ILanguageModel Model { get; }

    /// <summary>The state ↔ token mapping.</summary>
    public StateTokenMap Tokens { get; }

    /// <summary>The decoding applied to the restricted logits.</summary>
    public DecodingOptions Decoding { get; }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    /// <remarks>
    /// True: the <see cref="ILanguageModel"/> contract has models called from several threads (a model that is not safe
    /// serialises its calls itself).
    /// </remarks>
    public bool SupportsConcurrentCalls => true;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">Also when d differs from the token map's number of states.</exception>
    public void Predict(
        ReadOnlySpan<int> trajectory,
        int stateCount,
        Span<double> predictions,
        CancellationToken cancellationToken = default)
    {
        InContextGuard.PredictorCall(trajectory, stateCount, predictions);
        if (stateCount != Tokens.StateCount)
        {
            throw new ArgumentException(
                InContextGuard.Inv($"The token map has {Tokens.StateCount} states; the chain has d = {stateCount}."),
                nameof(stateCount));
        }

        int count = trajectory.Length - 1;
        int[] encoded = Tokens.Encode(trajectory[..count]);
        var positions = new int[count];
        for (int n = 1; n <= count; n++)
        {
            positions[n - 1] = Tokens.PredictionPosition(n);
        }

        ModelScoring.Score(Model, encoded, positions, _candidates, predictions, cancellationToken);
        var row = new double[stateCount];
        for (int i = 0; i < count; i++)
        {
            Span<double> logits = predictions.Slice(i * stateCount, stateCount);
            Decoding.Apply(logits, row);
            row.CopyTo(logits);
        }
    }
}
