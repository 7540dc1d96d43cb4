using LlmChains.Analysis.Spectral.Internals;

namespace LlmChains.Analysis.Spectral;

public static partial class StationaryDistribution
{
    /// <summary>Residuals kept to estimate the decay rate of power iteration.</summary>
    private const int RateWindow = 10;

    /// <summary>Power steps Auto always takes before judging the rate.</summary>
    private const int AutoProbeSteps = 20;

    /// <summary>Auto keeps iterating power while its observed rate predicts at most this many more steps.</summary>
    internal const double AutoPowerHorizon = 150;

    /// <summary>
    /// Power iteration x ← x·Q (lazy: x ← x·(I + Q)/2) from the normalised <paramref name="x"/>, stopped when the
    /// residual ‖x·Q − x‖₁ of the normalised iterate reaches the tolerance (never on the step size), when it can no
    /// longer improve (<see cref="StationaryClassProblem.AtFloor"/>: <see cref="SolveStatus.Stagnated"/>), or when
    /// the budget is spent.
    /// With <paramref name="auto"/>, it also stops (status <see cref="SolveStatus.MaxIterationsReached"/>, method
    /// <see cref="StationaryMethod.Gmres"/>) when the observed rate predicts more than <see cref="AutoPowerHorizon"/>
    /// further steps. Returns the status, the method to report, and the gap estimate 1 − ρ from the observed rate ρ.
    /// </summary>
    private static (SolveStatus Status, StationaryMethod Method, double? Gap) RunPower(StationaryClassProblem problem, ref double[] x, bool lazy, StationaryOptions options, StationarySolveContext context, bool auto)
    {
        int n = problem.Size;
        var op = problem.Operator;
        CancellationToken token = context.CancellationToken;
        StationaryMethod method = lazy ? StationaryMethod.LazyPower : StationaryMethod.Power;
        double tolerance = options.Tolerance;
        double[] z = GC.AllocateUninitializedArray<double>(n);
        double sumX = StationaryVectors.Sum(x, n, token);
        var history = new double[RateWindow + 1];
        int steps = 0;
        double rate = double.NaN;
        while (true)
        {
            if (context.Iterations >= options.MaxIterations)
            {
                return (SolveStatus.MaxIterationsReached, method, Gap(rate));
            }

            token.ThrowIfCancellationRequested();
            op.Step(x, z);
            context.Iterations++;
            steps++;
            double residual, sumZ, defect;
            if (lazy)
            {
                residual = StationaryVectors.LazyAverage(x, z, n, out sumZ, token);
                defect = 2 * Math.Abs(sumZ - sumX);
            }
            else
            {
                residual = StationaryVectors.DistanceL1(x, z, n, out sumZ, token);
                defect = Math.Abs(sumZ - sumX);
            }

            residual /= sumX;
            defect /= sumX;
            context.Report(method, residual);
            history[steps % history.Length] = residual;
            if (steps > RateWindow)
            {
                double old = history[(steps - RateWindow) % history.Length];
                rate = old > 0 && residual > 0 ? Math.Pow(residual / old, 1.0 / RateWindow) : double.NaN;
            }

            if (residual <= tolerance)
            {
                return (SolveStatus.Converged, method, Gap(rate));
            }

            if (problem.AtFloor(residual, defect))
            {
                return (SolveStatus.Stagnated, method, Gap(rate));
            }

            if (auto && steps >= AutoProbeSteps && steps % RateWindow == 0)
            {
                double predicted = rate < 1 ? Math.Log(tolerance / residual) / Math.Log(rate) : double.PositiveInfinity;
                if (!(predicted <= AutoPowerHorizon))
                {
                    StationaryLog.SwitchToKrylov(context.Logger, context.Iterations, predicted, rate);
                    return (SolveStatus.MaxIterationsReached, StationaryMethod.Gmres, Gap(rate));
                }
            }

            (x, z) = (z, x);
            sumX = sumZ;
            if (Math.Abs(sumX - 1) > 1e-6)
            {
                StationaryVectors.Scale(x, n, 1 / sumX, token);
                sumX = 1;
            }
        }
    }

    private static double? Gap(double rate) => rate is > 0 and < 1 ? 1 - rate : null;
}
