using LlmChains.Chains;
using LlmChains.Models;
using LlmChains.Models.Internals;

namespace LlmChains.Analysis.Convergence.Internals;

/// <summary>
/// The chain of a model read on demand, without building it: the moves of a state are the tokens of
/// f_τ(state) computed from the model's logits, and the next state follows the generation–deletion process.
/// Memory is a few vectors of length T per worker, whatever |V_K^*| is.
/// </summary>
internal sealed class ModelSamplingKernel : SamplingKernel
{
    private readonly ILanguageModel _model;
    private readonly DecodingOptions _decoding;
    private readonly StateSpace _states;
    private readonly int[] _window;
    private readonly double[] _logits;
    private readonly double[] _row;

    internal ModelSamplingKernel(ILanguageModel model, DecodingOptions decoding, StateSpace states)
    {
        _model = model;
        _decoding = decoding;
        _states = states;
        _window = new int[states.ContextWindow];
        _logits = new double[states.VocabularySize];
        _row = new double[states.VocabularySize];
    }

    internal override long StateCount => _states.StateCount;

    internal override int MaxMoves => _states.VocabularySize;

    internal override bool LabelsAreTokens => true;

    internal override StateSpace? States => _states;

    internal override int GetMoves(long state, Span<long> labels, Span<double> probabilities)
    {
        if (_model is IStateIndexedModel indexed)
        {
            indexed.GetLogitsOfState(state, _logits);
        }
        else
        {
            int length = _states.Indexing.Unrank(state, _window);
            ModelCalls.GetLogits(_model, _window.AsSpan(0, length), _logits, state);
            ModelCalls.CheckWritten(_model, _window.AsSpan(0, length), _logits, state);
        }

        _decoding.Apply(_logits, _row);
        return Compact(_row, labels, probabilities, state);
    }

    internal override long Next(long state, long label) => _states.SuccessorUnchecked(state, (int)label);

    internal override SamplingKernel ForWorker() => new ModelSamplingKernel(_model, _decoding, _states);
}
