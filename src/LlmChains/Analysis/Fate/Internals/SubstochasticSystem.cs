namespace LlmChains.Analysis.Fate.Internals;

/// <summary>
/// The linear systems (I − M)·x = b_c of a fate quantity on the unknown block states U: M = Q restricted to U × U (CSR,
/// local indices), b_c(u) = constant_c + Σ_{y ∉ U} Q(u, y)·boundary_c(y), and the exit mass e(u) = Σ_{y ∉ U} Q(u, y)
/// (summed directly, never as 1 − a row sum, so the exact method stays subtraction-free).
/// </summary>
internal sealed class SubstochasticSystem
{
    internal SubstochasticSystem(int[] unknowns, long[] rowStarts, int[] columns, double[] values, double[][] rightHandSides, double[] exit)
    {
        Unknowns = unknowns;
        RowStarts = rowStarts;
        Columns = columns;
        Values = values;
        RightHandSides = rightHandSides;
        Exit = exit;
    }

    /// <summary>Block-local state of each unknown.</summary>
    public int[] Unknowns { get; }

    public int Count => Unknowns.Length;

    public long[] RowStarts { get; }

    public int[] Columns { get; }

    public double[] Values { get; }

    public double[][] RightHandSides { get; }

    public double[] Exit { get; }

    /// <summary>Builds the systems for the block states with <paramref name="unknown"/> set.</summary>
    public static SubstochasticSystem Build(
        FateProblem problem,
        bool[] unknown,
        IReadOnlyList<double[]> boundary,
        IReadOnlyList<double> constants,
        CancellationToken cancellationToken)
    {
        var block = problem.Block;
        int n = problem.BlockCount;
        var local = new int[n];
        int m = 0;
        for (int s = 0; s < n; s++)
        {
            local[s] = unknown[s] ? m++ : -1;
        }

        var unknowns = new int[m];
        for (int s = 0; s < n; s++)
        {
            if (local[s] >= 0)
            {
                unknowns[local[s]] = s;
            }
        }

        var columns = new long[Math.Max(1, block.MaxRowNonZeros)];
        var probabilities = new double[columns.Length];
        var rowStarts = new long[m + 1];
        var cols = new List<int>(m * 2);
        var values = new List<double>(m * 2);
        int systems = boundary.Count;
        var rhs = new double[systems][];
        for (int c = 0; c < systems; c++)
        {
            rhs[c] = new double[m];
        }

        var exit = new double[m];
        for (int i = 0; i < m; i++)
        {
            if ((i & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            int count = block.GetRow(unknowns[i], columns, probabilities);
            for (int c = 0; c < systems; c++)
            {
                rhs[c][i] = constants[c];
            }

            for (int e = 0; e < count; e++)
            {
                int y = (int)columns[e];
                double p = probabilities[e];
                if (local[y] >= 0)
                {
                    cols.Add(local[y]);
                    values.Add(p);
                }
                else
                {
                    exit[i] += p;
                    for (int c = 0; c < systems; c++)
                    {
                        rhs[c][i] += p * boundary[c][y];
                    }
                }
            }

            rowStarts[i + 1] = cols.Count;
        }

        return new SubstochasticSystem(unknowns, rowStarts, [.. cols], [.. values], rhs, exit);
    }

    /// <summary>
    /// The system of the unknowns <paramref name="members"/> (local indices, ascending) alone, the others already solved
    /// in <paramref name="solved"/>: b′ = b + M[members, others]·x_others, e′ = e + Σ M[members, others].
    /// </summary>
    public SubstochasticSystem Restrict(int[] members, int[] position, double[][] solved)
    {
        int k = members.Length;
        int systems = RightHandSides.Length;
        var rowStarts = new long[k + 1];
        var cols = new List<int>();
        var values = new List<double>();
        var rhs = new double[systems][];
        for (int c = 0; c < systems; c++)
        {
            rhs[c] = new double[k];
        }

        var exit = new double[k];
        var unknowns = new int[k];
        for (int li = 0; li < k; li++)
        {
            int i = members[li];
            unknowns[li] = Unknowns[i];
            exit[li] = Exit[i];
            for (int c = 0; c < systems; c++)
            {
                rhs[c][li] = RightHandSides[c][i];
            }

            for (long e = RowStarts[i]; e < RowStarts[i + 1]; e++)
            {
                int j = Columns[e];
                int lj = position[j];
                if (lj >= 0 && lj < k && members[lj] == j)
                {
                    cols.Add(lj);
                    values.Add(Values[e]);
                }
                else
                {
                    exit[li] += Values[e];
                    for (int c = 0; c < systems; c++)
                    {
                        rhs[c][li] += Values[e] * solved[c][j];
                    }
                }
            }

            rowStarts[li + 1] = cols.Count;
        }

        return new SubstochasticSystem(unknowns, rowStarts, [.. cols], [.. values], rhs, exit);
    }

    /// <summary>y = M·x (sequential; the Krylov solver uses its parallel job).</summary>
    public void Multiply(ReadOnlySpan<double> x, Span<double> y)
    {
        for (int i = 0; i < Count; i++)
        {
            double sum = 0;
            for (long e = RowStarts[i]; e < RowStarts[i + 1]; e++)
            {
                sum += Values[e] * x[Columns[e]];
            }

            y[i] = sum;
        }
    }

    /// <summary>‖b − (I − M)·x‖_∞.</summary>
    public double Residual(double[] b, double[] x)
    {
        double worst = 0;
        for (int i = 0; i < Count; i++)
        {
            double sum = 0;
            for (long e = RowStarts[i]; e < RowStarts[i + 1]; e++)
            {
                sum += Values[e] * x[Columns[e]];
            }

            double r = Math.Abs(b[i] - x[i] + sum);
            if (!(r <= worst))
            {
                worst = r;
            }
        }

        return worst;
    }
}
