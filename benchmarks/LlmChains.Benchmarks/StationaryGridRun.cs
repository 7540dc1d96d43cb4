using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using LlmChains.Analysis;
using LlmChains.Analysis.Spectral;
using LlmChains.Benchmarks.Internals;
using LlmChains.Chains;
using LlmChains.Models;
using Microsoft.Extensions.Logging;

namespace LlmChains.Benchmarks;

/// <summary>
/// The LlmChains side of <c>benchmarks/compare/stationary_grid.py</c>: the issue-15 grid of π solves on the recurrent block
/// of <see cref="RandomLogitsModel"/>(T, K, 3.0, seed) chains at temperature τ. Two modes:
/// <list type="bullet">
/// <item><c>stationarygrid export DIR CASES</c> writes, per case "T:K:τ:seed", the block's rows (T entries a row, zero-padded) as
/// <c>NAME.p.f64</c> (T^K × T probabilities, little-endian) and <c>NAME.j.i32</c> (their columns) for SciPy's power
/// iteration, and <c>NAME.case</c>.</item>
/// <item><c>stationarygrid solve CASES [repeat] [powerCap]</c> solves each case with Auto, Power (capped at
/// <c>powerCap</c> products, default 20,000) and GMRES-DR, all to the default residual 1e−12, and prints one JSON
/// line per solve: seconds (fastest of <c>repeat</c>, default 2, solves in rotation), products, residual, status, the
/// method Auto ran, and the L1 distance to the converged solve with the smallest residual.</item>
/// </list>
/// Timings exclude building the chain. With the environment variable LLMCHAINS_VERBOSE=1, Auto's Debug log (its
/// predicted costs and choice) goes to standard error.
/// </summary>
internal static class StationaryGridRun
{
    /// <summary>The grid of docs/stationary.md: T ∈ {2, 3, 4, 10, 50} at 10^4–10^6 states, six temperatures, seeds 0 and 1.</summary>
    internal const string DefaultShapes = "2:14,2:17,3:9,3:11,4:7,4:9,10:4,10:5,50:3";

    internal static readonly double[] Temperatures = [2, 1, 0.7, 0.5, 0.25, 0.1];

    public static int Run(string[] args)
    {
        string mode = args.Length > 0 ? args[0] : "solve";
        return mode switch
        {
            "export" => Export(args[1], Cases(args.Length > 2 ? args[2] : "grid")),
            "solve" => Solve(
                Cases(args.Length > 1 ? args[1] : "grid"),
                args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2,
                args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 20_000),
            _ => throw new ArgumentException($"unknown mode {mode}; use export or solve"),
        };
    }

    /// <summary>"grid" (every shape × τ × seeds 0, 1) or a comma-separated list of T:K:τ:seed.</summary>
    internal static List<(int T, int K, double Tau, int Seed)> Cases(string spec)
    {
        var cases = new List<(int, int, double, int)>();
        if (spec == "grid")
        {
            foreach (string shape in DefaultShapes.Split(','))
            {
                string[] p = shape.Split(':');
                foreach (double tau in Temperatures)
                {
                    for (int seed = 0; seed < 2; seed++)
                    {
                        cases.Add((Int(p[0]), Int(p[1]), tau, seed));
                    }
                }
            }

            return cases;
        }

        foreach (string item in spec.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] p = item.Split(':');
            cases.Add((Int(p[0]), Int(p[1]), double.Parse(p[2], CultureInfo.InvariantCulture), p.Length > 3 ? Int(p[3]) : 0));
        }

