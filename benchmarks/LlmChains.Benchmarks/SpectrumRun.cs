using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using LlmChains.Analysis;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Benchmarks.Internals;
using LlmChains.Models;
using Microsoft.Extensions.Logging;

namespace LlmChains.Benchmarks;

/// <summary>
/// SLEM of the recurrent block of a random-logits model's chain (or of a MatrixMarket file), timed with a stopwatch,
/// for the side-by-side run with SciPy's ARPACK (<c>benchmarks/compare/spectrum_compare.py</c>). Not a BenchmarkDotNet job.
/// </summary>
/// <remarks>
/// <c>spectrum [--vocab T] [--context K] [--scale s] [--seed s] [--start-seed s] [--matrix FILE.mtx] [--export FILE.mtx] [--count c]
/// [--tolerance t] [--krylov m] [--repeat r] [--verbose]</c>; defaults T = 2, K = 16, logit scale 3 (τ = 1), count 4 (as ARPACK's
/// k = 4: the eigenvalue 1 and three more), tolerance 1e−10, one run; <c>--seed</c> seeds the model's logits,
/// <c>--start-seed</c> the Krylov start vector. <c>--export</c> writes P_ℛ in MatrixMarket form
/// first so that SciPy can solve the same matrix; <c>--matrix</c> analyses a file instead of building a model
/// (e.g. the matrix SciPy's script generated); <c>--verbose</c> logs every restart (Debug) to standard error. Each run prints a line <c>RESULT llmchains seconds=… slem=…</c>.
/// </remarks>
internal static class SpectrumRun
{
    public static int Run(string[] args)
    {
        int t = 2, k = 16, seed = 0, count = 4, repeat = 1, startSeed = 0;
        double scale = 3.0, tolerance = 1e-10;
        int? krylov = null;
        string? export = null, matrix = null;
        bool verbose = false;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--verbose")
            {
                verbose = true;
                continue;
            }

            string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--vocab": t = Int(value); break;
                case "--context": k = Int(value); break;
                case "--scale": scale = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--seed": seed = Int(value); break;
                case "--start-seed": startSeed = Int(value); break;
                case "--count": count = Int(value); break;
                case "--tolerance": tolerance = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--krylov": krylov = Int(value); break;
                case "--repeat": repeat = Int(value); break;
                case "--export": export = value; break;
                case "--matrix": matrix = value; break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }

            i++;
        }

        var clock = Stopwatch.StartNew();
        IMarkovChain chain;
        IMarkovChain block;
        if (matrix is not null)
        {
            chain = block = MatrixMarket.Read(matrix);
            Print($"{matrix}: {chain.StateCount:N0} states, read in {clock.Elapsed.TotalSeconds:F2} s; {Environment.ProcessorCount} threads, .NET {Environment.Version}");
        }
        else
        {
            var model = LanguageModelChain.Build(new RandomLogitsModel(t, k, scale, seed));
            chain = model;
            block = model.RecurrentBlock;
            Print($"RandomLogitsModel T={t} K={k} scale={scale} seed={seed}: |V_K^*| = {chain.StateCount:N0}, P_R {block.StateCount:N0} states, built in {clock.Elapsed.TotalSeconds:F2} s; {Environment.ProcessorCount} threads, .NET {Environment.Version}");
        }

        if (export is not null)
        {
            clock.Restart();
            MatrixMarket.Write(block, export);
            Print($"wrote P_R to {export} in {clock.Elapsed.TotalSeconds:F2} s");
        }

        double step = StepSeconds(block);
        Print($"one step x·P: {step * 1e6:F1} µs");

        var options = new SpectrumOptions { Count = count, Tolerance = tolerance, DenseMaxStates = 1, KrylovDimension = krylov, Seed = startSeed, LoggerFactory = verbose ? new ConsoleLoggerFactory(LogLevel.Debug) : null };
        for (int r = 0; r < repeat; r++)
        {
            var timed = new TimedChain(block);
            clock.Restart();
            SpectrumResult result = Spectrum.Compute(verbose ? timed : chain, options);
            double seconds = clock.Elapsed.TotalSeconds;
            if (verbose)
            {
                Print($"time inside Step: {timed.Seconds:F3} s of {seconds:F3} s ({timed.Steps} steps)");
            }

            Print($"run {r + 1}: {seconds:F2} s, {result}; steps take about {result.MatrixVectorProducts * step:F2} s of it");
            for (int i = 0; i < result.Eigenvalues.Count; i++)
            {
                Complex v = result.Eigenvalues[i];
                Print($"  {v.Real:+0.0000000000;-0.0000000000} {v.Imaginary:+0.0000000000;-0.0000000000}i  |λ| = {Complex.Abs(v):F10}  residual {result.ErrorEstimates[i]:E2}");
            }

            Print($"RESULT llmchains seconds={seconds:F3} slem={result.Slem:F12} bound={result.SlemErrorBound:E3} products={result.MatrixVectorProducts} restarts={result.Restarts} converged={result.Converged}");
        }

        return 0;
    }

    private static int Int(string value) => int.Parse(value, CultureInfo.InvariantCulture);

    private static void Print(FormattableString line) => Console.WriteLine(FormattableString.Invariant(line));

    /// <summary>The mean time of one step over 200, after a warm-up.</summary>
    private static double StepSeconds(IMarkovChain chain)
    {
        var x = new double[chain.StateCount];
        var y = new double[chain.StateCount];
        Array.Fill(x, 1.0 / x.Length);
        chain.Step(x, y);
        var clock = Stopwatch.StartNew();
        const int steps = 200;
        for (int i = 0; i < steps; i++)
        {
            chain.Step(x, y);
            (x, y) = (y, x);
        }

        return clock.Elapsed.TotalSeconds / steps;
    }

    /// <summary>The block with a stopwatch around <see cref="IMarkovChain.Step"/> (for <c>--verbose</c>: where the time goes).</summary>
    private sealed class TimedChain(IMarkovChain inner) : IMarkovChain
    {
        private readonly Stopwatch _clock = new();

        public double Seconds => _clock.Elapsed.TotalSeconds;

        public long Steps { get; private set; }

        public long StateCount => inner.StateCount;

        public int MaxRowNonZeros => inner.MaxRowNonZeros;

        public void Step(ReadOnlySpan<double> distribution, Span<double> next)
        {
            _clock.Start();
            inner.Step(distribution, next);
            _clock.Stop();
            Steps++;
        }

        public int GetRow(long state, Span<long> columns, Span<double> probabilities) => inner.GetRow(state, columns, probabilities);
    }
}
