namespace LlmChains.Analysis.Fate;

/// <summary>
/// Hitting a target set B: h(x) = P_x(τ_B &lt; ∞) and k(x) = E_x[τ_B], τ_B = min{t ≥ 0 : X_t ∈ B}, per start.
/// </summary>
public sealed class HittingResult
{
    private readonly double[] _probabilities;
    private readonly double[] _steps;
    private readonly HittingOutcome[] _outcomes;

    internal HittingResult(
        string target,
        long targetSize,
        long[] starts,
        double[] probabilities,
        double[] steps,
        HittingOutcome[] outcomes,
        FateSolve probabilitySolve,
        FateSolve stepsSolve)
    {
        Target = target;
        TargetSize = targetSize;
        Starts = Array.AsReadOnly(starts);
        _probabilities = probabilities;
        _steps = steps;
        _outcomes = outcomes;
        ProbabilitySolve = probabilitySolve;
        StepsSolve = stepsSolve;
    }

    /// <summary>The target's description.</summary>
    public string Target { get; }

    /// <summary>The number of target states.</summary>
    public long TargetSize { get; }

    /// <summary>The starts.</summary>
    public IReadOnlyList<long> Starts { get; }

    /// <summary>P(the target is ever hit) per start.</summary>
    public IReadOnlyList<double> Probabilities => _probabilities;

    /// <summary>E[steps until the target is first hit] per start: 0 in the target, +∞ where the probability is below 1
    /// (see <see cref="Outcomes"/>).</summary>
    public IReadOnlyList<double> ExpectedSteps => _steps;

    /// <summary>Why each start's time is finite or not (decided from the graph, exactly).</summary>
    public IReadOnlyList<HittingOutcome> Outcomes => _outcomes;

    /// <summary>How the probabilities were solved (only the <see cref="HittingOutcome.Possible"/> states need a system).</summary>
    public FateSolve ProbabilitySolve { get; }

    /// <summary>How the expected times were solved (on the <see cref="HittingOutcome.Certain"/> states).</summary>
    public FateSolve StepsSolve { get; }

    /// <summary>A one-line reason for an infinite expected time, or null when it is finite.</summary>
    /// <param name="start">An index into <see cref="Starts"/>.</param>
    /// <returns>The reason, or null.</returns>
    public string? GetReason(int start) => _outcomes[start] switch
    {
        HittingOutcome.Possible =>
            "the chain can enter states from which the target is unreachable, so the probability is below 1 and the expected time infinite",
        HittingOutcome.Unreachable => "the target cannot be reached from this start",
        _ => null,
    };
}
