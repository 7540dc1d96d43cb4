using System.Diagnostics;
using System.Globalization;
using System.Text;
using LlmChains.Analysis.Spectral.Internals;
using LlmChains.Chains;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmChains.Analysis.Spectral;

/// <summary>
/// Stationary distributions π (π·Q = π, Σπ = 1, row vectors) of a finite chain: one per recurrent class
/// (<see cref="ComputeAll"/>), or the unique one (<see cref="Compute"/>). The chain is classified first
/// (<see cref="ChainStructure"/>) and each recurrent class is solved as a chain of its own, π being zero on
/// transient states and on the other classes (Prop. 3.3: for a model's chain Q_f with every transition positive
/// the class is the block P_ℛ of the T^K full-length states).
/// </summary>
/// <remarks>
/// <para>Methods (<see cref="StationaryMethod"/>): exact, subtraction-free GTH for classes up to
/// <see cref="StationaryOptions.GthMaxStates"/> states; power and lazy power iteration; GMRES with deflated restarts
/// on x·(I − Q + 1uᵀ) = uᵀ for slowly mixing classes. Q is never factorised; iterative methods use only x ↦ x·Q.</para>
/// <para>Every result carries its residual ‖π·Q − π‖₁ computed by one extra step after the solve, the method, the
/// number of matrix–vector products and a <see cref="SolveStatus"/>. Iterative methods stop on that residual, never
/// on the step size (which can be tiny while the iterate is far from π on metastable chains). Non-convergence is a
/// status; cancellation throws <see cref="OperationCanceledException"/> within one iteration; bad input throws
/// <see cref="ArgumentException"/> naming the parameter and the value.</para>
/// </remarks>
public static partial class StationaryDistribution
{
    /// <summary>Logger category.</summary>
    private const string LoggerCategory = "LlmChains.Analysis.Spectral.StationaryDistribution";

    /// <summary>
    /// The unique stationary distribution of <paramref name="chain"/>, which must have exactly one recurrent class
    /// (it may be periodic and may have transient states).
    /// </summary>
    /// <param name="chain">Any chain (a model's chain, its recurrent block, a sparse chain).</param>
    /// <param name="options">Method, tolerance, budget, warm start, logging; default <see cref="StationaryOptions.Default"/>.</param>
    /// <param name="progress">Receives the residual about every 100 ms during iterative solves.</param>
    /// <param name="cancellationToken">Cancels the solve (<see cref="OperationCanceledException"/>), checked every iteration.</param>
    /// <returns>π over all states with its residual, method, iterations and status.</returns>
    /// <exception cref="ArgumentException">
    /// The chain has several recurrent classes (the message gives their count, sizes and first states; use
    /// <see cref="ComputeAll"/>), an option is invalid, the warm start has the wrong length, or the chain is not stochastic.
    /// </exception>
    public static StationaryResult Compute(
        IMarkovChain chain,
        StationaryOptions? options = null,
        IProgress<Progress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chain);
        options ??= StationaryOptions.Default;
        Validate(chain, options);
        var (classes, structure) = Classify(chain, options, cancellationToken);
        if (classes.Count != 1)
        {
            throw new ArgumentException(DescribeNotUnique(classes), nameof(chain));
        }

