using LlmChains.Chains;

namespace LlmChains.Analysis.Spectral;

/// <summary>
/// The library's eigensolver behind <see cref="ISpectrumSolver"/>: every eigenvalue by a dense decomposition up to
/// <see cref="SpectrumOptions.DenseMaxStates"/>, the leading ones by Krylov–Schur above (with the recurrent block of
/// a model's chain, the structure shortcuts and the SLEM error bound of <see cref="Spectrum.Compute"/>, which calls
/// the same code statically).
/// </summary>
public sealed class SpectrumSolver : ISpectrumSolver
{
    /// <summary>A solver with the given options.</summary>
    /// <param name="options">The options; default <see cref="SpectrumOptions.Default"/>.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public SpectrumSolver(SpectrumOptions? options = null)
    {
        Options = options ?? SpectrumOptions.Default;
        Spectrum.Validate(Options);
    }

    /// <summary>The solver with the default options.</summary>
    public static SpectrumSolver Default { get; } = new();

    /// <summary>The options every computation uses.</summary>
    public SpectrumOptions Options { get; }

    /// <inheritdoc/>
    public SpectrumResult Compute(IMarkovChain chain, IProgress<Progress>? progress = null, CancellationToken cancellationToken = default)
        => Spectrum.Compute(chain, Options, progress, cancellationToken);

    /// <inheritdoc/>
    public override string ToString() => "SpectrumSolver";
}
