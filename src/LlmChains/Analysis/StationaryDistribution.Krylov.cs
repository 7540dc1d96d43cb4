using LlmChains.Analysis.Internals;

namespace LlmChains.Analysis;

public static partial class StationaryDistribution
{

    /// <summary>GMRES-DR from the normalised <paramref name="x"/>; returns the status, the method and the gap estimate (smallest harmonic Ritz value).</summary>
    private static (SolveStatus Status, StationaryMethod Method, double? Gap) RunKrylov(StationaryClassProblem problem, ref double[] x, StationaryOptions options, StationarySolveContext context)
    {
        int degree = options.KrylovPolynomialDegree ?? AutomaticDegree(options.RestartLength, options.DeflatedVectors, problem.Operator.MaxRowNonZeros);
        var solver = GmresDeflatedRestart.Create(problem.Operator, problem.Size, options.RestartLength, options.DeflatedVectors, degree, context);
        (SolveStatus status, _) = solver.Run(ref x, options.Tolerance, options.MaxIterations, problem.AtFloor, context);
        solver.EstimateGapIfMissing();
        double gap = solver.GapEstimate;
        return (status, StationaryMethod.Gmres, double.IsFinite(gap) && gap > 0 ? gap : null);
    }

    /// <summary>
    /// The polynomial degree that balances steps against orthogonalisation, in memory traffic counted in vector
    /// lengths: a step reads x, writes y and reads the row entries (2 + nnz/row); classical Gram–Schmidt with
    /// re-orthogonalisation against j ≈ (m + k)/2 vectors reads about 4j + 6. d is the power of 2 nearest (in log
    /// scale) to their ratio, within 1..8: 8 for T = 2 or 10, 2 for T = 50, 1 from T ≈ 100.
    /// </summary>
    internal static int AutomaticDegree(int restartLength, int deflated, int maxRowNonZeros)
    {
        double orthogonalisation = (2.0 * (restartLength + deflated)) + 6;
        double step = 2.0 + Math.Max(1, maxRowNonZeros);
        int exponent = (int)Math.Round(Math.Log2(orthogonalisation / step));
        return 1 << Math.Clamp(exponent, 0, 3);
    }

    /// <summary>
    /// Auto above the GTH limit: power (lazy on a periodic class) while its observed rate predicts at most
    /// <see cref="AutoPowerHorizon"/> more steps, else GMRES-DR warm-started from the power iterate.
    /// </summary>
    private static (SolveStatus Status, StationaryMethod Method, double? Gap) RunAuto(StationaryClassProblem problem, ref double[] x, StationaryOptions options, StationarySolveContext context)
    {
        bool lazy = problem.Class.Period > 1;
        var power = RunPower(problem, ref x, lazy, options, context, auto: true);
        if (power.Method != StationaryMethod.Gmres)
        {
            return power;
        }

        double sum = StationaryVectors.Sum(x, problem.Size, context.CancellationToken);
        StationaryVectors.Scale(x, problem.Size, 1 / sum, context.CancellationToken);
        return RunKrylov(problem, ref x, options, context);
    }
}
