using BenchmarkDotNet.Attributes;
using LlmChains.Analysis;
using LlmChains.Analysis.Spectral;
using LlmChains.Benchmarks.Internals;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Benchmarks;

/// <summary>
/// A slice of the Auto grid of docs/stationary.md (the whole grid, with SciPy, is <c>benchmarks/compare/stationary_grid.py</c>):
/// π of the recurrent block of <see cref="RandomLogitsModel"/>(T, K, 3.0, seed 0) at temperature τ, to the default
/// residual 1e−12, by power iteration (baseline), GMRES-DR and Auto, on one shape per regime: fast mixing where power
/// wins (T = 2, τ = 1), the crossover (T = 3, τ = 0.5; T = 4, τ = 0.1), and slow mixing where GMRES-DR wins
/// (T = 10, τ = 0.25). Auto's Ratio column should be at most about 1 against the faster of the other two.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(StationaryBenchmarks.StationaryColumns))]
public class StationaryGridBenchmarks
{
    private static readonly StationaryOptions PowerOptions = new() { Method = StationaryMethod.Power };
    private static readonly StationaryOptions GmresOptions = new() { Method = StationaryMethod.Gmres };
    private static readonly StationaryOptions AutoOptions = new();
    private IMarkovChain _block = null!;

    /// <summary>"T,K,τ".</summary>
    [Params("2,14,1", "3,9,0.5", "4,7,0.1", "10,4,0.25")]
    public string Case { get; set; } = "3,9,0.5";

    [GlobalSetup]
    public void Setup()
    {
        var (t, k, tau) = Shapes.ParseWithTemperature(Case);
        _block = LanguageModelChain.Build(new RandomLogitsModel(t, k, 3.0, 0), new DecodingOptions { Temperature = tau }).RecurrentBlock;
    }

    [Benchmark(Baseline = true)]
    public StationaryResult Power() => StationaryDistribution.Compute(_block, PowerOptions);

    [Benchmark]
    public StationaryResult Gmres() => StationaryDistribution.Compute(_block, GmresOptions);

    [Benchmark]
    public StationaryResult Auto() => StationaryDistribution.Compute(_block, AutoOptions);
}
