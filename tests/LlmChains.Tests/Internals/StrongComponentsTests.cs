using LlmChains.Internals.Graphs;

namespace LlmChains.Tests.Internals;

/// <summary>The shared Tarjan search against reachability computed by brute force (Floyd–Warshall closure).</summary>
public sealed class StrongComponentsTests
{
    [Theory]
    [InlineData(1, 0.0, 1)]
    [InlineData(1, 1.0, 2)]
    [InlineData(6, 0.3, 3)]
    [InlineData(30, 0.05, 4)]
    [InlineData(30, 0.1, 5)]
    [InlineData(60, 0.02, 6)]
    [InlineData(60, 0.3, 7)]
    public void Find_RandomGraph_ComponentsAreMutualReachabilityInReverseTopologicalOrder(int n, double density, int seed)
    {
        var random = new Random(seed);
        var reach = new bool[n, n];
        var rowStarts = new long[n + 1];
        var columns = new List<int>();
        for (int u = 0; u < n; u++)
        {
            reach[u, u] = true;
            for (int v = 0; v < n; v++)
            {
                if (random.NextDouble() < density)
                {
                    columns.Add(v);
                    reach[u, v] = true;
                }
            }

            rowStarts[u + 1] = columns.Count;
        }

        for (int w = 0; w < n; w++)
        {
            for (int u = 0; u < n; u++)
            {
                for (int v = 0; v < n; v++)
                {
                    reach[u, v] |= reach[u, w] && reach[w, v];
                }
            }
        }

        int[] order = StrongComponents.Find(n, rowStarts, [.. columns], out int[] starts, CancellationToken.None);

        order.Should().BeEquivalentTo(Enumerable.Range(0, n), "every node is listed once");
        starts[0].Should().Be(0);
        starts[^1].Should().Be(n);
        var component = new int[n];
        for (int c = 0; c + 1 < starts.Length; c++)
        {
            starts[c + 1].Should().BeGreaterThan(starts[c], "no component is empty");
            for (int p = starts[c]; p < starts[c + 1]; p++)
            {
                component[order[p]] = c;
            }
        }

        for (int u = 0; u < n; u++)
        {
            for (int v = 0; v < n; v++)
            {
                bool same = reach[u, v] && reach[v, u];
                (component[u] == component[v]).Should().Be(same, $"{u} and {v} share a component iff each reaches the other");
                if (reach[u, v] && !same)
                {
                    component[v].Should().BeLessThan(component[u], $"{v}, reached from {u}, completes first");
                }
            }
        }
    }

    [Fact]
    public void Find_LongPath_DoesNotRecurse()
    {
        // 200,000 nodes in one chain 0 → 1 → … : a recursive search would overflow the stack.
        const int n = 200_000;
        var rowStarts = new long[n + 1];
        var columns = new int[n - 1];
        for (int u = 0; u < n - 1; u++)
        {
            columns[u] = u + 1;
            rowStarts[u + 1] = u + 1;
        }

        rowStarts[n] = n - 1;
        int[] order = StrongComponents.Find(n, rowStarts, columns, out int[] starts, CancellationToken.None);

        starts.Should().HaveCount(n + 1);
        order[0].Should().Be(n - 1, "the sink completes first");
        order[^1].Should().Be(0);
    }
}
