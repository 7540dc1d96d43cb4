using System.Globalization;
using LlmChains.Chains;
using LlmChains.Tests.Support;

namespace LlmChains.Tests.Chains;

public sealed class StateSpaceTests
{
    public static TheoryData<int, int> SmallSpaces => new()
    {
        { 1, 1 }, { 1, 4 }, { 2, 1 }, { 2, 2 }, { 2, 3 }, { 2, 5 }, { 3, 1 }, { 3, 2 }, { 3, 3 }, { 4, 3 }, { 5, 2 }, { 7, 1 },
    };

    [Theory]
    [MemberData(nameof(SmallSpaces))]
    public void Unrank_EveryIndex_EnumerationOrderByLengthThenLexicographic(int t, int k)
    {
        var space = new StateSpace(t, k);
        var reference = new ReferenceStates(t, k);
        space.StateCount.Should().Be(reference.Count);
        for (int i = 0; i < reference.Count; i++)
        {
            space.Unrank(i).Should().Equal(reference.Sequences[i]);
            space.GetLength(i).Should().Be(reference.Sequences[i].Length);
            space.Rank(reference.Sequences[i]).Should().Be(i);
        }
    }

    [Theory]
    [MemberData(nameof(SmallSpaces))]
    public void Successor_EveryStateAndToken_EqualsLiteralRule(int t, int k)
    {
        var space = new StateSpace(t, k);
        var reference = new ReferenceStates(t, k);
        for (int i = 0; i < reference.Count; i++)
        {
            for (int x = 0; x < t; x++)
            {
                long j = space.Successor(i, x);
                ReferenceStates.IsSuccessor(reference.Sequences[i], reference.Sequences[(int)j], k).Should().BeTrue();
                reference.Sequences[(int)j][^1].Should().Be(x);
                j.Should().Be(reference.Next(i, x));
            }
        }
    }

    [Theory]
    [MemberData(nameof(SmallSpaces))]
    public void Predecessors_EveryState_ExactlyTheStatesWithAnEdgeIn(int t, int k)
    {
        var space = new StateSpace(t, k);
        var reference = new ReferenceStates(t, k);
        var buffer = new long[t + 1];
        for (int j = 0; j < reference.Count; j++)
        {
            // brute force over all (state, token) pairs
            var expected = new SortedSet<long>();
            for (int i = 0; i < reference.Count; i++)
            {
                for (int x = 0; x < t; x++)
                {
                    if (space.Successor(i, x) == j)
                    {
                        expected.Add(i);
                    }
                }

                if (ReferenceStates.IsSuccessor(reference.Sequences[i], reference.Sequences[j], k))
                {
                    expected.Should().Contain(i);
                }
            }

            int count = space.Predecessors(j, buffer);
            buffer[..count].Should().OnlyHaveUniqueItems();
            buffer[..count].Order().Should().Equal(expected, "predecessors of state {0}", j);
        }
    }

    [Fact]
    public void Unrank_TwoThree_PaperOrder()
    {
        // O-2: 0, 1, 00, 01, 10, 11, 000, 001, …, 111
        var space = new StateSpace(2, 3);
        string[] expected = ["0", "1", "00", "01", "10", "11", "000", "001", "010", "011", "100", "101", "110", "111"];
        Enumerable.Range(0, 14).Select(i => space.Format(i)).Should().Equal(expected);
        Enumerable.Range(0, 14).Select(i => string.Concat(space.Unrank(i))).Should().Equal(expected);
    }

    [Fact]
    public void Successor_TwoThree_PaperExamples()
    {
        // O-2: successors of "01" (3) and of "101" (11) are "010" (8) and "011" (9)
        var space = new StateSpace(2, 3);
        space.Rank([0, 1]).Should().Be(3);
        space.Rank([1, 0, 1]).Should().Be(11);
        space.Successor(3, 0).Should().Be(8);
        space.Successor(3, 1).Should().Be(9);
        space.Successor(11, 0).Should().Be(8);
        space.Successor(11, 1).Should().Be(9);
        var buffer = new long[3];
        int count = space.Predecessors(8, buffer);
        buffer[..count].Order().Should().Equal(3L, 7L, 11L); // "01", "001", "101"
    }

