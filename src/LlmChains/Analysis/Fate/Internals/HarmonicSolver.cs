using System.Diagnostics;
using LlmChains.Analysis.Spectral;
using Microsoft.Extensions.Logging;

namespace LlmChains.Analysis.Fate.Internals;

/// <summary>
/// Solves the harmonic equations of a fate quantity on the block: x(u) = constant + Σ_y Q(u, y)·x(y) for the unknown
/// states u, x = boundary elsewhere, for several right-hand sides at once; exactly (state reduction) up to
/// <see cref="FateOptions.ExactMaxStates"/> unknowns, by <see cref="NeumannGmres"/> above.
/// </summary>
internal static class HarmonicSolver
{
    /// <summary>Returns, per right-hand side, the block vector (boundary values where not unknown), and how it was solved.</summary>
    public static (double[][] Values, FateSolve Solve) Solve(FateProblem problem, bool[] unknown, IReadOnlyList<double[]> boundary, IReadOnlyList<double> constants, string stage, IProgress<Progress>? progress, CancellationToken cancellationToken)
    {
        int systems = boundary.Count;
        int n = problem.BlockCount;
        var values = new double[systems][];
        for (int c = 0; c < systems; c++)
        {
            values[c] = (double[])boundary[c].Clone();
        }

        int unknownCount = 0;
        for (int s = 0; s < n; s++)
        {
            if (unknown[s])
            {
                unknownCount++;
            }
        }

        if (unknownCount == 0 || systems == 0)
        {
            return (values, FateSolve.None);
        }

        var options = problem.Options;
        var clock = Stopwatch.StartNew();
        var system = SubstochasticSystem.Build(problem, unknown, boundary, constants, cancellationToken);
        double[][] solutions;
        FateSolve solve;
        if (unknownCount <= options.ExactMaxStates)
        {
            FateLog.Started(problem.Logger, stage, unknownCount, systems, FateMethod.Exact);
            progress?.Report(new Progress(stage, 0, systems) { Detail = $"exact state reduction, {unknownCount} unknowns" });
            solutions = StateReduction.Solve(system, cancellationToken);
            double residual = 0;
            for (int c = 0; c < systems; c++)
            {
                residual = Math.Max(residual, system.Residual(system.RightHandSides[c], solutions[c]));
            }

            solve = new FateSolve(FateMethod.Exact, unknownCount, systems, 0, residual, SolveStatus.Converged);
            progress?.Report(new Progress(stage, systems, systems) { Detail = $"exact, residual {Format(residual)}" });
        }
        else
        {
            FateLog.Started(problem.Logger, stage, unknownCount, systems, FateMethod.Krylov);
            var gmres = new NeumannGmres(system, options.RestartLength, options.PreconditionerDegree, problem.Workers);
            solutions = new double[systems][];
            double residual = 0;
            var status = SolveStatus.Converged;
            for (int c = 0; c < systems; c++)
            {
                int index = c;
                solutions[c] = new double[unknownCount];
                long before = gmres.Products;
                var (s, r) = gmres.Solve(system.RightHandSides[c], solutions[c], options.Tolerance, before + options.MaxProducts, (products, relative) =>
                {
                    FateLog.Cycle(problem.Logger, stage, index, products, relative);
                    progress?.Report(new Progress(stage, index, systems) { Detail = $"GMRES, {products} products, relative residual {Format(relative)}" });
                }, cancellationToken);
                residual = Math.Max(residual, r);
                if (s != SolveStatus.Converged)
                {
                    status = s;
                    FateLog.NotConverged(problem.Logger, stage, c, s, gmres.Products - before, r);
                }
            }

            solve = new FateSolve(FateMethod.Krylov, unknownCount, systems, gmres.Products, residual, status);
            progress?.Report(new Progress(stage, systems, systems) { Detail = $"GMRES, {gmres.Products} products, residual {Format(residual)}" });
        }

        for (int c = 0; c < systems; c++)
        {
            double[] v = values[c];
            double[] x = solutions[c];
            for (int i = 0; i < unknownCount; i++)
            {
                v[system.Unknowns[i]] = x[i];
            }
        }

        FateLog.Finished(problem.Logger, stage, solve.Method, solve.Products, solve.Residual, clock.Elapsed.TotalSeconds);
        return (values, solve);
    }

    private static string Format(double value) => value.ToString("G3", System.Globalization.CultureInfo.InvariantCulture);
}
