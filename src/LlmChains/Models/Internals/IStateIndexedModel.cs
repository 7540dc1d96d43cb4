namespace LlmChains.Models.Internals;

/// <summary>
/// A built-in model whose logits are addressed by state index (the order of <see cref="Chains.StateSpace"/>); the
/// chain builder uses it to skip turning each index into a context and back.
/// </summary>
internal interface IStateIndexedModel
{
    /// <summary>Writes the logits of the state with index <paramref name="stateIndex"/> (assumed in range).</summary>
    void GetLogitsOfState(long stateIndex, Span<double> logits);
}
