namespace LlmChains.Analysis.Convergence.Internals;

/// <summary>
/// One worker's moves: a single step by inverse CDF, and a coupled step of two copies (a maximal coupling of their
/// move laws). Holds the row buffers; not thread-safe (one per worker).
/// </summary>
internal sealed class SamplingWalker
{
    private readonly SamplingKernel _kernel;
    private readonly long[] _labelsA;
    private readonly double[] _probabilitiesA;
    private readonly long[] _labelsB;
    private readonly double[] _probabilitiesB;

    internal SamplingWalker(SamplingKernel kernel)
    {
        _kernel = kernel.ForWorker();
        int m = _kernel.MaxMoves;
        _labelsA = new long[m];
        _probabilitiesA = new double[m];
        _labelsB = new long[m];
        _probabilitiesB = new double[m];
    }

    internal long StateCount => _kernel.StateCount;

    /// <summary>X_{t+1} from X_t = <paramref name="state"/>: the first move whose cumulative probability exceeds u ~ U[0, 1).</summary>
    internal long Step(long state, ref TrajectoryRandom random)
    {
        int count = _kernel.GetMoves(state, _labelsA, _probabilitiesA);
        double u = random.NextDouble();
        double cumulative = 0;
        int pick = count - 1;
        for (int i = 0; i < count; i++)
        {
            cumulative += _probabilitiesA[i];
            if (u < cumulative)
            {
                pick = i;
                break;
            }
        }

        return _kernel.Next(state, _labelsA[pick]);
    }

    /// <summary>
    /// One step of the pair (x, y), x ≠ y, from one u ~ U[0, 1): with m_a = min(p_a, q_a) and α = Σ m_a, u &lt; α makes both
    /// take the same move a (by inverse CDF of m); otherwise each copy takes its own move by inverse CDF of its residual
    /// p − m (resp. q − m) read from α on. Each copy then moves with exactly its own law (P(X takes a) = m_a + p_a − m_a),
    /// and the copies agree with the largest possible probability α (a maximal coupling of the two move laws).
    /// </summary>
    internal (long X, long Y) CoupledStep(long x, long y, ref TrajectoryRandom random)
    {
        int nx = _kernel.GetMoves(x, _labelsA, _probabilitiesA);
        int ny = _kernel.GetMoves(y, _labelsB, _probabilitiesB);
        var la = _labelsA.AsSpan(0, nx);
        var pa = _probabilitiesA.AsSpan(0, nx);
        var lb = _labelsB.AsSpan(0, ny);
        var pb = _probabilitiesB.AsSpan(0, ny);

        double alpha = 0;
        for (int i = 0, j = 0; i < nx && j < ny;)
        {
            if (la[i] == lb[j])
            {
                alpha += Math.Min(pa[i], pb[j]);
                i++;
                j++;
            }
            else if (la[i] < lb[j])
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        double u = random.NextDouble();
        if (u < alpha)
        {
            long common = CommonMove(la, pa, lb, pb, u);
            return (_kernel.Next(x, common), _kernel.Next(y, common));
        }

        long moveX = ResidualMove(la, pa, lb, pb, u, alpha);
        long moveY = ResidualMove(lb, pb, la, pa, u, alpha);
        if (moveX < 0 || moveY < 0)
        {
            // Rounding left u above the total: the rows are (numerically) identical; move together.
            long common = CommonMove(la, pa, lb, pb, double.PositiveInfinity);
            return (_kernel.Next(x, common), _kernel.Next(y, common));
        }

        return (_kernel.Next(x, moveX), _kernel.Next(y, moveY));
    }

    /// <summary>The first common move whose cumulative min(p, q) exceeds u (the last common one if none).</summary>
    private static long CommonMove(ReadOnlySpan<long> la, ReadOnlySpan<double> pa, ReadOnlySpan<long> lb, ReadOnlySpan<double> pb, double u)
    {
        double cumulative = 0;
        long last = -1;
        for (int i = 0, j = 0; i < la.Length && j < lb.Length;)
        {
            if (la[i] == lb[j])
            {
                cumulative += Math.Min(pa[i], pb[j]);
                last = la[i];
                if (u < cumulative)
                {
                    return last;
                }

                i++;
                j++;
            }
            else if (la[i] < lb[j])
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return last;
    }

    /// <summary>The first own move whose cumulative α + Σ (p − min(p, q)) exceeds u (the last with a positive residual
    /// if none; −1 when there is none).</summary>
    private static long ResidualMove(
        ReadOnlySpan<long> own, ReadOnlySpan<double> p, ReadOnlySpan<long> other, ReadOnlySpan<double> q, double u, double alpha)
    {
        double cumulative = alpha;
        long last = -1;
        int j = 0;
        for (int i = 0; i < own.Length; i++)
        {
            while (j < other.Length && other[j] < own[i])
            {
                j++;
            }

            double residual = j < other.Length && other[j] == own[i] ? Math.Max(0, p[i] - q[j]) : p[i];
            if (residual <= 0)
            {
                continue;
            }

            cumulative += residual;
            last = own[i];
            if (u < cumulative)
            {
                return last;
            }
        }

        return last;
    }
}
