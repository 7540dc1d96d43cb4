using System.Security.Cryptography;
using FluentAssertions;

namespace LlmChains.Gguf.Tests;

public sealed class GgufWriterTests
{
    private static GgufFile Read(byte[] bytes) => GgufFile.Read(new MemoryStream(bytes, writable: false));

    [Fact]
    public void Write_EveryValueType_ReadsBackTheSameValues()
    {
        var writer = new GgufWriter()
            .Add("u8", GgufValueType.UInt8, null, (byte)200)
            .Add("i8", GgufValueType.Int8, null, (sbyte)-5)
            .Add("u16", GgufValueType.UInt16, null, (ushort)60000)
            .Add("i16", GgufValueType.Int16, null, (short)-30000)
            .Add("u32", 4000000000u)
            .Add("i32", GgufValueType.Int32, null, -7)
            .Add("f32", 0.25f)
            .Add("bool", true)
            .Add("string", "été ▁")
            .Add("u64", GgufValueType.UInt64, null, ulong.MaxValue - 1)
            .Add("i64", GgufValueType.Int64, null, long.MinValue)
            .Add("f64", GgufValueType.Float64, null, Math.PI)
            .Add("strings", ["a", "", "ü"])
            .Add("floats", [1.5f, -2f])
            .Add("ints", [3, -4])
            .Add("doubles", GgufValueType.Array, GgufValueType.Float64, new[] { 0.1, 0.2 });

        var m = Read(writer.ToBytes()).Metadata;

        m["u8"].AsInt64().Should().Be(200);
        m["i8"].AsInt64().Should().Be(-5);
        m["u16"].AsInt64().Should().Be(60000);
        m["i16"].AsInt64().Should().Be(-30000);
        m["u32"].AsInt64().Should().Be(4000000000);
        m["i32"].AsInt64().Should().Be(-7);
        m["f32"].AsDouble().Should().Be(0.25);
        m["bool"].AsBoolean().Should().BeTrue();
        m["string"].AsString().Should().Be("été ▁");
        m["u64"].Value.Should().Be(ulong.MaxValue - 1);
        m["i64"].AsInt64().Should().Be(long.MinValue);
        m["f64"].AsDouble().Should().Be(Math.PI);
        m["strings"].AsStrings().Should().Equal("a", "", "ü");
        m["floats"].AsDoubleArray().Should().Equal(1.5, -2);
        m["ints"].AsInt64Array().Should().Equal(3, -4);
        m["doubles"].AsDoubleArray().Should().Equal(0.1, 0.2);
        writer.Keys.Should().HaveCount(16).And.StartWith("u8");
    }

    /// <summary>The runtime lets an int[] pass as a uint[]: a signed array must still read as signed.</summary>
    [Fact]
    public void AsInt64Array_SignedArrays_KeepTheirSign()
    {
        var m = Read(new GgufWriter()
            .Add("i8", GgufValueType.Array, GgufValueType.Int8, new sbyte[] { -1, 2 })
            .Add("i16", GgufValueType.Array, GgufValueType.Int16, new short[] { -1, 2 })
            .Add("i32", GgufValueType.Array, GgufValueType.Int32, new[] { -1, 2 })
            .Add("i64", GgufValueType.Array, GgufValueType.Int64, new[] { -1L, 2 })
            .Add("u32", GgufValueType.Array, GgufValueType.UInt32, new[] { uint.MaxValue, 2u })
            .ToBytes()).Metadata;

        foreach (string key in new[] { "i8", "i16", "i32", "i64" })
        {
            m[key].AsInt64Array().Should().Equal([-1, 2], key);
        }

        m["u32"].AsInt64Array().Should().Equal(uint.MaxValue, 2);
    }

    [Fact]
    public void Add_ValueOfAnotherType_ThrowsNamingTheKey()
    {
        var writer = new GgufWriter();
        ((Action)(() => writer.Add("k", GgufValueType.UInt32, null, 5))).Should().Throw<ArgumentException>().WithMessage("k: a UInt32 value is a UInt32, not a Int32*");
        ((Action)(() => writer.Add("k", GgufValueType.Array, GgufValueType.Int32, new uint[1]))).Should().Throw<ArgumentException>().WithMessage("k: an array of Int32*");
        ((Action)(() => writer.Add("k", GgufValueType.Array, null, new int[1]))).Should().Throw<ArgumentException>();
        ((Action)(() => writer.Add("k", GgufValueType.Array, GgufValueType.Array, new int[1]))).Should().Throw<ArgumentException>();
        ((Action)(() => writer.Add("k", (GgufValueType)13, null, 0u))).Should().Throw<ArgumentException>();
        writer.Keys.Should().BeEmpty();
    }

