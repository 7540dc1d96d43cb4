namespace LlmChains.Analysis.LowTemperature.Internals;

/// <summary>
/// What follows from the m×m inter-loop resistances alone: closed classes of the loop graph, potentials (per closed
/// class), radii, the stable set, its radius, coradius and modified coradius.
/// </summary>
internal sealed class LoopGraph
{
    private LoopGraph(
        int[] closedClass,
        int closedClassCount,
        double[] potential,
        double[] radius,
        bool[] stable,
        double coradius,
        double modifiedCoradius,
        double stableSetRadius)
    {
        ClosedClass = closedClass;
        ClosedClassCount = closedClassCount;
        Potential = potential;
        Radius = radius;
        Stable = stable;
        Coradius = coradius;
        ModifiedCoradius = modifiedCoradius;
        StableSetRadius = stableSetRadius;
    }

    /// <summary>Per loop: its closed class, or −1.</summary>
    internal int[] ClosedClass { get; }

    internal int ClosedClassCount { get; }

    internal double[] Potential { get; }

    internal double[] Radius { get; }

    internal bool[] Stable { get; }

    internal double Coradius { get; }

    internal double ModifiedCoradius { get; }

    internal double StableSetRadius { get; }

    internal static LoopGraph Analyze(
        double[,] r, double tieTolerance, int maxDegreeOfParallelism, IProgress<Progress>? progress, CancellationToken cancellationToken)
    {
        int m = r.GetLength(0);

        // R is closed under concatenation (a path may pass through loops), so i and j communicate iff both R are finite.
        var component = new int[m];
        Array.Fill(component, -1);
        int components = 0;
        for (int i = 0; i < m; i++)
        {
            if (component[i] >= 0)
            {
                continue;
            }

            for (int j = i; j < m; j++)
            {
                if (j == i || (r[i, j] < double.PositiveInfinity && r[j, i] < double.PositiveInfinity))
                {
                    component[j] = components;
                }
            }

            components++;
        }

        var isClosed = new bool[components];
        Array.Fill(isClosed, true);
        for (int a = 0; a < m; a++)
        {
            for (int b = 0; b < m; b++)
            {
                if (r[a, b] < double.PositiveInfinity && component[b] != component[a])
                {
                    isClosed[component[a]] = false;
                }
            }
        }

        var classOfComponent = new int[components];
        int classes = 0;
        for (int c = 0; c < components; c++)
        {
            classOfComponent[c] = isClosed[c] ? classes++ : -1;
        }

        var closedClass = new int[m];
        for (int i = 0; i < m; i++)
        {
            closedClass[i] = classOfComponent[component[i]];
        }

        var potential = new double[m];
        Array.Fill(potential, double.PositiveInfinity);
        var classMembers = Enumerable.Range(0, classes)
            .Select(c => Enumerable.Range(0, m).Where(j => closedClass[j] == c).ToArray())
            .ToArray();
        var roots = Enumerable.Range(0, m).Where(j => closedClass[j] >= 0).ToArray();
        long done = 0;
        var throttle = new ProgressThrottle(progress, "potentials", roots.Length);
        Parallel.For(
            0,
            roots.Length,
            new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism, CancellationToken = cancellationToken },
            k =>
        {
            int j = roots[k];
            var members = classMembers[closedClass[j]];
            potential[j] = Arborescence.MinimumInTree(r, members, Array.IndexOf(members, j));
            throttle.Report(Interlocked.Increment(ref done));
        });
        throttle.Finish();

        var radius = new double[m];
        for (int i = 0; i < m; i++)
        {
            radius[i] = double.PositiveInfinity;
            for (int j = 0; j < m; j++)
            {
                if (j != i)
                {
                    radius[i] = Math.Min(radius[i], r[i, j]);
                }
            }
        }

        var stable = new bool[m];
        foreach (var members in classMembers)
        {
            double best = members.Min(j => potential[j]);
            double tolerance = tieTolerance * Math.Max(1, Math.Abs(best));
            foreach (int j in members)
            {
                stable[j] = potential[j] <= best + tolerance;
            }
        }

        // Coradius: max over unstable loops of the least resistance to the stable set.
        double coradius = 0;
        double stableSetRadius = double.PositiveInfinity;
        for (int i = 0; i < m; i++)
        {
            double toStable = double.PositiveInfinity;
            for (int j = 0; j < m; j++)
            {
                if (stable[j] && !stable[i])
                {
                    toStable = Math.Min(toStable, r[i, j]);
                }

                if (stable[i] && !stable[j])
                {
                    stableSetRadius = Math.Min(stableSetRadius, r[i, j]);
                }
            }

            if (!stable[i])
            {
                coradius = Math.Max(coradius, toStable);
            }
        }

        double modified = ComputeModifiedCoradius(r, radius, stable);
        return new LoopGraph(closedClass, classes, potential, radius, stable, coradius, modified, stableSetRadius);
    }

    /// <summary>
    /// CR*(Ω) = max_{i∉Ω} min over loop sequences i = l_1, …, l_r ∈ Ω of Σ_k R(l_k → l_{k+1}) − Σ_{k=2}^{r−1} ρ(l_k).
    /// With the edge weight w(a → b) = R(a → b) − ρ(a) ≥ 0 (a ∉ Ω; ρ(a) is the least R out of a) the sum is
    /// Σ w + ρ(l_1), so a dense Dijkstra search backwards from Ω gives every CR*(i).
    /// </summary>
    private static double ComputeModifiedCoradius(double[,] r, double[] radius, bool[] stable)
    {
        int m = radius.Length;
        var distance = new double[m];
        var done = new bool[m];
        for (int i = 0; i < m; i++)
        {
            distance[i] = stable[i] ? 0 : double.PositiveInfinity;
        }

        for (int step = 0; step < m; step++)
        {
            int best = -1;
            for (int i = 0; i < m; i++)
            {
                if (!done[i] && (best < 0 || distance[i] < distance[best]))
                {
                    best = i;
                }
            }

            if (best < 0 || double.IsPositiveInfinity(distance[best]))
            {
                break;
            }

            done[best] = true;
            for (int a = 0; a < m; a++)
            {
                if (done[a] || stable[a] || double.IsPositiveInfinity(r[a, best]))
                {
                    continue;
                }

                double candidate = Math.Max(0, r[a, best] - radius[a]) + distance[best];
                distance[a] = Math.Min(distance[a], candidate);
            }
        }

        double result = 0;
        for (int i = 0; i < m; i++)
        {
            if (!stable[i])
            {
                result = Math.Max(result, distance[i] + radius[i]);
            }
        }

        return result;
    }
}
