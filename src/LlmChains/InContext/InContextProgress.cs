namespace LlmChains.InContext;

/// <summary>Progress of <see cref="InContextExperiment.Run"/>.</summary>
/// <param name="CompletedRepetitions">Repetitions finished so far.</param>
/// <param name="TotalRepetitions">Repetitions in the experiment.</param>
public readonly record struct InContextProgress(int CompletedRepetitions, int TotalRepetitions)
{
    /// <summary>The fraction done, in [0, 1].</summary>
    public double Fraction => TotalRepetitions == 0 ? 1 : (double)CompletedRepetitions / TotalRepetitions;
}
