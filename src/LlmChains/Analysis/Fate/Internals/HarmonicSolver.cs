using System.Diagnostics;
using LlmChains.Analysis.Spectral;
using LlmChains.Internals.Graphs;
using Microsoft.Extensions.Logging;

namespace LlmChains.Analysis.Fate.Internals;

/// <summary>
/// Solves the harmonic equations of a fate quantity on the block: x(u) = constant + Σ_y Q(u, y)·x(y) for the unknown
/// states u, x = boundary elsewhere, for several right-hand sides at once; exactly (state reduction) up to
/// <see cref="FateOptions.ExactMaxStates"/> unknowns, by <see cref="NeumannGmres"/> above.
/// </summary>
internal static class HarmonicSolver
{
    /// <summary>The largest GMRES basis a stagnating solve may grow to by doubling its restart length (512 MiB).</summary>
    internal const long MaxEnlargedBasisBytes = 512L << 20;

    /// <summary>Returns, per right-hand side, the block vector (boundary values where not unknown), and how it was solved.</summary>
    public static (double[][] Values, FateSolve Solve) Solve(
        FateProblem problem,
        bool[] unknown,
        IReadOnlyList<double[]> boundary,
        IReadOnlyList<double> constants,
        string stage,
        IProgress<Progress>? progress,
        CancellationToken cancellationToken)
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
        // The unknowns by strongly connected component of M, every component after those it reaches: solved in this order
        // (I − M)·x = b is block triangular; a component without internal cycles is one division, and only the components
        // with cycles need a linear solve (greedy and truncated chains are mostly the former).
        int[] order = StrongComponents.Find(system.Count, system.RowStarts, system.Columns, out int[] starts, cancellationToken);
        int components = starts.Length - 1;
        int largest = 0;
        for (int c = 0; c < components; c++)
        {
            largest = Math.Max(largest, starts[c + 1] - starts[c]);
        }

        var method = largest > options.ExactMaxStates ? FateMethod.Krylov : FateMethod.Exact;
        FateLog.Started(problem.Logger, stage, unknownCount, systems, components, largest, method);
        var solutions = new double[systems][];
        for (int c = 0; c < systems; c++)
        {
            solutions[c] = new double[unknownCount];
        }

        var position = new int[unknownCount];
        Array.Fill(position, -1);
        long products = 0;
        var status = SolveStatus.Converged;
        long nextReport = 0;
        for (int component = 0; component < components; component++)
        {
            int first = starts[component];
            int size = starts[component + 1] - first;
            if (first >= nextReport)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new Progress(stage, first, unknownCount) { Detail = $"{components} blocks, largest {largest}" });
                nextReport = first + 65_536;
            }

            if (size == 1)
            {
                SolveSingle(system, order[first], solutions);
                continue;
            }

            int[] members = order[first..(first + size)];
            for (int li = 0; li < size; li++)
            {
                position[members[li]] = li;
            }

            var sub = system.Restrict(members, position, solutions);
            double[][] x;
            if (size <= options.ExactMaxStates)
            {
                x = StateReduction.Solve(sub, cancellationToken);
            }
            else
            {
                x = new double[systems][];
                for (int c = 0; c < systems; c++)
                {
                    int index = c;
                    x[c] = new double[size];
                    long budget = options.MaxProducts;
                    int m = options.RestartLength;
                    while (true)
                    {
                        // A stagnating restart has too small a subspace for the slow (metastable) modes: retry from the
                        // iterate with twice the restart length, while its basis stays within MaxEnlargedBasisBytes.
                        var gmres = new NeumannGmres(sub, m, options.PreconditionerDegree, problem.Workers);
                        var (s, r) = gmres.Solve(sub.RightHandSides[c], x[c], options.Tolerance, budget, (done, relative) =>
                        {
                            FateLog.Cycle(problem.Logger, stage, index, done, relative);
                            progress?.Report(
                                new Progress(stage, first, unknownCount)
                                {
                                    Detail = $"GMRES({m}) on a block of {size} states, right-hand side {index + 1}/{systems}, {done} " +
                                        $"products, relative residual {Format(relative)}",
                                });
                        }, cancellationToken);
                        products += gmres.Products;
                        budget -= gmres.Products;
                        if (s == SolveStatus.Stagnated && budget > 0 && NeumannGmres.BytesFor(size, 2 * m) <= MaxEnlargedBasisBytes)
                        {
                            m *= 2;
                            FateLog.Enlarged(problem.Logger, stage, index, m, r);
                            continue;
                        }

                        if (s != SolveStatus.Converged)
                        {
                            status = s;
                            FateLog.NotConverged(problem.Logger, stage, c, s, options.MaxProducts - budget, r);
                        }

                        break;
                    }
                }
            }

            for (int c = 0; c < systems; c++)
            {
                for (int li = 0; li < size; li++)
                {
                    solutions[c][members[li]] = x[c][li];
                }
            }
        }

        double residual = 0;
        for (int c = 0; c < systems; c++)
        {
            residual = Math.Max(residual, system.Residual(system.RightHandSides[c], solutions[c]));
        }

        var solve = new FateSolve(
            method, unknownCount, systems, products, residual, status) { LargestBlock = largest, Blocks = components };
        progress?.Report(
            new Progress(stage, unknownCount, unknownCount) { Detail = $"{method}, {products} products, residual {Format(residual)}" });

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

    /// <summary>An unknown on no cycle of M: x_i = (b_i + Σ_{j≠i} M_ij·x_j)/(e_i + Σ_{j≠i} M_ij), subtraction-free (the
    /// pivot is not 1 − M_ii).</summary>
    private static void SolveSingle(SubstochasticSystem system, int i, double[][] solutions)
    {
        double pivot = system.Exit[i];
        for (long e = system.RowStarts[i]; e < system.RowStarts[i + 1]; e++)
        {
            if (system.Columns[e] != i)
            {
                pivot += system.Values[e];
            }
        }

        if (!(pivot > 0))
        {
            throw new InvalidOperationException($"Unknown {i} cannot leave the unknown set (zero pivot).");
        }

        for (int c = 0; c < solutions.Length; c++)
        {
            double[] x = solutions[c];
            double sum = system.RightHandSides[c][i];
            for (long e = system.RowStarts[i]; e < system.RowStarts[i + 1]; e++)
            {
                int j = system.Columns[e];
                if (j != i)
                {
                    sum += system.Values[e] * x[j];
                }
            }

            x[i] = sum / pivot;
        }
    }

    private static string Format(double value) => value.ToString("G3", System.Globalization.CultureInfo.InvariantCulture);
}
