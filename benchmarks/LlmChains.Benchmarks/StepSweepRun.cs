using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Benchmarks;

/// <summary>
/// The LlmChains side of <c>benchmarks/compare/step_sweep.py</c> (<c>stepsweep T:K[,T:K…] [rounds]</c>): for each
/// shape, one step x·P on the recurrent block (T^K full-length states) of a <see cref="RandomLogitsModel"/> chain with
/// float64 and float32 tables, alternated with a STREAM-style copy in the same process; the best of
/// <c>rounds</c> rounds of each, one JSON line per shape.
/// </summary>
/// <remarks>
/// Bandwidth is counted STREAM's way (bytes read plus bytes written, no write-allocate traffic): the copy moves
/// 2 × 8 bytes per element; one block step reads x (8n bytes) and the table (n·T·4 or n·T·8) and writes the result
/// (8n). Each round is copy, float64 step, float32 step, so the three see the same machine load.
/// </remarks>
internal static class StepSweepRun
{
    /// <summary>16 Mi doubles: two 128 MiB arrays, 4× the 32 MiB last-level cache.</summary>
    private const int CopyLength = 1 << 24;

    public static int Run(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        string shapes = args.Length > 0 ? args[0] : "2:22,3:14,4:11,5:9,6:8,7:8,8:7,12:6,16:5,32:4,50:4,64:3,100:3,256:2";
        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        var copyFrom = new double[CopyLength];
        var copyTo = new double[CopyLength];
        Array.Fill(copyFrom, 1.0);
        Array.Fill(copyTo, 2.0);
        Console.WriteLine(
            $"{{\"side\":\"llmchains\",\"runtime\":\"{RuntimeInformation.FrameworkDescription}\"," +
            $"\"threads\":{Environment.ProcessorCount}," +
            $"\"vector512\":{(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "true" : "false")}}}");
        foreach (string shape in shapes.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = shape.Split(':');
            int t = int.Parse(parts[0], CultureInfo.InvariantCulture);
            int k = int.Parse(parts[1], CultureInfo.InvariantCulture);
            var model = new RandomLogitsModel(t, k, 1.0, 1);
            IMarkovChain block64 = LanguageModelChain.Build(model).RecurrentBlock;
            IMarkovChain block32 = LanguageModelChain.Build(
                model,
                options: new ChainBuildOptions { Precision = ProbabilityPrecision.Float32 }).RecurrentBlock;
            int n = checked((int)block64.StateCount);
            var x = new double[n];
            var y = new double[n];
            Array.Fill(x, 1.0 / n);
            for (int i = 0; i < 5; i++)
            {
                block64.Step(x, y);
                block32.Step(x, y);
            }

            double copy = double.MaxValue, step64 = double.MaxValue, step32 = double.MaxValue;
            var clock = new Stopwatch();
            for (int r = 0; r < rounds; r++)
            {
                clock.Restart();
                Copy(copyFrom, copyTo);
                copy = Math.Min(copy, clock.Elapsed.TotalSeconds);
                clock.Restart();
                block64.Step(x, y);
                step64 = Math.Min(step64, clock.Elapsed.TotalSeconds);
                clock.Restart();
                block32.Step(x, y);
                step32 = Math.Min(step32, clock.Elapsed.TotalSeconds);
            }

            double copyRate = 16.0 * CopyLength / copy;
            double bytes64 = (16.0 * n) + (8.0 * n * t);
            double bytes32 = (16.0 * n) + (4.0 * n * t);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"side\":\"llmchains\",\"T\":{t},\"K\":{k},\"states\":{n},\"copy_gbs\":{copyRate / 1e9:F2}," +
                $"\"step64\":{step64:G6},\"step32\":{step32:G6},\"frac64\":{bytes64 / step64 / copyRate:F3}," +
                $"\"frac32\":{bytes32 / step32 / copyRate:F3},\"load\":\"{Load()}\"}}"));
            block64 = block32 = null!;
            GC.Collect();
        }

        return 0;
    }

    private static string Load()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
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
}
