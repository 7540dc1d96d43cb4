using System.Globalization;
using LlmChains.Gguf;

namespace LlmChains.LlamaSharp.Tests.Support;

/// <summary>Where the tests write their generated model files.</summary>
internal static class TestFiles
{
    /// <summary>Writes a model to a fresh temporary file and returns the path.</summary>
    public static string WriteTemp(GgufWriter writer, string name)
    {
        string directory = Path.Combine(Path.GetTempPath(), "llmchains-llamasharp-tests", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, name);
        writer.Write(path);
        return path;
    }

    /// <summary>
    /// Replaces the tensor called <paramref name="name"/> (same place in the file, same type) by one of new dimensions,
    /// filled with small values: a hostile shape for the loaders' tests.
    /// </summary>
    public static GgufWriter ReshapeTensor(this GgufWriter writer, string name, long[] dims)
    {
        long count = dims.Aggregate(1L, (a, b) => a * b);
        writer.ReplaceTensor(name, dims, Enumerable.Range(0, (int)count).Select(i => ((i % 7) - 3) / 10f).ToArray());
        return writer;
    }
}
