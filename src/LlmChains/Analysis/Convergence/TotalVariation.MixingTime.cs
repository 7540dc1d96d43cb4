using System.Globalization;
using LlmChains.Analysis.Convergence.Internals;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Internals.Numerics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmChains.Analysis.Convergence;

public static partial class TotalVariation
{
    /// <summary>
    /// t_mix(ε) = min{ t : d(t) ≤ ε } (Def. C.8) read from <paramref name="curve"/>, or +∞ when no computed d(t) is
    /// ≤ ε or the chain is known not to be an ergodic unichain.
    /// </summary>
    /// <remarks>
    /// A worst-case curve is non-increasing, so the first t with d(t) ≤ ε is the mixing time. On a curve from one
    /// start the value is that start's hitting time of ε, a lower bound on t_mix(ε). +∞ comes with
    /// <see cref="MixingTimeStatus.NotErgodicUnichain"/> (final) or <see cref="MixingTimeStatus.NotReachedWithinHorizon"/>
    /// (a longer curve may reach ε; <see cref="AnalyzeMixing"/> extends it automatically).
    /// </remarks>
    /// <param name="curve">A TV curve.</param>
    /// <param name="epsilon">ε in (0, 1); default 1/4.</param>
    /// <returns>t_mix(ε) with the horizon used and how it was settled.</returns>
    /// <exception cref="ArgumentException"><paramref name="epsilon"/> is outside (0, 1).</exception>
    public static MixingTimeResult MixingTime(TotalVariationCurve curve, double epsilon = DefaultThreshold)
    {
        ArgumentNullException.ThrowIfNull(curve);
        ConvergenceGuard.CheckOpenUnit(epsilon, nameof(epsilon));
        if (curve.IsErgodicUnichain == false)
        {
            return new MixingTimeResult(
                double.PositiveInfinity, epsilon, curve.Steps, MixingTimeStatus.NotErgodicUnichain, curve.IsWorstCase);
        }

        ReadOnlySpan<double> d = curve.Span;
        for (int t = 0; t < d.Length; t++)
        {
            if (d[t] <= epsilon)
            {
                return new MixingTimeResult(t, epsilon, curve.Steps, MixingTimeStatus.Reached, curve.IsWorstCase);
            }
        }

        return new MixingTimeResult(
            double.PositiveInfinity, epsilon, curve.Steps, MixingTimeStatus.NotReachedWithinHorizon, curve.IsWorstCase);
    }

    /// <summary>
    /// t_min (defined with Thm. 4.3 as an infimum over ε; the paper gives no algorithm) read from
    /// <paramref name="curve"/> by our closed form:
    /// t_min = min_{1 ≤ t ≤ Steps, d(t) &lt; ½} t·((2 − 2d(t))/(1 − 2d(t)))², or +∞.
    /// </summary>
    /// <remarks>
    /// <para>Derivation: t_min = inf_{0 ≤ ε &lt; 1} t_mix(ε/2)·g(ε) with g(ε) = ((2 − ε)/(1 − ε))² increasing. The ε with
    /// t_mix(ε/2) = t form [2d(t), 2d(t − 1)), where g is smallest at ε = 2d(t), which must be &lt; 1. The
    /// minimum runs over t ≥ 1 (t = 0 would give 0 on a one-state chain).</para>
    /// <para>Stopping rule: g ≥ g(0) = 4, so every t contributes at least 4t, and no t &gt; Steps can go below
    /// 4(Steps + 1). A finite value ≤ 4(Steps + 1) is therefore final (<see cref="TMinResult.IsCertified"/>); otherwise a
    /// longer curve may lower it. An infinite value is final only when the chain is not an ergodic unichain.</para>
    /// </remarks>
    /// <param name="curve">A TV curve (the worst case for the paper's t_min; one start gives a lower bound).</param>
    /// <returns>t_min with the t attaining it, the horizon used and whether it is certified.</returns>
    public static TMinResult TMin(TotalVariationCurve curve)
    {
        ArgumentNullException.ThrowIfNull(curve);
        if (curve.IsErgodicUnichain == false)
        {
            return new TMinResult(
                double.PositiveInfinity,
                -1,
                double.NaN,
                curve.Steps,
                MixingTimeStatus.NotErgodicUnichain,
                IsCertified: true,
                curve.IsWorstCase);
        }

        ReadOnlySpan<double> d = curve.Span;
        double best = double.PositiveInfinity;
        int at = -1;
        for (int t = 1; t < d.Length; t++)
        {
            double value = TMinTerm(t, d[t]);
            if (value < best)
            {
                best = value;
                at = t;
            }

            if (best <= 4.0 * (t + 1))
            {
                break; // every later term is ≥ 4(t + 1) ≥ best
            }
        }

        if (at < 0)
        {
            return new TMinResult(
                double.PositiveInfinity,
                -1,
                double.NaN,
                curve.Steps,
                MixingTimeStatus.NotReachedWithinHorizon,
                IsCertified: false,
                curve.IsWorstCase);
        }

        bool certified = best <= 4.0 * ((double)curve.Steps + 1);
        return new TMinResult(best, at, d[at], curve.Steps, MixingTimeStatus.Reached, certified, curve.IsWorstCase);
    }

