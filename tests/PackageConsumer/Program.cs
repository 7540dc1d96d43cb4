// The package-consumer check (.ci/run): uses each package the way a user would, from the packages alone. Prints one
// "PASS name: …" or "FAIL name: …" line per check and exits 1 if any check failed.
using System.Globalization;
using LlmChains.Analysis;
using LlmChains.Bounds;
using LlmChains.Chains;
using LlmChains.Gguf;
using LlmChains.LlamaSharp;
using LlmChains.Models;
using LlmChains.Remote;

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

// LlmChains.Remote: a served model through a tiny vLLM-shaped responder on 127.0.0.1 (RepeatModel's distribution:
// log-probabilities 1 − log(1 + e) for the last token, −log(1 + e) for the other), so its chain is the own-model chain.
Check("remote chain", () =>
{
    using var responder = new LoopbackResponder();
    using var model = RemoteLanguageModel.Connect(responder.Url, "repeat", TokenSubset.FromPieces(["0", "1"]), contextWindow: 2, new RemoteModelOptions { CachePath = Path.Combine(directory, "remote.cache") });
    var chain = LanguageModelChain.Build(model, new DecodingOptions { Temperature = 1 });
    var expected = LanguageModelChain.Build(new RepeatModel(), new DecodingOptions { Temperature = 1 });
    var pi = ChainAnalyzer.Analyze(chain).Stationary ?? throw new InvalidOperationException("no stationary distribution");
    var piExpected = ChainAnalyzer.Analyze(expected).Stationary!;
    for (long s = 0; s < chain.StateCount; s++)
    {
        Near(pi.Distribution[s], piExpected.Distribution[s], 1e-9, $"π({s})");
    }

    long requests = model.Requests;
    using var again = RemoteLanguageModel.Connect(responder.Url, "repeat", TokenSubset.FromPieces(["0", "1"]), contextWindow: 2, new RemoteModelOptions { CachePath = Path.Combine(directory, "remote.cache") });
    LanguageModelChain.Build(again, new DecodingOptions { Temperature = 1 });
    Require(responder.Completions == 1, $"{responder.Completions} completion requests; the second build should have read the cache");
    return $"{model}, {requests} requests, π(00) = {pi.Distribution[0 + 2]:R}, the cached rebuild sent none";
});

Check("remote refuses a bad URL", () =>
{
    try
    {
        RemoteLanguageModel.Connect("localhost:8000", "m", TokenSubset.Digits(2), 2);
    }
    catch (ArgumentException e) when (e.Message.Contains("not an http:// or https:// URL", StringComparison.Ordinal))
    {
        return e.Message;
    }

    throw new InvalidOperationException("localhost:8000 was accepted");
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

/// <summary>
/// The least of vLLM's OpenAI-compatible server for two tokens "0" (id 10) and "1" (id 11): /tokenize, /detokenize and
/// /v1/completions answering RepeatModel's distribution as token_id log-probabilities.
/// </summary>
internal sealed class LoopbackResponder : IDisposable
{
    private readonly System.Net.HttpListener _listener = new();
    private readonly Thread _thread;
    private int _completions;

    public LoopbackResponder()
    {
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        int port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Url = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _thread = new Thread(Serve) { IsBackground = true };
        _thread.Start();
    }

    public string Url { get; }

    public int Completions => Volatile.Read(ref _completions);

    public void Dispose() => _listener.Close();

    private void Serve()
    {
        while (_listener.IsListening)
        {
            System.Net.HttpListenerContext context;
            try
            {
                context = _listener.GetContext();
            }
            catch (Exception e) when (e is System.Net.HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream);
            var body = System.Text.Json.Nodes.JsonNode.Parse(reader.ReadToEnd())!;
            string answer = context.Request.Url!.AbsolutePath switch
            {
                "/tokenize" => (string?)body["prompt"] switch
                {
                    "0" => "{\"tokens\":[10]}",
                    "1" => "{\"tokens\":[11]}",
                    _ => "{\"tokens\":[]}",
                },
                "/detokenize" => (int)body["tokens"]![0]! == 10 ? "{\"prompt\":\"0\"}" : "{\"prompt\":\"1\"}",
                _ => Completion(body),
            };
            byte[] bytes = System.Text.Encoding.UTF8.GetBytes(answer);
            context.Response.ContentType = "application/json";
            context.Response.OutputStream.Write(bytes);
            context.Response.Close();
        }
    }

    private string Completion(System.Text.Json.Nodes.JsonNode body)
    {
        Interlocked.Increment(ref _completions);
        double stay = 1 - Math.Log(1 + Math.E);
        double leave = -Math.Log(1 + Math.E);
        var choices = new List<string>();
        int index = 0;
        foreach (var prompt in body["prompt"]!.AsArray())
        {
            int last = (int)prompt!.AsArray()[^1]!;
            string other = last == 10 ? "11" : "10";
            choices.Add(string.Create(CultureInfo.InvariantCulture, $"{{\"index\":{index++},\"text\":\"{last - 10}\",\"logprobs\":{{\"tokens\":[\"token_id:{last}\"],\"top_logprobs\":[{{\"token_id:{last}\":{stay:R},\"token_id:{other}\":{leave:R}}}]}}}}"));
        }

        return $"{{\"choices\":[{string.Join(",", choices)}]}}";
    }
}
