using LlmChains.Internals;
using LlmChains.Models.Internals;

namespace LlmChains.Models;

/// <summary>
/// Temperature and truncation applied to a model's logits to obtain the next-token distribution
/// f_τ(v) that fills one row of Q_f (the paper uses the temperature softmax only; the truncations are ours).
/// </summary>
/// <remarks>
/// <para>The pipeline, in this order (the order of Hugging Face's logits warpers):</para>
/// <list type="number">
/// <item><description><b>Temperature.</b> τ &gt; 0: p ∝ exp(z/τ), computed in log-sum-exp form (the maximum
/// logit is subtracted first), so τ down to 0.01 and logits of any magnitude give no overflow or NaN.
/// τ = 0 is greedy decoding: all mass on the largest logit, ties going to the lowest token id; the
/// truncation options are then irrelevant and ignored.</description></item>
/// <item><description><b>Top-k.</b> Keeps every token whose logit is ≥ the k-th largest logit. Tokens tied
/// with the k-th value are all kept (as Hugging Face does), so more than k tokens survive when the
/// boundary is tied; k ≥ T keeps everything.</description></item>
/// <item><description><b>Top-p (nucleus).</b> Sorts the surviving tokens by tempered probability, largest
/// first, and keeps the shortest prefix whose mass reaches p (a mass within 1e−12·p below p counts as
/// reaching it, to absorb rounding); tokens whose probability equals that of the last kept token are
/// kept too, so ties never depend on token ids. p = 1 keeps every token of positive probability.</description></item>
/// <item><description><b>Min-p.</b> Keeps the tokens whose probability is ≥ MinP × the largest probability.</description></item>
/// <item><description>The kept probabilities are renormalised to sum to 1.</description></item>
/// </list>
/// <para>Logits of −∞ are allowed and give probability 0. A NaN or +∞ logit, or a row whose logits are
/// all −∞, is rejected with an <see cref="ArgumentException"/>.</para>
/// </remarks>
public sealed record DecodingOptions
{
    /// <summary>The default setting: τ = 1, no truncation (plain softmax).</summary>
    public static DecodingOptions Default { get; } = new();

    /// <summary>The greedy setting (τ = 0).</summary>
    public static DecodingOptions Greedy { get; } = new() { Temperature = 0 };

    private readonly double _temperature = 1.0;
    private readonly int? _topK;
    private readonly double? _topP;
    private readonly double? _minP;

    /// <summary>Softmax temperature τ ≥ 0 and finite; 0 means greedy. Default 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative, NaN or infinite value.</exception>
    public double Temperature
    {
        get => _temperature;
        init => _temperature = CheckTemperature(value);
    }

    /// <summary>Top-k truncation, k ≥ 1; <see langword="null"/> (default) disables it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value below 1.</exception>
    public int? TopK
    {
        get => _topK;
        init => _topK = CheckTopK(value);
    }

    /// <summary>Nucleus (top-p) truncation, p ∈ (0, 1]; <see langword="null"/> (default) disables it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value outside (0, 1] (NaN included).</exception>
    public double? TopP
    {
        get => _topP;
        init => _topP = CheckTopP(value);
    }

    /// <summary>Min-p truncation, in [0, 1]; <see langword="null"/> (default) disables it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value outside [0, 1] (NaN included).</exception>
    public double? MinP
    {
        get => _minP;
        init => _minP = CheckMinP(value);
    }

    /// <summary>
    /// <see langword="true"/> when every token with a finite logit keeps a positive probability
    /// (τ &gt; 0 and no truncation), the setting of Prop. 3.3 under which Q_f is an ergodic unichain.
    /// </summary>
    public bool KeepsEveryToken => Temperature > 0 && TopK is null && TopP is null && (MinP is null || MinP == 0);

    /// <summary>
    /// Throws an <see cref="ArgumentOutOfRangeException"/> naming the first invalid option. Every <c>init</c> accessor
    /// already checks its value, so an instance is valid once constructed; this stays for callers that check anyway.
    /// </summary>
    public void Validate()
    {
        CheckTemperature(Temperature);
        CheckTopK(TopK);
        CheckTopP(TopP);
        CheckMinP(MinP);
    }

    private static double CheckTemperature(double value) => value >= 0 && double.IsFinite(value) ? value
        : throw Invalid.OutOfRange($"Temperature must be a finite number ≥ 0 (0 = greedy); got {Invalid.Format(value)}.");

    private static int? CheckTopK(int? value) => value is not { } k || k >= 1 ? value
        : throw Invalid.OutOfRange(FormattableString.Invariant($"TopK must be ≥ 1 (or null for no top-k); got {k}."));

    private static double? CheckTopP(double? value) => value is not { } p || (p > 0 && p <= 1) ? value
        : throw Invalid.OutOfRange($"TopP must lie in (0, 1] (or null for no top-p); got {Invalid.Format(p)}.");

    private static double? CheckMinP(double? value) => value is not { } m || (m >= 0 && m <= 1) ? value
        : throw Invalid.OutOfRange($"MinP must lie in [0, 1] (or null for no min-p); got {Invalid.Format(m)}.");

    /// <summary>
    /// Turns logits into the next-token distribution under these options (see the remarks of
    /// <see cref="DecodingOptions"/> for the exact rules).
    /// </summary>
    /// <param name="logits">The T logits; −∞ allowed, NaN and +∞ rejected.</param>
    /// <param name="probabilities">Destination of length T; receives a distribution summing to 1.</param>
    /// <exception cref="ArgumentException">Lengths differ, an option is invalid, a logit is NaN or +∞, or all logits are −∞.</exception>
    public void Apply(ReadOnlySpan<double> logits, Span<double> probabilities)
    {
        Validate();
        int failure = Decoder.Decode(this, logits, probabilities);
        if (failure != Decoder.Success)
        {
            throw new ArgumentException(Decoder.Describe(failure, logits), nameof(logits));
        }
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var parts = new List<string> { Temperature == 0 ? "greedy (τ = 0)" : FormattableString.Invariant($"τ = {Temperature:G6}") };
        if (TopK is { } k)
        {
            parts.Add(FormattableString.Invariant($"top-k = {k}"));
        }

        if (TopP is { } p)
        {
            parts.Add(FormattableString.Invariant($"top-p = {p:G6}"));
        }

        if (MinP is { } m)
        {
            parts.Add(FormattableString.Invariant($"min-p = {m:G6}"));
        }

        return string.Join(", ", parts);
    }
}
