using LlmChains.Chains;
using LlmChains.Chains.Internals;

namespace LlmChains.Tests.Chains;

/// <summary>The order of the rows in a chain's probability table (internal: every reader of the table goes through it).</summary>
public sealed class TableLayoutTests
{
    [Theory]
    [InlineData(1, 4)]
    [InlineData(2, 1)]
    [InlineData(2, 5)]
    [InlineData(3, 4)]
    [InlineData(10, 3)]
    public void RowOfAndStateOf_AreInverseBijections_AndGroupTheSourcesOfASuffix(int t, int k)
    {
        var states = new StateSpace(t, k);
        var layout = states.TableLayout;
        long n = states.StateCount;
        long offset = states.FullLengthOffset;
        long suffixes = states.FullLengthStateCount / t;
        var seen = new bool[n];
        for (long state = 0; state < n; state++)
        {
            long row = layout.RowOf(state);
            row.Should().BeInRange(0, n - 1);
            seen[row].Should().BeFalse("row {0} is taken once", row);
            seen[row] = true;
            layout.StateOf(row).Should().Be(state);
            layout.EntryOf(state).Should().Be(row * t);
            if (state < offset)
            {
                row.Should().Be(state, "states shorter than K keep their index");
            }
        }

        // the sources b·T^{K−1} + s (b = 0..T−1) of the full-length targets with suffix s are consecutive rows
        for (long s = 0; s < suffixes; s++)
        {
            for (int b = 0; b < t; b++)
            {
                layout.RowOf(offset + (b * suffixes) + s).Should().Be(offset + (s * t) + b);
            }
        }
    }

    [Fact]
    public void RowOf_TwoTokensWindowThree_WorkedExample()
    {
        // T = 2, K = 3: the full-length states 000..111 are 6..13; 100 (index 10: first token 1, suffix 00) has row 7,
        // right after 000 (row 6); 011 (index 9: first token 0, suffix 11) has row 6 + 3·2 = 12.
        var layout = new StateSpace(2, 3).TableLayout;
        long[] rows = [.. Enumerable.Range(6, 8).Select(state => layout.RowOf(state))];
        rows.Should().Equal(6, 8, 10, 12, 7, 9, 11, 13);
    }
}
