using MathNet.Numerics.LinearAlgebra;

namespace LlmChains.Benchmarks.Baselines;

/// <summary>
/// The same system as <see cref="NaiveLuStationary"/> ((I − P)ᵀ with its last row replaced by ones, right-hand side
/// e_{n−1}) solved by MathNet.Numerics' dense LU (its managed provider, column-major, partial pivoting).
/// </summary>
internal static class MathNetLuStationary
{
    /// <summary>π of <paramref name="p"/> (n × n, rows summing to 1, one recurrent class).</summary>
    /// <param name="p">The transition matrix.</param>
    /// <returns>π, of length n.</returns>
    public static double[] Solve(double[,] p)
    {
        int n = p.GetLength(0);
        var a = Matrix<double>.Build.Dense(n, n, (i, j) => (i == n - 1 ? 1.0 : (i == j ? 1.0 : 0.0) - p[j, i]));
        var b = Vector<double>.Build.Dense(n);
        b[n - 1] = 1.0;
        return a.LU().Solve(b).AsArray() ?? throw new InvalidOperationException("MathNet returned a vector without a backing array.");
    }
}
