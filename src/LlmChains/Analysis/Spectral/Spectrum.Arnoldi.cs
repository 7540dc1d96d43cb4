using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using LlmChains.Analysis.Spectral.Internals;
using LlmChains.Chains;
using LlmChains.Internals.Numerics;
using Microsoft.Extensions.Logging;

namespace LlmChains.Analysis.Spectral;

public static partial class Spectrum
{
    /// <summary>Seconds between two progress reports.</summary>
    private const double ProgressInterval = 0.05;

    /// <summary>The Count eigenvalues of largest modulus by Krylov–Schur on the deflated operator (the chain is an
    /// ergodic unichain).</summary>
    private static SpectrumResult Arnoldi(
        IMarkovChain target, SpectrumOptions options, ILogger logger, IProgress<Progress>? progress, CancellationToken cancellationToken)
    {
        int size = (int)target.StateCount;
        int wanted = Math.Max(1, options.Count - 1);
        int dimension = Math.Min(options.KrylovDimension ?? Math.Max(40, (2 * options.Count) + 10), size - 1);
        long bytes = KrylovSchur.RequiredBytes(size, dimension, wanted);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (bytes > available)
        {
            throw new ArgumentException(
                $"The Krylov basis for {size} states and KrylovDimension {dimension} needs {bytes:N0} bytes ({bytes / 1048576.0:F0} " +
                $"MiB); {available:N0} bytes are available. Lower KrylovDimension.",
                nameof(options));
        }

        var throttle = Stopwatch.StartNew();
        void OnRestart(KrylovSchurStatus status)
        {
            SpectrumLog.Restart(
                logger,
                status.Restarts,
                status.Products,
                status.Degree,
                status.ConvergedCount,
                status.Wanted,
                status.LargestModulus,
                status.LargestResidual);
            if (progress is not null && throttle.Elapsed.TotalSeconds >= ProgressInterval)
            {
                progress.Report(Searching(status.Restarts, status.Products, status.ConvergedCount, status.Wanted, status.LargestModulus));
                throttle.Restart();
            }
        }

        var solver = new KrylovSchur(
            target, wanted, dimension, options.Tolerance, options.MaxRestarts, options.Seed, OnRestart, cancellationToken);
        KrylovSchurResult run = solver.Run();

        // The SLEM is the largest modulus of the deflated operator; its error: κ·r for it and its neighbours.
        double slem = run.Values.Length > 0 ? Complex.Abs(run.Values[0]) : 0;
        double bound = 0;
        double worst = 0;
        for (int i = 0; i < run.Values.Length; i++)
        {
            double error = run.Conditions[i] * run.Residuals[i];
            double modulus = Complex.Abs(run.Values[i]);
            bound = Math.Max(bound, i == 0 ? error : modulus + error - slem);
            worst = Math.Max(worst, run.Residuals[i] / Math.Max(modulus, 1e-4));
        }

        // Beyond first order (a defective SLEM): how far the pseudospectrum of the Krylov Rayleigh quotient reaches.
        (double inner, double outer) = run.LargestExtent;
        if (double.IsFinite(inner) && double.IsFinite(outer))
        {
            bound = Math.Max(bound, Math.Max(outer - slem, slem - inner));
        }

        bound = double.IsNaN(bound) ? 1.0 : Math.Min(1.0, bound);
        int listed = Math.Min(options.Count - 1, run.Values.Length);
        // Q is real, so its complex eigenvalues come in conjugate pairs of equal modulus, listed +Im first: a cut
        // between the two halves of a pair would report a spectrum that is not closed under conjugation.
        if (listed > 0 && listed < run.Values.Length && IsConjugateOfLast(run.Values, listed))
        {
            listed++;
        }

        var values = new List<Complex>(listed + 1) { Complex.One };
        var errors = new List<double>(listed + 1) { 0.0 };
        for (int i = 0; i < listed; i++)
        {
            values.Add(run.Values[i]);
            errors.Add(run.Residuals[i]);
        }

        int products = (int)Math.Min(int.MaxValue, run.Products);
        progress?.Report(Searching(run.Restarts, run.Products, run.Converged ? wanted : 0, wanted, slem));
        if (!run.Converged)
        {
            SpectrumLog.NotConverged(logger, run.Restarts, products, worst, options.Tolerance, slem);
        }

        return new SpectrumResult(values.AsReadOnly(), errors.AsReadOnly(), slem, bound, "arnoldi", run.Converged, products, run.Restarts);
    }

    /// <summary>Whether <paramref name="values"/>[<paramref name="next"/>] is the conjugate of the complex value before it.</summary>
    private static bool IsConjugateOfLast(Complex[] values, int next)
    {
        var last = values[next - 1];
        double scale = Math.Max(Complex.Abs(last), 1e-12);
        return Math.Abs(last.Imaginary) > 1e-8 * scale && Complex.Abs(values[next] - Complex.Conjugate(last)) <= 1e-8 * scale;
    }

    /// <summary>The Krylov method's progress: products so far (no total: it stops at a tolerance), restarts, converged
    /// eigenvalues, SLEM.</summary>
    private static Progress Searching(int restarts, long products, int converged, int wanted, double slem) => new("spectrum", products, 0)
    {
        Detail = string.Create(CultureInfo.InvariantCulture, $"restart {restarts}, {converged}/{wanted} converged, SLEM ≈ {slem:G6}"),
    };
}
