using LlmChains.Gguf;
using LlmChains.Models;

namespace LlmChains.LlamaSharp.Tests.Support;

/// <summary>
/// The generated models, written once per test run. Loading through LLamaSharp happens in the tests; a native
/// library failure surfaces there as a <see cref="ModelLoadException"/> whose message says what to check.
/// </summary>
public sealed class ModelFixture : IDisposable
{
    public ModelFixture()
    {
        Plain = TestFiles.WriteTemp(TinyLlama.Build(7), "tiny.gguf");
        Merged = TestFiles.WriteTemp(TinyLlama.Build(7, new TinyLlamaOptions { MergedTen = true }), "tiny-merged.gguf");
        SinglePrecision = TestFiles.WriteTemp(TinyLlama.Build(7, new TinyLlamaOptions { AllFloat32 = true }), "tiny-f32.gguf");
    }

    /// <summary>Digits are single tokens: in-context prompts are concatenated.</summary>
    public string Plain { get; }

    /// <summary>Every matrix in F32: llama.cpp's batched and incremental evaluations agree to float32 rounding.</summary>
    public string SinglePrecision { get; }

    /// <summary>Has the token "10" (high score), so the tokenizer merges "1","0": prompts need separators.</summary>
    public string Merged { get; }

    internal static LlamaSharpLanguageModel Load(string path, int states, int contextWindow, LlamaSharpModelOptions? options = null)
    {
        try
        {
            return LlamaSharpLanguageModel.Load(path, TokenSubset.Digits(states), contextWindow, options ?? new LlamaSharpModelOptions { Threads = 1 });
        }
        catch (ModelLoadException e)
        {
            throw new Xunit.Sdk.XunitException($"LLamaSharp could not load the generated fixture {path}: {e.Message} ({e.InnerException?.GetType().Name}: {e.InnerException?.Message})");
        }
    }

    public void Dispose()
    {
        foreach (string path in new[] { Plain, Merged, SinglePrecision })
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
            }
        }
    }

    internal static GgufFile ReadPlain(ModelFixture fixture) => GgufFile.Read(fixture.Plain);
}

/// <summary>Every test that loads a model runs in this collection: one fixture, no concurrent native evaluation.</summary>
[CollectionDefinition(Name)]
public sealed class LlamaTestGroup : ICollectionFixture<ModelFixture>
{
    public const string Name = "llama.cpp models";
}
