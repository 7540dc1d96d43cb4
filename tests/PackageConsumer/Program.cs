// The package-consumer check (.ci/run): uses each package the way a user would, from the packages alone. Prints one
// "PASS name: …" or "FAIL name: …" line per check and exits 1 if any check failed.
using System.Globalization;
using LlmChains.Analysis;
using LlmChains.Bounds;
using LlmChains.Chains;
using LlmChains.Gguf;
using LlmChains.LlamaSharp;
using LlmChains.Models;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
int failed = 0;

// LlmChains: Theorem 4.2's constant and gap against their closed forms, B̄ = 2·√(log T + 2B_U/τ), gap = B̄·√(log(2/δ)/N).
Check("pretraining bound", () =>
{
    var bound = new PretrainingBound(vocabularySize: 32000, unembeddingNorm: 32000 * Math.Sqrt(4096), temperature: 1);
    double constant = 2 * Math.Sqrt(Math.Log(32000) + 2 * 2048000.0);
    Near(bound.Constant, constant, 1e-12, "B̄");
    Near(bound.Gap(1e12, 0.05), constant * Math.Sqrt(Math.Log(40) / 1e12), 1e-12, "gap");
    return $"B̄ = {bound.Constant:R}, gap(N = 1e12) = {bound.Gap(1e12, 0.05):R}";
});

// LlmChains: Theorem 4.3's gap falls as 1/√N.
Check("in-context bound", () =>
{
    var bound = new InContextBound(stateCount: 3, unembeddingNorm: 10, temperature: 1, minimumTransitionProbability: 0.1, mixingTime: 5);
    double gap = bound.Gap(1000, 0.05);
    Require(double.IsFinite(gap) && gap > 0, $"gap {gap} is not a positive number");
    Near(bound.Gap(4000, 0.05), gap / 2, 1e-12, "gap at 4N");
    return $"B̄ = {bound.Constant:R}, gap(N = 1000) = {gap:R}";
});

// LlmChains: the chain of our own model. T = 2, K = 2, logits (1, 0) favour repeating the last token, so the token
// process is the two-state chain with P(stay) = e/(1 + e), and π(ab) = ½·P(a → b) on the length-2 windows.
Check("own model chain", () =>
{
    var chain = LanguageModelChain.Build(new RepeatModel(), new DecodingOptions { Temperature = 1 });
    Require(chain.StateCount == 6, $"{chain.StateCount} states, not 2 + 4");
    var analysis = ChainAnalyzer.Analyze(chain);
    Require(analysis.Structure.IsErgodicUnichain, "the chain is not an ergodic unichain");
    var pi = analysis.Stationary ?? throw new InvalidOperationException("no stationary distribution");
    double stay = Math.E / (1 + Math.E);
    Near(pi.Distribution[chain.States.Rank([0, 0])], stay / 2, 1e-9, "π(00)");
    Near(pi.Distribution[chain.States.Rank([0, 1])], (1 - stay) / 2, 1e-9, "π(01)");
    return $"{chain.StateCount} states, π(00) = {pi.Distribution[chain.States.Rank([0, 0])]:R}, residual {pi.Residual:E1}, t_mix = {analysis.MixingTime?.Value}";
});

string directory = Directory.CreateTempSubdirectory("llmchains-consumer-").FullName;
string path = Path.Combine(directory, "tiny.gguf");
var writer = TinyLlama.Build(7);
writer.Write(path);

// LlmChains.Gguf: B_U = Σ_rows ‖row of W_U‖₂ read from the file, against the values the writer encoded.
Check("gguf B_U", () =>
{
    var file = GgufFile.Read(path);
    double bu = GgufNorms.UnembeddingNorm(file).Value;
    float[] w = writer.Tensors.Single(t => t.Name == "output.weight").Decoded.ToArray();
    double expected = w.Chunk(TinyLlama.EmbeddingLength).Sum(row => Math.Sqrt(row.Sum(x => (double)x * x)));
    Near(bu, expected, 1e-6, "B_U");
    return $"{file.Architecture}, T = {file.VocabularySize}, r = {file.EmbeddingLength}, B_U = {bu:R}";
});

// LlmChains.LlamaSharp: the tiny model through llama.cpp (the native library must have arrived with the package).
Check("llamasharp chain", () =>
{
    using var model = LlamaSharpLanguageModel.Load(path, TokenSubset.Digits(2), contextWindow: 2, new LlamaSharpModelOptions { Threads = 1 });
    var chain = LanguageModelChain.Build(model, new DecodingOptions { Temperature = 1 });
    Require(chain.StateCount == 6, $"{chain.StateCount} states, not 2 + 4");
    Span<long> columns = stackalloc long[chain.MaxRowNonZeros];
    Span<double> probabilities = stackalloc double[chain.MaxRowNonZeros];
    for (long s = 0; s < chain.StateCount; s++)
    {
        int n = chain.GetRow(s, columns, probabilities);
        double sum = 0;
        foreach (double p in probabilities[..n])
        {
            Require(p > 0 && p <= 1, $"row {s} has probability {p}");
            sum += p;
        }

        Near(sum, 1, 1e-12, $"row {s} sum");
    }

    var analysis = ChainAnalyzer.Analyze(chain);
    Require(analysis.Structure.IsErgodicUnichain, "the chain is not an ergodic unichain");
    return $"{model}, {chain.StateCount} states, residual {analysis.Stationary?.Residual:E1}";
});

Directory.Delete(directory, recursive: true);
Console.WriteLine($"consumer: {(failed == 0 ? "all checks passed" : $"{failed} check(s) failed")}");
return failed == 0 ? 0 : 1;

void Check(string name, Func<string> body)
{
    try
    {
        Console.WriteLine($"PASS {name}: {body()}");
    }
#pragma warning disable CA1031 // any exception is a failed check, reported on one line
    catch (Exception e)
#pragma warning restore CA1031
    {
        failed++;
        Console.WriteLine($"FAIL {name}: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
    }
}

static void Require(bool condition, string message)
{
    if (!condition)
    {
        throw new InvalidOperationException(message);
    }
}

static void Near(double actual, double expected, double relative, string what)
    => Require(Math.Abs(actual - expected) <= relative * Math.Max(1, Math.Abs(expected)), $"{what} = {actual:R}, expected {expected:R}");

/// <summary>T = 2, K = 2: logit 1 for the last token of the context, 0 for the other.</summary>
internal sealed class RepeatModel : ILanguageModel
{
    public int VocabularySize => 2;

    public int ContextWindow => 2;

    public void GetNextTokenLogits(ReadOnlySpan<int> context, Span<double> logits)
    {
        logits[0] = context[^1] == 0 ? 1 : 0;
        logits[1] = context[^1] == 1 ? 1 : 0;
    }
}
