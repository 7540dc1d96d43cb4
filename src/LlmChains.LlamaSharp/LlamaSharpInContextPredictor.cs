using System.Globalization;
using LlmChains.InContext;
using LlmChains.Models;

namespace LlmChains.LlamaSharp;

/// <summary>
/// A GGUF model as an in-context learner of Markov chains (the paper's Section 5) for the in-context experiment runner:
/// each
/// trajectory is written as a prompt with the encoding the model's tokenizer needs (see <see cref="PromptEncoding"/>),
/// evaluated in one forward pass, and the prediction after X_n is the model's next-token distribution restricted to the
/// d state tokens (<see cref="LlamaSharpLanguageModel.PredictInContext"/>).
/// </summary>
/// <remarks>
/// The model's token subset defines the states: d = <see cref="ILanguageModel.VocabularySize"/> of the model (load it
/// with <see cref="TokenSubset.Digits"/>(d) for the paper's "0", …, "d−1"). Calls are serialised (one llama.cpp context).
/// </remarks>
public sealed class LlamaSharpInContextPredictor : IInContextPredictor
{
    /// <summary>Creates the predictor.</summary>
    /// <param name="model">The loaded model; its T is the number of states d.</param>
    /// <param name="encoding">The prompt encoding; default <see cref="PromptEncoding.Auto"/>.</param>
    /// <param name="decoding">Temperature and truncation of the restricted logits; default τ = 1.</param>
    /// <param name="name">The name in reports; default the file name.</param>
    public LlamaSharpInContextPredictor(
        LlamaSharpLanguageModel model,
        PromptEncoding encoding = PromptEncoding.Auto,
        DecodingOptions? decoding = null,
        string? name = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        decoding ??= DecodingOptions.Default;
        decoding.Validate();
        Model = model;
        Encoding = encoding;
        Decoding = decoding;
        Name = string.IsNullOrWhiteSpace(name) ? Path.GetFileNameWithoutExtension(model.FilePath) : name;
    }

    /// <summary>The model.</summary>
    public LlamaSharpLanguageModel Model { get; }

    /// <summary>The prompt encoding requested.</summary>
    public PromptEncoding Encoding { get; }

    /// <summary>The decoding applied to the restricted logits.</summary>
    public DecodingOptions Decoding { get; }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    /// <remarks>False: the model has one llama.cpp context.</remarks>
    public bool SupportsConcurrentCalls => false;

    /// <inheritdoc/>
    /// <remarks>Evaluates X_1 … X_{L−1} in one pass; the prompt must fit the model's training context.</remarks>
    public void Predict(
        ReadOnlySpan<int> trajectory,
        int stateCount,
        Span<double> predictions,
        CancellationToken cancellationToken = default)
    {
        if (stateCount != Model.VocabularySize)
        {
            throw new ArgumentException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"The chain has d = {stateCount} states; the model was loaded with {Model.VocabularySize} state " +
                    $"tokens [{string.Join(",", Model.TokenPieces)}]."),
                nameof(stateCount));
        }

        if (trajectory.Length < 2)
        {
            throw new ArgumentException($"The trajectory has {trajectory.Length} states; at least 2 are needed.", nameof(trajectory));
        }

        long needed = (long)(trajectory.Length - 1) * stateCount;
        if (predictions.Length != needed)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The destination holds {predictions.Length} values; (L − 1)·d = {needed}."),
                nameof(predictions));
        }

        var result = Model.PredictInContext(trajectory[..^1], Encoding, Decoding, cancellationToken);
        result.Probabilities.CopyTo(predictions);
    }
}