        return Solve(chain, classes, structure, options, progress, cancellationToken)[0];
    }

    /// <summary>
    /// One stationary distribution per recurrent class of <paramref name="chain"/>, in the order of
    /// <see cref="ChainStructure.RecurrentClasses"/> (by smallest state). Every stationary distribution of the chain
    /// is a convex combination of these.
    /// </summary>
    /// <param name="chain">Any chain.</param>
    /// <param name="options">Method, tolerance, budget (per class), warm start, logging; default
    /// <see cref="StationaryOptions.Default"/>.</param>
    /// <param name="progress">Receives the residual about every 100 ms during iterative solves.</param>
    /// <param name="cancellationToken">Cancels the solve (<see cref="OperationCanceledException"/>).</param>
    /// <returns>One result per recurrent class.</returns>
    /// <exception cref="ArgumentException">An option is invalid, the warm start has the wrong length, or the chain is
    /// not stochastic.</exception>
    public static IReadOnlyList<StationaryResult> ComputeAll(
        IMarkovChain chain,
        StationaryOptions? options = null,
        IProgress<Progress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chain);
        options ??= StationaryOptions.Default;
        Validate(chain, options);
        var (classes, structure) = Classify(chain, options, cancellationToken);
        return Solve(chain, classes, structure, options, progress, cancellationToken);
    }

    private static void Validate(IMarkovChain chain, StationaryOptions options)
    {
        options.Validate();
        if (options.InitialGuess is { } guess && guess.LongLength != chain.StateCount)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"InitialGuess has length {guess.LongLength}; it must cover all ") +
                string.Create(CultureInfo.InvariantCulture, $"{chain.StateCount} states of the chain."),
                nameof(options));
        }

        if (options.InitialGuess is { } g && Array.TrueForAll(g, v => v == 0))
        {
            throw new ArgumentException("InitialGuess is all zeros; a warm start needs positive mass.", nameof(options));
        }

        if (options.Structure is { } structure && structure.StateCount != chain.StateCount)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"options.Structure classifies {structure.StateCount} states but the chain ") +
                string.Create(CultureInfo.InvariantCulture, $"has {chain.StateCount}."),
                nameof(options));
        }
    }

    /// <summary>
    /// The recurrent classes: from the options, from Prop. 3.3 for the full-length block of a model's chain whose
    /// every transition is positive (one aperiodic class, no graph search), or from <see cref="ChainStructure.Analyze"/>.
    /// </summary>
    private static (IReadOnlyList<CommunicatingClass> Classes, ChainStructure? Structure) Classify(
        IMarkovChain chain, StationaryOptions options, CancellationToken cancellationToken)
    {
        if (options.Structure is { } given)
        {
            return (given.RecurrentClasses, given);
        }

        if (StationaryShortcuts.IsPositiveFullLengthBlock(chain, cancellationToken))
        {
            return ([new CommunicatingClass(0, chain.StateCount, true, 1, 0)], null);
        }

        var structure = ChainStructure.Analyze(chain, cancellationToken);
        return (structure.RecurrentClasses, structure);
    }

    /// <summary>The message of <see cref="Compute"/> when π is not unique: count, sizes and first states of the
    /// recurrent classes.</summary>
    internal static string DescribeNotUnique(IReadOnlyList<CommunicatingClass> classes)
    {
        const int Shown = 10;
        var text = new StringBuilder();
        text.Append(
            CultureInfo.InvariantCulture,
            $"The chain has {classes.Count} recurrent classes, so its stationary distribution is not unique: ");
        for (int i = 0; i < Math.Min(Shown, classes.Count); i++)
        {
            var c = classes[i];
            text.Append(
                CultureInfo.InvariantCulture,
                $"{(i > 0 ? "; " : string.Empty)}class {c.Id} ({c.Size} state{(c.Size == 1 ? string.Empty : "s")}, first state " +
                $"{c.FirstState}, period {c.Period})");
        }

        if (classes.Count > Shown)
        {
            text.Append(CultureInfo.InvariantCulture, $"; … and {classes.Count - Shown} more");
        }

        text.Append(". Use StationaryDistribution.ComputeAll for one distribution per recurrent class.");
        return text.ToString();
    }

    private static List<StationaryResult> Solve(
        IMarkovChain chain,
        IReadOnlyList<CommunicatingClass> classes,
        ChainStructure? structure,
        StationaryOptions options,
        IProgress<Progress>? progress,
        CancellationToken cancellationToken)
    {
        ILogger logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger(LoggerCategory);
        int count = classes.Count;
        StationaryLog.Started(logger, chain.StateCount, count, options.Method, options.Tolerance);
        long start = Stopwatch.GetTimestamp();
        var builder = new SubChainBuilder(chain, structure);
        long gthMaxElements = GthMaxElements();
        var results = new List<StationaryResult>(count);
        double worst = 0;
        long products = 0;
        for (int position = 0; position < count; position++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            StationaryClassProblem problem = builder.Create(classes[position], position, cancellationToken);
            StationaryResult result = SolveClass(problem, chain.StateCount, options, gthMaxElements, logger, progress, cancellationToken);
            worst = Math.Max(worst, result.Residual);
            products += result.MatrixVectorProducts;
            results.Add(result);
        }

        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        StationaryLog.Finished(logger, count, worst, products, seconds);
        return results;
    }

    private static StationaryResult SolveClass(
        StationaryClassProblem problem,
        long stateCount,
        StationaryOptions options,
        long gthMaxElements,
        ILogger logger,
        IProgress<Progress>? progress,
        CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        var context = new StationarySolveContext(logger, progress, problem.Class.Id, cancellationToken);
        int n = problem.Size;
        bool gthFits = (long)n * n <= gthMaxElements;
        StationaryMethod method = options.Method;
        if (method == StationaryMethod.Gth && !gthFits)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Recurrent class {problem.Class.Id} has {n:N0} states; dense GTH needs ") +
                string.Create(CultureInfo.InvariantCulture, $"{(double)n * n * sizeof(double):N0} bytes, more than half the available ") +
                string.Create(CultureInfo.InvariantCulture, $"memory. Use Method = Auto or Gmres."),
                nameof(options));
        }

        if (method == StationaryMethod.Auto && n <= options.GthMaxStates && gthFits)
        {
            method = StationaryMethod.Gth;
        }

        if (method == StationaryMethod.Power && problem.Class.Period > 1)
        {
            method = StationaryMethod.LazyPower;
        }

        StationaryLog.ClassStarted(logger, problem.Class.Id, n, problem.Class.Period, method);
        double[] x;
        SolveStatus status;
        if (method == StationaryMethod.Gth)
        {
            x = new double[n];
            int failed = SolveGth(problem, x, cancellationToken);
            if (failed >= 0)
            {
                StationaryLog.GthFallback(logger, problem.Class.Id, failed);
                method = StationaryMethod.Gmres;
                x = StartVector(problem, options.InitialGuess);
            }
        }
        else
        {
            x = StartVector(problem, options.InitialGuess);
        }

        if (method == StationaryMethod.Gth)
        {
            (status, double residual) = Finish(problem, x, context, out double clamped);
            status = residual <= options.Tolerance ? SolveStatus.Converged : SolveStatus.Stagnated;
            return Complete(problem, stateCount, x, method, status, residual, null, clamped, context, options, start);
        }

        // iterative methods: solve, then check the clamped, normalised result independently; resume if needed
        double finalResidual;
        double clampedMass = 0;
        double? gap;
        for (int round = 0; ; round++)
        {
            SolveStatus solverStatus;
            (solverStatus, method, gap) = method switch
            {
                StationaryMethod.Power => RunPower(problem, ref x, lazy: false, options, context, autoSolve: false),
                StationaryMethod.LazyPower => RunPower(problem, ref x, lazy: true, options, context, autoSolve: false),
                StationaryMethod.Gmres => RunKrylov(problem, ref x, options, context),
                _ => RunAuto(problem, ref x, options, context),
            };

            (SolveStatus floorStatus, finalResidual) = Finish(problem, x, context, out double clamped);
            clampedMass += clamped;
            if (finalResidual <= options.Tolerance)
            {
                status = SolveStatus.Converged;
                break;
            }

            if (solverStatus == SolveStatus.Stagnated || floorStatus == SolveStatus.Stagnated)
            {
                status = SolveStatus.Stagnated;
                break;
            }

            status = SolveStatus.MaxIterationsReached;
            if (solverStatus != SolveStatus.Converged || context.Iterations >= options.MaxIterations || round >= 3)
            {
                break;
            }

            // the solver's own check passed but the clamped, normalised vector misses the tolerance: resume from it
        }

        double? errorEstimate = gap is > 0 and var g && double.IsFinite(g) ? finalResidual / g : null;
        return Complete(problem, stateCount, x, method, status, finalResidual, errorEstimate, clampedMass, context, options, start);
    }

    /// <summary>Half the available memory, in doubles: the largest dense matrix GTH may allocate.</summary>
    private static long GthMaxElements() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2 / sizeof(double);

    /// <summary>The warm start restricted to the class and normalised, or the uniform distribution.</summary>
    private static double[] StartVector(StationaryClassProblem problem, double[]? guess)
    {
        int n = problem.Size;
        var x = new double[n];
        double sum = 0;
        if (guess is not null)
        {
            if (problem.States is null)
            {
                guess.AsSpan(checked((int)problem.FirstState), n).CopyTo(x);
            }
            else
            {
                for (int j = 0; j < n; j++)
                {
                    x[j] = guess[problem.States[j]];
                }
            }

            sum = StationaryVectors.Sum(x, n);
        }

        if (sum > 0 && double.IsFinite(sum))
        {
            StationaryVectors.Scale(x, n, 1 / sum);
        }
        else
        {
            Array.Fill(x, 1.0 / n);
        }

        return x;
    }

    /// <summary>
    /// Clamps negative round-off to 0, normalises, and computes the residual ‖x·Q − x‖₁ with one extra step.
    /// Returns <see cref="SolveStatus.Stagnated"/> when the residual is at the floor the stored chain and double
    /// precision allow (<see cref="StationaryClassProblem.AtFloor"/>), else <see cref="SolveStatus.MaxIterationsReached"/>.
    /// </summary>
    private static (SolveStatus Status, double Residual) Finish(
        StationaryClassProblem problem, double[] x, StationarySolveContext context, out double clampedMass)
    {
        int n = problem.Size;
        int clamped = StationaryVectors.ClampNegatives(x, n, out clampedMass);
        if (clamped > 0)
        {
            StationaryLog.Clamped(context.Logger, problem.Class.Id, clamped, clampedMass);
        }

        double sum = StationaryVectors.Sum(x, n);
        if (!(sum > 0) || !double.IsFinite(sum))
        {
            Array.Fill(x, 1.0 / n);
        }
        else
        {
            StationaryVectors.Scale(x, n, 1 / sum);
        }

        var z = GC.AllocateUninitializedArray<double>(n);
        problem.Operator.Step(x, z);
        context.Iterations++;
        double residual = StationaryVectors.DistanceL1(x, z, n, out double sumZ);
        double defect = Math.Abs(sumZ - 1);
        return (problem.AtFloor(residual, defect) ? SolveStatus.Stagnated : SolveStatus.MaxIterationsReached, residual);
    }

    private static StationaryResult Complete(
        StationaryClassProblem problem,
        long stateCount,
        double[] x,
        StationaryMethod method,
        SolveStatus status,
        double residual,
        double? errorEstimate,
        double clampedMass,
        StationarySolveContext context,
        StationaryOptions options,
        long start)
    {
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        context.ReportFinal(residual);
        StationaryLog.ClassFinished(context.Logger, problem.Class.Id, method, status, residual, context.Iterations, elapsed.TotalSeconds);
        if (status != SolveStatus.Converged)
        {
            StationaryLog.NotConverged(context.Logger, problem.Class.Id, method, status, context.Iterations, residual, options.Tolerance);
        }

        return new StationaryResult(
            stateCount,
            problem.Class,
            x,
            problem.States,
            problem.FirstState,
            method,
            status,
            context.Iterations,
            residual,
            errorEstimate,
            clampedMass,
            elapsed);
    }
}
