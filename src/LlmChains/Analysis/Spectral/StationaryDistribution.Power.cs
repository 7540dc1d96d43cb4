using LlmChains.Analysis.Spectral.Internals;
using LlmChains.Internals.Numerics;

namespace LlmChains.Analysis.Spectral;

public static partial class StationaryDistribution
{
    /// <summary>Residuals kept to estimate the decay rate of power iteration.</summary>
    private const int RateWindow = 10;

    /// <summary>Power steps Auto always takes before judging the rate.</summary>
    private const int AutoProbeSteps = 20;

    /// <summary>
    /// Power iteration x ← x·Q (lazy: x ← x·(I + Q)/2) from the normalised <paramref name="x"/>, stopped when the
    /// residual ‖x·Q − x‖₁ of the normalised iterate reaches the tolerance (never on the step size), when it can no
    /// longer improve (<see cref="StationaryClassProblem.AtFloor"/>: <see cref="SolveStatus.Stagnated"/>), or when
    /// the budget is spent.
    /// With <paramref name="autoSolve"/>, it also stops (status <see cref="SolveStatus.MaxIterationsReached"/>, method
    /// <see cref="StationaryMethod.Gmres"/>) when GMRES-DR is predicted to finish at a lower cost (<see cref="AutoChoice"/>).
    /// Returns the status, the method to report, and the gap estimate 1 − ρ from the observed rate ρ.
    /// </summary>
    private static (SolveStatus Status, StationaryMethod Method, double? Gap) RunPower(
        StationaryClassProblem problem,
        ref double[] x,
        bool lazy,
        StationaryOptions options,
        StationarySolveContext context,
        bool autoSolve)
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
        var auto = autoSolve ? new AutoChoice(problem, options, lazy) : null;
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

            if (auto is not null && steps >= AutoProbeSteps && steps % RateWindow == 0
                && auto.PreferGmres(residual, rate, context))
            {
                return (SolveStatus.MaxIterationsReached, StationaryMethod.Gmres, Gap(rate));
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

    /// <summary>
    /// Auto's choice between finishing by power iteration and switching to GMRES-DR, by predicted cost
    /// (<see cref="StationaryCostModel"/>): products still needed × vector passes per product, each logged at Debug
    /// with its reason (when the reason changes, and always at the switch). Evaluated every <see cref="RateWindow"/>
    /// power steps from the observed rate ρ, so a rate that slows (a metastable chain leaving its transient) moves the
    /// choice to GMRES-DR later, the power steps taken so far being its warm start. GMRES-DR is never chosen when its
    /// basis would not fit in half the available memory.
    /// </summary>
    private sealed class AutoChoice
    {
        private readonly StationaryClassProblem _problem;
        private readonly StationaryOptions _options;
        private readonly bool _lazyClass;
        private readonly int _restartLength;
        private readonly int _deflated;
        private readonly bool _gmresFits;
        private readonly double _powerPasses;
        private string? _lastReason;

        public AutoChoice(StationaryClassProblem problem, StationaryOptions options, bool lazyClass)
        {
            _problem = problem;
            _options = options;
            _lazyClass = lazyClass;
            int n = problem.Size;
            _restartLength = Math.Max(1, Math.Min(options.RestartLength, n));
            _deflated = Math.Max(0, Math.Min(options.DeflatedVectors, _restartLength - 2));
            _gmresFits = GmresDeflatedRestart.BytesFor(n, Math.Min(3, _restartLength)) <= GC.GetGCMemoryInfo()
                .TotalAvailableMemoryBytes / 2;
            _powerPasses = StationaryCostModel.PowerPassesPerProduct(problem.Operator.MaxRowNonZeros, lazyClass);
        }

        /// <summary>Whether GMRES-DR is predicted to finish from <paramref name="residual"/> at a lower cost than power
        /// at <paramref name="rate"/>.</summary>
        public bool PreferGmres(double residual, double rate, StationarySolveContext context)
        {
            double tolerance = _options.Tolerance;
            int degree = KrylovDegree(_problem, _options, _options.MaxIterations - context.Iterations);
            double powerProducts = StationaryCostModel.PowerProducts(residual, tolerance, rate);
            double powerCost = powerProducts * _powerPasses;
            double gmresPasses = StationaryCostModel.GmresPassesPerProduct(
                _problem.Operator.MaxRowNonZeros, _restartLength, _deflated, degree);
            double lazyRate = StationaryCostModel.LazyRate(rate, _lazyClass);
            if (!_gmresFits)
            {
                Log(
                    context,
                    "power: the GMRES-DR basis would not fit in half the available memory",
                    residual,
                    rate,
                    powerProducts,
                    powerCost,
                    degree,
                    lazyRate,
                    double.NaN,
                    double.NaN);
                return false;
            }

            double gmresProducts = StationaryCostModel.GmresProducts(residual, tolerance, lazyRate, degree, _restartLength);
            double gmresCost = gmresProducts * gmresPasses;
            bool gmres = gmresCost < powerCost;
            Log(
                context,
                gmres
                    ? "GMRES-DR: predicted cheaper; switching, with the power iterate as warm start"
                    : "power: predicted cheaper than GMRES-DR",
                residual,
                rate,
                powerProducts,
                powerCost,
                degree,
                lazyRate,
                gmresProducts,
                gmresCost,
                force: gmres);
            return gmres;
        }

        private void Log(
            StationarySolveContext context,
            string reason,
            double residual,
            double rate,
            double powerProducts,
            double powerCost,
            int degree,
            double lazyRate,
            double gmresProducts,
            double gmresCost,
            bool force = false)
        {
            if (!force && reason == _lastReason)
            {
                return;
            }

            _lastReason = reason;
            StationaryLog.AutoChoice(
                context.Logger,
                context.ClassId,
                context.Iterations,
                residual,
                powerProducts,
                rate,
                powerCost,
                gmresProducts,
                degree,
                lazyRate,
                gmresCost,
                reason);
        }
    }
}
