using BenchmarkDotNet.Attributes;
using LlmChains.Analysis;
using LlmChains.Analysis.Convergence;
using LlmChains.Analysis.Spectral;
using LlmChains.Benchmarks.Internals;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Benchmarks;

/// <summary>
/// The exact worst-case curve d(t) = max_x TV(Q^t(x, ·), π), t = 0..50, over every start state of the whole chain
/// Q_f (<see cref="TotalVariation.WorstCaseDistances"/>: 16 starts per pass over the rows, blocks in parallel) for
/// <see cref="RandomLogitsModel"/> chains of 1,110 to 9,840 states (the limit is 10,000), on one thread (baseline) and
/// on both cores. π is computed in the setup.
/// </summary>
[MemoryDiagnoser]
public class ConvergenceBenchmarks
{
    private const int Steps = 50;
    private static readonly ConvergenceOptions OneThread = new() { MaxDegreeOfParallelism = 1 };
    private LanguageModelChain _chain = null!;
    private double[] _stationary = null!;

    /// <summary>(T, K): |V_K^*| = 1,110 (10,3) and 9,840 (3,8).</summary>
    [Params("10,3", "3,8")]
    public string Shape { get; set; } = "10,3";

    [GlobalSetup]
    public void Setup()
    {
        var (t, k) = Shapes.Parse(Shape);
        _chain = LanguageModelChain.Build(new RandomLogitsModel(t, k, 1.0, 4));
        _stationary = StationaryDistribution.Compute(_chain).Distribution;
    }

    [Benchmark(Baseline = true)]
    public TotalVariationCurve WorstCaseOneThread() => TotalVariation.WorstCaseDistances(_chain, _stationary, Steps, OneThread);

    [Benchmark]
    public TotalVariationCurve WorstCase() => TotalVariation.WorstCaseDistances(_chain, _stationary, Steps);
}
