using BenchmarkDotNet.Attributes;
using LlmChains.Analysis;
using LlmChains.Analysis.Convergence;
using LlmChains.Benchmarks.Internals;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Benchmarks;

/// <summary>
/// ε = min (Q_f^K)_ij of Prop. 3.4 by the min-sum dynamic program (O(K·T^{K+1}), docs/convergence.md):
/// <see cref="ConvergenceBound.Epsilon"/> on the stored chain on one thread (baseline) and on both cores, and
/// <see cref="ConvergenceBound.EpsilonFromModel"/> from the logits of a <see cref="RandomLogitsModel"/> (log-softmax;
/// includes querying the T^K contexts). Times exclude building the chain.
/// </summary>
[MemoryDiagnoser]
public class EpsilonBenchmarks
{
    private static readonly ConvergenceOptions OneThread = new() { MaxDegreeOfParallelism = 1 };
    private RandomLogitsModel _model = null!;
    private LanguageModelChain _chain = null!;

    /// <summary>(T, K): T^K = 100,000 to 1,048,576 full-length windows.</summary>
    [Params("2,20", "10,5", "10,6")]
    public string Shape { get; set; } = "10,5";

    [GlobalSetup]
    public void Setup()
    {
        var (t, k) = Shapes.Parse(Shape);
        _model = new RandomLogitsModel(t, k, 1.0, 2);
        _chain = LanguageModelChain.Build(_model);
    }

    [Benchmark(Baseline = true)]
    public EpsilonResult EpsilonOneThread() => ConvergenceBound.Epsilon(_chain, OneThread);

    [Benchmark]
    public EpsilonResult Epsilon() => ConvergenceBound.Epsilon(_chain);

    [Benchmark]
    public EpsilonResult EpsilonFromModel() => ConvergenceBound.EpsilonFromModel(_model);
}