    /// <summary>t·((2 − 2d)/(1 − 2d))² for d &lt; ½, +∞ otherwise.</summary>
    internal static double TMinTerm(int t, double d)
    {
        if (!(d < 0.5))
        {
            return double.PositiveInfinity;
        }

        double d2 = Math.Max(0, 2 * d);
        double ratio = (2 - d2) / (1 - d2);
        return t * ratio * ratio;
    }

    /// <summary>
    /// The mixing quantities of a chain with every horizon decision made for the caller: classifies the chain, and
    /// when it is an ergodic unichain computes the worst-case d(t) over horizons 64, 128, … (see
    /// <see cref="ConvergenceOptions"/>) until t_mix(ε) is reached and t_min is certified, or the horizon cap is hit.
    /// </summary>
    /// <remarks>
    /// <para>A chain that is not an ergodic unichain (App. C; e.g. the periodic walks of eqs. (6) and (7)) gets the
    /// worst-case curve d(0..H) over
    /// the first horizon H = <see cref="ConvergenceOptions.InitialSteps"/> (d(t) is well defined; it does not tend to 0),
    /// t_min = +∞ (certified: d(t) ≥ ½ for every t) and t_mix(ε) = +∞ for every ε below the floor of d(t), with
    /// <see cref="MixingTimeStatus.Periodic"/> for one periodic recurrent class (period p: d(t) ≥ 1 − 1/p) and
    /// <see cref="MixingTimeStatus.NotErgodicUnichain"/> for several recurrent classes (d(t) ≥ ½). For ε at or above the
    /// floor t_mix(ε) is read from the curve. π is not checked for stationarity there.</para>
    /// <para>Otherwise, once t_min is finite its next horizon is ⌈t_min/4⌉ − 1 when that is nearer than a doubling:
    /// by the stopping rule of <see cref="TMin"/> that horizon certifies it. Within
    /// <see cref="ConvergenceOptions.ResidentMemoryLimitBytes"/> horizons are extended without recomputing.</para>
    /// </remarks>
    /// <param name="chain">A chain of at most <see cref="ConvergenceOptions.MaxWorstCaseStates"/> states (n² doubles
    /// within <see cref="ConvergenceOptions.WorstCaseMemoryLimitBytes"/>).</param>
    /// <param name="stationary">π, the stationary distribution: finite, ≥ 0, summing to 1 (within 1e−6), length n; for
    /// an ergodic chain ‖πQ − π‖₁ ≤ 1e−6 is checked.</param>
    /// <param name="epsilon">ε of t_mix(ε) in (0, 1); default 1/4.</param>
    /// <param name="options">Horizons, memory, parallelism and logging; default <see cref="ConvergenceOptions.Default"/>.</param>
    /// <param name="progress">Receives throttled progress of each horizon's run.</param>
    /// <param name="cancellationToken">Cancels between steps.</param>
    /// <returns>The curve, t_mix(ε), t_min and the structure.</returns>
    /// <exception cref="ArgumentException">
    /// The chain is too large (the message gives its n² doubles in bytes, the budget and the limit in states), ε or an
    /// option is invalid, or π is not a distribution or not stationary for an ergodic
    /// chain (‖πQ − π‖₁ &gt; 1e−6: d(t) would level off above 0 and the horizon would run to the cap).
    /// </exception>
    public static MixingAnalysis AnalyzeMixing(
        IMarkovChain chain,
        ReadOnlySpan<double> stationary,
        double epsilon = DefaultThreshold,
        ConvergenceOptions? options = null,
        IProgress<Progress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chain);
        options ??= ConvergenceOptions.Default;
        options.Validate();
        ConvergenceGuard.CheckOpenUnit(epsilon, nameof(epsilon));
        ConvergenceGuard.CheckWorstCaseSize(chain.StateCount, "the mixing analysis", options);
        ConvergenceGuard.CheckDistribution(stationary, chain.StateCount, nameof(stationary));
        var logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger(typeof(TotalVariation));
        var structure = ChainStructure.GivenOrAnalyze(options.Structure, chain, "ConvergenceOptions.Structure", cancellationToken);
        TotalVariationCurve curve;
        if (!structure.IsErgodicUnichain)
        {
            if (logger.IsEnabled(LogLevel.Information))
            {
                string periods = string.Join(",", structure.RecurrentClasses.Select(c => c.Period.ToString(CultureInfo.InvariantCulture)));
                ConvergenceLog.NotErgodic(logger, structure.RecurrentClasses.Count, periods);
            }

            // d(t) is well defined (it does not tend to 0): compute it over the first horizon, as for an ergodic chain
            var nonErgodic = new BatchedPropagation(
                chain,
                stationary,
                ConvergenceGuard.Parallelism(options.MaxDegreeOfParallelism),
                options.ResidentMemoryLimitBytes,
                cancellationToken);
            Run(nonErgodic, Math.Min(options.InitialSteps, options.MaxSteps), options, progress, cancellationToken);
            curve = new TotalVariationCurve(nonErgodic.Distances, TotalVariationStart.WorstCase, false, nonErgodic.Maximizers, null);
            var (status, floor) = NonErgodicFloor(structure);
            return new MixingAnalysis(curve, NonErgodicMixingTime(curve, epsilon, status, floor), NonErgodicTMin(curve, status), structure);
        }

