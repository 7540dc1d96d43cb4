using LlmChains.Analysis.Fate.Internals;
using LlmChains.Chains;

namespace LlmChains.Analysis.Fate;

/// <summary>
/// Absorption into the recurrent classes (for a truncated model: which repetition loop a prompt falls into, and when).
/// With T the transient states, Q_TT their block of Q, R_k(x) = Σ_{y ∈ class k} Q(x, y) and the fundamental matrix
/// N = (I − Q_TT)^{-1}: B = N·R (B(x, k) = P_x(absorbed in class k)) and t = N·𝟙 (expected steps until absorption).
/// </summary>
/// <remarks>
/// Systems with at most <see cref="FateOptions.ExactMaxStates"/> transient states are solved exactly by
/// subtraction-free state reduction; larger ones by preconditioned GMRES with the explicit residual in
/// <see cref="AbsorptionResult.ProbabilitySolve"/>. For a model's chain the prompts shorter than K form a tree above
/// the full-length windows and are solved by one backward pass (v(x) = Σ_t f(x)_t·v(x·t)); only transient full-length
/// windows (truncated decoding) need a system. With one recurrent class (e.g. τ &gt; 0 without truncation, Prop. 3.3)
/// every probability is 1 and no system is solved for it.
/// </remarks>
public static class Absorption
{
    /// <summary>Computes absorption probabilities and expected absorption times.</summary>
    /// <param name="chain">The chain.</param>
    /// <param name="starts">The starts (state indices), or null for every state.</param>
    /// <param name="options">Solver options (null for the defaults).</param>
    /// <param name="progress">Progress of the solves (stage "absorption …").</param>
    /// <param name="cancellationToken">Cancels the computation.</param>
    /// <returns>The probabilities per start and class, and the expected steps per start.</returns>
    public static AbsorptionResult Compute(
        IMarkovChain chain,
        IReadOnlyList<long>? starts = null,
        FateOptions? options = null,
        IProgress<Progress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var problem = new FateProblem(chain, options, typeof(Absorption).FullName!);
        long[] from = StartStates.Resolve(chain.StateCount, starts);
        var structure = problem.Structure;
        var classes = structure.RecurrentClasses;
        int r = classes.Count;
        int n = problem.BlockCount;
        var unknown = new bool[n];
        Array.Fill(unknown, true);
        var boundary = new List<double[]>();
        for (int k = 0; k < r; k++)
        {
            var indicator = new double[n];
            foreach (long s in structure.GetStates(classes[k].Id))
            {
                if (s < problem.Offset)
                {
                    throw new InvalidOperationException($"Recurrent state {s} lies among the prompts shorter than K.");
                }

                indicator[s - problem.Offset] = 1;
                unknown[s - problem.Offset] = false;
            }

            if (r > 1)
            {
                boundary.Add(indicator);
            }
        }

        var probabilityColumns = boundary.Count;
        boundary.Add(new double[n]);
        var constants = new double[boundary.Count];
        constants[^1] = 1;

        var (blockValues, probabilitySolve) = HarmonicSolver.Solve(
            problem,
            unknown,
            boundary.GetRange(0, probabilityColumns),
            constants[..probabilityColumns],
            "absorption probabilities",
            progress,
            cancellationToken);
        var (stepValues, stepsSolve) = HarmonicSolver.Solve(
            problem, unknown, [boundary[^1]], [1.0], "absorption times", progress, cancellationToken);

        var probabilities = new double[from.Length][];
        for (int i = 0; i < from.Length; i++)
        {
            probabilities[i] = new double[r];
            if (r == 1)
            {
                probabilities[i][0] = 1;
            }
        }

        for (int k = 0; k < probabilityColumns; k++)
        {
            double[] all = PromptTree.Widen(problem, blockValues[k]);
            PromptTree.BackwardPass(problem, [all], null, [0.0], cancellationToken);
            for (int i = 0; i < from.Length; i++)
            {
                probabilities[i][k] = Math.Clamp(all[from[i]], 0, 1); // rounding can leave an ulp above 1
            }
        }

        double[] steps = PromptTree.Widen(problem, stepValues[0]);
        PromptTree.BackwardPass(problem, [steps], null, [1.0], cancellationToken);
        var expected = new double[from.Length];
        for (int i = 0; i < from.Length; i++)
        {
            expected[i] = steps[from[i]];
        }

        return new AbsorptionResult(classes, from, probabilities, expected, probabilitySolve, stepsSolve);
    }
}
