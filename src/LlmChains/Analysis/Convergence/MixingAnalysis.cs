using LlmChains.Analysis.Spectral;

namespace LlmChains.Analysis.Convergence;

/// <summary>The result of <see cref="TotalVariation.AnalyzeMixing"/>: the worst-case curve and the mixing quantities
/// read from it.</summary>
/// <param name="Curve">The worst-case d(0..Horizon) (only d(0) when the chain is not an ergodic unichain).</param>
/// <param name="MixingTime">t_mix(ε).</param>
/// <param name="TMin">t_min, certified when <see cref="TMinResult.IsCertified"/>.</param>
/// <param name="Structure">The classification used to decide finiteness.</param>
public sealed record MixingAnalysis(TotalVariationCurve Curve, MixingTimeResult MixingTime, TMinResult TMin, ChainStructure Structure);
