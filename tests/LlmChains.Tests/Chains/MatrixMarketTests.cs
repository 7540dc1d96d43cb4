using LlmChains.Chains;

namespace LlmChains.Tests.Chains;

public sealed class MatrixMarketTests
{
    private const string General = "%%MatrixMarket matrix coordinate real general\n";

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 2)]
    [InlineData(150, 3)]
    [InlineData(1000, 4)]
    public void Write_ThenRead_RoundTripsEveryBit(int n, int seed)
    {
        var chain = SparseMarkovChain.FromTriplets(n, RandomChains.SparseTriplets(n, maxPerRow: 9, seed));
        using var writer = new StringWriter();
        MatrixMarket.Write(chain, writer);

        var back = MatrixMarket.Read(new StringReader(writer.ToString()), "roundtrip.mtx");

        back.StateCount.Should().Be(n);
        back.RowPointers.ToArray().Should().Equal(chain.RowPointers.ToArray());
        back.Columns.ToArray().Should().Equal(chain.Columns.ToArray());
        Bits(back.Values).Should().Equal(Bits(chain.Values));
    }

    [Fact]
    public void Write_ThenReadPath_RoundTripsEveryBit()
    {
        var chain = SparseMarkovChain.FromDense(RandomChains.Dense(40, seed: 8, zeroFraction: 0.8));
        string path = Path.Combine(Path.GetTempPath(), $"llmchains-{Guid.NewGuid():N}.mtx");
        try
        {
            MatrixMarket.Write(chain, path);
            var back = MatrixMarket.Read(path);
            back.Columns.ToArray().Should().Equal(chain.Columns.ToArray());
            Bits(back.Values).Should().Equal(Bits(chain.Values));
            File.ReadAllBytes(path)[0].Should().Be((byte)'%'); // no byte order mark
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Write_SmallChain_WritesHeaderSizeAndOneBasedRoundTripEntries()
    {
        var chain = SparseMarkovChain.FromDense(new[,] { { 0.0, 1.0 / 3, 2.0 / 3 }, { 1.0, 0.0, 0.0 }, { 0.1, 0.2, 0.7 } });
        using var writer = new StringWriter();
        MatrixMarket.Write(chain, writer);

        string[] lines = writer.ToString().Split('\n');
        lines[0].Should().Be("%%MatrixMarket matrix coordinate real general");
        lines[1].Should().StartWith("%");
        lines[2..].Should().Equal(
            "3 3 6",
            "1 2 0.3333333333333333",
            "1 3 0.6666666666666666",
            "2 1 1",
            "3 1 0.1",
            "3 2 0.2",
            "3 3 0.7",
            "");
    }

    [Fact]
    public void Write_AnyIMarkovChain_WritesRowsFromGetRow()
    {
        using var writer = new StringWriter();
        MatrixMarket.Write(new FlipChain(), writer);

        writer.ToString().Split('\n')[2..].Should().Equal("2 2 3", "1 2 1", "2 1 0.25", "2 2 0.75", "");
        var back = MatrixMarket.Read(new StringReader(writer.ToString()), "flip.mtx");
        back.GetTransitionProbability(1, 0).Should().Be(0.25);
        back.GetTransitionProbability(0, 0).Should().Be(0.0);
    }

    [Fact]
    public void Read_ScipyCoordinateFixture_GivesExpectedMatrix()
    {
        var chain = MatrixMarket.Read(Fixture("scipy_coordinate.mtx"));
        double third = 1.0 / 3;
        Dense(chain).Should().BeEquivalentTo(new[,]
        {
            { 0, 0.5, 0, 0.5, 0 },
            { third, 0, third, 0, third },
            { 0, 0, 0.1, 0.2, 0.7 },
            { 1, 0, 0, 0, 0 },
            { 0.25, 0.125, 0, 0, 0.625 },
        });
        chain.StoredTransitionCount.Should().Be(12);
    }

    [Fact]
    public void Read_ScipyDenseArrayFixture_ReadsColumnMajorAndDropsZeros()
    {
        var chain = MatrixMarket.Read(Fixture("scipy_array.mtx"));
        Dense(chain).Should().BeEquivalentTo(new[,]
        {
            { 0.2, 0.3, 0.5, 0 },
            { 0, 0, 1, 0 },
            { 0.25, 0.25, 0.25, 0.25 },
            { 0.9, 0, 0, 0.1 },
        });
        chain.StoredTransitionCount.Should().Be(10);
    }

    [Fact]
    public void Read_ScipySymmetricCoordinateFixture_MirrorsOffDiagonalEntries()
    {
        var chain = MatrixMarket.Read(Fixture("scipy_symmetric.mtx"));
        Dense(chain).Should().BeEquivalentTo(new[,]
        {
            { 0.5, 0.5, 0, 0 },
            { 0.5, 0, 0.25, 0.25 },
            { 0, 0.25, 0.75, 0 },
            { 0, 0.25, 0, 0.75 },
        });
    }

    [Fact]
    public void Read_ScipySymmetricArrayFixture_ReadsLowerTriangleByColumns()
    {
        var chain = MatrixMarket.Read(Fixture("scipy_array_symmetric.mtx"));
        Dense(chain).Should().BeEquivalentTo(new[,]
        {
            { 0.5, 0.25, 0.25 },
            { 0.25, 0.5, 0.25 },
            { 0.25, 0.25, 0.5 },
        });
    }

    [Fact]
    public void Read_ScipyIntegerFixture_GivesPermutation()
    {
        var chain = MatrixMarket.Read(Fixture("scipy_integer.mtx"));
        Dense(chain).Should().BeEquivalentTo(new double[,] { { 0, 1, 0 }, { 0, 0, 1 }, { 1, 0, 0 } });
    }

    [Fact]
    public void Read_MixedCaseHeaderCommentsBlankLinesAndDuplicates_Parses()
    {
        const string text = "%%matrixmarket MATRIX Coordinate REAL General\n% a comment\n\n  % indented comment\n2 2 4\n\n1 1 0.25\n1 2 0.5\n1 1 0.25\n\t2 2 1e0  \n% trailing comment\n\n";
        var chain = MatrixMarket.Read(new StringReader(text), "mixed.mtx");
        Dense(chain).Should().BeEquivalentTo(new[,] { { 0.5, 0.5 }, { 0, 1 } });
        chain.StoredTransitionCount.Should().Be(3);
    }

    [Fact]
    public void Read_ToleranceArgument_ControlsRowSumCheck()
    {
        const string text = General + "2 2 2\n1 1 0.95\n2 2 1\n";
        MatrixMarket.Read(new StringReader(text), "loose.mtx", tolerance: 0.1).GetTransitionProbability(0, 0).Should().Be(0.95);
        var strict = () => MatrixMarket.Read(new StringReader(text), "strict.mtx");
        strict.Should().Throw<InvalidDataException>().Which.Message.Should().Be(
            "strict.mtx: row 1 sums to 0.95 (|sum − 1| = 0.05 > tolerance 1E-10); every row of a transition matrix must sum to 1.");
    }

    [Theory]
    [InlineData("", "bad.mtx line 1: the file is empty")]
    [InlineData("3 3 1\n1 1 1\n", "bad.mtx line 1: missing MatrixMarket header")]
    [InlineData("%%MatrixMarket matrix coordinate real\n1 1 1\n1 1 1\n", "bad.mtx line 1: bad header")]
    [InlineData("%%MatrixMarket vector coordinate real general\n", "bad.mtx line 1: object 'vector' is not supported")]
    [InlineData("%%MatrixMarket matrix sparse real general\n", "bad.mtx line 1: unknown format 'sparse'")]
    [InlineData("%%MatrixMarket matrix coordinate pattern general\n", "bad.mtx line 1: field 'pattern' is not supported")]
    [InlineData("%%MatrixMarket matrix coordinate complex general\n", "bad.mtx line 1: field 'complex' is not supported")]
    [InlineData("%%MatrixMarket matrix coordinate quaternion general\n", "bad.mtx line 1: unknown field 'quaternion'")]
    [InlineData("%%MatrixMarket matrix coordinate real hermitian\n", "bad.mtx line 1: symmetry 'hermitian' is not supported")]
    [InlineData("%%MatrixMarket matrix coordinate real skew-symmetric\n", "bad.mtx line 1: symmetry 'skew-symmetric' is not supported")]
    [InlineData("%%MatrixMarket matrix coordinate real upper\n", "bad.mtx line 1: unknown symmetry 'upper'")]
    [InlineData(General + "% only comments\n", "bad.mtx line 2: the size line is missing")]
    [InlineData(General + "2 2\n", "bad.mtx line 2: bad size line '2 2'")]
    [InlineData(General + "% c\n2 x 2\n", "bad.mtx line 3: bad size line '2 x 2'")]
    [InlineData(General + "2 2 -1\n", "bad.mtx line 2: bad size line '2 2 -1': the entry count '-1' is not a non-negative integer")]
    [InlineData(General + "2 3 2\n1 1 1\n2 2 1\n", "bad.mtx line 2: the matrix is 2 × 3; a transition matrix must be square")]
    [InlineData(General + "0 0 0\n", "bad.mtx line 2: the matrix is 0 × 0")]
    [InlineData(General + "2 2 3\n1 1 1\n2 2 1\n", "bad.mtx line 4: the file ends after 2 of the 3 entries declared on line 2")]
    [InlineData(General + "2 2 2\n1 1 1\n2 2 1\n% fine\n1 2 0\n", "bad.mtx line 6: unexpected data after the 2 entries declared on line 2")]
    [InlineData(General + "2 2 2\n1 1\n2 2 1\n", "bad.mtx line 3: expected 'row column value' (3 tokens), found 2")]
    [InlineData(General + "2 2 2\n1 1 1 1\n2 2 1\n", "bad.mtx line 3: expected 'row column value' (3 tokens), found 4")]
    [InlineData(General + "2 2 2\nx 1 1\n2 2 1\n", "bad.mtx line 3: row index 'x' is not an integer")]
    [InlineData(General + "2 2 2\n1 1.5 1\n2 2 1\n", "bad.mtx line 3: column index '1.5' is not an integer")]
    [InlineData(General + "2 2 2\n1 1 abc\n2 2 1\n", "bad.mtx line 3: entry (1, 1) has value 'abc', which is not a number")]
    [InlineData(General + "2 2 2\n1 1 0,5\n2 2 1\n", "bad.mtx line 3: entry (1, 1) has value '0,5', which is not a number")]
    [InlineData(General + "2 2 2\n1 1 1\n3 2 1\n", "bad.mtx line 4: entry (3, 2) has row 3 outside 1..2")]
    [InlineData(General + "2 2 2\n0 1 1\n2 2 1\n", "bad.mtx line 3: entry (0, 1) has row 0 outside 1..2")]
    [InlineData(General + "% c\n5 5 5\n1 1 1\n2 2 1\n3 3 1\n3 9 1\n5 5 1\n", "bad.mtx line 7: entry (3, 9) has column 9 outside 1..5")]
    [InlineData(General + "2 2 3\n1 1 1.5\n1 2 -0.5\n2 2 1\n", "bad.mtx line 4: entry (1, 2) has negative value -0.5")]
    [InlineData(General + "2 2 2\n1 1 nan\n2 2 1\n", "bad.mtx line 3: entry (1, 1) has value 'nan', which is not finite")]
    [InlineData(General + "2 2 2\n1 1 NaN\n2 2 1\n", "bad.mtx line 3: entry (1, 1) has value 'NaN', which is not finite")]
    [InlineData(General + "2 2 2\n1 1 -inf\n2 2 1\n", "bad.mtx line 3: entry (1, 1) has value '-inf', which is not finite")]
    [InlineData(General + "2 2 2\n1 1 Infinity\n2 2 1\n", "bad.mtx line 3: entry (1, 1) has value 'Infinity', which is not finite")]
    [InlineData(General + "2 2 2\n1 1 1e999\n2 2 1\n", "bad.mtx line 3: entry (1, 1) has value '1e999', which is not finite")]
    [InlineData("%%MatrixMarket matrix coordinate integer general\n2 2 2\n1 1 1\n2 2 0.5\n", "bad.mtx line 4: entry (2, 2) has value '0.5', which is not an integer")]
    [InlineData("%%MatrixMarket matrix array real general\n2 2 2\n", "bad.mtx line 2: bad size line '2 2 2': expected 'rows columns' as 2 non-negative integers")]
    [InlineData("%%MatrixMarket matrix array real general\n2 2\n1\n0\n0\n", "bad.mtx line 5: the file ends after 3 of the 4 values")]
    [InlineData("%%MatrixMarket matrix array real general\n2 2\n1\n0\n0\n1\n0\n", "bad.mtx line 7: unexpected data after the 4 entries declared on line 2")]
    [InlineData("%%MatrixMarket matrix array real general\n2 2\n1 0\n0\n1\n", "bad.mtx line 3: expected one value per line in array format, found 2 tokens")]
    [InlineData("%%MatrixMarket matrix array real general\n2 2\n1\n0\n-1\n1\n", "bad.mtx line 5: entry (1, 2) has negative value -1")]
    [InlineData(General + "2 2 2\n1 1 1\n2 2 0.5\n", "bad.mtx: row 2 sums to 0.5")]
    [InlineData(General + "3 3 3\n1 1 1\n2 2 0\n3 3 1\n", "bad.mtx: row 2 has no non-zero entries (it sums to 0)")]
    [InlineData(General + "3 3 2\n1 1 1\n3 3 1\n", "bad.mtx line 2: the matrix has 3 states but the file declares only 2 entries")]
    [InlineData(General + "2000000000 2000000000 1\n1 1 1\n", "bad.mtx line 2: the matrix has 2000000000 states but the file declares only 1 entries")]
    [InlineData("%%MatrixMarket matrix coordinate real symmetric\n2 2 2\n1 1 0.5\n2 1 0.25\n", "bad.mtx: row 1 sums to 0.75")]
    public void Read_MalformedInput_ThrowsInvalidDataNamingSourceAndLine(string text, string expectedStart)
    {
        var act = () => MatrixMarket.Read(new StringReader(text), "bad.mtx");
        string message = act.Should().Throw<InvalidDataException>().Which.Message;
        message.Should().StartWith(expectedStart);
        message.Should().NotContain("\n");
    }

    [Fact]
    public void Read_MissingFile_ThrowsFileNotFound()
    {
        string path = Path.Combine(Path.GetTempPath(), $"llmchains-missing-{Guid.NewGuid():N}.mtx");
        var act = () => MatrixMarket.Read(path);
        act.Should().Throw<FileNotFoundException>();
    }

    [Fact]
    public void Read_BadFileOnDisk_MessageNamesThePath()
    {
        string path = Path.Combine(Path.GetTempPath(), $"llmchains-{Guid.NewGuid():N}.mtx");
        File.WriteAllText(path, General + "2 2 2\n1 1 1\n2 3 1\n");
        try
        {
            var act = () => MatrixMarket.Read(path);
            act.Should().Throw<InvalidDataException>().Which.Message.Should().Be($"{path} line 4: entry (2, 3) has column 3 outside 1..2");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Read_BadArguments_ThrowArgumentExceptions()
    {
        var nullSource = () => MatrixMarket.Read(new StringReader(General), null!);
        nullSource.Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("sourceName");
        var negative = () => MatrixMarket.Read(new StringReader(General), "x.mtx", -1);
        negative.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("tolerance");
        var nullChain = () => MatrixMarket.Write(null!, new StringWriter());
        nullChain.Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("chain");
    }

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "mtx", name);

    private static double[,] Dense(SparseMarkovChain chain)
    {
        int n = (int)chain.StateCount;
        var q = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                q[i, j] = chain.GetTransitionProbability(i, j);
            }
        }

        return q;
    }

    private static long[] Bits(ReadOnlySpan<double> values)
    {
        var bits = new long[values.Length];
        for (int k = 0; k < values.Length; k++)
        {
            bits[k] = BitConverter.DoubleToInt64Bits(values[k]);
        }

        return bits;
    }

    /// <summary>A hand-written chain, not a <see cref="SparseMarkovChain"/>: Q = [[0, 1], [0.25, 0.75]].</summary>
    private sealed class FlipChain : IMarkovChain
    {
        public long StateCount => 2;

        public int MaxRowNonZeros => 2;

        public void Step(ReadOnlySpan<double> distribution, Span<double> next)
        {
            next[0] = 0.25 * distribution[1];
            next[1] = distribution[0] + (0.75 * distribution[1]);
        }

        public int GetRow(long state, Span<long> columns, Span<double> probabilities)
        {
            if (state == 0)
            {
                columns[0] = 1;
                probabilities[0] = 1.0;
                return 1;
            }

            columns[0] = 0;
            columns[1] = 1;
            probabilities[0] = 0.25;
            probabilities[1] = 0.75;
            return 2;
        }
    }
}
