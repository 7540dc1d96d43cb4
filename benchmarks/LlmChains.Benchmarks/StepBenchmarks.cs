using BenchmarkDotNet.Attributes;
using LlmChains.Chains;
using LlmChains.Models;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;

namespace LlmChains.Benchmarks;

/// <summary>
/// One step x·Q on the chain of a random-logits model: the structured <see cref="LanguageModelChain"/> (implicit
/// columns, float64 and float32 tables) against a general CSR chain and MathNet's <see cref="SparseMatrix"/> (baseline).
/// </summary>
[MemoryDiagnoser]
public class StepBenchmarks
{
    private const int CopyLength = 1 << 24;

    private LanguageModelChain _chain64 = null!;
    private LanguageModelChain _chain32 = null!;
    private SparseMarkovChain _csr = null!;
    private SparseMatrix _mathNet = null!;
    private double[] _x = null!;
    private double[] _y = null!;
    private Vector<double> _xVector = null!;
    private Vector<double> _yVector = null!;
    private double[] _copyFrom = null!;
    private double[] _copyTo = null!;

    /// <summary>(T, K): T=2,K=22 has 8,388,606 states; T=10,K=6 has 1,111,110.</summary>
    [Params("2,22", "10,6")]
    public string Shape { get; set; } = "2,22";

    [GlobalSetup]
    public void Setup()
    {
        var parts = Shape.Split(',');
        var model = new RandomLogitsModel(int.Parse(parts[0]), int.Parse(parts[1]), 1.0, 1);
        _chain64 = LanguageModelChain.Build(model);
        _chain32 = LanguageModelChain.Build(model, options: new ChainBuildOptions { Precision = ProbabilityPrecision.Float32 });
        _csr = _chain64.ToSparseMarkovChain();
        _mathNet = _csr.ToMatrix();
        int n = checked((int)_chain64.StateCount);
        _x = new double[n];
        _y = new double[n];
        var random = new Random(7);
        for (int i = 0; i < n; i++)
        {
            _x[i] = random.NextDouble() / n;
        }

        _xVector = Vector<double>.Build.DenseOfArray(_x);
        _yVector = Vector<double>.Build.Dense(n);
        _copyFrom = new double[CopyLength];
        _copyTo = new double[CopyLength];
        Array.Fill(_copyFrom, 1.0);
        Array.Fill(_copyTo, 2.0);
    }

    /// <summary>
    /// STREAM-style copy of 16 Mi doubles (two 128 MiB arrays, 4× the 32 MiB last-level cache) on every core: 256 MiB
    /// moved, counted as STREAM counts (read + write). The step's effective bandwidth divided by this one's is the
    /// fraction docs/benchmarks.md reports; one step moves 16 bytes per state (x read, next written) plus the table.
    /// </summary>
    [Benchmark]
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

    [Benchmark(Baseline = true)]
    public void MathNetSparseLeftMultiply() => _mathNet.LeftMultiply(_xVector, _yVector);

    [Benchmark]
    public void CsrStep() => _csr.Step(_x, _y);

    [Benchmark]
    public void StructuredStepFloat64() => _chain64.Step(_x, _y);

    [Benchmark]
    public void StructuredStepFloat32() => _chain32.Step(_x, _y);
}
