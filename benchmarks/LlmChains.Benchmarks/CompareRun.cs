using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using LlmChains.Analysis;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Models;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;

namespace LlmChains.Benchmarks;

/// <summary>
/// The LlmChains side of <c>benchmarks/compare/compare_all.py</c> (<c>compare DIR [repeat]</c>). For every
/// <c>DIR/NAME.case</c> ("KIND T K τ", KIND ∈ step, build, pi, slem) it loads the logits table <c>NAME.npy</c>
/// written by the script (the anchor's N(0, 1)·3 logits, zeros on the transient states), builds Q_f at τ and times,
/// on the recurrent block (the anchor's matrix is that block):
/// <list type="bullet">
/// <item><c>step</c>: one x·P with the structured chain (float64 and float32 tables), our CSR chain, and MathNet's
/// <see cref="SparseMatrix.LeftMultiply(MathNet.Numerics.LinearAlgebra.Vector{double}, MathNet.Numerics.LinearAlgebra.Vector{double})"/> on the same block;</item>
/// <item><c>build</c>: <see cref="LanguageModelChain.Build"/> from the logits table (softmax of every state, float64 and float32);</item>
/// <item><c>pi</c>: <see cref="StationaryDistribution.Compute"/> with Auto, tolerance 1e−12;</item>
/// <item><c>slem</c>: <see cref="Spectrum.Compute"/> with Count = 4, Tolerance = 1e−10 (Krylov–Schur).</item>
/// </list>
/// Every timing is the fastest of <c>repeat</c> runs after one untimed run (steps: the fastest of <c>repeat</c> rounds of 10 after one
/// untimed round); one JSON line per measurement.
/// </summary>
internal static class CompareRun
{
    public static int Run(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        string dir = args.Length > 0 ? args[0] : "/tmp/compare-all";
        int repeat = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        WarmUp();
        Console.WriteLine($"{{\"side\":\"llmchains\",\"runtime\":\"{RuntimeInformation.FrameworkDescription}\",\"threads\":{Environment.ProcessorCount}}}");
        foreach (string caseFile in Directory.GetFiles(dir, "*.case").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileNameWithoutExtension(caseFile);
            string[] parts = File.ReadAllText(caseFile).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            string kind = parts[0];
            int k = int.Parse(parts[2], CultureInfo.InvariantCulture);
            double tau = double.Parse(parts[3], CultureInfo.InvariantCulture);
            var model = TabularModel.FromNpy(Path.Combine(dir, name + ".npy"), k);
            var decoding = new DecodingOptions { Temperature = tau };
            switch (kind)
            {
                case "step":
                    Steps(name, model, decoding, repeat);
                    break;
                case "build":
                    Builds(name, model, decoding, repeat);
                    break;
                case "pi":
                    Stationary(name, LanguageModelChain.Build(model, decoding).RecurrentBlock, repeat);
                    break;
                case "slem":
                    Slem(name, LanguageModelChain.Build(model, decoding).RecurrentBlock, repeat);
                    break;
                default:
                    throw new InvalidDataException($"{caseFile}: unknown kind '{kind}'.");
            }
        }

        return 0;
    }

    private static void Steps(string name, TabularModel model, DecodingOptions decoding, int repeat)
    {
        var chain64 = LanguageModelChain.Build(model, decoding);
        var chain32 = LanguageModelChain.Build(model, decoding, new ChainBuildOptions { Precision = ProbabilityPrecision.Float32 });
        IMarkovChain block64 = chain64.RecurrentBlock, block32 = chain32.RecurrentBlock;
        SparseMarkovChain csr = BlockCsr(block64);
        SparseMatrix mathNet = csr.ToMatrix();
        int n = checked((int)block64.StateCount);
        double[] x = new double[n], y = new double[n];
        Array.Fill(x, 1.0 / n);
        var xVector = Vector<double>.Build.DenseOfArray(x);
        var yVector = Vector<double>.Build.Dense(n);
        Print(name, "step structured float64", n, Best(repeat, () => block64.Step(x, y)));
        Print(name, "step structured float32", n, Best(repeat, () => block32.Step(x, y)));
        Print(name, "step CSR (SparseMarkovChain)", n, Best(repeat, () => csr.Step(x, y)));
        Print(name, "step MathNet SparseMatrix.LeftMultiply", n, Best(repeat, () => mathNet.LeftMultiply(xVector, yVector)));
    }

