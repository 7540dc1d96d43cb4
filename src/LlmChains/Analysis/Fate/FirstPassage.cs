using LlmChains.Analysis.Fate.Internals;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using MathNet.Numerics.LinearAlgebra.Double;

namespace LlmChains.Analysis.Fate;

/// <summary>
/// Mean first-passage times and Kemeny's constant of the recurrent class of a unichain (an irreducible chain, or one
/// recurrent class plus transient states; any period). Dense: Z = (I − P + 𝟙π)^{-1} on the class (P its block, π by
/// GTH), m(i, j) = (Z_jj − Z_ij)/π_j, K = trace(Z) − 1 (Kemeny and Snell 1960, Thm. 4.4.7).
/// </summary>
/// <remarks>
/// Limited to <see cref="FateOptions.MeanFirstPassageMaxStates"/> states (n² doubles, O(n³)); for larger chains,
/// first-passage times to one target come from <see cref="Hitting"/>. From a transient start i the times to recurrent
/// targets are finite too, but f(i) = Σ_j π_j·m(i, j) satisfies f = 1 + P·f there (it is harmonic only on the
/// recurrent class), so f(i) = K + E_i[steps until the recurrent class is entered] (<see cref="Absorption"/>).
/// </remarks>
public static class FirstPassage
{
    /// <summary>The dense mean first-passage matrix of the recurrent class, with π and Kemeny's constant.</summary>
    /// <param name="chain">A chain with exactly one recurrent class.</param>
    /// <param name="options">Options (null for the defaults): the size limit and a precomputed structure.</param>
    /// <param name="cancellationToken">Cancels the computation.</param>
    /// <returns>The matrix over the class's states.</returns>
    /// <exception cref="ArgumentException">The chain has several recurrent classes, or the class is larger than the limit.</exception>
    public static MeanFirstPassageResult MeanTimes(
        IMarkovChain chain, FateOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chain);
        options ??= FateOptions.Default;
        options.Validate();
        var structure = ChainStructure.GivenOrAnalyze(options.Structure, chain, "FateOptions.Structure", cancellationToken);
        var classes = structure.RecurrentClasses;
        if (classes.Count != 1)
        {
            throw new ArgumentException(
                $"Mean first-passage times and Kemeny's constant need a chain with one recurrent class; this chain has {classes.Count} " +
                "(states " +
                $"{string.Join("; ", classes.Take(4).Select(c => $"{c.Size} from {c.FirstState}"))}" +
                $"{(classes.Count > 4 ? "; …" : string.Empty)}), so a passage between two of them never happens. Use Absorption " +
                "for where each start ends up.",
                nameof(chain));
        }

        var cls = classes[0];
        if (cls.Size > options.MeanFirstPassageMaxStates)
        {
            throw new ArgumentException(
                $"The recurrent class has {cls.Size} states; the dense mean first-passage matrix is limited to " +
                $"FateOptions.MeanFirstPassageMaxStates = {options.MeanFirstPassageMaxStates} " +
                $"({StateReduction.BytesFor(cls.Size) * 2:N0} bytes would be needed). Use Hitting for the times to one target.",
                nameof(chain));
        }

        long[] states = structure.GetStates(cls.Id);
        int n = states.Length;
        var index = new Dictionary<long, int>(n);
        for (int i = 0; i < n; i++)
        {
            index[states[i]] = i;
        }

        var p = new double[n, n];
        var columns = new long[Math.Max(1, chain.MaxRowNonZeros)];
        var probabilities = new double[columns.Length];
        for (int i = 0; i < n; i++)
        {
            int count = chain.GetRow(states[i], columns, probabilities);
            for (int e = 0; e < count; e++)
            {
                p[i, index[columns[e]]] += probabilities[e];
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        double[] pi = StationaryDistribution.Gth(p);
        var a = DenseMatrix.Create(n, n, 0);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                a[i, j] = (i == j ? 1 : 0) - p[i, j] + pi[j];
            }
        }

        var z = a.Inverse();
        cancellationToken.ThrowIfCancellationRequested();
        var times = new double[(long)n * n];
        double trace = 0;
        for (int j = 0; j < n; j++)
        {
            double zjj = z[j, j];
            trace += zjj;
            for (int i = 0; i < n; i++)
            {
                times[((long)i * n) + j] = i == j ? 0 : (zjj - z[i, j]) / pi[j];
            }
        }

        return new MeanFirstPassageResult(states, pi, times, trace - 1);
    }

    /// <summary>Kemeny's constant of the recurrent class of a unichain (see <see cref="MeanTimes"/>).</summary>
    /// <param name="chain">A chain with exactly one recurrent class.</param>
    /// <param name="options">Options (null for the defaults).</param>
    /// <param name="cancellationToken">Cancels the computation.</param>
    /// <returns>K = trace(Z) − 1.</returns>
    public static double KemenyConstant(IMarkovChain chain, FateOptions? options = null, CancellationToken cancellationToken = default) =>
        MeanTimes(chain, options, cancellationToken).KemenyConstant;
}
