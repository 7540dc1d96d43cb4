using LlmChains.Analysis.Fate.Internals;
using LlmChains.Chains;

namespace LlmChains.Analysis.Fate;

/// <summary>
/// Hitting probabilities and expected hitting times of a target set B: h = 1 on B and h(x) = Σ_y Q(x, y)·h(y)
/// elsewhere (the minimal non-negative solution); k = 0 on B and k(x) = 1 + Σ_y Q(x, y)·k(y) where h(x) = 1, k = ∞ where
/// h(x) &lt; 1 (Norris, Thm. 1.3.2 and 1.3.5).
/// </summary>
/// <remarks>
/// The graph decides first, exactly, which starts cannot reach B (h = 0), which reach it on every path (h = 1) and
/// which may or may not (0 &lt; h &lt; 1, k = ∞); only the undecided probabilities and the times of the certain starts
/// need a linear system, and those systems are non-singular. Small systems are solved exactly by subtraction-free state
/// reduction, large ones by preconditioned GMRES with their explicit residual. For a model's chain the prompts shorter
/// than K are handled by a backward pass over the prompt tree.
/// </remarks>
public static class Hitting
{
    /// <summary>Computes h and k for every start.</summary>
    /// <param name="chain">The chain.</param>
    /// <param name="target">The target set B (non-empty).</param>
    /// <param name="starts">The starts, or null for every state.</param>
    /// <param name="options">Solver options (null for the defaults).</param>
    /// <param name="progress">Progress of the solves (stage "hitting …").</param>
    /// <param name="cancellationToken">Cancels the computation.</param>
    /// <returns>The probabilities, times and outcomes per start.</returns>
    public static HittingResult Compute(
        IMarkovChain chain,
        TargetSet target,
        IReadOnlyList<long>? starts = null,
        FateOptions? options = null,
        IProgress<Progress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var problem = new FateProblem(chain, options, typeof(Hitting).FullName!);
        long[] from = StartStates.Resolve(chain.StateCount, starts);
        long[] b = target.Resolve(chain, problem.Structure);
        int n = problem.BlockCount;
        long offset = problem.Offset;
        bool[] inB = problem.BlockMembership(b);
        var shortInB = offset > 0 ? new bool[offset] : null;
        foreach (long s in b)
        {
            if (s < offset)
            {
                shortInB![s] = true;
            }
        }

        bool[] reachB = problem.CanReach(inB, null, cancellationToken);
        var zero = new bool[n];
        for (int s = 0; s < n; s++)
        {
            zero[s] = !reachB[s];
        }

        bool[] reachZero = problem.CanReach(zero, inB, cancellationToken);
        var outcomes = new HittingOutcome[problem.StateCount];
        var probabilityUnknown = new bool[n];
        var timeUnknown = new bool[n];
        var probabilityBoundary = new double[n];
        var timeBoundary = new double[n];
        for (int s = 0; s < n; s++)
        {
            var outcome = inB[s]
                ? HittingOutcome.InTarget
                : !reachB[s]
                ? HittingOutcome.Unreachable
                : reachZero[s]
                ? HittingOutcome.Possible
                : HittingOutcome.Certain;
            outcomes[offset + s] = outcome;
            probabilityUnknown[s] = outcome == HittingOutcome.Possible;
            timeUnknown[s] = outcome == HittingOutcome.Certain;
            probabilityBoundary[s] = outcome is HittingOutcome.InTarget or HittingOutcome.Certain ? 1 : 0;
            timeBoundary[s] = outcome == HittingOutcome.InTarget ? 0 : double.PositiveInfinity;
        }

        var (pValues, probabilitySolve) = HarmonicSolver.Solve(
            problem, probabilityUnknown, [probabilityBoundary], [0.0], "hitting probabilities", progress, cancellationToken);
        var (kValues, stepsSolve) = HarmonicSolver.Solve(
            problem, timeUnknown, [timeBoundary], [1.0], "hitting times", progress, cancellationToken);
        double[] probabilities = PromptTree.Widen(problem, pValues[0]);
        double[] steps = PromptTree.Widen(problem, kValues[0]);
        if (shortInB is not null)
        {
            ShortOutcomes(problem, shortInB, outcomes, cancellationToken);
            for (long s = 0; s < offset; s++)
            {
                if (shortInB[s])
                {
                    probabilities[s] = 1;
                    steps[s] = 0;
                }
            }

            PromptTree.BackwardPass(problem, [probabilities], shortInB, [0.0], cancellationToken);
            PromptTree.BackwardPass(problem, [steps], shortInB, [1.0], cancellationToken);
        }

        var p = new double[from.Length];
        var k = new double[from.Length];
        var o = new HittingOutcome[from.Length];
        for (int i = 0; i < from.Length; i++)
        {
            long s = from[i];
            o[i] = outcomes[s];
            (p[i], k[i]) = o[i] switch
            {
                HittingOutcome.InTarget => (1.0, 0.0),
                HittingOutcome.Certain => (1.0, steps[s]),
                HittingOutcome.Possible => (Math.Clamp(probabilities[s], 0, 1), double.PositiveInfinity),
                _ => (0.0, double.PositiveInfinity),
            };
        }

        return new HittingResult(target.Description, b.LongLength, from, p, k, o, probabilitySolve, stepsSolve);
    }

    /// <summary>The outcomes of the short prompts from their children's (children first: descending index).</summary>
    private static void ShortOutcomes(FateProblem problem, bool[] shortInB, HittingOutcome[] outcomes, CancellationToken cancellationToken)
    {
        var model = problem.Model!;
        var row = new double[model.VocabularySize];
        for (long x = problem.Offset - 1; x >= 0; x--)
        {
            if ((x & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (shortInB[x])
            {
                outcomes[x] = HittingOutcome.InTarget;
                continue;
            }

            model.GetNextTokenProbabilities(x, row);
            long first = model.States.FirstSuccessor(x);
            bool allUnreachable = true;
            bool allCertain = true;
            for (int t = 0; t < row.Length; t++)
            {
                if (row[t] > 0)
                {
                    var child = outcomes[first + t];
                    allUnreachable &= child == HittingOutcome.Unreachable;
                    allCertain &= child is HittingOutcome.InTarget or HittingOutcome.Certain;
                }
            }

            outcomes[x] = allUnreachable ? HittingOutcome.Unreachable : allCertain ? HittingOutcome.Certain : HittingOutcome.Possible;
        }
    }
}
