using System.Buffers.Binary;
using FluentAssertions;

namespace LlmChains.Gguf.Tests;

public sealed class GgufFileTests
{
    private static GgufFile Read(byte[] bytes) => GgufFile.Read(new MemoryStream(bytes, writable: false));

    private static byte[] SmallFile()
    {
        var writer = new GgufWriter()
            .Add("general.architecture", "llama")
            .Add("llama.embedding_length", 32u)
            .Add("tokenizer.ggml.tokens", ["a", "b"]);
        writer.AddTensor("output.weight", [32, 2], GgmlType.F32, Enumerable.Range(0, 64).Select(i => (float)i).ToArray());
        return writer.ToBytes();
    }

    [Fact]
    public void Read_TinyLlama_ReportsHeaderMetadataAndTensors()
    {
        var writer = TinyLlama.Build(1);
        var file = Read(writer.ToBytes());

        file.Version.Should().Be(3);
        file.Alignment.Should().Be(32);
        file.Architecture.Should().Be("llama");
        file.Name.Should().Be("tiny-llama-test");
        file.EmbeddingLength.Should().Be(TinyLlama.EmbeddingLength);
        file.BlockCount.Should().Be(TinyLlama.BlockCount);
        file.HeadCount.Should().Be(TinyLlama.HeadCount);
        file.HeadCountKv.Should().Be(TinyLlama.HeadCount);
        file.FeedForwardLength.Should().Be(TinyLlama.FeedForwardLength);
        file.ContextLength.Should().Be(TinyLlama.ContextLength);
        file.VocabularySize.Should().Be(24);
        file.Tokens.Should().Equal(TinyLlama.Vocabulary());
        file.FindToken("7").Should().Be(TinyLlama.DigitId(7));
        file.FindToken("nope").Should().Be(-1);
        file.Metadata["llama.attention.layer_norm_rms_epsilon"].AsDouble().Should().BeApproximately(1e-5, 1e-12);
        file.Metadata["tokenizer.ggml.add_bos_token"].AsBoolean().Should().BeTrue();
        file.Metadata["tokenizer.ggml.token_type"].AsInt64Array()[1].Should().Be(3);
        file.Tensors.Should().HaveCount(writer.Tensors.Count);
        var output = file.FindTensor("output.weight")!;
        output.Type.Should().Be(GgmlType.F16);
        output.Dimensions.Should().Equal(TinyLlama.EmbeddingLength, 24);
        output.RowLength.Should().Be(TinyLlama.EmbeddingLength);
        output.RowCount.Should().Be(24);
        output.ByteCount.Should().Be(TinyLlama.EmbeddingLength * 24 * 2);
        (output.FileOffset % 32).Should().Be(0);
    }

    [Theory]
    [InlineData(GgmlType.F32)]
    [InlineData(GgmlType.F16)]
    [InlineData(GgmlType.BF16)]
    [InlineData(GgmlType.Q8_0)]
    public void ReadRows_EachEncoding_ReturnsTheWrittenValues(GgmlType type)
    {
        var random = new Random(3);
        float[] values = Enumerable.Range(0, 64 * 5).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
        var writer = new GgufWriter().Add("general.architecture", "test");
        var tensor = writer.AddTensor("w", [64, 5], type, values);
        var file = Read(writer.ToBytes());

        var all = new float[64 * 5];
        file.ReadRows(file.FindTensor("w")!, 0, all);
        all.Should().Equal(tensor.Decoded.ToArray());
        var row = new float[64];
        file.ReadRows(file.FindTensor("w")!, 3, row);
        row.Should().Equal(tensor.Decoded.Slice(3 * 64, 64).ToArray());
    }

