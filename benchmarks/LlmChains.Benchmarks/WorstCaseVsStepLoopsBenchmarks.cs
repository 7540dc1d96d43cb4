using System.Globalization;
using BenchmarkDotNet.Attributes;
using LlmChains.Analysis;
using LlmChains.Analysis.Convergence;
using LlmChains.Analysis.Spectral;
using LlmChains.Benchmarks.Baselines;
using LlmChains.Benchmarks.Internals;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Benchmarks;

/// <summary>
/// The batched worst-case d(t) (t = 0..50) against its plain definition, n separate <see cref="IMarkovChain.Step"/>
/// loops from the one-hot starts (baseline, <see cref="StepLoopWorstCase"/>), on chains small enough for the baseline:
/// 1,110 and 2,046 states.
/// </summary>
[MemoryDiagnoser]
public class WorstCaseVsStepLoopsBenchmarks
{
    private const int Steps = 50;
    private LanguageModelChain _chain = null!;
    private double[] _stationary = null!;

    /// <summary>(T, K): |V_K^*| = 1,110 (10,3), 2,046 (2,10).</summary>
    [Params("10,3", "2,10")]
    public string Shape { get; set; } = "10,3";

    [GlobalSetup]
    public void Setup()
    {
        var (t, k) = Shapes.Parse(Shape);
        _chain = LanguageModelChain.Build(new RandomLogitsModel(t, k, 1.0, 4));
        _stationary = StationaryDistribution.Compute(_chain).Distribution;
    }

    /// <summary>The baseline's setup also checks that both give the same curve (to 1e−12 at every t).</summary>
    [GlobalSetup(Target = nameof(StepLoops))]
    public void SetupAndCheck()
    {
        Setup();
        double[] plain = StepLoops();
        IReadOnlyList<double> batched = Batched().Distances;
        double largest = 0;
        for (int t = 0; t <= Steps; t++)
        {
            largest = Math.Max(largest, Math.Abs(plain[t] - batched[t]));
        }

        if (!(largest <= 1e-12))
        {
            throw new InvalidOperationException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"The step loops and WorstCaseDistances differ by {largest:E2}; the baseline is not computing the same curve."));
        }

        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"// check: step loops and WorstCaseDistances agree to {largest:E2} (d(50) = {plain[Steps]:E3})"));
    }

    [Benchmark(Baseline = true)]
    public double[] StepLoops() => StepLoopWorstCase.Distances(_chain, _stationary, Steps);

    [Benchmark]
    public TotalVariationCurve Batched() => TotalVariation.WorstCaseDistances(_chain, _stationary, Steps);
}
