using System.Globalization;
using LlmChains.Analysis.Convergence;
using LlmChains.Internals;

namespace LlmChains.Bounds.Internals;

/// <summary>The assumption sentences the bound results carry (invariant culture, 6 significant digits).</summary>
internal static class BoundText
{
    internal static string G(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    internal static string Inv(ref InvariantText text) => text.ToStringAndClear();

    /// <summary>The sentences shared by Thm. 4.2 / E.5 and Cor. E.3 / E.6.</summary>
    internal static List<string> Pretraining(
        string statement,
        string parameterClass,
        double modelTerm,
        string modelTermSymbol,
        double? minimumProbability,
        double gammaNorm,
        BoundDivergence divergence,
        double temperature)
    {
        var lines = new List<string>
        {
            statement,
            parameterClass,
            Inv($"Temperature τ = {G(temperature)} > 0, so every next-token probability of the model is positive (Lemma F.7)."),
            gammaNorm == 1
                ? "The windows S_1..S_N admit a Marton coupling with ‖Γ‖ = 1: independent windows, the paper's choice " +
                  "in App. E.1.1 (Markov data needs a larger ‖Γ‖; see MixingMatrixNormBound)."
                : Inv(
                    $"The windows S_1..S_N admit a Marton coupling whose mixing matrix has ‖Γ‖ ≤ {G(gammaNorm)} (Def. " +
                    $"C.12–C.13, Paulin 2015)."),
        };

        if (minimumProbability is { } c0)
        {
            double languageTerm = BoundMath.LanguageTerm(c0);
            lines.Add(
                Inv($"Language ambiguity (eq. 1): every next-token probability of the language is ≥ c_0 = {G(c0)}, so " +
                    $"log(1/c_0) = {G(languageTerm)}."));
            if (languageTerm > modelTerm)
            {
                lines.Add(
                    Inv($"The language term log(1/c_0) = {G(languageTerm)} exceeds the model term {modelTermSymbol} = " +
                        $"{G(modelTerm)}: below this threshold the architecture does not change the bound (the threshold " +
                        $"remark after Thm. 4.2)."));
            }
        }
        else
        {
            lines.Add(
                Inv($"c_0 not given: the log(1/c_0) term is dropped, as the paper does in App. E.1.1. The bound then " +
                    $"holds only if log(1/c_0) ≤ {modelTermSymbol} = {G(modelTerm)}, i.e. c_0 ≥ " +
                    $"{MinimumProbabilityText(modelTerm)}."));
        }

        lines.Add(divergence == BoundDivergence.TotalVariation
            ? "Risk in total variation d_TV = ½‖·‖₁. SampleComplexity and ApproximationError assume perfect " +
              "pre-training (R̂_pre = 0, Prop. 4.1) and use E‖Q*(S,·) − Q_f(S,·)‖₁ = 2·R_pre."
            : "Risk in Kullback–Leibler divergence d_KL(P_L ‖ P_Θ). There is no sample complexity or approximation " +
              "error: KL is not a metric and Prop. 4.1 uses total-variation identities.");
        return lines;
    }

    /// <summary>exp(−m) as a number, or as e^(−m) when it underflows.</summary>
    private static string MinimumProbabilityText(double modelTerm)
    {
        double value = Math.Exp(-modelTerm);
        return value >= 1e-300 ? G(value) : Inv($"e^(−{G(modelTerm)})");
    }

    internal const string KlNotSupported =
        "The KL variant (Thm. E.5 / Cor. E.6) has no sample complexity or approximation error: KL is not a metric, " +
        "and Prop. 4.1 converts the risk into E‖Q*(S,·) − Q_f(S,·)‖₁ = 2·R_pre through total-variation identities " +
        "that have no KL counterpart. Use GeneralizationBoundExtensions.SampleCountForGap for the N at which the KL " +
        "gap reaches a target.";
}
