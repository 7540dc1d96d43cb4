using System.Diagnostics;
using System.Globalization;
using LlmChains.Analysis;
using LlmChains.Analysis.Convergence;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Benchmarks;

/// <summary>
/// One large build, a STREAM-style copy and timed steps in the same process, optionally followed by π and d(t)
/// (<c>scale T K [float32|float64] [steps] [--full]</c>). Prints the step's effective bandwidth as a fraction of
/// the copy's, and the peak resident memory. For the docs' scale tables, not a BenchmarkDotNet job.
/// </summary>
/// <remarks>
/// Bandwidth is counted STREAM's way: bytes read plus bytes written, without write-allocate traffic. The copy moves
/// n doubles between two arrays on every core (2 × 8n bytes); one step x·Q reads x (8n), the table
/// (T·n·4 or T·n·8) and writes y (8n). With <c>--full</c>: π by <c>StationaryDistribution.Compute</c> (Auto,
/// tolerance 1e−8 on the L1 residual), then d(t) from the uniform start and from the prompt "0" for 50 steps each by
/// <c>TotalVariation.DistancesFrom</c>.
/// </remarks>
internal static class ScaleRun
{
    /// <summary>16 Mi doubles: two 128 MiB arrays.</summary>
    private const int CopyMinimumLength = 1 << 24;

    public static int Run(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var positional = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        bool full = args.Contains("--full");
        int t = positional.Length > 0 ? int.Parse(positional[0], CultureInfo.InvariantCulture) : 2;
        int k = positional.Length > 1 ? int.Parse(positional[1], CultureInfo.InvariantCulture) : 24;
        var precision = positional.Length > 2 && positional[2] == "float64" ? ProbabilityPrecision.Float64 : ProbabilityPrecision.Float32;
        int steps = positional.Length > 3 ? int.Parse(positional[3], CultureInfo.InvariantCulture) : 5;

        var model = new RandomLogitsModel(t, k, 1.0, 1);
        var total = Stopwatch.StartNew();
        var clock = Stopwatch.StartNew();
        var chain = LanguageModelChain.Build(model, options: new ChainBuildOptions { Precision = precision });
        double build = clock.Elapsed.TotalSeconds;
        int n = checked((int)chain.StateCount);
        Say($"T={t} K={k} {precision}: {n:N0} states, table {chain.ProbabilityBytes / 1048576.0:F0} MiB, build {build:F2} " +
            $"s, threads {Environment.ProcessorCount}");

        var x = new double[n];
        var y = new double[n];
        Array.Fill(x, 1.0 / n);
        chain.Step(x, y); // warm-up, and first touch of y

        // STREAM's rule: copy arrays at least 4× the last-level cache (32 MiB here); 2 × 128 MiB whatever the chain.
        int copyLength = CopyMinimumLength;
        var copyFrom = new double[copyLength];
        var copyTo = new double[copyLength];
        Array.Fill(copyFrom, 1.0);
        Array.Fill(copyTo, 2.0);

        // Alternate copy and step rounds so that both see the same machine load; keep the best round of each.
        double bestCopy = double.MaxValue, bestStep = double.MaxValue;
        for (int round = 0; round < steps; round++)
        {
            clock.Restart();
            Copy(copyFrom, copyTo);
            bestCopy = Math.Min(bestCopy, clock.Elapsed.TotalSeconds);
            clock.Restart();
            chain.Step(x, y);
            bestStep = Math.Min(bestStep, clock.Elapsed.TotalSeconds);
        }

        double copyBytes = 16.0 * copyLength;
        double stepBytes = (16.0 * n) + chain.ProbabilityBytes;
        double copyRate = copyBytes / bestCopy / 1e9;
        double stepRate = stepBytes / bestStep / 1e9;
        Say($"copy {bestCopy * 1000:F2} ms ({copyRate:F2} GB/s), step {bestStep * 1000:F2} ms ({stepRate:F2} GB/s), " +
            $"step/copy bandwidth {stepRate / copyRate:F2} (best of {steps} alternating rounds)");

        copyFrom = copyTo = [];
        if (full)
        {
            clock.Restart();
            var progress = new Progress<LlmChains.Progress>(p => Console.Error.WriteLine("  π: " + p));
            var stationary = StationaryDistribution.Compute(chain, new StationaryOptions { Tolerance = 1e-8 }, progress);
            double solve = clock.Elapsed.TotalSeconds;
            Say($"π: {stationary.Method}, {stationary.Status}, {stationary.MatrixVectorProducts} products, residual " +
                $"{stationary.Residual:E2}, {solve:F1} s");

            clock.Restart();
            Array.Fill(x, 1.0 / n);
            var curve = TotalVariation.DistancesFrom(chain, x, stationary.Distribution, 50);
            double tv = clock.Elapsed.TotalSeconds;
            Say($"d(t) from uniform, 50 steps: {tv:F1} s; d(0) = {curve[0]:F6}, d(10) = {curve[10]:F6}, d(50) = {curve[50]:E3}");

            // From a prompt: the one-token sequence "0" (a point mass on its state).
            clock.Restart();
            Array.Clear(x);
            long prompt = chain.States.Rank([0]);
            x[prompt] = 1.0;
            var fromPrompt = TotalVariation.DistancesFrom(chain, x, stationary.Distribution, 50);
            double tvPrompt = clock.Elapsed.TotalSeconds;
            Say($"d(t) from the prompt \"0\" (state {prompt}), 50 steps: {tvPrompt:F1} s; d(0) = {fromPrompt[0]:F6}, " +
                $"d(10) = {fromPrompt[10]:F6}, d(50) = {fromPrompt[50]:E3}");
        }

        long peak = Process.GetCurrentProcess().PeakWorkingSet64;
        Say($"total {total.Elapsed.TotalSeconds:F1} s, peak RSS {peak / 1048576.0:F0} MiB ({(double)peak / n:F1} B/state)");
        return 0;
    }

    private static void Copy(double[] source, double[] destination)
    {
        int n = source.Length;
        int parts = Environment.ProcessorCount;
        Parallel.For(0, parts, p =>
        {
            int lo = (int)((long)n * p / parts);
            int hi = (int)((long)n * (p + 1) / parts);
            source.AsSpan(lo, hi - lo).CopyTo(destination.AsSpan(lo, hi - lo));
        });
    }

    private static void Say(string line) => Console.WriteLine(line);
}
