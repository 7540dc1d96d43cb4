using System.Diagnostics;
using System.Globalization;
using LlmChains.Analysis.LowTemperature;
using LlmChains.Analysis.LowTemperature.Internals;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Benchmarks;

/// <summary>
/// The scale targets of the low-temperature analysis (issue 17), timed in one process for <c>/usr/bin/time -v</c>, not a
/// BenchmarkDotNet job. <c>lowtemp analyze [T K threads]</c>: <see cref="LowTemperatureAnalysis.Analyze(ILanguageModel,
/// DecodingOptions?, LowTemperatureOptions?, IProgress{Progress}?, CancellationToken)"/> of <c>RandomLogitsModel(T, K, 1.0,
/// seed 0)</c> captured as a float32 table (T = 2, K = 24, 2 threads by default). <c>lowtemp chain [T K]</c>: the same
/// capture, then the float32 chain of the table (<see cref="LanguageModelChain.Build"/>), the memory the analysis is
/// compared with. <c>lowtemp loops [T K]</c>: the same capture, the resistances, then the loop finder alone. Prints the
/// stage times (a stage's line appears at its first progress report), the process CPU time, the bytes allocated and the
/// peak working set.
/// </summary>
internal static class LowTemperatureRun
{
    public static int Run(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        string mode = args.Length > 0 ? args[0] : "analyze";
        int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;
        int t = Arg(1, 2), k = Arg(2, 24);
        var clock = Stopwatch.StartNew();
        var table = TabularModel.Capture(new RandomLogitsModel(t, k, 1.0, 0), singlePrecision: true);
        Console.WriteLine($"T = {t}, K = {k}: float32 table captured in {clock.Elapsed.TotalSeconds:F1} s; {Memory()}");
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        clock.Restart();
        if (mode == "loops")
        {
            var graph = ModelResistances.BuildFullLength(table, DecodingOptions.Default, 2, null, default);
            Console.WriteLine($"resistances of {graph.StateCount:N0} full-length states in {clock.Elapsed.TotalSeconds:F1} s");
            long before = GC.GetTotalAllocatedBytes(precise: true);
            clock.Restart();
            var zero = ZeroLoops.Find(graph, default);
            Console.WriteLine(
                $"loop finder: {clock.Elapsed.TotalSeconds:F2} s, {zero.Loops.Length} loops (sizes {string.Join(",", zero.Loops.Select(l => l.Length))}, " +
                $"cycles {string.Join(",", zero.IsCycle)}), ties {zero.HasTies}, {zero.Reach.Count(r => r < 0):N0} states reach several loops, " +
                $"{(GC.GetTotalAllocatedBytes(precise: true) - before) / 1e6:F1} MB allocated");
        }
        else if (mode == "chain")
        {
            var chain = LanguageModelChain.Build(table, options: new ChainBuildOptions { Precision = ProbabilityPrecision.Float32 });
            Console.WriteLine($"float32 chain of {chain.StateCount:N0} states built in {clock.Elapsed.TotalSeconds:F1} s");
            GC.KeepAlive(chain);
        }
        else
        {
            int threads = Arg(3, 2);
            string last = string.Empty;
            var progress = new Progress<Progress>(p =>
            {
                if (p.Stage != last)
                {
                    last = p.Stage;
                    using var process = Process.GetCurrentProcess();
                    Console.WriteLine(
                        $"  {clock.Elapsed.TotalSeconds,7:F1} s: {p.Stage}; allocated so far {(GC.GetTotalAllocatedBytes() - allocated) / 1e6:F0} MB, " +
                        $"working set {process.WorkingSet64 / 1e6:F0} MB");
                }
            });
            var result = LowTemperatureAnalysis.Analyze(table, options: new LowTemperatureOptions { MaxDegreeOfParallelism = threads }, progress: progress);
            Console.WriteLine(
                $"analysis ({threads} search threads) in {clock.Elapsed.TotalSeconds:F1} s: {result.LoopCount} loops, ties " +
                $"{result.HasZeroResistanceTies}, {result.UnresolvedStateCount:N0} states reach several loops, stable {string.Join(",", result.Stable)}");
        }

        long analysisBytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        Console.WriteLine($"allocated after the capture: {analysisBytes / 1e6:F0} MB; {Memory()}");
        return 0;
    }

    private static string Memory()
    {
        using var process = Process.GetCurrentProcess();
        return $"CPU {process.UserProcessorTime.TotalSeconds:F1} s user, {process.PrivilegedProcessorTime.TotalSeconds:F1} s system; " +
            $"peak working set {process.PeakWorkingSet64 / 1e6:F0} MB";
    }
}
