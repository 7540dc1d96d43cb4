using BenchmarkDotNet.Attributes;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Benchmarks;

/// <summary>
/// Building Q_f from a <see cref="RandomLogitsModel"/> (logits generated on demand, softmax per state): states per
/// second. The baseline builds the same chain on one thread.
/// </summary>
[MemoryDiagnoser]
public class ConstructionBenchmarks
{
    private RandomLogitsModel _model = null!;

    /// <summary>(T, K): T=2,K=16 has 131,070 states; T=10,K=5 has 111,110.</summary>
    [Params("2,16", "10,5")]
    public string Shape { get; set; } = "2,16";

    [GlobalSetup]
    public void Setup()
    {
        var parts = Shape.Split(',');
        _model = new RandomLogitsModel(int.Parse(parts[0]), int.Parse(parts[1]), 1.0, 3);
    }

    [Benchmark(Baseline = true)]
    public LanguageModelChain BuildOneThread() => LanguageModelChain.Build(
        _model,
        options: new ChainBuildOptions { MaxDegreeOfParallelism = 1 });

    [Benchmark]
    public LanguageModelChain BuildParallel() => LanguageModelChain.Build(_model);

    [Benchmark]
    public LanguageModelChain BuildParallelFloat32() => LanguageModelChain.Build(
        _model,
        options: new ChainBuildOptions { Precision = ProbabilityPrecision.Float32 });
}
