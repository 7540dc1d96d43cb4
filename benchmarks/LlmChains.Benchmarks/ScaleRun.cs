using System.Diagnostics;
using System.Globalization;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Benchmarks;

/// <summary>
/// One large build and a few steps, timed with a stopwatch and measured by peak resident memory
/// (<c>scale T K [float32|float64] [steps]</c>). For the docs' scale table, not a BenchmarkDotNet job.
/// </summary>
internal static class ScaleRun
{
    public static int Run(string[] args)
    {
        int t = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2;
        int k = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 24;
        var precision = args.Length > 2 && args[2] == "float64" ? ProbabilityPrecision.Float64 : ProbabilityPrecision.Float32;
        int steps = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 5;

        var model = new RandomLogitsModel(t, k, 1.0, 1);
        var clock = Stopwatch.StartNew();
        var chain = LanguageModelChain.Build(model, options: new ChainBuildOptions { Precision = precision });
        double build = clock.Elapsed.TotalSeconds;

        int n = checked((int)chain.StateCount);
        var x = new double[n];
        var y = new double[n];
        Array.Fill(x, 1.0 / n);
        chain.Step(x, y); // warm-up
        clock.Restart();
        for (int i = 0; i < steps; i++)
        {
            chain.Step(x, y);
            (x, y) = (y, x);
        }

        double step = clock.Elapsed.TotalSeconds / steps;
        double sum = x.Sum();
        long peak = Process.GetCurrentProcess().PeakWorkingSet64;
        double bytesPerState = (double)peak / n;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"T={t} K={k} {precision}: {n:N0} states, table {chain.ProbabilityBytes / 1048576.0:F0} MiB, build {build:F2} s, step {step * 1000:F1} ms (mean of {steps}), peak RSS {peak / 1048576.0:F0} MiB ({bytesPerState:F1} B/state), mass after steps {sum:F12}, threads {Environment.ProcessorCount}"));
        return 0;
    }
}
