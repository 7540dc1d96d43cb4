using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using LlmChains.Analysis;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Benchmarks;

/// <summary>
/// The LlmChains side of <c>benchmarks/compare/stationary_scipy.py</c> (<c>stationary DIR [case,…|all] [repeat]</c>): for every
/// <c>DIR/NAME.case</c> ("T K τ") it loads the logits table <c>NAME.npy</c> written by the script, builds Q_f at τ,
/// solves π on the recurrent block with Auto, Power and GMRES-DR (automatic and explicit polynomial degrees d = 8, the
/// automatic choice before it was revised, and d = 32), and prints one JSON line per solve with the time,
/// matrix–vector products, residual, status and the L1 distance to SciPy's π (<c>NAME.pi.f64</c>) and, up to 4096
/// states, to exact GTH. Timings exclude building the chain, as the script's exclude building the matrix; each
/// solve runs <c>repeat</c> times (default 3) and the fastest is reported (the code is compiled by a warm-up
/// first). It also times dense GTH on the 4096-state block of T = 2, K = 12.
/// </summary>
internal static class StationaryRun
{
    public static int Run(string[] args)
    {
        string dir = args.Length > 0 ? args[0] : "/tmp/stationary-compare";
        HashSet<string>? wanted = args.Length > 1 && args[1] != "all" ? [.. args[1].Split(',')] : null;
        int repeat = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        WarmUp();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"side\":\"llmchains\",\"runtime\":\"{RuntimeInformation.FrameworkDescription}\",\"threads\":{Environment.ProcessorCount}}}"));
        foreach (string caseFile in Directory.GetFiles(dir, "*.case").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileNameWithoutExtension(caseFile);
            if (wanted is not null && !wanted.Contains(name))
            {
                continue;
            }

            string[] parts = File.ReadAllText(caseFile).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            int t = int.Parse(parts[0], CultureInfo.InvariantCulture);
            int k = int.Parse(parts[1], CultureInfo.InvariantCulture);
            double tau = double.Parse(parts[2], CultureInfo.InvariantCulture);
            var model = TabularModel.FromNpy(Path.Combine(dir, name + ".npy"), k);
            var chain = LanguageModelChain.Build(model, new DecodingOptions { Temperature = tau });
            IMarkovChain block = chain.RecurrentBlock;
            double[] scipy = ReadVector(Path.Combine(dir, name + ".pi.f64"));
            double[]? exact = block.StateCount <= 4096
                ? StationaryDistribution.Compute(block, new StationaryOptions { Method = StationaryMethod.Gth }).Distribution
                : null;
            if (t == 10 && k == 6)
            {
                double[] x = new double[block.StateCount], y = new double[block.StateCount];
                Array.Fill(x, 1.0 / x.Length);
                block.Step(x, y);
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < 10; i++)
                {
                    block.Step(x, y);
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"case\":\"{name}\",\"stepMilliseconds\":{clock.Elapsed.TotalMilliseconds / 10:F2}}}"));
            }

            Solve(name, block, scipy, exact, new StationaryOptions(), repeat);
            Solve(name, block, scipy, exact, new StationaryOptions { GthMaxStates = 1 }, repeat);
            Solve(name, block, scipy, exact, new StationaryOptions { Method = StationaryMethod.Gmres }, repeat);

            // the automatic degree before it was revised (power of 2 nearest O/S within 1..8: 8 for T = 2 and 10)
            Solve(name, block, scipy, exact, new StationaryOptions { GthMaxStates = 1, KrylovPolynomialDegree = 8 }, repeat, "Auto(no GTH,d=8)");
            Solve(name, block, scipy, exact, new StationaryOptions { Method = StationaryMethod.Gmres, KrylovPolynomialDegree = 8 }, repeat, "Gmres(d=8)");
            Solve(name, block, scipy, exact, new StationaryOptions { Method = StationaryMethod.Gmres, KrylovPolynomialDegree = 32 }, repeat, "Gmres(d=32)");
            Solve(name, block, scipy, exact, new StationaryOptions { Method = StationaryMethod.Gmres, KrylovPolynomialDegree = 1, RestartLength = 40, DeflatedVectors = 10 }, repeat);
            Solve(name, block, scipy, exact, new StationaryOptions { Method = StationaryMethod.Power, MaxIterations = 2_000_000 }, block.StateCount <= 4096 ? 1 : repeat);
        }

        TimeGth(repeat);
        return 0;
    }

    private static void TimeGth(int repeat)
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(2, 12, 1.0, 0), new DecodingOptions { Temperature = 0.5 });
        double best = double.PositiveInfinity;
        StationaryResult? result = null;
        for (int r = 0; r < repeat; r++)
        {
            var clock = Stopwatch.StartNew();
            result = StationaryDistribution.Compute(chain.RecurrentBlock, new StationaryOptions { Method = StationaryMethod.Gth });
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"side\":\"llmchains\",\"case\":\"gth_t2k12\",\"states\":4096,\"method\":\"Gth\",\"seconds\":{best:F3},\"residual\":{result!.Residual:E2}}}"));

        // a dense random matrix as in ../shared/anchors/gth_accuracy.py (n = 2000, uniform entries, rows normalised)
        const int n = 2000;
        var random = new Random(0);
        var dense = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int j = 0; j < n; j++)
            {
                sum += dense[i, j] = random.NextDouble();
            }

            for (int j = 0; j < n; j++)
            {
                dense[i, j] /= sum;
            }
        }

        best = double.PositiveInfinity;
        for (int r = 0; r < repeat; r++)
        {
            var clock = Stopwatch.StartNew();
            StationaryDistribution.Gth(dense);
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"side\":\"llmchains\",\"case\":\"gth_dense2000\",\"states\":{n},\"method\":\"Gth\",\"seconds\":{best:F3}}}"));
    }

    private static void Solve(string name, IMarkovChain block, double[] scipy, double[]? exact, StationaryOptions options, int repeat, string? label = null)
    {
        StationaryResult result = null!;
        double seconds = double.PositiveInfinity;
        for (int r = 0; r < repeat; r++)
        {
            var clock = Stopwatch.StartNew();
            result = StationaryDistribution.Compute(block, options);
            seconds = Math.Min(seconds, clock.Elapsed.TotalSeconds);
        }

        double[] pi = result.Distribution;
        string requested = label is not null ? label
            : options.Method == StationaryMethod.Auto && options.GthMaxStates == 1 ? "Auto(no GTH)"
            : options.KrylovPolynomialDegree == 1 ? "Gmres(d=1,m=40,k=10)" : options.Method.ToString();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"side\":\"llmchains\",\"case\":\"{name}\",\"states\":{block.StateCount},\"requested\":\"{requested}\",\"method\":\"{result.Method}\",\"status\":\"{result.Status}\",\"seconds\":{seconds:F3},\"matvecs\":{result.MatrixVectorProducts},\"residual\":{result.Residual:E2},\"errorEstimate\":{(result.ErrorEstimate is { } e ? e.ToString("E2", CultureInfo.InvariantCulture) : "null")},\"l1VsScipy\":{L1(pi, scipy):E2},\"l1VsGth\":{(exact is null ? "null" : L1(pi, exact).ToString("E2", CultureInfo.InvariantCulture))}}}"));
    }

    /// <summary>Compiles the solvers' code paths on a small chain so that the timings exclude the JIT.</summary>
    private static void WarmUp()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(3, 7, 3.0, 1), new DecodingOptions { Temperature = 0.3 });
        foreach (var method in new[] { StationaryMethod.Gth, StationaryMethod.Power, StationaryMethod.Gmres })
        {
            StationaryDistribution.Compute(chain.RecurrentBlock, new StationaryOptions { Method = method, MaxIterations = 2000 });
        }

        StationaryDistribution.Compute(chain.RecurrentBlock, new StationaryOptions { GthMaxStates = 1, MaxIterations = 2000 });
    }

    private static double[] ReadVector(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        return MemoryMarshal.Cast<byte, double>(bytes).ToArray();
    }

    private static double L1(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += Math.Abs(a[i] - b[i]);
        }

        return sum;
    }
}
