namespace LlmChains.Bounds.Internals;

/// <summary>
/// What the two pre-training bounds (Thm. 4.2 / E.5 and their depth-aware Cor. E.3 / E.6) share once the model norm
/// is known (B_U, or (B_Θ)^L): M = max{log T + 2·norm/τ, log(1/c_0)}, B̄ = 2‖Γ‖·√M (TV) or √2·‖Γ‖·M (KL), the gap
/// B̄·√(log(2/δ)/N) and Prop. 4.1's N* and ε (total variation only).
/// </summary>
internal readonly struct PretrainingTerms
{
    /// <summary>Computes the terms from validated inputs (see <see cref="Validate"/>).</summary>
    internal PretrainingTerms(
        int vocabularySize,
        double modelNorm,
        double temperature,
        double? minimumProbability,
        double gammaNorm,
        BoundDivergence divergence)
    {
        Divergence = divergence;
        ModelTerm = BoundMath.ModelTerm(vocabularySize, modelNorm, temperature);
        LanguageTerm = minimumProbability is { } c ? BoundMath.LanguageTerm(c) : null;
        MaxTerm = Math.Max(ModelTerm, LanguageTerm ?? double.NegativeInfinity);
        Constant = divergence == BoundDivergence.TotalVariation
            ? 2 * gammaNorm * Math.Sqrt(MaxTerm)
            : Math.Sqrt(2) * gammaNorm * MaxTerm;
        ThresholdTemperature = minimumProbability is { } p
            ? BoundMath.ThresholdTemperature(vocabularySize, modelNorm, p)
            : null;
    }

    internal BoundDivergence Divergence { get; }

    /// <summary>log T + 2·norm/τ.</summary>
    internal double ModelTerm { get; }

    /// <summary>log(1/c_0), or <see langword="null"/> without c_0.</summary>
    internal double? LanguageTerm { get; }

    /// <summary>M = max{model term, language term}.</summary>
    internal double MaxTerm { get; }

    /// <summary>B̄.</summary>
    internal double Constant { get; }

    /// <summary>τ* = 2·norm/(log(1/c_0) − log T), or <see langword="null"/> without c_0.</summary>
    internal double? ThresholdTemperature { get; }

    /// <summary>c₂ = √(2M) for total variation (Cor. F.10), M for KL (Lemma E.4).</summary>
    internal double PerTermBound => Divergence == BoundDivergence.TotalVariation ? Math.Sqrt(2 * MaxTerm) : MaxTerm;

    /// <summary>"TV" or "KL", for the one-line summaries.</summary>
    internal string DivergenceLabel => Divergence == BoundDivergence.TotalVariation ? "TV" : "KL";

    /// <summary>The inputs both bounds validate after their own (T, and B_U or the norms): τ, c_0, ‖Γ‖, the divergence.</summary>
    internal static void Validate(double temperature, double? minimumProbability, double gammaNorm, BoundDivergence divergence)
    {
        BoundGuard.Positive(temperature, nameof(temperature), "temperature τ");
        if (minimumProbability is { } c0)
        {
            BoundGuard.Probability(c0, nameof(minimumProbability), "language's minimum probability c_0");
        }

        BoundGuard.GammaNorm(gammaNorm);
        if (!Enum.IsDefined(divergence))
        {
            throw new ArgumentOutOfRangeException(nameof(divergence), divergence, $"Unknown divergence {divergence}.");
        }
    }

    /// <summary>B̄·√(log(2/δ)/N), after validating N and δ.</summary>
    internal double Gap(double sampleCount, double delta)
    {
        BoundGuard.SampleCount(sampleCount);
        BoundGuard.Delta(delta);
        return BoundMath.Gap(Constant, 1, sampleCount, delta);
    }

    /// <summary>N* = ⌈4B̄²/ε²·log(2/δ)⌉ (Prop. 4.1); total variation only.</summary>
    internal double SampleComplexity(double epsilon, double delta)
    {
        RequireTotalVariation();
        BoundGuard.Epsilon(epsilon);
        BoundGuard.Delta(delta);
        return BoundMath.SampleComplexity(Constant, 1, epsilon, delta);
    }

    /// <summary>ε = 2B̄·√(log(2/δ)/N) (Prop. 4.1 inverted); total variation only.</summary>
    internal double ApproximationError(double sampleCount, double delta)
    {
        RequireTotalVariation();
        BoundGuard.SampleCount(sampleCount);
        BoundGuard.Delta(delta);
        return BoundMath.ApproximationError(Constant, 1, sampleCount, delta);
    }

    private void RequireTotalVariation()
    {
        if (Divergence != BoundDivergence.TotalVariation)
        {
            throw new NotSupportedException(BoundText.KlNotSupported);
        }
    }
}
