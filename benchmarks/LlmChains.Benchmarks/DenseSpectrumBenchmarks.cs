using BenchmarkDotNet.Attributes;
using LlmChains.Analysis;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Benchmarks;

/// <summary>
/// The dense path of <see cref="Spectrum.Compute"/> (MathNet's EVD of the whole block, every eigenvalue; baseline)
/// against the Krylov–Schur method on the same small blocks: <see cref="RandomLogitsModel"/>(T = 2, K, scale 3, seed 0)
/// with 2^K = 256 and 512 states in P_ℛ, both asked for the 4 largest eigenvalues to 1e−10.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(SpectrumBenchmarks.SpectrumColumns))]
public class DenseSpectrumBenchmarks
{
    private static readonly SpectrumOptions DenseOptions = new() { Count = 4, Tolerance = 1e-10, DenseMaxStates = 4096 };
    private static readonly SpectrumOptions ArnoldiOptions = new() { Count = 4, Tolerance = 1e-10, DenseMaxStates = 1 };
    private LanguageModelChain _chain = null!;

    /// <summary>The context window K (T = 2).</summary>
    [Params(8, 9)]
    public int K { get; set; } = 8;

    [GlobalSetup]
    public void Setup() => _chain = LanguageModelChain.Build(new RandomLogitsModel(2, K, 3.0, 0));

    [Benchmark(Baseline = true)]
    public SpectrumResult DenseEvd() => Spectrum.Compute(_chain, DenseOptions);

    [Benchmark]
    public SpectrumResult Arnoldi() => Spectrum.Compute(_chain, ArnoldiOptions);
}
