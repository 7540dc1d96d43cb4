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
/// π of the recurrent block P_ℛ of a <see cref="RandomLogitsModel"/> chain (logits N(0, 3²), seed 0, the logit scale of
/// docs/stationary.md) at τ = 1, 0.25 and 0.1, to the default residual 1e−12: power iteration (baseline) against
/// GMRES-DR and Auto. T=10,K=6 at τ=1 and T=2,K=10 at τ=0.1 are the sizes of docs/stationary.md; at τ=0.25 the
/// block has 10^4 states (T=10,K=4), because on this model's T=10,K=5 chain power has not converged after 20,000
/// products (about 25 s; GMRES-DR needs 1,610); T=2,K=14 at τ=0.1 is a block Auto cannot hand to GTH. Times exclude
/// building the chain. Power has the default budget of 100,000 products: where it stops there unconverged the
/// Status column says so.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(StationaryColumns))]
public class StationaryBenchmarks
{
    private static readonly StationaryOptions PowerOptions = new() { Method = StationaryMethod.Power };
    private static readonly StationaryOptions GmresOptions = new() { Method = StationaryMethod.Gmres };
    private static readonly StationaryOptions AutoOptions = new();
    private IMarkovChain _block = null!;

    /// <summary>"T,K,τ".</summary>
    [Params("10,6,1", "10,4,0.25", "2,10,0.1", "2,14,0.1")]
    public string Case { get; set; } = "10,4,0.25";

    [GlobalSetup]
    public void Setup()
    {
        var (t, k, tau) = Shapes.ParseWithTemperature(Case);
        var chain = LanguageModelChain.Build(new RandomLogitsModel(t, k, 3.0, 0), new DecodingOptions { Temperature = tau });
        _block = chain.RecurrentBlock;
    }

    [Benchmark(Baseline = true)]
    public StationaryResult Power() => StationaryDistribution.Compute(_block, PowerOptions);

    [Benchmark]
    public StationaryResult Gmres() => StationaryDistribution.Compute(_block, GmresOptions);

    [Benchmark]
    public StationaryResult Auto() => StationaryDistribution.Compute(_block, AutoOptions);

    /// <summary>What each solve did: the method that ran, the products x·Q, the status and the residual.</summary>
    public sealed class StationaryColumns : ManualConfig
    {
        public StationaryColumns()
        {
            AddColumn(
                new ResultColumn("Ran", "Ran: the method that produced π (what Auto chose)", r => ((StationaryResult)r).Method.ToString()),
                new ResultColumn("Products", "Products: matrix–vector products x·Q, including the final residual check", r => ((StationaryResult)r).MatrixVectorProducts.ToString("N0", CultureInfo.InvariantCulture)),
                new ResultColumn("Status", "Status: Converged (residual ≤ 1e−12) or MaxIterationsReached (100,000 products)", r => ((StationaryResult)r).Status.ToString()),
                new ResultColumn("Residual", "Residual: ‖π·Q − π‖₁ of the returned π", r => ((StationaryResult)r).Residual.ToString("E1", CultureInfo.InvariantCulture)));
        }
    }
}