        CheckStationary(chain, stationary);
        long budget = options.ResidentMemoryLimitBytes;
        var engine = new BatchedPropagation(
            chain, stationary, ConvergenceGuard.Parallelism(options.MaxDegreeOfParallelism), budget, cancellationToken);
        int horizon = Math.Min(options.InitialSteps, options.MaxSteps);
        while (true)
        {
            Run(engine, horizon, options, progress, cancellationToken);
            curve = new TotalVariationCurve(engine.Distances, TotalVariationStart.WorstCase, true, engine.Maximizers, null);
            var mixing = MixingTime(curve, epsilon);
            var tMin = TMin(curve);
            bool done = mixing.Status == MixingTimeStatus.Reached && tMin.IsCertified;
            if (done || horizon >= options.MaxSteps)
            {
                if (!done && logger.IsEnabled(LogLevel.Warning))
                {
                    ConvergenceLog.MixingCapReached(logger, horizon, mixing.Value, tMin.Value, tMin.IsCertified);
                }

                return new MixingAnalysis(curve, mixing, tMin, structure);
            }

            if (logger.IsEnabled(LogLevel.Debug))
            {
                ConvergenceLog.MixingHorizon(logger, horizon, mixing.Value, tMin.Value, tMin.IsCertified);
            }

            long next = 2L * horizon;
            if (mixing.Status == MixingTimeStatus.Reached && tMin.IsFinite)
            {
                // ⌈t_min/4⌉ − 1 certifies the current value; it is > horizon since the value is not yet certified
                next = Math.Min(next, (long)Math.Ceiling(tMin.Value / 4) - 1);
            }

            horizon = (int)Math.Clamp(next, horizon + 1L, options.MaxSteps);
        }
    }

    /// <summary>
    /// For a chain that is not an ergodic unichain: the status, and a floor under d(t) for every t: 1 − 1/p for one
    /// recurrent class of period p (a start in the class sits on one of its p cyclic subclasses, each of π-mass 1/p),
    /// ½ for several recurrent classes (a start in the class of least π-mass m ≤ ½ is at TV ≥ 1 − m from π).
    /// </summary>
    private static (MixingTimeStatus Status, double Floor) NonErgodicFloor(ChainStructure structure) =>
        structure.RecurrentClasses.Count == 1
            ? (MixingTimeStatus.Periodic, 1 - (1.0 / structure.RecurrentClasses[0].Period))
            : (MixingTimeStatus.NotErgodicUnichain, 0.5);

    /// <summary>t_mix(ε) of a chain that is not an ergodic unichain: +∞ (final) below the floor of d(t), else read from
    /// the curve.</summary>
    private static MixingTimeResult NonErgodicMixingTime(TotalVariationCurve curve, double epsilon, MixingTimeStatus status, double floor)
    {
        if (epsilon < floor)
        {
            return new MixingTimeResult(double.PositiveInfinity, epsilon, curve.Steps, status, true);
        }

        ReadOnlySpan<double> d = curve.Span;
        for (int t = 0; t < d.Length; t++)
        {
            if (d[t] <= epsilon)
            {
                return new MixingTimeResult(t, epsilon, curve.Steps, MixingTimeStatus.Reached, true);
            }
        }

        return new MixingTimeResult(double.PositiveInfinity, epsilon, curve.Steps, MixingTimeStatus.NotReachedWithinHorizon, true);
    }

    /// <summary>t_min of a chain that is not an ergodic unichain: +∞, certified, since d(t) ≥ ½ for every t and every
    /// term needs d(t) &lt; ½.</summary>
    private static TMinResult NonErgodicTMin(TotalVariationCurve curve, MixingTimeStatus status) =>
        new(double.PositiveInfinity, -1, double.NaN, curve.Steps, status, IsCertified: true, IsWorstCase: true);

    /// <summary>Refuses a π with ‖πQ − π‖₁ above <see cref="StationaryResidualLimit"/> (one step).</summary>
    private static void CheckStationary(IMarkovChain chain, ReadOnlySpan<double> stationary)
    {
        var next = new double[stationary.Length];
        chain.Step(stationary, next);
        double residual = 2 * VectorKernels.TotalVariation(next, stationary);
        if (!(residual <= StationaryResidualLimit))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"stationary is not stationary for this chain: ‖πQ − π‖₁ = {residual:G3} > ") +
                string.Create(CultureInfo.InvariantCulture, $"{StationaryResidualLimit:G1}; d(t) would not fall below about half of that."),
                nameof(stationary));
        }
    }

    /// <summary>The largest ‖πQ − π‖₁ <see cref="AnalyzeMixing"/> accepts.</summary>
    private const double StationaryResidualLimit = 1e-6;
}