    [Fact]
    public void Read_FromPath_ReadsRowsFromTheFile()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, SmallFile());
            var file = GgufFile.Read(path);
            file.FilePath.Should().Be(Path.GetFullPath(path));
            var row = new float[32];
            file.ReadRows(file.FindTensor("output.weight")!, 1, row);
            row[0].Should().Be(32f);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Read_BadMagic_Throws()
    {
        byte[] bytes = SmallFile();
        bytes[0] = (byte)'X';
        var act = () => Read(bytes);
        act.Should().Throw<GgufFormatException>().WithMessage("*not*GGUF*").Which.Offset.Should().Be(0);
    }

    [Theory]
    [InlineData(1u, "*version 1*obsolete*")]
    [InlineData(4u, "*version 4*")]
    [InlineData(0x03000000u, "*big-endian*")]
    public void Read_UnsupportedVersion_Throws(uint version, string message)
    {
        byte[] bytes = SmallFile();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), version);
        var act = () => Read(bytes);
        act.Should().Throw<GgufFormatException>().WithMessage(message);
    }

    [Fact]
    public void Read_EveryTruncation_ThrowsFormatException()
    {
        byte[] bytes = SmallFile();
        for (int length = 0; length < bytes.Length; length++)
        {
            var act = () => Read(bytes[..length]);
            act.Should().Throw<GgufFormatException>($"a file cut at {length} of {bytes.Length} bytes is truncated");
        }
    }

    [Theory]
    [InlineData(8, "*tensor count*")]          // tensor count
    [InlineData(16, "*metadata count*")]       // metadata count
    public void Read_AbsurdCounts_ThrowWithoutAllocating(int offset, string message)
    {
        byte[] bytes = SmallFile();
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(offset), ulong.MaxValue / 3);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var act = () => Read(bytes);
        act.Should().Throw<GgufFormatException>().WithMessage(message);
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(1 << 20);
    }

    [Fact]
    public void Read_AbsurdStringAndArrayLengths_ThrowWithoutAllocating()
    {
        byte[] bytes = SmallFile();
        // the first key's length prefix sits right after the 24-byte header
        var hugeKey = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(hugeKey.AsSpan(24), 1UL << 40);
        // the array length of tokenizer.ggml.tokens
        int at = IndexOf(bytes, "tokenizer.ggml.tokens"u8) + "tokenizer.ggml.tokens".Length + 8;
        var hugeArray = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(hugeArray.AsSpan(at), 1UL << 33);

        long before = GC.GetAllocatedBytesForCurrentThread();
        ((Action)(() => Read(hugeKey))).Should().Throw<GgufFormatException>().WithMessage("*limit*");
        ((Action)(() => Read(hugeArray))).Should().Throw<GgufFormatException>().WithMessage("*tokenizer.ggml.tokens*elements*");
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(1 << 20);
    }

    [Fact]
    public void Read_UnknownValueTypeNestedArrayAndDuplicateKey_Throw()
    {
        ((Action)(() => Read(UnknownScalarType()))).Should().Throw<GgufFormatException>().WithMessage("*unknown value type 13*");

        var duplicate = new GgufWriter().Add("k", 1u).Add("k", 2u);
        ((Action)(() => Read(duplicate.ToBytes()))).Should().Throw<GgufFormatException>().WithMessage("*Duplicate metadata key k*");

        byte[] nested = new GgufWriter().Add("a", ["x"]).ToBytes();
        int at = IndexOf(nested, "a"u8) + 1 + 4; // element type after the value type
        BinaryPrimitives.WriteUInt32LittleEndian(nested.AsSpan(at), (uint)GgufValueType.Array);
        ((Action)(() => Read(nested))).Should().Throw<GgufFormatException>().WithMessage("*array of arrays*");
    }

    [Fact]
    public void Read_BadTensorInfos_Throw()
    {
        static byte[] WithTensor(Action<GgufWriter> add, int alignment = 32)
        {
            var writer = new GgufWriter { Alignment = alignment };
            add(writer);
            return writer.ToBytes();
        }

        byte[] good = WithTensor(w => w.AddTensor("t", [32, 2], GgmlType.Q8_0, new float[64]));
        int typeAt = IndexOf(good, "t"u8) + 1 + 4 + 16;

        var unknownType = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(unknownType.AsSpan(typeAt), 31);
        ((Action)(() => Read(unknownType))).Should().Throw<GgufFormatException>().WithMessage("*unknown ggml type 31*");

        var misaligned = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(misaligned.AsSpan(typeAt + 4), 3);
        ((Action)(() => Read(misaligned))).Should().Throw<GgufFormatException>().WithMessage("*not a multiple of the alignment*");

        var beyond = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(beyond.AsSpan(typeAt + 4), 64);
        ((Action)(() => Read(beyond))).Should().Throw<GgufFormatException>().WithMessage("*Truncated*tensor t*");

        var block = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(block.AsSpan(typeAt - 16), 33);
        ((Action)(() => Read(block))).Should().Throw<GgufFormatException>().WithMessage("*block size 32*");

        var overflow = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(overflow.AsSpan(typeAt - 16), 1UL << 40);
        BinaryPrimitives.WriteUInt64LittleEndian(overflow.AsSpan(typeAt - 8), 1UL << 40);
        ((Action)(() => Read(overflow))).Should().Throw<GgufFormatException>().WithMessage("*overflows*");

        var dims = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(dims.AsSpan(typeAt - 20), 5);
        ((Action)(() => Read(dims))).Should().Throw<GgufFormatException>().WithMessage("*5 dimensions*");
    }

    [Fact]
    public void Read_WrongTypeForWellKnownKey_Throws()
    {
        var writer = new GgufWriter().Add("general.architecture", "llama").Add("llama.embedding_length", "wide");
        ((Action)(() => Read(writer.ToBytes()))).Should().Throw<GgufFormatException>().WithMessage("*llama.embedding_length*");
    }

    [Fact]
    public void Read_Alignment_IsHonouredAndValidated()
    {
        var writer = new GgufWriter { Alignment = 64 }.Add("general.alignment", 64u);
        writer.AddTensor("t", [4], GgmlType.F32, [1, 2, 3, 4]);
        writer.AddTensor("u", [4], GgmlType.F32, [5, 6, 7, 8]);
        var file = Read(writer.ToBytes());
        file.Alignment.Should().Be(64);
        file.FindTensor("u")!.Offset.Should().Be(64);
        var row = new float[4];
        file.ReadRows(file.FindTensor("u")!, 0, row);
        row.Should().Equal(5, 6, 7, 8);

        var bad = new GgufWriter().Add("general.alignment", 48u);
        ((Action)(() => Read(bad.ToBytes()))).Should().Throw<GgufFormatException>().WithMessage("*power of two*");
    }

    [Fact]
    public void Read_MissingFile_ThrowsFileNotFound()
    {
        var act = () => GgufFile.Read(Path.Combine(Path.GetTempPath(), "no-such-model.gguf"));
        act.Should().Throw<FileNotFoundException>();
    }

    [Fact]
    public void ReadRows_RowsOutOfRangeOrPartialRow_Throw()
    {
        var writer = new GgufWriter();
        writer.AddTensor("t", [32, 2], GgmlType.Q8_0, new float[64]);
        var file = Read(writer.ToBytes());
        var tensor = file.FindTensor("t")!;
        ((Action)(() => file.ReadRows(tensor, 2, new float[32]))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => file.ReadRows(tensor, 0, new float[31]))).Should().Throw<ArgumentException>();
    }

    internal static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);

    private static byte[] UnknownScalarType()
    {
        // The writer refuses an unknown type: write a UInt32 and patch its type id afterwards.
        var valid = new GgufWriter().Add("k", 0u).ToBytes();
        int at = IndexOf(valid, "k"u8) + 1;
        BinaryPrimitives.WriteUInt32LittleEndian(valid.AsSpan(at), 13);
        return valid;
    }
}
