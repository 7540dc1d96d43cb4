using System.CommandLine;
using System.Globalization;
using LlmChains.Bounds;
using LlmChains.Cli.Parsing;

namespace LlmChains.Cli.Commands.Bounds;

/// <summary>The inputs every bound subcommand shares: τ, c_0 / p_min, ‖Γ‖, N, δ, ε and --json.</summary>
internal sealed class CommonOptions(bool includeGamma = true)
{
    public const double DefaultDelta = 0.05;

    public Option<double> Temperature { get; } = new("--temperature")
    {
        Description = "Softmax temperature τ > 0",
        DefaultValueFactory = _ => 1.0,
    };

    public Option<double?> MinProb { get; private set; } = new("--min-prob");

    public Option<double> GammaNorm { get; } = new("--gamma-norm")
    {
        Description = "Norm ‖Γ‖ ≥ 1 of the data's Marton-coupling mixing matrix (1 = independent windows)",
        DefaultValueFactory = _ => 1.0,
    };

    public Option<double?> Tokens { get; private set; } = new("--tokens");

    public Option<double> Delta { get; } = new("--delta")
    {
        Description = "Failure probability δ ∈ (0, 1)",
        DefaultValueFactory = _ => DefaultDelta,
    };

    public Option<double?> Epsilon { get; } = new("--epsilon")
    {
        Description = "Target ε > 0: the expected L1 distance E‖·‖₁ for the sample complexity, and the gap for sampleCountForGap",
    };

    public Option<bool> Json { get; } = new("--json") { Description = "Print one JSON object on stdout" };

    public void AddTo(Command command, string minProbDescription, string tokensDescription)
    {
        MinProb = new Option<double?>("--min-prob") { Description = minProbDescription };
        Tokens = new Option<double?>("--tokens") { Description = tokensDescription };
        command.Add(Temperature);
        command.Add(MinProb);
        if (includeGamma)
        {
            command.Add(GammaNorm);
        }

        command.Add(Tokens);
        command.Add(Delta);
        command.Add(Epsilon);
        command.Add(Json);
    }

    /// <summary>Reads the values; δ, N and ε are checked even when nothing uses them, so that every input is validated.</summary>
    public CommonInputs Read(ParseResult parse)
    {
        var inputs = new CommonInputs(
            parse.GetValue(Temperature),
            parse.GetValue(MinProb),
            includeGamma ? parse.GetValue(GammaNorm) : 1.0,
            parse.GetValue(Tokens),
            parse.GetValue(Delta),
            parse.GetValue(Epsilon),
            includeGamma);
        BoundChecks.Delta(inputs.Delta);
        if (inputs.Tokens is { } n)
        {
            BoundChecks.Tokens(n);
        }

        if (inputs.Epsilon is { } e)
        {
            BoundChecks.Epsilon(e);
        }

        return inputs;
    }
}

/// <summary>The values of <see cref="CommonOptions"/>.</summary>
internal sealed record CommonInputs(
    double Temperature, double? MinProbability, double GammaNorm, double? Tokens, double Delta, double? Epsilon, bool HasGamma)
{
    /// <summary>
    /// Echoes the shared inputs; <paramref name="gammaNorm"/> replaces the option's value when ‖Γ‖ was computed, and
    /// <paramref name="minProbability"/> the option's c_0 / p_min when it was computed.
    /// </summary>
    public void Echo(
        BoundsReport report,
        string minProbLabel,
        string? minProbNote,
        double? gammaNorm = null,
        string? gammaNote = null,
        double? minProbability = null)
    {
        report.Input("temperature", "temperature τ", Temperature)
            .Input("minProbability", minProbLabel, minProbability ?? MinProbability, minProbNote);
        if (HasGamma)
        {
            report.Input("gammaNorm", "mixing norm ‖Γ‖", gammaNorm ?? GammaNorm, gammaNote);
        }

        report.Input("tokens", "tokens N", Tokens)
            .Input("delta", "confidence δ", Delta)
            .Input("epsilon", "target ε", Epsilon);
    }
}

/// <summary>
/// The checks of the bound options, made before the bounds are constructed so that each error names its option; in
/// the library's order, with the library's words (the symbol, the allowed range and the value).
/// </summary>
internal static class BoundChecks
{
    /// <summary>A count ≥ 1: T, d, r, m, H, L.</summary>
    public static void Count(long value, string option, string symbol)
        => OptionCheck.Require(value >= 1, option, $"The {symbol} must be ≥ 1; got {value}.");

    /// <summary>A finite value ≥ 0: B_U, B_1, B_2, B_O, B_V, B_tok.</summary>
    public static void NonNegative(double value, string option, string symbol)
        => OptionCheck.Require(OptionCheck.IsNonNegative(value), option, $"The {symbol} must be finite and ≥ 0; got {R(value)}.");

    /// <summary>A finite value &gt; 0: τ, t_min.</summary>
    public static void Positive(double value, string option, string symbol)
        => OptionCheck.Require(OptionCheck.IsPositive(value), option, $"The {symbol} must be finite and > 0; got {R(value)}.");