    private static void Builds(string name, TabularModel model, DecodingOptions decoding, int repeat)
    {
        long n = 0;
        double seconds64 = BestOnce(repeat, () => n = LanguageModelChain.Build(model, decoding).StateCount);
        Print(name, "build float64", n, seconds64);
        double seconds32 = BestOnce(repeat, () => LanguageModelChain.Build(model, decoding, new ChainBuildOptions { Precision = ProbabilityPrecision.Float32 }));
        Print(name, "build float32", n, seconds32);
    }

    private static void Stationary(string name, IMarkovChain block, int repeat)
    {
        StationaryResult result = null!;
        double seconds = BestOnce(repeat, () => result = StationaryDistribution.Compute(block));
        Print(name, $"pi Auto ({result.Method}, {result.Status})", block.StateCount, seconds, $",\"matvecs\":{result.MatrixVectorProducts},\"residual\":{result.Residual:E2}");
    }

    private static void Slem(string name, IMarkovChain block, int repeat)
    {
        SpectrumResult result = null!;
        var options = new SpectrumOptions { Count = 4, Tolerance = 1e-10 };
        double seconds = BestOnce(repeat, () => result = Spectrum.Compute(block, options));
        Print(name, "slem Krylov-Schur", block.StateCount, seconds, $",\"slem\":{result.Slem:F12},\"bound\":{result.SlemErrorBound:E2},\"matvecs\":{result.MatrixVectorProducts},\"converged\":{(result.Converged ? "true" : "false")}");
    }

    /// <summary>The block as a CSR chain (local indices), for the general-sparse and MathNet columns.</summary>
    private static SparseMarkovChain BlockCsr(IMarkovChain block)
    {
        int n = checked((int)block.StateCount);
        int width = block.MaxRowNonZeros;
        var rowPointers = new long[n + 1];
        var columns = new List<int>(n * width);
        var values = new List<double>(n * width);
        var rowColumns = new long[width];
        var rowValues = new double[width];
        for (int i = 0; i < n; i++)
        {
            int count = block.GetRow(i, rowColumns, rowValues);
            for (int e = 0; e < count; e++)
            {
                columns.Add((int)rowColumns[e]);
                values.Add(rowValues[e]);
            }

            rowPointers[i + 1] = columns.Count;
        }

        return SparseMarkovChain.FromCsr(rowPointers, [.. columns], [.. values]);
    }

    /// <summary>The fastest of <paramref name="repeat"/> rounds of 10 calls, per call, after one untimed round.</summary>
    private static double Best(int repeat, Action action)
    {
        for (int i = 0; i < 10; i++)
        {
            action();
        }

        double best = double.PositiveInfinity;
        for (int r = 0; r < Math.Max(1, repeat); r++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < 10; i++)
            {
                action();
            }

            best = Math.Min(best, clock.Elapsed.TotalSeconds / 10);
        }

        return best;
    }

    /// <summary>The fastest of <paramref name="repeat"/> calls, after one untimed call (JIT and tiering, as SciPy's code is compiled ahead).</summary>
    private static double BestOnce(int repeat, Action action)
    {
        action();
        double best = double.PositiveInfinity;
        for (int r = 0; r < Math.Max(1, repeat); r++)
        {
            var clock = Stopwatch.StartNew();
            action();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }

        return best;
    }

    private static void Print(string name, string what, long states, double seconds, string extra = "") =>
        Console.WriteLine($"{{\"side\":\"llmchains\",\"case\":\"{name}\",\"what\":\"{what}\",\"states\":{states},\"seconds\":{seconds:G6}{extra}}}");

    /// <summary>Compiles the code paths on a small chain so that the timings exclude the JIT.</summary>
    private static void WarmUp()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(3, 7, 3.0, 1), new DecodingOptions { Temperature = 0.3 });
        StationaryDistribution.Compute(chain.RecurrentBlock, new StationaryOptions { GthMaxStates = 1 });
        Spectrum.Compute(chain.RecurrentBlock, new SpectrumOptions { Count = 4, DenseMaxStates = 1 });
    }
}
