using System.Globalization;
using LlmChains.Analysis.Spectral.Internals;
using LlmChains.Chains;
using LlmChains.Internals.Numerics;

namespace LlmChains.Analysis.Spectral;

public static partial class StationaryDistribution
{
    /// <summary>The largest accepted |row sum − 1| of a matrix given to <see cref="Gth(double[,])"/>.</summary>
    private const double DenseRowSumTolerance = 1e-10;

    /// <summary>
    /// The stationary distribution π (π·P = π, Σπ = 1) of a dense row-stochastic matrix by the Grassmann–Taksar–Heyman
    /// algorithm: Gaussian elimination on I − P in which every pivot is the sum of the off-diagonal entries of its row
    /// rather than 1 − P[k, k], so the computation adds, multiplies and divides non-negative numbers only. Each
    /// component of π has small relative error whatever the conditioning (O'Cinneide 1993); for
    /// P = [[1 − a, a], [a/2, 1 − a/2]] it returns [1/3, 2/3] to the last bit for any a down to 1e−300, where LU and
    /// eigen-solvers fail from a ≈ 1e−12.
    /// </summary>
    /// <remarks>
    /// O(n³) time and n² memory (the matrix is copied). The diagonal is never read. A matrix with transient states and
    /// one recurrent class is solved on that class (π is 0 on the transient states).
    /// </remarks>
    /// <param name="transitionMatrix">Square, n ≥ 1, entries finite and ≥ 0, every row summing to 1 within 1e−10.</param>
    /// <returns>π, of length n.</returns>
    /// <exception cref="ArgumentException">
    /// The matrix is empty or not square, has a negative or non-finite entry or a row not summing to 1 (the message
    /// names the row, column and value), or has several recurrent classes (π is not unique; use
    /// <see cref="ComputeAll"/> on <see cref="SparseMarkovChain.FromDense"/>).
    /// </exception>
    public static double[] Gth(double[,] transitionMatrix)
    {
        ArgumentNullException.ThrowIfNull(transitionMatrix);
        int n = transitionMatrix.GetLength(0);
        if (n == 0 || transitionMatrix.GetLength(1) != n)
        {
            throw new ArgumentException(
                $"The matrix is {n}×{transitionMatrix.GetLength(1)}; it must be square with at least one row.", nameof(transitionMatrix));
        }

        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int j = 0; j < n; j++)
            {
                double p = transitionMatrix[i, j];
                if (!(p >= 0) || double.IsInfinity(p))
                {
                    throw new ArgumentException(
                        string.Create(CultureInfo.InvariantCulture, $"transitionMatrix[{i}, {j}] = {p}; entries must be finite and ≥ 0."),
                        nameof(transitionMatrix));
                }

                sum += p;
            }

            if (!(Math.Abs(sum - 1) <= DenseRowSumTolerance))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Row {i} of transitionMatrix sums to {sum:R}, not 1 (tolerance ") +
                    string.Create(CultureInfo.InvariantCulture, $"{DenseRowSumTolerance:E0}); the matrix is not row-stochastic."),
                    nameof(transitionMatrix));
            }
        }

        var chain = SparseMarkovChain.FromDense(transitionMatrix, DenseRowSumTolerance);
        var structure = ChainStructure.Analyze(chain);
        if (structure.RecurrentClasses.Count != 1)
        {
            throw new ArgumentException(DescribeNotUnique(structure.RecurrentClasses), nameof(transitionMatrix));
        }

        CommunicatingClass recurrent = structure.RecurrentClasses[0];
        long[] states = structure.GetStates(recurrent.Id);
        int size = states.Length;
        var a = new double[(long)size * size];
        for (int r = 0; r < size; r++)
        {
            for (int c = 0; c < size; c++)
            {
                a[((long)r * size) + c] = transitionMatrix[states[r], states[c]];
            }
        }

        var local = new double[size];
        int failed = GthKernel.Solve(a, size, local, CancellationToken.None);
        if (failed >= 0)
        {
            throw new ArgumentException(
                $"GTH met a zero pivot at state {states[failed]}: its censored probability of moving on underflowed to 0.",
                nameof(transitionMatrix));
        }

        var pi = new double[n];
        for (int r = 0; r < size; r++)
        {
            pi[states[r]] = local[r];
        }

        return pi;
    }

    /// <summary>GTH on the class's dense matrix; returns −1 on success or the step with a zero pivot.</summary>
    private static int SolveGth(StationaryClassProblem problem, double[] pi, CancellationToken cancellationToken)
    {
        int n = problem.Size;
        IMarkovChain op = problem.Operator;
        var a = new double[(long)n * n];
        var columns = new long[op.MaxRowNonZeros];
        var probabilities = new double[op.MaxRowNonZeros];
        for (int i = 0; i < n; i++)
        {
            int count = op.GetRow(i, columns, probabilities);
            long row = (long)i * n;
            for (int q = 0; q < count; q++)
            {
                a[row + columns[q]] = probabilities[q];
            }
        }

        return GthKernel.Solve(a, n, pi, cancellationToken);
    }
}