    /// <summary>A probability in (0, 1]: c_0, p_min.</summary>
    public static void Probability(double value, string symbol)
        => OptionCheck.Require(value > 0 && value <= 1, "--min-prob", $"The {symbol} must be in (0, 1]; got {R(value)}.");

    public static void Delta(double delta)
        => OptionCheck.Require(delta > 0 && delta < 1, "--delta", $"The confidence parameter δ must be in (0, 1); got {R(delta)}.");

    public static void Epsilon(double epsilon)
        => OptionCheck.Require(
            OptionCheck.IsPositive(epsilon), "--epsilon", $"The target accuracy ε must be finite and > 0; got {R(epsilon)}.");

    public static void Tokens(double tokens)
        => OptionCheck.Require(
            tokens >= 1 && !double.IsInfinity(tokens), "--tokens", $"The sample count N must be finite and ≥ 1; got {R(tokens)}.");

    public static void GammaNorm(double gammaNorm)
        => OptionCheck.Require(
            gammaNorm >= 1 && !double.IsInfinity(gammaNorm),
            "--gamma-norm",
            $"The mixing-matrix norm ‖Γ‖ must be finite and ≥ 1 (Γ has a unit diagonal); got {R(gammaNorm)}.");

    /// <summary>T, B_U (unless the architecture gives it), τ, c_0 and ‖Γ‖ of a pre-training bound (Thm. 4.2, E.5; Cor. E.3, E.6).</summary>
    public static void Pretraining(
        int vocabularySize, double? unembeddingNorm, double temperature, double? minimumProbability, double gammaNorm)
    {
        Count(vocabularySize, "--vocab", "vocabulary size T");
        if (unembeddingNorm is { } bu)
        {
            NonNegative(bu, "--unembedding-norm", "unembedding norm B_U");
        }

        Positive(temperature, "--temperature", "temperature τ");
        if (minimumProbability is { } c0)
        {
            Probability(c0, "language's minimum probability c_0");
        }

        GammaNorm(gammaNorm);
    }

    /// <summary>The architecture of Cor. E.3, then (B_Θ)^L·B_tok·B_U within a double.</summary>
    public static void Transformer(TransformerNormBounds n)
    {
        Count(n.EmbeddingDimension, "--embedding-dim", "embedding dimension r");
        Count(n.FeedForwardWidth, "--mlp-width", "MLP width m");
        Count(n.HeadCount, "--heads", "number of heads H");
        Count(n.LayerCount, "--layers", "number of layers L");
        NonNegative(n.FeedForwardInputNorm, "--w1-norm", "MLP input-weight norm B_1");
        NonNegative(n.FeedForwardOutputNorm, "--w2-norm", "MLP output-weight norm B_2");
        NonNegative(n.AttentionOutputNorm, "--wo-norm", "attention output-weight norm B_O");
        NonNegative(n.AttentionValueNorm, "--wv-norm", "attention value-weight norm B_V");
        NonNegative(n.TokenNorm, "--token-norm", "token ℓ1 norm B_tok");
        NonNegative(n.UnembeddingNorm, "--unembedding-norm", "unembedding norm B_U");
    }

    /// <summary>
    /// (B_Θ)^L·B_tok·B_U = LayerFactor^L·B_tok·B_U must be a finite double (checked after T, τ, c_0, ‖Γ‖, as the library does).
    /// </summary>
    public static void TransformerDepth(TransformerNormBounds n)
    {
        double factor = n.LayerFactor;
        double toDepth = Math.Pow(factor, n.LayerCount) * n.TokenNorm * n.UnembeddingNorm;
        string what = $"(B_Θ)^L = {G(factor)}^{n.LayerCount}·B_tok·B_U";
        OptionCheck.Require(double.IsFinite(toDepth), "--layers", $"{what} overflows a double; reduce the depth L or the weight norms.");
    }

    /// <summary>d, B_U, τ, p_min, t_min of Thm. 4.3, and p_min ≤ 1/d (a row of d probabilities ≥ p_min sums to 1).</summary>
    public static void InContext(
        int states, double unembeddingNorm, double temperature, double minimumTransitionProbability, double mixingTime)
    {
        Count(states, "--states", "number of states d");
        NonNegative(unembeddingNorm, "--unembedding-norm", "unembedding norm B_U");
        Positive(temperature, "--temperature", "temperature τ");
        Probability(minimumTransitionProbability, "minimum transition probability p_min");
        Positive(mixingTime, "--t-min", "mixing time t_min");
        string what = $"The minimum transition probability p_min = {G(minimumTransitionProbability)} exceeds 1/d = {G(1.0 / states)}";
        OptionCheck.Require(
            minimumTransitionProbability * states <= 1 + 1e-9,
            "--min-prob",
            $"{what}: the d = {states} probabilities of a row, each ≥ p_min, must sum to 1.");
    }

    private static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string G(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
