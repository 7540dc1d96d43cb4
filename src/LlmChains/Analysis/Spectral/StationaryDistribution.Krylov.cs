using LlmChains.Analysis.Spectral.Internals;
using LlmChains.Internals.Numerics;

namespace LlmChains.Analysis.Spectral;

public static partial class StationaryDistribution
{

    /// <summary>GMRES-DR from the normalised <paramref name="x"/>; returns the status, the method and the gap estimate
    /// (smallest harmonic Ritz value).</summary>
    private static (SolveStatus Status, StationaryMethod Method, double? Gap) RunKrylov(
        StationaryClassProblem problem, ref double[] x, StationaryOptions options, StationarySolveContext context)
    {
        int degree = KrylovDegree(problem, options, options.MaxIterations - context.Iterations);
        var solver = GmresDeflatedRestart.Create(
            problem.Operator, problem.Size, options.RestartLength, options.DeflatedVectors, degree, context);
        (SolveStatus status, _) = solver.Run(ref x, options.Tolerance, options.MaxIterations, problem.AtFloor, context);
        solver.EstimateGapIfMissing();
        double gap = solver.GapEstimate;
        return (status, StationaryMethod.Gmres, double.IsFinite(gap) && gap > 0 ? gap : null);
    }

    /// <summary>The polynomial degree GMRES-DR runs with when <paramref name="remaining"/> products of the budget are left.</summary>
    private static int KrylovDegree(StationaryClassProblem problem, StationaryOptions options, int remaining) =>
        BudgetedDegree(
            options.KrylovPolynomialDegree
                ?? AutomaticDegree(options.RestartLength, options.DeflatedVectors, problem.Operator.MaxRowNonZeros),
            options.RestartLength,
            remaining);

    /// <summary>
    /// <paramref name="degree"/> lowered so that one full cycle (m Krylov vectors and the explicit check, about
    /// (m + 2)·d products) fits in the <paramref name="remaining"/> budget: with d = 32 and a budget of 30 products
    /// GMRES-DR could not build a single vector, with d = 1 it builds a cycle.
    /// </summary>
    internal static int BudgetedDegree(int degree, int restartLength, int remaining) =>
        Math.Max(1, Math.Min(degree, remaining / (restartLength + 2)));

    /// <summary>
    /// The polynomial degree that minimises the time per unit of progress, from memory traffic counted in vector
    /// lengths: a step reads x, writes y and reads the row entries (S = 2 + nnz/row); classical Gram–Schmidt with
    /// re-orthogonalisation against j ≈ (m + k)/2 vectors reads about O = 4j + 6 = 2(m + k) + 6 per Krylov vector.
    /// A product then costs S + O/d, and doubling d pays while (1 + β)(S + O/2d) &lt; S + O/d, i.e. while
    /// d &lt; (1 − β)/(2β)·O/S, where β is the growth of the number of products per doubling (measured 4–12% beyond
    /// d = 8 on LLM chains) and the measured orthogonalisation costs about twice its traffic count (the re-orthogonalisation
    /// almost always runs). d is the power of 2 nearest (in log scale) to 8·O/S, within 1..64: 64 for T up to about 12
    /// (m = 30, k = 8), 32 for T ≈ 20, 16 for T = 50, 8 for T = 100, 1 from T ≈ 460.
    /// </summary>
    internal static int AutomaticDegree(int restartLength, int deflated, int maxRowNonZeros)
    {
        double orthogonalisation = (2.0 * (restartLength + deflated)) + 6;
        double step = 2.0 + Math.Max(1, maxRowNonZeros);
        int exponent = (int)Math.Round(Math.Log2(DegreeCostFactor * orthogonalisation / step));
        return 1 << Math.Clamp(exponent, 0, MaxAutomaticDegreeExponent);
    }

    /// <summary>
    /// The factor on the traffic ratio O/S of <see cref="AutomaticDegree"/>: (1 − β)/(2β) ≈ 4–6 for β = 8–12% growth of
    /// the products per doubling, times ≈ 2 for the measured cost of the orthogonalisation relative to its traffic.
    /// </summary>
    private const double DegreeCostFactor = 8;

    /// <summary>The automatic degree is at most 2^6 = 64, the largest <see cref="StationaryOptions.KrylovPolynomialDegree"/>.</summary>
    private const int MaxAutomaticDegreeExponent = 6;

    /// <summary>
    /// Auto above the GTH limit: power (lazy on a periodic class) while it is predicted to finish at a lower cost than
    /// GMRES-DR (<see cref="AutoChoice"/>), else GMRES-DR warm-started from the power iterate.
    /// </summary>
    private static (SolveStatus Status, StationaryMethod Method, double? Gap) RunAuto(
        StationaryClassProblem problem, ref double[] x, StationaryOptions options, StationarySolveContext context)
    {
        bool lazy = problem.Class.Period > 1;
        var power = RunPower(problem, ref x, lazy, options, context, autoSolve: true);
        if (power.Method != StationaryMethod.Gmres)
        {
            return power;
        }

        double sum = StationaryVectors.Sum(x, problem.Size, context.CancellationToken);
        StationaryVectors.Scale(x, problem.Size, 1 / sum, context.CancellationToken);
        return RunKrylov(problem, ref x, options, context);
    }
}