    [Fact]
    public void AddTensor_BadShapes_Throw()
    {
        var writer = new GgufWriter();
        ((Action)(() => writer.AddTensor("t", [3, 2], GgmlType.F32, new float[5]))).Should().Throw<ArgumentException>().WithMessage("t: 5 values*6 elements*");
        ((Action)(() => writer.AddTensor("t", [16, 2], GgmlType.Q8_0, new float[32]))).Should().Throw<ArgumentException>().WithMessage("*Q8_0*");
        ((Action)(() => writer.AddTensor("t", [-1], GgmlType.F32, []))).Should().Throw<ArgumentException>();
        ((Action)(() => writer.AddTensor("t", [], GgmlType.F32, [1]))).Should().Throw<ArgumentException>();
        ((Action)(() => writer.AddTensor("t", [2], GgmlType.Q4_0, new float[2]))).Should().Throw<NotSupportedException>();
        writer.AddTensor("t", [2], GgmlType.F32, [1, 2]);
        ((Action)(() => writer.AddTensor("t", [2], GgmlType.F32, [1, 2]))).Should().Throw<ArgumentException>().WithMessage("*already*");
        ((Action)(() => _ = new GgufWriter { Alignment = 48 })).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => _ = new GgufWriter { Version = 1 })).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Write_AlignmentOtherThan32_WritesGeneralAlignmentAndAlignsEveryTensor()
    {
        var writer = new GgufWriter { Alignment = 128 };
        writer.AddTensor("a", [3], GgmlType.F32, [1, 2, 3]);
        writer.AddTensor("b", [2], GgmlType.F16, [0.5f, -1]);

        var file = Read(writer.ToBytes());

        file.Alignment.Should().Be(128);
        file.DataOffset.Should().Be(128 * ((file.DataOffset + 127) / 128));
        file.FindTensor("b")!.Offset.Should().Be(128);
        var row = new float[2];
        file.ReadRows(file.FindTensor("b")!, 0, row);
        row.Should().Equal(0.5f, -1);
    }

    [Fact]
    public void SetRemoveAndReplaceTensor_KeepThePositionsInTheFile()
    {
        var writer = new GgufWriter().Add("a", 1u).Add("b", 2u).Add("c", 3u);
        writer.AddTensor("x", [2], GgmlType.F32, [1, 2]);
        writer.AddTensor("y", [2], GgmlType.F16, [3, 4]);

        writer.Set("b", GgufValueType.String, null, "two").Remove("c").Set("d", GgufValueType.Bool, null, false);
        writer.ReplaceTensor("x", [4], [5, 6, 7, 8]);

        writer.Keys.Should().Equal("a", "b", "d");
        writer.ContainsKey("c").Should().BeFalse();
        writer.Tensors.Select(t => t.Name).Should().Equal("x", "y");
        var file = Read(writer.ToBytes());
        file.Metadata["b"].AsString().Should().Be("two");
        file.FindTensor("x")!.Dimensions.Should().Equal(4);
        file.FindTensor("x")!.Type.Should().Be(GgmlType.F32);
        ((Action)(() => writer.ReplaceTensor("z", [1], [1]))).Should().Throw<ArgumentException>();
        writer.RemoveTensor("x").Tensors.Select(t => t.Name).Should().Equal("y");
    }

    [Fact]
    public void Write_StreamAndPathAndBytes_AreTheSame()
    {
        var writer = TinyLlama.Build(2);
        using var stream = new MemoryStream();
        writer.Write(stream);
        string path = Path.Combine(Directory.CreateTempSubdirectory("llmchains-gguf-writer-").FullName, "m.gguf");
        writer.Write(path);

        stream.ToArray().Should().Equal(writer.ToBytes());
        File.ReadAllBytes(path).Should().Equal(writer.ToBytes());
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    /// <summary>
    /// The bytes of the tiny model are pinned: the tests' expectations (fuzz outcomes, norms, the adapter's chains) and
    /// the files of <c>llmchains gguf tiny</c> were made with them, so a change to the writer or the builder must be deliberate.
    /// </summary>
    [Theory]
    [InlineData(7, false, "3687EB05B688E3D4")]
    [InlineData(7, true, "B45BBB5FCCB7B2AB")]
    public void TinyLlama_Build_HasThePinnedBytes(int seed, bool allFloat32, string sha256Prefix)
    {
        byte[] bytes = TinyLlama.Build(seed, new TinyLlamaOptions { AllFloat32 = allFloat32 }).ToBytes();
        Convert.ToHexString(SHA256.HashData(bytes))[..16].Should().Be(sha256Prefix);
    }

    [Fact]
    public void TinyLlama_Build_IsARandomWeightsTestModelThatReadsBack()
    {
        var file = Read(TinyLlama.Build(3, new TinyLlamaOptions { TiedEmbeddings = true, MergedTen = true }).ToBytes());

        file.Name.Should().Be(TinyLlama.Name).And.Contain("test");
        file.FindTensor("output.weight").Should().BeNull();
        file.Tokens.Should().HaveCount(TinyLlama.VocabularySize).And.EndWith("10");
        ((Action)(() => TinyLlama.DigitId(10))).Should().Throw<ArgumentOutOfRangeException>();
        TinyLlama.Build(3).ToBytes().Should().Equal(TinyLlama.Build(3).ToBytes());
        TinyLlama.Build(3).ToBytes().Should().NotEqual(TinyLlama.Build(4).ToBytes());
    }
}
