using BenchmarkDotNet.Attributes;
using LlmChains.Analysis.LowTemperature;
using LlmChains.Benchmarks.Baselines;
using LlmChains.Models;

namespace LlmChains.Benchmarks;

/// <summary>
/// The exact low-temperature analysis (<see cref="LowTemperatureAnalysis"/>: resistances, loops, one Dijkstra search
/// per loop, potentials) of a random model, T = 2, K = 12, 16, 20, from a float32 logit table, against one plain
/// multi-source Dijkstra search over the same implicit graph (baseline, <see cref="PlainMultiSourceDijkstra"/>): the
/// Ratio column is the price of the m searches the exact answer needs, less what the zero-edge stack and the indexed heap
/// save on each.
/// </summary>
[MemoryDiagnoser]
public class LowTemperatureBenchmarks
{
    private TabularModel _table = null!;

    /// <summary>The context window K (T = 2).</summary>
    [Params(12, 16, 20)]
    public int K { get; set; } = 12;

    [GlobalSetup]
    public void Setup() => _table = TabularModel.Capture(new RandomLogitsModel(2, K, 1.0, 0), singlePrecision: true);

    [Benchmark(Baseline = true)]
    public double PlainDijkstra() => PlainMultiSourceDijkstra.Run(_table);

    [Benchmark]
    public double ExactAnalysis() => LowTemperatureAnalysis.Analyze(_table).ModifiedCoradius;
}
