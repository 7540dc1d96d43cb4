using LlmChains.Models;
using LlmChains.Tests.Support;

namespace LlmChains.Tests.Models;

public sealed class TabularModelTests
{
    /// <summary>The values written by make_npy_fixtures.py: a[i, j] = (T·i + j)/divisor − shift.</summary>
    private static double FixtureValue(int t, int i, int j) => t == 2 ? (((2 * i) + j) / 2.0) - 3.25 : (((3 * i) + j) / 8.0) - 7.0;

    private static void AssertFixtureValues(TabularModel model, int t)
    {
        model.VocabularySize.Should().Be(t);
        model.ContextWindow.Should().Be(3);
        var states = new ReferenceStates(t, 3);
        states.Count.Should().Be(t == 2 ? 14 : 39);
        var logits = new double[t];
        for (int i = 0; i < states.Count; i++)
        {
            model.GetNextTokenLogits(states.Sequences[i], logits);
            for (int j = 0; j < t; j++)
            {
                logits[j].Should().Be(FixtureValue(t, i, j), "row {0} ({1}), column {2}", i, string.Concat(states.Sequences[i]), j);
            }
        }
    }

    [Theory]
    [InlineData("t2k3_f64_c.npy", 2, false)]
    [InlineData("t2k3_f32_c.npy", 2, true)]
    [InlineData("t2k3_f64_be.npy", 2, false)]
    [InlineData("t2k3_f64_v2.npy", 2, false)]
    [InlineData("t3k3_f64_c.npy", 3, false)]
    [InlineData("t3k3_f32_fortran.npy", 3, true)]
    [InlineData("t3k3_f64_fortran.npy", 3, false)]
    public void FromNpy_NumPyFixture_ExactValuesInStateOrder(string file, int t, bool isSingle)
    {
        var model = TabularModel.FromNpy(Fixtures.Npy(file));
        model.IsSinglePrecision.Should().Be(isSingle);
        AssertFixtureValues(model, t);
    }

    [Fact]
    public void FromNpy_RequestedMatchingK_Accepted()
    {
        TabularModel.FromNpy(Fixtures.Npy("t2k3_f64_c.npy"), 3).ContextWindow.Should().Be(3);
    }

    [Fact]
    public void FromNpy_RequestedOtherK_ThrowsInvalidData()
    {
        var act = () => TabularModel.FromNpy(Fixtures.Npy("t2k3_f64_c.npy"), 2);
        act.Should().Throw<InvalidDataException>().Which.Message.Should().Contain("K = 3");
    }

    [Fact]
    public void FromNpy_RowsNotAStateCount_ThrowsInvalidData()
    {
        var act = () => TabularModel.FromNpy(Fixtures.Npy("bad_rows_15x2.npy"));
        act.Should().Throw<InvalidDataException>().Which.Message.Should().Contain("15");
    }

    [Fact]
    public void FromNpy_Int64Dtype_ThrowsInvalidData()
    {
        var act = () => TabularModel.FromNpy(Fixtures.Npy("bad_dtype_int64.npy"));
        act.Should().Throw<InvalidDataException>().Which.Message.Should().Contain("<i8");
    }

    [Fact]
    public void FromNpy_OneDimensional_ThrowsInvalidData()
    {
        var act = () => TabularModel.FromNpy(Fixtures.Npy("bad_one_dim.npy"));
        act.Should().Throw<InvalidDataException>().Which.Message.Should().Contain("2-D");
    }

    [Fact]
    public void FromNpy_TruncatedData_ThrowsInvalidData()
    {
        var act = () => TabularModel.FromNpy(Fixtures.Npy("bad_truncated.npy"));
        act.Should().Throw<InvalidDataException>().Which.Message.Should().Contain("truncated");
    }

    [Fact]
    public void FromNpy_BadMagic_ThrowsInvalidData()
    {
        var act = () => TabularModel.FromNpy(Fixtures.Npy("bad_magic.npy"));
        act.Should().Throw<InvalidDataException>().Which.Message.Should().Contain("magic");
    }

