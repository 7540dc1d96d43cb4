using LlmChains.Internals.Numerics;

namespace LlmChains.Tests.Internals;

/// <summary>The one CSR type of the engine room: its transpose against the dense transpose.</summary>
public sealed class CsrMatrixTests
{
    [Theory]
    [InlineData(1, 1.0, 1)]
    [InlineData(5, 0.5, 2)]
    [InlineData(40, 0.1, 3)]
    [InlineData(17, 0.0, 4)]
    public void Transpose_RandomMatrix_MatchesDenseTransposeWithRowsAscending(int n, double density, int seed)
    {
        var random = new Random(seed);
        var dense = new double[n, n];
        var pointers = new List<int> { 0 };
        var longPointers = new List<long> { 0 };
        var columns = new List<int>();
        var values = new List<double>();
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                if (random.NextDouble() < density)
                {
                    dense[i, j] = random.NextDouble() + 0.1;
                    columns.Add(j);
                    values.Add(dense[i, j]);
                }
            }

            pointers.Add(columns.Count);
            longPointers.Add(columns.Count);
        }

        var matrix = new CsrMatrix(n, [.. pointers], [.. columns], [.. values]);
        var transpose = matrix.Transpose();
        var fromLong = CsrMatrix.Transpose(longPointers.ToArray(), [.. columns], [.. values]);

        transpose.Dimension.Should().Be(n);
        transpose.StoredCount.Should().Be(matrix.StoredCount);
        for (int j = 0; j < n; j++)
        {
            var expected = Enumerable.Range(0, n).Where(i => dense[i, j] != 0).ToArray();
            int first = transpose.RowPointers[j], end = transpose.RowPointers[j + 1];
            transpose.Columns[first..end].Should().Equal(expected, $"column {j}");
            transpose.Values[first..end].Should().Equal(expected.Select(i => dense[i, j]), $"column {j}");
        }

        fromLong.RowPointers.Should().Equal(transpose.RowPointers);
        fromLong.Columns.Should().Equal(transpose.Columns);
        fromLong.Values.Should().Equal(transpose.Values);
        var back = transpose.Transpose();
        back.RowPointers.Should().Equal(matrix.RowPointers);
        back.Columns.Should().Equal(matrix.Columns);
        back.Values.Should().Equal(matrix.Values);
    }
}
