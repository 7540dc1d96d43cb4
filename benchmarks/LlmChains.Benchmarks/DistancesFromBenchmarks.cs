using BenchmarkDotNet.Attributes;
using LlmChains.Analysis;
using LlmChains.Analysis.Convergence;
using LlmChains.Analysis.Spectral;
using LlmChains.Benchmarks.Internals;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Benchmarks;

/// <summary>
/// d(t) = TV(δ_∅ Q_f^t, π) from one start (the empty prompt, state 0) for t = 0..50 on large chains
/// (<see cref="TotalVariation.DistancesFromState"/>: 50 steps and 51 total-variation passes), with float64 (baseline)
/// and float32 probability tables. π (of the float64 chain) is computed in the setup.
/// </summary>
[MemoryDiagnoser]
public class DistancesFromBenchmarks
{
    private const int Steps = 50;
    private LanguageModelChain _chain64 = null!;
    private LanguageModelChain _chain32 = null!;
    private double[] _stationary = null!;

    /// <summary>(T, K): 2,097,150 states (2,20) and 1,111,110 (10,6).</summary>
    [Params("2,20", "10,6")]
    public string Shape { get; set; } = "2,20";

    [GlobalSetup]
    public void Setup()
    {
        var (t, k) = Shapes.Parse(Shape);
        var model = new RandomLogitsModel(t, k, 1.0, 5);
        _chain64 = LanguageModelChain.Build(model);
        _chain32 = LanguageModelChain.Build(model, options: new ChainBuildOptions { Precision = ProbabilityPrecision.Float32 });
        _stationary = StationaryDistribution.Compute(_chain64, new StationaryOptions { Tolerance = 1e-10 }).Distribution;
    }

    [Benchmark(Baseline = true)]
    public TotalVariationCurve FromStateFloat64() => TotalVariation.DistancesFromState(_chain64, 0, _stationary, Steps);

    [Benchmark]
    public TotalVariationCurve FromStateFloat32() => TotalVariation.DistancesFromState(_chain32, 0, _stationary, Steps);
}
