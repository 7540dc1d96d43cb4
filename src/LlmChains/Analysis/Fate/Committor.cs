using LlmChains.Analysis.Fate.Internals;
using LlmChains.Chains;

namespace LlmChains.Analysis.Fate;

/// <summary>
/// The forward committor of disjoint sets A and B (transition path theory; deeptime's <c>committor</c>, PyDTMC's
/// <c>committor_probabilities</c> "forward"): q⁺ = 0 on A, 1 on B, q⁺(x) = Σ_y Q(x, y)·q⁺(y) elsewhere, i.e.
/// q⁺(x) = P_x(τ_B &lt; τ_A). States from which B cannot be reached without passing A get 0 exactly, from the graph,
/// so the remaining system is non-singular.
/// </summary>
public static class Committor
{
    /// <summary>Computes q⁺ for every state.</summary>
    /// <param name="chain">The chain.</param>
    /// <param name="avoid">The set A.</param>
    /// <param name="target">The set B, disjoint from A.</param>
    /// <param name="options">Solver options (null for the defaults).</param>
    /// <param name="progress">Progress of the solve (stage "committor").</param>
    /// <param name="cancellationToken">Cancels the computation.</param>
    /// <returns>q⁺ per state.</returns>
    /// <exception cref="ArgumentException">A or B is empty or out of range, or they overlap.</exception>
    public static CommittorResult Forward(
        IMarkovChain chain,
        TargetSet avoid,
        TargetSet target,
        FateOptions? options = null,
        IProgress<Progress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(avoid);
        ArgumentNullException.ThrowIfNull(target);
        var problem = new FateProblem(chain, options, typeof(Committor).FullName!);
        long[] a = avoid.Resolve(chain, problem.Structure);
        long[] b = target.Resolve(chain, problem.Structure);
        long overlap = a.Intersect(b).DefaultIfEmpty(-1).First();
        if (overlap >= 0)
        {
            throw new ArgumentException(
                $"The sets A ({avoid.Description}) and B ({target.Description}) overlap at state {overlap}; the committor needs disjoint " +
                "sets.",
                nameof(target));
        }

        int n = problem.BlockCount;
        long offset = problem.Offset;
        bool[] inA = problem.BlockMembership(a);
        bool[] inB = problem.BlockMembership(b);
        bool[] reach = problem.CanReach(inB, inA, cancellationToken);
        var unknown = new bool[n];
        var boundary = new double[n];
        for (int s = 0; s < n; s++)
        {
            unknown[s] = reach[s] && !inB[s];
            boundary[s] = inB[s] ? 1 : 0;
        }

        var (values, solve) = HarmonicSolver.Solve(problem, unknown, [boundary], [0.0], "committor", progress, cancellationToken);
        double[] forward = PromptTree.Widen(problem, values[0]);
        if (offset > 0)
        {
            var fixedShort = new bool[offset];
            foreach (long s in a.Where(s => s < offset))
            {
                fixedShort[s] = true;
            }

            foreach (long s in b.Where(s => s < offset))
            {
                fixedShort[s] = true;
                forward[s] = 1;
            }

            PromptTree.BackwardPass(problem, [forward], fixedShort, [0.0], cancellationToken);
        }

        for (long s = 0; s < forward.LongLength; s++)
        {
            forward[s] = Math.Clamp(forward[s], 0, 1); // rounding can leave an ulp above 1
        }

        return new CommittorResult(avoid.Description, target.Description, forward, solve);
    }
}
