using LlmChains.Analysis.Convergence;
using LlmChains.Chains;

namespace LlmChains.Benchmarks.Baselines;

/// <summary>
/// The worst-case curve d(t) = max_x TV(Q^t(x, ·), π) the plain way: n separate loops of <see cref="IMarkovChain.Step"/>
/// from the one-hot starts, the total variation taken after every step (what <c>TotalVariation.WorstCaseDistances</c>
/// does with 16 starts per pass over the rows). The baseline of <see cref="WorstCaseVsStepLoopsBenchmarks"/>.
/// </summary>
internal static class StepLoopWorstCase
{
    /// <summary>d(0..steps) of <paramref name="chain"/> against <paramref name="stationary"/>.</summary>
    /// <param name="chain">The chain (n states, n small enough for n·steps steps).</param>
    /// <param name="stationary">π.</param>
    /// <param name="steps">The horizon.</param>
    /// <returns>d(t) for t = 0..steps.</returns>
    public static double[] Distances(IMarkovChain chain, double[] stationary, int steps)
    {
        int n = checked((int)chain.StateCount);
        var worst = new double[steps + 1];
        var x = new double[n];
        var y = new double[n];
        for (int start = 0; start < n; start++)
        {
            Array.Clear(x);
            x[start] = 1;
            worst[0] = Math.Max(worst[0], TotalVariation(x, stationary));
            for (int t = 1; t <= steps; t++)
            {
                chain.Step(x, y);
                (x, y) = (y, x);
                worst[t] = Math.Max(worst[t], TotalVariation(x, stationary));
            }
        }

        return worst;
    }

    private static double TotalVariation(double[] p, double[] q)
    {
        double sum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            sum += Math.Abs(p[i] - q[i]);
        }

        return sum / 2;
    }
}
