using System.Globalization;
using LlmChains.Chains;
using LlmChains.Internals;

namespace LlmChains.Analysis.Spectral;

/// <summary>
/// The stationary distribution π of one recurrent class, with the evidence of its accuracy: the residual
/// ‖π·Q − π‖₁ computed independently after the solve (one extra step), the method, the number of matrix–vector
/// products, the status and, for iterative methods, an error estimate.
/// </summary>
/// <remarks>
/// π is stored on the class only; <see cref="Distribution"/> materialises the full-length vector (zeros off the
/// class, Prop. 3.3 for a model's chain) on first access and returns the same array afterwards.
/// </remarks>
public sealed class StationaryResult
{
    private readonly double[] _classValues;
    private readonly int[]? _states;      // the class's states ascending, or null when they are contiguous
    private readonly long _firstState;    // first state of a contiguous class
    private double[]? _full;

    internal StationaryResult(
        long stateCount,
        CommunicatingClass recurrentClass,
        double[] classValues,
        int[]? states,
        long firstState,
        StationaryMethod method,
        SolveStatus status,
        int iterations,
        double residual,
        double? errorEstimate,
        double clampedMass,
        TimeSpan elapsed)
    {
        StateCount = stateCount;
        Class = recurrentClass;
        _classValues = classValues;
        _states = states;
        _firstState = firstState;
        Method = method;
        Status = status;
        MatrixVectorProducts = iterations;
        Residual = residual;
        ErrorEstimate = errorEstimate;
        ClampedMass = clampedMass;
        Elapsed = elapsed;
    }

    /// <summary>
    /// A stationary distribution computed by a solver of your own (an <see cref="IStationarySolver"/>), with the
    /// evidence the library's results carry: the residual ‖π·Q − π‖₁ is measured here, by one step of the chain,
    /// and the status says whether it meets <paramref name="tolerance"/>.
    /// </summary>
    /// <param name="chain">The chain.</param>
    /// <param name="structure">The chain's classes.</param>
    /// <param name="classId">The recurrent class the distribution lives on.</param>
    /// <param name="distribution">π over all states: finite, ≥ 0, zero off the class, not all zero; it is normalised to sum 1.</param>
    /// <param name="matrixVectorProducts">Matrix–vector products your solver used (reported as is).</param>
    /// <param name="elapsed">Time your solver took (reported as is).</param>
    /// <param name="tolerance">The residual below which the status is <see cref="SolveStatus.Converged"/>, else
    /// <see cref="SolveStatus.AboveTolerance"/>; default 1e−12 as <see cref="StationaryOptions.Tolerance"/>.</param>
    /// <exception cref="ArgumentException">A length differs from the chain's state count, the class is not a recurrent
    /// class of <paramref name="structure"/>, an entry is negative or not finite, mass lies off the class, or all
    /// entries are zero.</exception>
    public static StationaryResult FromDistribution(
        IMarkovChain chain,
        ChainStructure structure,
        int classId,
        ReadOnlySpan<double> distribution,
        int matrixVectorProducts = 0,
        TimeSpan elapsed = default,
        double tolerance = 1e-12)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(structure);
        if (structure.StateCount != chain.StateCount || distribution.Length != chain.StateCount)
        {
            throw Invalid.Argument(
                string.Create(CultureInfo.InvariantCulture, $"The chain has {chain.StateCount:N0} states, the structure ") +
                string.Create(CultureInfo.InvariantCulture, $"{structure.StateCount:N0} and the distribution {distribution.Length:N0}; ") +
                string.Create(CultureInfo.InvariantCulture, $"all three must agree."));
        }

        if (classId < 0 || classId >= structure.ClassCount || !structure.GetClass(classId).IsRecurrent)
        {
            throw Invalid.Argument(
                string.Create(CultureInfo.InvariantCulture, $"Class {classId} is not a recurrent class of the chain (it has ") +
                string.Create(CultureInfo.InvariantCulture, $"{structure.ClassCount} classes, {structure.RecurrentClasses.Count} ") +
                string.Create(CultureInfo.InvariantCulture, $"recurrent)."));
        }

        if (!(tolerance > 0) || double.IsInfinity(tolerance))
        {
            throw Invalid.Argument(string.Create(CultureInfo.InvariantCulture, $"The tolerance must be finite and > 0; got {tolerance}."));
        }

        var recurrentClass = structure.GetClass(classId);
        double total = 0;
        for (int i = 0; i < distribution.Length; i++)
        {
            double v = distribution[i];
            if (!(v >= 0) || double.IsInfinity(v))
            {
                throw Invalid.Argument(string.Create(CultureInfo.InvariantCulture, $"π[{i}] = {v}; a distribution is finite and ≥ 0."));
            }

            if (v > 0 && structure.GetClassOf(i) != classId)
            {
                throw Invalid.Argument(
                    string.Create(CultureInfo.InvariantCulture, $"π[{i}] = {v} lies off class {classId}; a stationary distribution of a ") +
                    string.Create(CultureInfo.InvariantCulture, $"recurrent class is zero elsewhere."));
            }

            total += v;
        }

