namespace LlmChains.Analysis;

/// <summary>Progress of a multi-stage analysis: the stage running ("structure", "stationary", "spectrum", "epsilon", "mixing") and its fraction done.</summary>
/// <param name="Stage">The stage.</param>
/// <param name="Fraction">The fraction of the whole analysis done, in [0, 1].</param>
public readonly record struct AnalysisProgress(string Stage, double Fraction);