    [Theory]
    [InlineData(2, 1, 2, 4)]
    [InlineData(2, 2, 6, 12)]
    [InlineData(2, 3, 14, 28)]
    [InlineData(3, 2, 12, 36)]
    [InlineData(3, 3, 39, 117)]
    [InlineData(10, 3, 1110, 11100)]
    public void Counts_OracleO1Table(int t, int k, long states, long nonZeros)
    {
        var space = new StateSpace(t, k);
        space.StateCount.Should().Be(states);
        space.StoredTransitionCount.Should().Be(nonZeros);
        space.FullLengthStateCount.Should().Be((long)Math.Pow(t, k));
        space.TransientStateCount.Should().Be(states - (long)Math.Pow(t, k));
        space.FullLengthOffset.Should().Be(space.TransientStateCount);
        space.Offset(k + 1).Should().Be(states);
        space.Offset(1).Should().Be(0);
        space.VocabularySize.Should().Be(t);
        space.ContextWindow.Should().Be(k);
    }

    [Theory]
    [MemberData(nameof(SmallSpaces))]
    public void Offset_EveryLength_FirstIndexOfThatLength(int t, int k)
    {
        var space = new StateSpace(t, k);
        var reference = new ReferenceStates(t, k);
        for (int length = 1; length <= k; length++)
        {
            space.Offset(length).Should().Be(reference.Sequences.Select((s, i) => (s, i)).First(p => p.s.Length == length).i);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Constructor_NonPositiveVocabulary_Throws(int t)
    {
        var act = () => new StateSpace(t, 3);
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("vocabularySize");
        var describe = () => StateSpace.Describe(t, 3);
        describe.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Constructor_NonPositiveContext_Throws(int k)
    {
        var act = () => new StateSpace(2, k);
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("contextWindow");
        var describe = () => StateSpace.Describe(2, k);
        describe.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Constructor_Gpt3Scale_ThrowsMentioningSize()
    {
        // log10 |V_K^*| = log10(T(T^K − 1)/(T − 1)) ≈ (K + 1) log10 T − log10(T − 1)
        double log10States = (2049 * Math.Log10(50257)) - Math.Log10(50256);
        var act = () => new StateSpace(50257, 2048);
        act.Should().Throw<ArgumentOutOfRangeException>().Which.Message
            .Should().Contain(log10States.ToString("F2", CultureInfo.InvariantCulture)).And.Contain("50257").And.Contain("2048");
    }

    [Fact]
    public void Constructor_LargestFittingSpace_Works()
    {
        // 2^62 − 2 fits, 2^63 − 2 fits too (< 2^63 − 1); 2^64 − 2 does not
        new StateSpace(2, 61).StateCount.Should().Be((1L << 62) - 2);
        new StateSpace(2, 62).StateCount.Should().Be(long.MaxValue - 1);
        var act = () => new StateSpace(2, 63);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(2, 3)]
    [InlineData(3, 2)]
    [InlineData(3, 3)]
    [InlineData(10, 3)]
    [InlineData(7, 5)]
    public void Describe_SmallSpaces_ExactCountsAndDensity(int t, int k)
    {
        var size = StateSpace.Describe(t, k);
        long states = ReferenceStates.CountBySum(t, k);
        size.VocabularySize.Should().Be(t);
        size.ContextWindow.Should().Be(k);
        size.StateCount.Should().Be(states);
        size.StoredTransitionCount.Should().Be(states * t);
        size.Log10StateCount.Should().BeApproximately(Math.Log10(states), 1e-12);
        size.Log10StoredTransitionCount.Should().BeApproximately(Math.Log10(states * t), 1e-12);
        double density = (t - 1.0) / (Math.Pow(t, k) - 1);
        size.Density.Should().BeApproximately(density, 1e-12 * density);
        size.Log10Density.Should().BeApproximately(Math.Log10(density), 1e-12);
    }

    [Fact]
    public void Describe_TOne_KStatesDensityOneOverK()
    {
        var size = StateSpace.Describe(1, 8);
        size.StateCount.Should().Be(8);
        size.StoredTransitionCount.Should().Be(8);
        size.Density.Should().BeApproximately(1.0 / 8, 1e-15);
    }

    [Fact]
    public void Describe_Gpt3_Log10NonZeros9632Point75AndNullCounts()
    {
        // O-3: T^{K+1} ≈ 10^9632.75 for T = 50257, K = 2048
        var size = StateSpace.Describe(50257, 2048);
        size.StateCount.Should().BeNull();
        size.StoredTransitionCount.Should().BeNull();
        size.Log10StoredTransitionCount.Should().BeApproximately(9632.75, 0.01);
        double exact = (2050 * Math.Log10(50257)) - Math.Log10(50256); // log10 T²T^K/(T − 1)
        size.Log10StoredTransitionCount.Should().BeApproximately(exact, 1e-9);
        (size.Log10StoredTransitionCount - size.Log10StateCount).Should().BeApproximately(Math.Log10(50257), 1e-9);
        size.Density.Should().Be(0); // 10^−9628 underflows
        size.Log10Density.Should().BeApproximately(-(2047 * Math.Log10(50257)) - Math.Log10(50257.0 / 50256), 1e-9);
    }

    [Fact]
    public void Describe_Llama3_Log10TPowerK41838Point3()
    {
        // O-3: T = 128000, K = 8192: log10 T^K = 41838.3; |V_K^*| = T^K · T/(T − 1)·(1 − T^−K) is T^K to 1e-5
        var size = StateSpace.Describe(128000, 8192);
        size.StateCount.Should().BeNull();
        size.Log10StateCount.Should().BeApproximately(41838.3, 0.05);
        size.Log10StateCount.Should().BeApproximately((8192 * Math.Log10(128000)) + Math.Log10(128000.0 / 127999), 1e-8);
        (size.Log10StoredTransitionCount - size.Log10StateCount).Should().BeApproximately(Math.Log10(128000), 1e-8);
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(14L)]
    [InlineData(long.MaxValue)]
    public void StateIndexOutOfRange_Throws(long index)
    {
        var space = new StateSpace(2, 3);
        space.Invoking(s => s.Unrank(index)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("index");
        space.Invoking(s => s.Unrank(index, new int[3])).Should().Throw<ArgumentOutOfRangeException>();
        space.Invoking(s => s.GetLength(index)).Should().Throw<ArgumentOutOfRangeException>();
        space.Invoking(s => s.Successor(index, 0)).Should().Throw<ArgumentOutOfRangeException>();
        space.Invoking(s => s.Predecessors(index, new long[3])).Should().Throw<ArgumentOutOfRangeException>();
        space.Invoking(s => s.Format(index)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Successor_TokenOutOfRange_Throws()
    {
        var space = new StateSpace(2, 3);
        space.Invoking(s => s.Successor(0, 2)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("token");
        space.Invoking(s => s.Successor(0, -1)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("token");
    }

    [Fact]
    public void Rank_BadContext_Throws()
    {
        var space = new StateSpace(2, 3);
        space.Invoking(s => s.Rank([])).Should().Throw<ArgumentException>();
        space.Invoking(s => s.Rank([0, 0, 0, 0])).Should().Throw<ArgumentException>();
        space.Invoking(s => s.Rank([0, 2])).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Unrank_DestinationTooShort_Throws()
    {
        var space = new StateSpace(2, 3);
        space.Unrank(13, new int[3]).Should().Be(3);
        space.Invoking(s => s.Unrank(13, new int[2])).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Predecessors_DestinationTooShort_Throws()
    {
        var space = new StateSpace(3, 2);
        space.Invoking(s => s.Predecessors(5, new long[3])).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Offset_OutOfRange_Throws()
    {
        var space = new StateSpace(2, 3);
        space.Invoking(s => s.Offset(0)).Should().Throw<ArgumentOutOfRangeException>();
        space.Invoking(s => s.Offset(5)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Format_LargeVocabulary_CommaSeparated()
    {
        var space = new StateSpace(12, 2);
        space.Format(space.Rank([11, 3])).Should().Be("11,3");
        space.Format(space.Rank([11, 3]), "-").Should().Be("11-3");
        new StateSpace(3, 2).Format(7).Should().Be(string.Concat(new ReferenceStates(3, 2).Sequences[7]));
    }

    [Fact]
    public void UnrankRank_LargeSpace_RoundTrips()
    {
        // T = 50, K = 10: 9.98e16 states; sequences round-trip and their ranks are ordered by length, then lexicographically
        var space = new StateSpace(50, 10);
        var random = new Random(17);
        for (int trial = 0; trial < 500; trial++)
        {
            int length = random.Next(1, 11);
            var tokens = Enumerable.Range(0, length).Select(_ => random.Next(50)).ToArray();
            long index = space.Rank(tokens);
            space.Unrank(index).Should().Equal(tokens);
            long code = 0;
            foreach (int x in tokens)
            {
                code = (code * 50) + x;
            }

            long offset = 0;
            for (int l = 1; l < length; l++)
            {
                offset += (long)Math.Pow(50, l);
            }

            index.Should().Be(offset + code);
        }

        space.Unrank(space.StateCount - 1).Should().Equal(Enumerable.Repeat(49, 10));
    }
}
