namespace LlmChains.Analysis.Convergence;

/// <summary>Progress of a convergence computation, in units of work (a step of one start block, or one step of one start vector).</summary>
/// <param name="WorkDone">Units done.</param>
/// <param name="WorkTotal">Units in the current run.</param>
public readonly record struct ConvergenceProgress(long WorkDone, long WorkTotal)
{
    /// <summary>The fraction done, in [0, 1].</summary>
    public double Fraction => WorkTotal == 0 ? 1 : Math.Min(1, (double)WorkDone / WorkTotal);
}