        return cases;
    }

    internal static string Name((int T, int K, double Tau, int Seed) c) =>
        string.Create(CultureInfo.InvariantCulture, $"t{c.T}k{c.K}_tau{c.Tau}_s{c.Seed}");

    internal static IMarkovChain Block((int T, int K, double Tau, int Seed) c) =>
        LanguageModelChain.Build(new RandomLogitsModel(c.T, c.K, 3.0, c.Seed), new DecodingOptions { Temperature = c.Tau }).RecurrentBlock;

    private static int Export(string dir, List<(int T, int K, double Tau, int Seed)> cases)
    {
        Directory.CreateDirectory(dir);
        foreach (var c in cases)
        {
            IMarkovChain block = Block(c);
            long n = block.StateCount;
            var columns = new long[block.MaxRowNonZeros];
            var probabilities = new double[block.MaxRowNonZeros];
            var row = new double[c.T];
            var index = new int[c.T];
            using (var values = new BufferedStream(File.Create(Path.Combine(dir, Name(c) + ".p.f64")), 1 << 20))
            using (var targets = new BufferedStream(File.Create(Path.Combine(dir, Name(c) + ".j.i32")), 1 << 20))
            {
                for (long i = 0; i < n; i++)
                {
                    int count = block.GetRow(i, columns, probabilities);
                    Array.Clear(row);
                    Array.Clear(index);
                    for (int e = 0; e < count; e++)
                    {
                        row[e] = probabilities[e];
                        index[e] = checked((int)columns[e]);
                    }

                    values.Write(MemoryMarshal.AsBytes(row.AsSpan()));
                    targets.Write(MemoryMarshal.AsBytes(index.AsSpan()));
                }
            }

            File.WriteAllText(Path.Combine(dir, Name(c) + ".case"), string.Create(CultureInfo.InvariantCulture, $"{c.T} {c.K} {c.Tau} {c.Seed}\n"));
        }

        return 0;
    }

    private static int Solve(List<(int T, int K, double Tau, int Seed)> cases, int repeat, int powerCap)
    {
        WarmUp();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"side\":\"llmchains\",\"runtime\":\"{RuntimeInformation.FrameworkDescription}\",\"threads\":{Environment.ProcessorCount},\"load\":{LoadAverage()}}}"));
        (string Label, StationaryOptions Options)[] methods =
        [
            ("Auto", new StationaryOptions { LoggerFactory = Environment.GetEnvironmentVariable("LLMCHAINS_VERBOSE") == "1" ? new ConsoleLoggerFactory(LogLevel.Debug) : null }),
            ("Power", new StationaryOptions { Method = StationaryMethod.Power, MaxIterations = powerCap }),
            ("Gmres", new StationaryOptions { Method = StationaryMethod.Gmres }),
        ];
        foreach (var c in cases)
        {
            IMarkovChain block = Block(c);
            TouchOnce(block);
            var best = new double[methods.Length];
            var results = new StationaryResult[methods.Length];
            Array.Fill(best, double.PositiveInfinity);
            for (int r = 0; r < repeat; r++)
            {
                for (int m = 0; m < methods.Length; m++)
                {
                    // a capped power run that did not converge is not repeated
                    if (r > 0 && results[m].Status != SolveStatus.Converged)
                    {
                        continue;
                    }

                    var clock = Stopwatch.StartNew();
                    results[m] = StationaryDistribution.Compute(block, methods[m].Options);
                    best[m] = Math.Min(best[m], clock.Elapsed.TotalSeconds);
                }
            }

            StationaryResult? reference = results.Where(x => x.Status == SolveStatus.Converged).MinBy(x => x.Residual);
            for (int m = 0; m < methods.Length; m++)
            {
                StationaryResult x = results[m];
                string l1 = reference is null ? "null" : L1(x.Distribution, reference.Distribution).ToString("E2", CultureInfo.InvariantCulture);
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{{\"side\":\"llmchains\",\"case\":\"{Name(c)}\",\"T\":{c.T},\"K\":{c.K},\"tau\":{c.Tau},\"seed\":{c.Seed},\"states\":{block.StateCount},\"requested\":\"{methods[m].Label}\",\"method\":\"{x.Method}\",\"status\":\"{x.Status}\",\"seconds\":{best[m]:F4},\"matvecs\":{x.MatrixVectorProducts},\"residual\":{x.Residual:E2},\"l1VsBest\":{l1}}}"));
            }
        }

        return 0;
    }

    /// <summary>One untimed step, so that no method pays for the first touch of the chain's memory.</summary>
    private static void TouchOnce(IMarkovChain block)
    {
        var x = new double[block.StateCount];
        var y = new double[block.StateCount];
        Array.Fill(x, 1.0 / x.Length);
        block.Step(x, y);
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "null";
        }
    }

    private static double L1(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            s += Math.Abs(a[i] - b[i]);
        }

        return s;
    }

    private static void WarmUp()
    {
        IMarkovChain block = Block((3, 7, 0.3, 1));
        foreach (var method in new[] { StationaryMethod.Power, StationaryMethod.Gmres, StationaryMethod.Auto })
        {
            StationaryDistribution.Compute(block, new StationaryOptions { Method = method, MaxIterations = 2000, GthMaxStates = 1 });
        }
    }

    private static int Int(string value) => int.Parse(value, CultureInfo.InvariantCulture);
}
