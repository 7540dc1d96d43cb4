using System.Globalization;
using LlmChains.Gguf;
using LlmChains.LlamaSharp;
using LlmChains.Models;

namespace LlmChains.Remote.Tests.Support;

/// <summary>The tiny GGUF model (float32 weights: LLamaSharp's evaluations agree to float32 rounding) and the loopback server answering with it.</summary>
public sealed class LoopbackFixture : IDisposable
{
    public LoopbackFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("llmchains-remote-tests-").FullName;
        ModelPath = Path.Combine(Directory, "tiny-f32.gguf");
        TinyLlama.Build(7, new TinyLlamaOptions { AllFloat32 = true }).Write(ModelPath);
        Server = new LoopbackServer(ModelPath);
    }

    public string Directory { get; }

    public string ModelPath { get; }

    public LoopbackServer Server { get; }

    /// <summary>The same model through LLamaSharp on the digits 0..T−1, as the CLI's gguf: loads it.</summary>
    public LlamaSharpLanguageModel LoadReference(int t, int k) => LlamaSharpLanguageModel.Load(ModelPath, TokenSubset.Digits(t), k, new LlamaSharpModelOptions { Threads = 1 });

    /// <summary>A fresh cache path.</summary>
    public string CachePath(string name) => Path.Combine(Directory, string.Create(CultureInfo.InvariantCulture, $"{name}-{Guid.NewGuid():N}.cache"));

    public void Dispose()
    {
        Server.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Every test that talks to the loopback server: one server, one test at a time (faults are per test).</summary>
[CollectionDefinition(Name)]
public sealed class LoopbackGroup : ICollectionFixture<LoopbackFixture>
{
    public const string Name = "loopback server";
}