        if (!(total > 0) || double.IsInfinity(total))
        {
            throw Invalid.Argument(
                string.Create(CultureInfo.InvariantCulture, $"The distribution sums to {total}; it must have positive finite mass."));
        }

        var full = new double[distribution.Length];
        for (int i = 0; i < full.Length; i++)
        {
            full[i] = distribution[i] / total;
        }

        var next = new double[full.Length];
        chain.Step(full, next);
        double residual = 0;
        for (int i = 0; i < full.Length; i++)
        {
            residual += Math.Abs(next[i] - full[i]);
        }

        long[] states = structure.GetStates(classId);
        bool contiguous = states[^1] - states[0] + 1 == states.Length;
        var classValues = new double[states.Length];
        for (int j = 0; j < states.Length; j++)
        {
            classValues[j] = full[states[j]];
        }

        int[]? stateIndices = contiguous ? null : [.. states.Select(x => (int)x)];
        var status = residual <= tolerance ? SolveStatus.Converged : SolveStatus.AboveTolerance;
        var result = new StationaryResult(
            full.Length,
            recurrentClass,
            classValues,
            stateIndices,
            states[0],
            StationaryMethod.External,
            status,
            matrixVectorProducts,
            residual,
            null,
            0,
            elapsed);
        result._full = full;
        return result;
    }

    /// <summary>The number of states of the whole chain (the length of <see cref="Distribution"/>).</summary>
    public long StateCount { get; }

    /// <summary>The recurrent class this distribution lives on.</summary>
    public CommunicatingClass Class { get; }

    /// <summary>
    /// π over all states of the chain: non-negative, summing to 1, zero off <see cref="Class"/> (on transient
    /// states and other recurrent classes). Allocated on first access (8 bytes per state of the chain); the same
    /// array is returned afterwards, so do not modify it.
    /// </summary>
#pragma warning disable CA1819 // the contract exposes π as an array; it is created once and cached
    public double[] Distribution
#pragma warning restore CA1819
    {
        get
        {
            if (_full is { } full)
            {
                return full;
            }

            var values = new double[StateCount];
            if (_states is null)
            {
                _classValues.CopyTo(values.AsSpan(checked((int)_firstState)));
            }
            else
            {
                for (int j = 0; j < _states.Length; j++)
                {
                    values[_states[j]] = _classValues[j];
                }
            }

            return Interlocked.CompareExchange(ref _full, values, null) ?? values;
        }
    }

    /// <summary>π on the states of <see cref="Class"/> only, in ascending state order (see <see cref="GetClassStates"/>).</summary>
    public ReadOnlyMemory<double> ClassDistribution => _classValues;

    /// <summary>The residual ‖π·Q − π‖₁ of the returned (clamped, normalised) π, computed by one extra step after the solve.</summary>
    public double Residual { get; }

    /// <summary>
    /// An estimate of the error ‖π − π_exact‖₁, or <see langword="null"/> when none is available. Power iteration:
    /// the residual over 1 − ρ, with ρ the observed rate at which the residual decays (the geometric tail of the
    /// remaining steps). GMRES-DR: the residual over the smallest harmonic Ritz value of I − Q + 1uᵀ, an estimate of
    /// the spectral gap 1 − λ₂ (exact in the limit for a normal Q; an estimate otherwise). GTH: <see langword="null"/>;
    /// GTH computes every component with small relative error whatever the conditioning (O'Cinneide 1993).
    /// </summary>
    public double? ErrorEstimate { get; }

    /// <summary>The method that produced π (<see cref="StationaryMethod.Auto"/> is resolved to the method it chose last).</summary>
    public StationaryMethod Method { get; }

    /// <summary>The number of matrix–vector products x ↦ x·Q, including the final residual check.</summary>
    public int MatrixVectorProducts { get; }

    /// <summary>How the solve ended. Non-convergence is a status, not an exception.</summary>
    public SolveStatus Status { get; }

    /// <summary>
    /// The total mass of negative round-off entries that were set to 0 before the final normalisation (0 when
    /// none). GTH never produces negative entries; GMRES can, at the level of its residual.
    /// </summary>
    public double ClampedMass { get; }

    /// <summary>The wall-clock time of the solve of this class (excluding the classification of the chain).</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The states of <see cref="Class"/>, ascending (allocates a new array).</summary>
    public long[] GetClassStates()
    {
        var states = new long[_classValues.Length];
        for (int j = 0; j < states.Length; j++)
        {
            states[j] = _states is null ? _firstState + j : _states[j];
        }

        return states;
    }
}
