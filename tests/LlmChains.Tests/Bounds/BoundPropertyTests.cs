using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LlmChains.Bounds;

namespace LlmChains.Tests.Bounds;

/// <summary>Monotonicity and inverse properties of the bounds over random inputs.</summary>
public sealed class BoundPropertyTests
{
    /// <summary>Random Thm. 4.2 inputs: T in 1..300000, B_U in [0, 1e7], τ in [0.05, 5], c_0 optional, ‖Γ‖ in [1, 20].</summary>
    private static readonly Arbitrary<(int T, double BU, double Tau, double? C0, double Gamma)> Inputs =
        (from t in Gen.Choose(1, 300_000)
         from buExponent in Gen.Choose(-3000, 7000)
         from zero in Gen.Frequency((1, Gen.Constant(true)), (9, Gen.Constant(false)))
         from tau in Gen.Choose(5, 500)
         from c0 in Gen.Frequency((1, Gen.Constant<double?>(null)), (3, Gen.Choose(1, 1000).Select(i => (double?)(i / 1000.0))))
         from gamma in Gen.Choose(100, 2000)
         select (t, zero ? 0.0 : Math.Pow(10, buExponent / 1000.0), tau / 100.0, c0, gamma / 100.0)).ToArbitrary();

    private static readonly Arbitrary<(double Epsilon, double Delta)> Targets =
        (from e in Gen.Choose(1, 2000)
         from d in Gen.Choose(1, 999)
         select (e / 1000.0, d / 1000.0)).ToArbitrary();

    [Property(MaxTest = 300)]
    public Property Gap_MoreSamples_Decreases() => Prop.ForAll(Inputs, Gen.Choose(1, 1_000_000).ToArbitrary(), (x, n) =>
    {
        var bound = new PretrainingBound(x.T, x.BU, x.Tau, x.C0, x.Gamma);
        double smaller = bound.Gap(n + 1, 0.05);
        double larger = bound.Gap(n, 0.05);
        return bound.Constant == 0 ? smaller == 0 && larger == 0 : smaller < larger;
    });

    [Property(MaxTest = 300)]
    public Property Gap_SmallerDelta_Increases() => Prop.ForAll(Inputs, Gen.Choose(2, 999).ToArbitrary(), (x, d) =>
    {
        var bound = new PretrainingBound(x.T, x.BU, x.Tau, x.C0, x.Gamma);
        double delta = d / 1000.0;
        double tighter = bound.Gap(1e6, delta / 2);
        double looser = bound.Gap(1e6, delta);
        return bound.Constant == 0 ? tighter == 0 : tighter > looser;
    });

    [Property(MaxTest = 300)]
    public Property Constant_HigherTemperature_DoesNotIncrease() => Prop.ForAll(Inputs, x =>
    {
        var cold = new PretrainingBound(x.T, x.BU, x.Tau, x.C0, x.Gamma);
        var warm = new PretrainingBound(x.T, x.BU, x.Tau * 1.5, x.C0, x.Gamma);
        bool strictlyWhenModelTermSetsIt = !(x.BU > 0 && !cold.LanguageTermDominates && !warm.LanguageTermDominates) || warm.Constant < cold.Constant;
        return warm.Constant <= cold.Constant && strictlyWhenModelTermSetsIt;
    });

    [Property(MaxTest = 500)]
    public Property SampleComplexity_IsSmallestNWithApproximationErrorAtMostEpsilon() => Prop.ForAll(Inputs, Targets, (x, target) =>
    {
        var bound = new PretrainingBound(x.T, x.BU, x.Tau, x.C0, x.Gamma);
        double n = bound.SampleComplexity(target.Epsilon, target.Delta);
        bool reaches = bound.ApproximationError(n, target.Delta) <= target.Epsilon;
        // exact minimality is promised below 2^52, where every integer is a double
        bool smallest = n == 1 || n > 4503599627370496.0 || bound.ApproximationError(n - 1, target.Delta) > target.Epsilon;
        return (reaches && smallest && n == Math.Floor(n)).Label($"N = {n}");
    });

    [Property(MaxTest = 300)]
    public Property SampleComplexity_InContext_IsSmallestNForBothForms() => Prop.ForAll(Inputs, Targets, Gen.Choose(400, 100_000).ToArbitrary(), (x, target, t) =>
    {
        double tMin = t / 100.0;
        int d = Math.Max(1, x.T % 1000);
        var bound = new InContextBound(d, x.BU, x.Tau, Math.Min(x.C0 ?? 0.01, 1.0 / d), tMin);
        double n = bound.SampleComplexityWithMixing(target.Epsilon, target.Delta);
        double printed = bound.SampleComplexityAsPrinted(target.Epsilon, target.Delta);
        bool reaches = bound.ApproximationError(n, target.Delta) <= target.Epsilon;
        bool smallest = n == 1 || n > 4503599627370496.0 || bound.ApproximationError(n - 1, target.Delta) > target.Epsilon;
        return reaches && smallest && printed <= n;
    });

    [Property(MaxTest = 200)]
    public Property Gap_InContext_DecreasesInNAndIncreasesInTMin() => Prop.ForAll(Gen.Choose(1, 1000).ToArbitrary(), Gen.Choose(400, 10_000).ToArbitrary(), (n, t) =>
    {
        var bound = new InContextBound(3, 1, 1, 0.05, t / 100.0);
        var slower = new InContextBound(3, 1, 1, 0.05, (t + 1) / 100.0);
        return bound.Gap(n + 1, 0.05) < bound.Gap(n, 0.05) && slower.Gap(n, 0.05) > bound.Gap(n, 0.05);
    });
}
