using FsCheck.Xunit;
using LlmChains.Chains;
using MathNet.Numerics.LinearAlgebra.Double;
using MathNet.Numerics.LinearAlgebra.Storage;

namespace LlmChains.Tests.Chains;

public sealed class SparseMarkovChainTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    [InlineData(17, 4)]
    [InlineData(100, 5)]
    [InlineData(257, 6)]
    public void Step_RandomDenseChain_MatchesDenseProduct(int n, int seed)
    {
        double[,] q = RandomChains.Dense(n, seed, zeroFraction: 0.6);
        var chain = SparseMarkovChain.FromDense(q);
        var random = new Random(seed + 1000);
        var x = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = random.NextDouble() - 0.25; // any row vector, not only distributions
        }

        var next = new double[n];
        chain.Step(x, next);

        // independent dense x·Q: next[j] = Σ_i x[i]·Q[i, j]
        var expected = new double[n];
        for (int j = 0; j < n; j++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                sum += x[i] * q[i, j];
            }

            expected[j] = sum;
        }

        for (int j = 0; j < n; j++)
        {
            next[j].Should().BeApproximately(expected[j], 1e-14, "column {0}", j);
        }
    }

    [Fact]
    public void Step_LargeSparseChainOnParallelPath_MatchesRowOrderedReferenceBitwiseAndRepeats()
    {
        const int n = 40_000; // ≥ the parallel threshold
        n.Should().BeGreaterThanOrEqualTo(SparseMarkovChain.ParallelThreshold);
        var entries = RandomChains.SparseTriplets(n, maxPerRow: 7, seed: 42);
        var chain = SparseMarkovChain.FromTriplets(n, entries);
        var random = new Random(7);
        var x = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = random.NextDouble();
        }

        var first = new double[n];
        var second = new double[n];
        chain.Step(x, first);
        chain.Step(x, second);

        // push-form reference over the entries in ascending row order: each column accumulates
        // x[i]·Q(i, j) in ascending i, the order the documented pull kernel uses, so bits must agree
        var expected = new double[n];
        foreach (var (row, column, value) in entries)
        {
            expected[column] += x[row] * value;
        }

        Bits(first).Should().Equal(Bits(expected));
        Bits(second).Should().Equal(Bits(first));
        first.Sum().Should().BeApproximately(x.Sum(), 1e-9);
    }

    [Fact]
    public void Step_SequentialPath_DoesNotAllocate()
    {
        var chain = SparseMarkovChain.FromDense(RandomChains.Dense(50, seed: 3, zeroFraction: 0.5));
        var x = new double[50];
        x[0] = 1;
        var next = new double[50];
        chain.Step(x, next); // builds the transposed copy once

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 10; k++)
        {
            chain.Step(x, next);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        allocated.Should().Be(0);
        next.Sum().Should().BeApproximately(1.0, 1e-14);
    }

    [Fact]
    public void Step_PointMassOnTwoStateChain_GivesRowOfQ()
    {
        var chain = SparseMarkovChain.FromDense(new[,] { { 0.9, 0.1 }, { 0.4, 0.6 } });
        var next = new double[2];
        chain.Step([0.0, 1.0], next);
        next.Should().Equal(0.4, 0.6);
        chain.Step([0.5, 0.5], next);
        next.Should().Equal(0.5 * 0.9 + 0.5 * 0.4, 0.5 * 0.1 + 0.5 * 0.6);
    }

    [Fact]
    public void Step_WrongLength_ThrowsNamingParameter()
    {
        var chain = SparseMarkovChain.FromDense(new[,] { { 1.0, 0.0 }, { 0.0, 1.0 } });
        var act = () => chain.Step(new double[3], new double[2]);
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("distribution");
        var act2 = () => chain.Step(new double[2], new double[1]);
        act2.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("next");
    }

    [Fact]
    public void Step_OverlappingSpans_Throws()
    {
        var chain = SparseMarkovChain.FromDense(new[,] { { 1.0, 0.0 }, { 0.0, 1.0 } });
        var buffer = new double[3];
        var act = () => chain.Step(buffer.AsSpan(0, 2), buffer.AsSpan(1, 2));
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("next");
    }

    [Property(MaxTest = 60)]
    public bool Step_AnyRandomChain_PreservesMassAndRowsSumToOne(int seed, byte size)
    {
        int n = 1 + (size % 40);
        var chain = SparseMarkovChain.FromTriplets(n, RandomChains.SparseTriplets(n, maxPerRow: 5, seed));
        var columns = new long[chain.MaxRowNonZeros];
        var probabilities = new double[chain.MaxRowNonZeros];
        for (int i = 0; i < n; i++)
        {
            int count = chain.GetRow(i, columns, probabilities);
            if (count == 0 || Math.Abs(probabilities.AsSpan(0, count).ToArray().Sum() - 1) > 1e-12)
            {
                return false;
            }
        }

        var x = Enumerable.Repeat(1.0 / n, n).ToArray();
        var next = new double[n];
        chain.Step(x, next);
        return next.All(v => v >= 0) && Math.Abs(next.Sum() - 1) <= 1e-12;
    }

    [Fact]
    public void FromTriplets_DuplicatesAndExplicitZeros_SumsDuplicatesAndDropsZeros()
    {
        var chain = SparseMarkovChain.FromTriplets(3,
        [
            (0, 1, 0.25), (0, 2, 0.0), (0, 0, 0.5), (0, 1, 0.25),
            (1, 0, 1.0),
            (2, 2, 0.5), (2, 1, 0.0), (2, 2, 0.5),
        ]);

        chain.StateCount.Should().Be(3);
        chain.StoredTransitionCount.Should().Be(4);
        chain.MaxRowNonZeros.Should().Be(2);
        chain.RowPointers.ToArray().Should().Equal(0L, 2L, 3L, 4L);
        chain.Columns.ToArray().Should().Equal(0, 1, 0, 2);
        chain.Values.ToArray().Should().Equal(0.5, 0.5, 1.0, 1.0);
        chain.GetTransitionProbability(0, 1).Should().Be(0.5);
        chain.GetTransitionProbability(0, 2).Should().Be(0.0);
        chain.GetTransitionProbability(2, 1).Should().Be(0.0);
    }

    [Fact]
    public void FromTriplets_DuplicatesInInputOrder_SumInThatOrder()
    {
        // (0.1 + 0.2) + 0.7 and (0.7 + 0.2) + 0.1 differ in the last bit; SciPy sums in input order too
        var chain = SparseMarkovChain.FromTriplets(1, [(0, 0, 0.1), (0, 0, 0.2), (0, 0, 0.7)]);
        chain.Values.ToArray().Should().Equal((0.1 + 0.2) + 0.7);
    }

    [Theory]
    [InlineData(5, 11)]
    [InlineData(30, 12)]
    [InlineData(64, 13)]
    public void Factories_SameRandomMatrix_GiveIdenticalStorage(int n, int seed)
    {
        double[,] q = RandomChains.Dense(n, seed, zeroFraction: 0.7);
        var fromDense = SparseMarkovChain.FromDense(q);

        var triplets = new List<(long, long, double)>();
        for (int i = n - 1; i >= 0; i--)
        {
            for (int j = n - 1; j >= 0; j--)
            {
                triplets.Add((i, j, q[i, j])); // reversed order and explicit zeros
            }
        }

        var fromTriplets = SparseMarkovChain.FromTriplets(n, triplets);
        var fromDenseMatrix = SparseMarkovChain.FromMatrix(DenseMatrix.OfArray(q));
        var fromSparseMatrix = SparseMarkovChain.FromMatrix(SparseMatrix.OfArray(q));
        var fromCsr = SparseMarkovChain.FromCsr(fromDense.RowPointers.ToArray(), fromDense.Columns.ToArray(), fromDense.Values.ToArray());

        foreach (var other in new[] { fromTriplets, fromDenseMatrix, fromSparseMatrix, fromCsr })
        {
            other.RowPointers.ToArray().Should().Equal(fromDense.RowPointers.ToArray());
            other.Columns.ToArray().Should().Equal(fromDense.Columns.ToArray());
            other.Values.ToArray().Should().Equal(fromDense.Values.ToArray());
            other.MaxRowNonZeros.Should().Be(fromDense.MaxRowNonZeros);
        }

        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                fromDense.GetTransitionProbability(i, j).Should().Be(q[i, j]);
            }
        }
    }

    [Fact]
    public void FromCsr_UnsortedRowWithDuplicatesAndZeros_Canonicalizes()
    {
        long[] rowPointers = [0, 4, 5];
        int[] columns = [1, 0, 1, 0];
        double[] values = [0.25, 0.5, 0.25, 0.0];
        var chain = SparseMarkovChain.FromCsr(rowPointers, [.. columns, 1], [.. values, 1.0]);

        chain.RowPointers.ToArray().Should().Equal(0L, 2L, 3L);
        chain.Columns.ToArray().Should().Equal(0, 1, 1);
        chain.Values.ToArray().Should().Equal(0.5, 0.5, 1.0);
        rowPointers.Should().Equal(0L, 4L, 5L); // the caller's arrays are copied, not changed
    }

    [Fact]
    public void FromOwnedCsr_UnsortedRow_CanonicalizesLikeFromCsr()
    {
        var owned = SparseMarkovChain.FromOwnedCsr([0, 3, 4], [1, 0, 1, 1], [0.25, 0.5, 0.25, 1.0]);
        var copied = SparseMarkovChain.FromCsr([0, 3, 4], [1, 0, 1, 1], [0.25, 0.5, 0.25, 1.0]);
        owned.Columns.ToArray().Should().Equal(0, 1, 1);
        owned.Values.ToArray().Should().Equal(copied.Values.ToArray());
        owned.RowPointers.ToArray().Should().Equal(copied.RowPointers.ToArray());
        var bad = () => SparseMarkovChain.FromOwnedCsr([0, 1, 2], [0, 0], [1.0, -1.0]);
        bad.Should().Throw<ArgumentException>().Which.Message.Should().Contain("(1, 0)");
    }

    [Fact]
    public void FromMatrix_SparseInputWithExplicitZero_DropsIt()
    {
        // CSR storage holding an explicit zero at (1, 0)
        var storage = SparseCompressedRowMatrixStorage<double>.OfCompressedSparseRowFormat(2, 2, 4, [0, 2, 4], [0, 1, 0, 1], [0.5, 0.5, 0.0, 1.0]);
        var chain = SparseMarkovChain.FromMatrix(new SparseMatrix(storage));
        chain.StoredTransitionCount.Should().Be(3);
        chain.GetTransitionProbability(1, 1).Should().Be(1.0);
    }

    [Fact]
    public void ToMatrix_RandomChain_RoundTripsThroughFromMatrix()
    {
        var chain = SparseMarkovChain.FromTriplets(200, RandomChains.SparseTriplets(200, maxPerRow: 6, seed: 9));
        SparseMatrix matrix = chain.ToMatrix();

        matrix.RowCount.Should().Be(200);
        matrix.ColumnCount.Should().Be(200);
        matrix.NonZerosCount.Should().Be((int)chain.StoredTransitionCount);
        for (int i = 0; i < 200; i += 7)
        {
            for (int j = 0; j < 200; j++)
            {
                matrix[i, j].Should().Be(chain.GetTransitionProbability(i, j));
            }
        }

        var back = SparseMarkovChain.FromMatrix(matrix);
        back.RowPointers.ToArray().Should().Equal(chain.RowPointers.ToArray());
        back.Columns.ToArray().Should().Equal(chain.Columns.ToArray());
        back.Values.ToArray().Should().Equal(chain.Values.ToArray());
    }

    [Fact]
    public void GetRow_KnownChain_ReturnsColumnsAndProbabilitiesAscending()
    {
        var chain = SparseMarkovChain.FromTriplets(4, [(1, 3, 0.5), (1, 0, 0.25), (1, 2, 0.25), (0, 0, 1.0), (2, 1, 1.0), (3, 3, 1.0)]);
        chain.MaxRowNonZeros.Should().Be(3);
        var columns = new long[3];
        var probabilities = new double[3];

        chain.GetRow(1, columns, probabilities).Should().Be(3);
        columns.Should().Equal(0L, 2L, 3L);
        probabilities.Should().Equal(0.25, 0.25, 0.5);

        chain.GetRow(2, columns, probabilities).Should().Be(1);
        columns[0].Should().Be(1);
        probabilities[0].Should().Be(1.0);
    }

    [Fact]
    public void GetTransitionProbability_KnownChain_ReturnsStoredValuesAndZeros()
    {
        var chain = SparseMarkovChain.FromTriplets(4, [(1, 3, 0.5), (1, 0, 0.25), (1, 2, 0.25), (0, 0, 1.0), (2, 1, 1.0), (3, 3, 1.0)]);
        chain.GetTransitionProbability(1, 0).Should().Be(0.25);
        chain.GetTransitionProbability(1, 1).Should().Be(0.0);
        chain.GetTransitionProbability(1, 2).Should().Be(0.25);
        chain.GetTransitionProbability(1, 3).Should().Be(0.5);
        chain.GetTransitionProbability(3, 3).Should().Be(1.0);
        chain.GetTransitionProbability(3, 0).Should().Be(0.0);
    }

    [Fact]
    public void GetRow_StateOutOfRangeOrShortDestination_Throws()
    {
        var chain = SparseMarkovChain.FromTriplets(2, [(0, 0, 0.5), (0, 1, 0.5), (1, 1, 1.0)]);
        var outOfRange = () => chain.GetRow(2, new long[2], new double[2]);
        outOfRange.Should().Throw<ArgumentOutOfRangeException>().Which.Message.Should().Contain("2");
        var shortDestination = () => chain.GetRow(0, new long[1], new double[1]);
        shortDestination.Should().Throw<ArgumentException>();
        var badTo = () => chain.GetTransitionProbability(0, -1);
        badTo.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("to");
    }

    [Fact]
    public void FromTriplets_RowNotSummingToOne_ThrowsNamingRowAndSum()
    {
        var act = () => SparseMarkovChain.FromTriplets(2, [(0, 0, 1.0), (1, 0, 0.5), (1, 1, 0.4)]);
        var e = act.Should().Throw<ArgumentException>().Which;
        e.ParamName.Should().Be("entries");
        e.Message.Should().Contain("Row 1").And.Contain("0.9");
    }

    [Fact]
    public void FromTriplets_EmptyRow_Throws()
    {
        var act = () => SparseMarkovChain.FromTriplets(3, [(0, 0, 1.0), (1, 0, 1.0)]);
        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain("Row 2").And.Contain("sums to 0");
    }

    [Fact]
    public void FromTriplets_EmptyRowWithHugeTolerance_StillThrows()
    {
        var act = () => SparseMarkovChain.FromTriplets(2, [(0, 0, 1.0)], tolerance: 5);
        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain("Row 1");
    }

    [Theory]
    [InlineData(-0.5, "negative value -0.5")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    public void FromTriplets_BadValue_ThrowsNamingEntryAndValue(double value, string expected)
    {
        var act = () => SparseMarkovChain.FromTriplets(2, [(0, 0, 1.0), (1, 0, 1.5), (1, 1, value)]);
        var e = act.Should().Throw<ArgumentException>().Which;
        e.ParamName.Should().Be("entries");
        e.Message.Should().Contain("(1, 1)").And.Contain(expected);
    }

    [Theory]
    [InlineData(3, 0, "row 3 outside 0..2")]
    [InlineData(0, 5, "column 5 outside 0..2")]
    [InlineData(-1, 0, "row -1 outside 0..2")]
    public void FromTriplets_IndexOutOfRange_ThrowsNamingIndex(long row, long column, string expected)
    {
        var act = () => SparseMarkovChain.FromTriplets(3, [(row, column, 1.0)]);
        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain(expected);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-3L)]
    [InlineData(3_000_000_000L)]
    public void FromTriplets_BadStateCount_ThrowsOutOfRange(long stateCount)
    {
        var act = () => SparseMarkovChain.FromTriplets(stateCount, []);
        var e = act.Should().Throw<ArgumentOutOfRangeException>().Which;
        e.ParamName.Should().Be("stateCount");
        e.Message.Should().Contain(stateCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(-1e-3)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Factories_BadTolerance_ThrowOutOfRange(double tolerance)
    {
        var act = () => SparseMarkovChain.FromDense(new[,] { { 1.0 } }, tolerance);
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("tolerance");
    }

    [Fact]
    public void FromDense_RowSumWithinTolerance_IsAcceptedAndOutsideRejected()
    {
        var nearlyStochastic = new[,] { { 0.5, 0.5 + 1e-12 }, { 0.0, 1.0 } };
        SparseMarkovChain.FromDense(nearlyStochastic).GetTransitionProbability(0, 1).Should().Be(0.5 + 1e-12);
        var act = () => SparseMarkovChain.FromDense(nearlyStochastic, tolerance: 0);
        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain("Row 0");
    }

    [Fact]
    public void FromDense_NotSquare_ThrowsNamingShape()
    {
        var act = () => SparseMarkovChain.FromDense(new double[3, 2]);
        var e = act.Should().Throw<ArgumentException>().Which;
        e.ParamName.Should().Be("matrix");
        e.Message.Should().Contain("3 × 2");
    }

    [Fact]
    public void FromDense_NegativeEntry_ThrowsNamingRowColumnAndValue()
    {
        var act = () => SparseMarkovChain.FromDense(new[,] { { 1.0, 0.0 }, { 1.25, -0.25 } });
        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain("(1, 1)").And.Contain("-0.25");
    }

    [Fact]
    public void FromMatrix_NotSquare_Throws()
    {
        var act = () => SparseMarkovChain.FromMatrix(new SparseMatrix(2, 3));
        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain("2 × 3");
    }

    [Fact]
    public void FromCsr_InconsistentArrays_ThrowNamingProblem()
    {
        var lastPointer = () => SparseMarkovChain.FromCsr([0, 1, 3], [0, 1], [1.0, 1.0]);
        lastPointer.Should().Throw<ArgumentException>().Which.Message.Should().Contain("last row pointer is 3");
        var decreasing = () => SparseMarkovChain.FromCsr([0, 2, 1, 2], [0, 1], [0.5, 0.5]);
        decreasing.Should().Throw<ArgumentException>().Which.Message.Should().Contain("decrease at row 1");
        var lengths = () => SparseMarkovChain.FromCsr([0, 1], [0], [0.5, 0.5]);
        lengths.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("values");
        var column = () => SparseMarkovChain.FromCsr([0, 1, 2], [0, 2], [1.0, 1.0]);
        column.Should().Throw<ArgumentException>().Which.Message.Should().Contain("column 2 outside 0..1");
        var start = () => SparseMarkovChain.FromCsr([1, 1], [], []);
        start.Should().Throw<ArgumentException>().Which.Message.Should().Contain("start at 1");
    }

    private static long[] Bits(double[] values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();
}

/// <summary>Seeded random row-stochastic matrices for the chain tests.</summary>
internal static class RandomChains
{
    /// <summary>A dense n × n row-stochastic matrix with about <paramref name="zeroFraction"/> zeros (never an empty row).</summary>
    internal static double[,] Dense(int n, int seed, double zeroFraction)
    {
        var random = new Random(seed);
        var q = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            q[i, random.Next(n)] = random.NextDouble() + 0.01;
            for (int j = 0; j < n; j++)
            {
                if (q[i, j] == 0 && random.NextDouble() >= zeroFraction)
                {
                    q[i, j] = random.NextDouble();
                }

                sum += q[i, j];
            }

            for (int j = 0; j < n; j++)
            {
                q[i, j] /= sum;
            }
        }

        return q;
    }

    /// <summary>Triplets of a sparse row-stochastic matrix, rows ascending, 1..maxPerRow distinct random columns per row.</summary>
    internal static List<(long Row, long Column, double Value)> SparseTriplets(int n, int maxPerRow, int seed)
    {
        var random = new Random(seed);
        var entries = new List<(long, long, double)>();
        var columns = new HashSet<int>();
        var weights = new List<(int Column, double Weight)>();
        for (int i = 0; i < n; i++)
        {
            int count = Math.Min(n, 1 + random.Next(maxPerRow));
            columns.Clear();
            weights.Clear();
            double sum = 0;
            while (columns.Count < count)
            {
                int j = random.Next(n);
                if (columns.Add(j))
                {
                    double w = random.NextDouble() + 1e-3;
                    weights.Add((j, w));
                    sum += w;
                }
            }

            foreach (var (j, w) in weights)
            {
                entries.Add((i, j, w / sum));
            }
        }

        return entries;
    }
}
