using BenchmarkDotNet.Attributes;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Benchmarks;

/// <summary>
/// One step x·P of the recurrent block (T^K full-length states) for each vocabulary size T, float64 and float32 tables,
/// against a STREAM-style copy (baseline) measured in the same run: the Ratio column is step time ÷ copy time. K is
/// chosen per T for 10⁶–10⁷ states where the table allows (table sizes below), so that the table is well beyond the
/// 32 MiB last-level cache; <c>docs/benchmarks.md</c> turns the times into bandwidth fractions.
/// </summary>
/// <remarks>
/// Bytes one step moves, counted as STREAM counts (read + write): 16 per state for x and the result, plus the table
/// (T·8 or T·4 per state). The copy moves 2 × 128 MiB. Each benchmark builds only the chain it times
/// (<see cref="GlobalSetupAttribute.Targets"/>), which keeps the CI dry run (one cold invocation per case) short.
/// </remarks>
[MemoryDiagnoser]
public class StepSweepBenchmarks
{
    private const int CopyLength = 1 << 24;

    private IMarkovChain _block = null!;
    private double[] _x = null!;
    private double[] _y = null!;
    private double[] _copyFrom = null!;
    private double[] _copyTo = null!;

    /// <summary>The vocabulary size T.</summary>
    [Params(2, 3, 4, 5, 6, 7, 8, 12, 16, 32, 50, 64, 100, 256)]
    public int T { get; set; } = 2;

    /// <summary>
    /// K for each T: 2→22 (4.2M states), 3→14 (4.8M), 4→11 (4.2M), 5→9 (2.0M), 6→8 (1.7M), 7→8 (5.8M), 8→7 (2.1M),
    /// 12→6 (3.0M), 16→5 (1.0M), 32→4 (1.0M), 50→3 (125,000: K = 4 would need a 2.5 GB table), 64→3 (262,144),
    /// 100→3 (10⁶), 256→2 (65,536: K = 3 would need 34 GB). The last four have 6.3–100 M table entries.
    /// </summary>
    public int K => T switch
    {
        2 => 22,
        3 => 14,
        4 => 11,
        5 => 9,
        6 or 7 => 8,
        8 => 7,
        12 => 6,
        16 => 5,
        32 => 4,
        256 => 2,
        _ => 3,
    };

    [GlobalSetup(Targets = [nameof(StepFloat64)])]
    public void SetupFloat64() => Setup(ProbabilityPrecision.Float64);

    [GlobalSetup(Targets = [nameof(StepFloat32)])]
    public void SetupFloat32() => Setup(ProbabilityPrecision.Float32);

    [GlobalSetup(Targets = [nameof(StreamCopy)])]
    public void SetupCopy()
    {
        _copyFrom = new double[CopyLength];
        _copyTo = new double[CopyLength];
        Array.Fill(_copyFrom, 1.0);
        Array.Fill(_copyTo, 2.0);
    }

    /// <summary>
    /// STREAM-style copy of 16 Mi doubles (two 128 MiB arrays) split over every core, as in
    /// <see cref="StepBenchmarks.StreamCopy"/>.
    /// </summary>
    [Benchmark(Baseline = true)]
    public void StreamCopy()
    {
        int parts = Environment.ProcessorCount;
        Parallel.For(0, parts, p =>
        {
            int lo = (int)((long)CopyLength * p / parts);
            int hi = (int)((long)CopyLength * (p + 1) / parts);
            _copyFrom.AsSpan(lo, hi - lo).CopyTo(_copyTo.AsSpan(lo, hi - lo));
        });
    }

    [Benchmark]
    public void StepFloat64() => _block.Step(_x, _y);

    [Benchmark]
    public void StepFloat32() => _block.Step(_x, _y);

    private void Setup(ProbabilityPrecision precision)
    {
        var model = new RandomLogitsModel(T, K, 1.0, 1);
        _block = LanguageModelChain.Build(model, options: new ChainBuildOptions { Precision = precision }).RecurrentBlock;
        int n = checked((int)_block.StateCount);
        _x = new double[n];
        _y = new double[n];
        Array.Fill(_x, 1.0 / n);
    }
}
