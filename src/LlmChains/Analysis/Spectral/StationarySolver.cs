using LlmChains.Chains;

namespace LlmChains.Analysis.Spectral;

/// <summary>
/// The library's stationary solvers behind <see cref="IStationarySolver"/>: one method of
/// <see cref="StationaryMethod"/> (or <see cref="StationaryMethod.Auto"/>, which picks one per class) with its
/// options. <see cref="StationaryDistribution.Compute"/> and <see cref="StationaryDistribution.ComputeAll"/> are the
/// same solvers called statically.
/// </summary>
public sealed class StationarySolver : IStationarySolver
{
    /// <summary>A solver with the given options.</summary>
    /// <param name="options">The options, <see cref="StationaryOptions.Method"/> included; default
    /// <see cref="StationaryOptions"/>'s defaults.</param>
    /// <exception cref="ArgumentException">An option is invalid (<see cref="StationaryOptions.Validate"/>).</exception>
    public StationarySolver(StationaryOptions? options = null)
    {
        Options = options ?? new StationaryOptions();
        Options.Validate();
    }

    /// <summary>The automatic choice per class (GTH when small, else power or GMRES-DR by predicted cost).</summary>
    public static StationarySolver Auto { get; } = new();

    /// <summary>GTH elimination: exact to rounding, no subtraction; dense, so for classes up to the GTH limit.</summary>
    public static StationarySolver Gth { get; } = For(StationaryMethod.Gth);

    /// <summary>Power iteration.</summary>
    public static StationarySolver Power { get; } = For(StationaryMethod.Power);

    /// <summary>Power iteration on the lazy chain (I + Q)/2, for periodic classes.</summary>
    public static StationarySolver LazyPower { get; } = For(StationaryMethod.LazyPower);

    /// <summary>GMRES with deflated restarts, for slowly mixing chains.</summary>
    public static StationarySolver Gmres { get; } = For(StationaryMethod.Gmres);

    /// <summary>The options every solve uses (<see cref="StationaryOptions.Structure"/> is replaced by the structure passed in).</summary>
    public StationaryOptions Options { get; }

    /// <summary>A solver of one method with otherwise default options.</summary>
    /// <param name="method">The method.</param>
    public static StationarySolver For(StationaryMethod method) => new(new StationaryOptions { Method = method });

    /// <inheritdoc/>
    public IReadOnlyList<StationaryResult> ComputeAll(
        IMarkovChain chain, ChainStructure structure, IProgress<Progress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(structure);
        return StationaryDistribution.ComputeAll(chain, Options with { Structure = structure }, progress, cancellationToken);
    }

    /// <inheritdoc/>
    public override string ToString() => $"StationarySolver({Options.Method})";
}
