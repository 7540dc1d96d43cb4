using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using LlmChains.Analysis;
using LlmChains.Analysis.Spectral;
using LlmChains.Benchmarks.Internals;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Benchmarks;

/// <summary>
/// SLEM of <see cref="RandomLogitsModel"/>(T = 2, K, scale 3, seed 0) chains (docs/spectrum.md) by the restarted
/// Krylov–Schur (Arnoldi) method: <see cref="Spectrum.Compute"/> with Count = 4 and Tolerance = 1e−10 as in
/// <c>SpectrumRun</c> (ARPACK's k = 4), the dense path disabled. P_ℛ has 2^K states (4,096 to 65,536). Times
/// exclude building the chain.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(SpectrumColumns))]
public class SpectrumBenchmarks
{
    private static readonly SpectrumOptions ArnoldiOptions = new() { Count = 4, Tolerance = 1e-10, DenseMaxStates = 1 };
    private LanguageModelChain _chain = null!;

    /// <summary>The context window K (T = 2).</summary>
    [Params(12, 14, 16)]
    public int K { get; set; } = 12;

    [GlobalSetup]
    public void Setup() => _chain = LanguageModelChain.Build(new RandomLogitsModel(2, K, 3.0, 0));

    [Benchmark]
    public SpectrumResult Arnoldi() => Spectrum.Compute(_chain, ArnoldiOptions);

    /// <summary>What each solve found: method, SLEM with its error bound, steps of the chain, convergence.</summary>
    public sealed class SpectrumColumns : ManualConfig
    {
        public SpectrumColumns()
        {
            AddColumn(
                new ResultColumn("Ran", "Ran: dense or arnoldi", r => ((SpectrumResult)r).Method),
                new ResultColumn("SLEM", "SLEM ± SlemErrorBound", r => string.Create(CultureInfo.InvariantCulture, $"{((SpectrumResult)r).Slem:F10} ± {((SpectrumResult)r).SlemErrorBound:E1}")),
                new ResultColumn("Products", "Products: steps x·Q of the chain", r => ((SpectrumResult)r).MatrixVectorProducts.ToString("N0", CultureInfo.InvariantCulture)),
                new ResultColumn("Converged", "Converged: every wanted eigenvalue met the tolerance", r => ((SpectrumResult)r).Converged ? "yes" : "no"));
        }
    }
}