    [Fact]
    public void FromNpy_EmptyFile_ThrowsInvalidData()
    {
        string path = Path.Combine(Path.GetTempPath(), $"llmchains-empty-{Guid.NewGuid():N}.npy");
        File.WriteAllBytes(path, []);
        try
        {
            var act = () => TabularModel.FromNpy(path);
            act.Should().Throw<InvalidDataException>();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FromArray_Float64_RowOfStateIndex()
    {
        var states = new ReferenceStates(3, 2);
        var table = Enumerable.Range(0, states.Count * 3).Select(i => (i * 0.25) - 4).ToArray();
        var model = TabularModel.FromArray(table, 3, 2);
        model.IsSinglePrecision.Should().BeFalse();
        var logits = new double[3];
        for (int i = 0; i < states.Count; i++)
        {
            model.GetNextTokenLogits(states.Sequences[i], logits);
            logits.Should().Equal(table[(3 * i)..((3 * i) + 3)]);
        }
    }

    [Fact]
    public void FromArray_Float32_WidenedExactly()
    {
        var table = new float[6 * 2];
        table[(4 * 2) + 1] = 0.1f; // state "10" (index 4), token 1
        table[0] = float.NegativeInfinity;
        var model = TabularModel.FromArray(table, 2, 2);
        model.IsSinglePrecision.Should().BeTrue();
        var logits = new double[2];
        model.GetNextTokenLogits([1, 0], logits);
        logits[1].Should().Be((double)0.1f);
        model.GetNextTokenLogits([0], logits);
        logits[0].Should().Be(double.NegativeInfinity);
    }

    [Theory]
    [InlineData(13)]
    [InlineData(15)]
    public void FromArray_WrongLength_ThrowsArgumentException(int states)
    {
        var act = () => TabularModel.FromArray(new double[states * 2], 2, 3);
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("logits");
    }

    /// <summary>NumPy's own files (np.save, make_npy_fixtures.py) are the oracle: reading one and writing it back gives its bytes.</summary>
    [Theory]
    [InlineData("t2k3_f64_c.npy", "t2k3_f64_c.npy")]
    [InlineData("t2k3_f32_c.npy", "t2k3_f32_c.npy")]
    [InlineData("t3k3_f64_c.npy", "t3k3_f64_c.npy")]
    [InlineData("t2k3_f64_be.npy", "t2k3_f64_c.npy")]
    [InlineData("t2k3_f64_v2.npy", "t2k3_f64_c.npy")]
    [InlineData("t3k3_f64_fortran.npy", "t3k3_f64_c.npy")]
    public void WriteNpy_NumPyFixture_ReproducesNumPysLittleEndianCOrderFile(string read, string expected)
    {
        using var stream = new MemoryStream();
        TabularModel.FromNpy(Fixtures.Npy(read)).WriteNpy(stream);

        stream.ToArray().Should().Equal(File.ReadAllBytes(Fixtures.Npy(expected)));
    }

    /// <summary>The format spec: magic, version 1.0, little-endian header length, a dict literal padded with spaces to a multiple of 64 bytes and ended by a newline, then the C-order data.</summary>
    [Theory]
    [InlineData(false, "<f8", 8)]
    [InlineData(true, "<f4", 4)]
    public void WriteNpy_Header_FollowsTheNpyFormatVersion1(bool isSingle, string descr, int itemSize)
    {
        var states = new ReferenceStates(3, 4);
        double[] table = Enumerable.Range(0, states.Count * 3).Select(i => Math.Sin(i) * 10).ToArray();
        var model = isSingle ? TabularModel.FromArray(Array.ConvertAll(table, x => (float)x), 3, 4) : TabularModel.FromArray(table, 3, 4);
        using var stream = new MemoryStream();
        model.WriteNpy(stream);
        byte[] bytes = stream.ToArray();

        bytes[..8].Should().Equal(0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0);
        int headerLength = bytes[8] | (bytes[9] << 8);
        ((10 + headerLength) % 64).Should().Be(0);
        string header = System.Text.Encoding.ASCII.GetString(bytes, 10, headerLength);
        header.Should().Be($"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({states.Count}, 3), }}".PadRight(headerLength - 1) + "\n");
        bytes.Length.Should().Be(10 + headerLength + (states.Count * 3 * itemSize));
        var data = bytes.AsSpan(10 + headerLength);
        for (int e = 0; e < table.Length; e++)
        {
            double value = isSingle
                ? System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(data[(e * 4)..])
                : System.Buffers.Binary.BinaryPrimitives.ReadDoubleLittleEndian(data[(e * 8)..]);
            value.Should().Be(isSingle ? (float)table[e] : table[e]);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WriteNpy_CapturedModel_ReadsBackTheSameLogitsBitForBit(bool isSingle)
    {
        var model = new RandomLogitsModel(5, 3, 2.0, seed: 4);
        var table = TabularModel.Capture(model, isSingle);
        string path = Path.Combine(Path.GetTempPath(), $"llmchains-npy-{Guid.NewGuid():N}.npy");
        try
        {
            table.WriteNpy(path);
            var back = TabularModel.FromNpy(path);

            back.IsSinglePrecision.Should().Be(isSingle);
            back.VocabularySize.Should().Be(5);
            back.ContextWindow.Should().Be(3);
            var expected = new double[5];
            var actual = new double[5];
            var states = new ReferenceStates(5, 3);
            for (int i = 0; i < states.Count; i++)
            {
                table.GetNextTokenLogits(states.Sequences[i], expected);
                back.GetNextTokenLogits(states.Sequences[i], actual);
                actual.Should().Equal(expected);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
