using LlmChains.Analysis.Spectral;

namespace LlmChains.Analysis.Fate;

/// <summary>
/// Where each start ends up: the probability of absorption into each recurrent class, and the expected number of steps
/// until a recurrent class is first entered (0 from a recurrent start).
/// </summary>
public sealed class AbsorptionResult
{
    private readonly double[][] _probabilities;
    private readonly double[] _steps;

    internal AbsorptionResult(
        IReadOnlyList<CommunicatingClass> classes,
        long[] starts,
        double[][] probabilities,
        double[] steps,
        FateSolve probabilitySolve,
        FateSolve stepsSolve)
    {
        Classes = classes;
        Starts = Array.AsReadOnly(starts);
        _probabilities = probabilities;
        _steps = steps;
        ProbabilitySolve = probabilitySolve;
        StepsSolve = stepsSolve;
    }

    /// <summary>The recurrent classes, in the order of the probability columns (<see cref="ChainStructure.RecurrentClasses"/>).</summary>
    public IReadOnlyList<CommunicatingClass> Classes { get; }

    /// <summary>The starts, in the order of the rows.</summary>
    public IReadOnlyList<long> Starts { get; }

    /// <summary>P(the chain started at <see cref="Starts"/>[<paramref name="start"/>] ends in
    /// <see cref="Classes"/>[<paramref name="recurrentClass"/>]).</summary>
    /// <param name="start">Row: an index into <see cref="Starts"/>.</param>
    /// <param name="recurrentClass">Column: an index into <see cref="Classes"/>.</param>
    /// <returns>The probability.</returns>
    public double GetProbability(int start, int recurrentClass) => _probabilities[start][recurrentClass];

    /// <summary>The absorption probabilities of one start, one per class (they sum to 1).</summary>
    /// <param name="start">An index into <see cref="Starts"/>.</param>
    /// <returns>A copy of the row.</returns>
    public double[] GetProbabilities(int start) => (double[])_probabilities[start].Clone();

    /// <summary>E[steps until a recurrent class is entered] per start (t = (I − Q_TT)^{-1}·𝟙 on transient starts, 0 on
    /// recurrent ones).</summary>
    public IReadOnlyList<double> ExpectedSteps => _steps;

    /// <summary>How the absorption probabilities B = (I − Q_TT)^{-1}·R were solved (structural when there is one
    /// recurrent class).</summary>
    public FateSolve ProbabilitySolve { get; }

    /// <summary>How the expected steps were solved.</summary>
    public FateSolve StepsSolve { get; }
}
