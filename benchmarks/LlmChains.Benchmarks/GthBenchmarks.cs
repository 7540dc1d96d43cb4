using System.Globalization;
using BenchmarkDotNet.Attributes;
using LlmChains.Analysis;
using LlmChains.Analysis.Spectral;
using LlmChains.Benchmarks.Baselines;
using LlmChains.Chains;

namespace LlmChains.Benchmarks;

/// <summary>
/// Exact π of a dense random chain (uniform entries, rows normalised, as <c>../shared/anchors/gth_accuracy.py</c>) of
/// n = 500, 1000, 2000 states: the blocked, parallel GTH of <see cref="StationaryDistribution"/> through its dense entry
/// point <see cref="StationaryDistribution.Gth(double[,])"/> and through <see cref="StationaryDistribution.Compute"/>
/// with <see cref="StationaryMethod.Gth"/> on a <see cref="SparseMarkovChain"/> holding the same n² entries, against
/// a plain LU solve of π(I − P) = 0 with one equation replaced by Σπ = 1 (baseline, <see cref="NaiveLuStationary"/>)
/// and MathNet's dense LU on the same system. Every method includes its own copy of the matrix.
/// </summary>
[MemoryDiagnoser]
public class GthBenchmarks
{
    private static readonly StationaryOptions GthOptions = new() { Method = StationaryMethod.Gth };
    private double[,] _dense = null!;
    private SparseMarkovChain _chain = null!;

    /// <summary>The number of states n.</summary>
    [Params(500, 1000, 2000)]
    public int N { get; set; } = 500;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(N);
        _dense = new double[N, N];
        for (int i = 0; i < N; i++)
        {
            double sum = 0;
            for (int j = 0; j < N; j++)
            {
                sum += _dense[i, j] = random.NextDouble();
            }

            for (int j = 0; j < N; j++)
            {
                _dense[i, j] /= sum;
            }
        }

        _chain = SparseMarkovChain.FromDense(_dense);
    }

    /// <summary>The baseline's setup also checks that all four methods return the same π (L1 distance ≤ 1e−10).</summary>
    [GlobalSetup(Target = nameof(NaiveLu))]
    public void SetupAndCheck()
    {
        Setup();
        double[] reference = StationaryDistribution.Gth(_dense);
        Check("naive LU", NaiveLu(), reference);
        Check("MathNet LU", MathNetLu(), reference);
        Check("Compute(Gth)", GthSparseChain().Distribution, reference);
    }

    [Benchmark(Baseline = true)]
    public double[] NaiveLu() => NaiveLuStationary.Solve(_dense);

    [Benchmark]
    public double[] MathNetLu() => MathNetLuStationary.Solve(_dense);

    [Benchmark]
    public double[] GthDense() => StationaryDistribution.Gth(_dense);

    [Benchmark]
    public StationaryResult GthSparseChain() => StationaryDistribution.Compute(_chain, GthOptions);

    private static void Check(string name, double[] pi, double[] reference)
    {
        double distance = 0;
        for (int i = 0; i < pi.Length; i++)
        {
            distance += Math.Abs(pi[i] - reference[i]);
        }

        if (!(distance <= 1e-10))
        {
            throw new InvalidOperationException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{name} and GTH differ by {distance:E2} in L1 (n = {pi.Length}); the baseline is not solving the same problem."));
        }

        Console.WriteLine(
            string.Create(CultureInfo.InvariantCulture, $"// check: {name} agrees with GTH to {distance:E2} in L1 (n = {pi.Length})"));
    }
}
