using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmChains.Gguf;
using LlmChains.LlamaSharp;
using LlmChains.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmChains.Remote.Tests.Support;

/// <summary>
/// An inference server on 127.0.0.1 that speaks vLLM's (<c>/v1/completions</c>, <c>/tokenize</c>, <c>/detokenize</c>)
/// and the llama.cpp server's (<c>/completion</c>, <c>/tokenize</c>, <c>/detokenize</c>) wire formats, error bodies
/// included, and answers with the real logits of the tiny GGUF model evaluated by LLamaSharp (every prompt from an empty
/// cache, all 24 tokens, log-softmax over the whole vocabulary). Faults and tokenizer mismatches are switched on per test.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable, IDisposable
{
    /// <summary>vLLM's default --max-logprobs.</summary>
    public const int MaxLogprobs = 20;

    private readonly WebApplication _app;
    private readonly LlamaSharpLanguageModel _oracle;
    private readonly IReadOnlyList<string> _vocabulary = TinyLlama.Vocabulary();
    private readonly ConcurrentQueue<ServerFault> _faults = new();
    private long _completionRequests;

    public LoopbackServer(string modelPath)
    {
        ModelPath = modelPath;
        // Every vocabulary token is a state of the oracle: its logits are the model's full next-token logits.
        _oracle = LlamaSharpLanguageModel.Load(modelPath, TokenSubset.FromIds(Enumerable.Range(0, TinyLlama.VocabularySize)), TinyLlama.ContextLength, new LlamaSharpModelOptions { Threads = 1, PrependBos = false, BatchLeafSiblings = false });
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapPost("/tokenize", Tokenize);
        _app.MapPost("/detokenize", Detokenize);
        _app.MapPost("/v1/completions", VllmCompletions);
        _app.MapPost("/completion", LlamaCppCompletion);
        _app.StartAsync().GetAwaiter().GetResult();
        string address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Url = address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal);
    }

    public string ModelPath { get; }

    /// <summary>http://127.0.0.1:port</summary>
    public string Url { get; }

    /// <summary>Completion requests answered or failed since <see cref="Reset"/>.</summary>
    public long CompletionRequests => Interlocked.Read(ref _completionRequests);

    /// <summary>Token ids the server never returns (not in the top set, nor when forced).</summary>
    public HashSet<int> Withheld { get; } = [];

    /// <summary>Token ids kept out of the top set only (a forced request still returns them).</summary>
    public HashSet<int> OutsideTop { get; } = [];

    /// <summary>Answers as a model whose tokenizer numbers every token one higher (a different tokenizer behind the address).</summary>
    public bool ShiftedTokenizer { get; set; }

    /// <summary>Reports log-probabilities after the bias (a server with vLLM's processed_logprobs mode).</summary>
    public bool AfterBias { get; set; }

    /// <summary>Answers token texts where ids were asked for (an OpenAI-compatible server without return_tokens_as_token_ids).</summary>
    public bool IgnoresTokenIds { get; set; }

    /// <summary>Whether /tokenize of an empty text with special tokens gives the BOS token.</summary>
    public bool AddsBos { get; set; } = true;

    /// <summary>The Authorization header of the last request.</summary>
    public string? LastAuthorization { get; private set; }

    /// <summary>Queues faults for the next completion requests, in order.</summary>
    public void Fail(params ServerFault[] faults)
    {
        foreach (var fault in faults)
        {
            _faults.Enqueue(fault);
        }
    }

    public void Reset()
    {
        _faults.Clear();
        Withheld.Clear();
        OutsideTop.Clear();
        ShiftedTokenizer = false;
        IgnoresTokenIds = false;
        AfterBias = false;
        AddsBos = true;
        LastAuthorization = null;
        Interlocked.Exchange(ref _completionRequests, 0);
    }

    /// <summary>log p(· | prompt) over the whole vocabulary, by the oracle.</summary>
    public double[] LogSoftmax(int[] prompt)
    {
        var logits = new double[TinyLlama.VocabularySize];
        _oracle.GetNextTokenLogits(prompt, logits);
        double max = logits.Max();
        double log = max + Math.Log(logits.Sum(z => Math.Exp(z - max)));
        return [.. logits.Select(z => z - log)];
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _oracle.Dispose();
    }

    private int Shift(int id) => ShiftedTokenizer ? (id + 1) % TinyLlama.VocabularySize : id;

    private async Task Tokenize(HttpContext context)
    {
        var body = await Read(context);
        string text = (string?)(body["prompt"] ?? body["content"]) ?? string.Empty;
        bool special = (bool?)(body["add_special_tokens"] ?? body["add_special"]) ?? false;
        var tokens = new List<int>();
        if (special && AddsBos)
        {
            tokens.Add(1);
        }

        // SentencePiece-like: a word-start "▁" token, then the longest vocabulary pieces.
        if (text.Length > 0)
        {
            tokens.Add(4);
            for (int at = 0; at < text.Length;)
            {
                int best = -1;
                for (int id = 5; id < _vocabulary.Count; id++)
                {
                    if (text.AsSpan(at).StartsWith(_vocabulary[id], StringComparison.Ordinal) && (best < 0 || _vocabulary[id].Length > _vocabulary[best].Length))
                    {
                        best = id;
                    }
                }

                tokens.Add(best < 0 ? 0 : best);
                at += best < 0 ? 1 : _vocabulary[best].Length;
            }
        }

        await Write(context, new JsonObject { ["count"] = tokens.Count, ["max_model_len"] = TinyLlama.ContextLength, ["tokens"] = new JsonArray([.. tokens.Select(t => (JsonNode)t)]) });
    }

    private async Task Detokenize(HttpContext context)
    {
        var body = await Read(context);
        string text = string.Concat(body["tokens"]!.AsArray().Select(t => Piece((int)t!)));
        await Write(context, new JsonObject { ["prompt"] = text, ["content"] = text });
    }

    private string Piece(int id) => (uint)id < (uint)_vocabulary.Count ? _vocabulary[id].Replace('▁', ' ') : "<?>";

    private async Task VllmCompletions(HttpContext context)
    {
        var body = await Read(context);
        if (await Faulted(context, vllm: true))
        {
            return;
        }

        int top = (int?)body["logprobs"] ?? 0;
        int? promptTop = (int?)body["prompt_logprobs"];
        if (top > MaxLogprobs || promptTop > MaxLogprobs)
        {
            await Error(context, 400, vllm: true, string.Create(CultureInfo.InvariantCulture, $"Requested sample logprobs of {Math.Max(top, promptTop ?? 0)}, which is greater than max allowed: {MaxLogprobs}"));
            return;
        }

        bool asIds = ((bool?)body["return_tokens_as_token_ids"] ?? false) && !IgnoresTokenIds;
        int[]? allowed = body["allowed_token_ids"] is JsonArray list ? [.. list.Select(t => (int)t!)] : null;
        var choices = new JsonArray();
        int index = 0;
        foreach (int[] prompt in Prompts(body["prompt"]!))
        {
            double[] logprobs = LogSoftmax(prompt);
            int generated = ArgMax(logprobs, allowed);
            double[] reported = [.. Enumerable.Range(0, logprobs.Length).Select(id => Reported(logprobs, id, allowed))];
            var topSet = new JsonObject();
            foreach (int id in TopIds(reported, top).Append(generated).Distinct())
            {
                if (!Withheld.Contains(id))
                {
                    topSet[asIds ? string.Create(CultureInfo.InvariantCulture, $"token_id:{Shift(id)}") : Piece(id)] = Reported(logprobs, id, allowed);
                }
            }

            var choice = new JsonObject
            {
                ["index"] = index++,
                ["text"] = Piece(generated),
                ["logprobs"] = new JsonObject
                {
                    ["text_offset"] = new JsonArray(0),
                    ["token_logprobs"] = new JsonArray(Reported(logprobs, generated, allowed)),
                    ["tokens"] = new JsonArray(asIds ? string.Create(CultureInfo.InvariantCulture, $"token_id:{Shift(generated)}") : Piece(generated)),
                    ["top_logprobs"] = new JsonArray(topSet),
                },
                ["finish_reason"] = "length",
                ["stop_reason"] = null,
            };
            if (promptTop is { } n)
            {
                var positions = new JsonArray { null };
                for (int j = 1; j < prompt.Length; j++)
                {
                    double[] before = LogSoftmax(prompt[..j]);
                    var entry = new JsonObject();
                    foreach (int id in TopIds(before, n).Append(prompt[j]).Distinct())
                    {
                        if (!Withheld.Contains(id))
                        {
                            entry[Shift(id).ToString(CultureInfo.InvariantCulture)] = new JsonObject { ["logprob"] = before[id], ["rank"] = Rank(before, id), ["decoded_token"] = Piece(id) };
                        }
                    }

                    positions.Add(entry);
                }

                choice["prompt_logprobs"] = positions;
            }

            choices.Add(choice);
        }

        await Write(context, new JsonObject
        {
            ["id"] = "cmpl-loopback",
            ["object"] = "text_completion",
            ["created"] = 0,
            ["model"] = (string?)body["model"],
            ["choices"] = choices,
            ["usage"] = new JsonObject { ["prompt_tokens"] = 0, ["completion_tokens"] = index, ["total_tokens"] = index },
        });
    }

    private async Task LlamaCppCompletion(HttpContext context)
    {
        var body = await Read(context);
        if (await Faulted(context, vllm: false))
        {
            return;
        }

        int top = (int?)body["n_probs"] ?? 0;
        int[]? forced = body["logit_bias"] is JsonArray bias && bias.Count == 1 ? [(int)bias[0]![0]!] : null;
        var results = new JsonArray();
        int index = 0;
        bool several = body["prompt"] is JsonArray outer && outer.Count > 0 && outer[0] is JsonArray;
        foreach (int[] prompt in Prompts(body["prompt"]!))
        {
            double[] logprobs = LogSoftmax(prompt);
            int generated = ArgMax(logprobs, forced);
            var topList = new JsonArray();
            foreach (int id in TopIds(logprobs, top))
            {
                if (!Withheld.Contains(id))
                {
                    topList.Add(Entry(id, Reported(logprobs, id, forced)));
                }
            }

            var row = Withheld.Contains(generated) ? Entry(generated == 6 ? 7 : 6, logprobs[generated == 6 ? 7 : 6]) : Entry(generated, Reported(logprobs, generated, forced));
            row["top_logprobs"] = topList;
            results.Add(new JsonObject
            {
                ["index"] = index++,
                ["content"] = Piece(generated),
                ["tokens"] = new JsonArray(),
                ["id_slot"] = 0,
                ["stop"] = true,
                ["model"] = "tiny",
                ["tokens_predicted"] = 1,
                ["tokens_evaluated"] = prompt.Length,
                ["completion_probabilities"] = new JsonArray(row),
            });
        }

        await Write(context, several ? results : results[0]!.DeepClone());
    }

    private JsonObject Entry(int id, double logprob)
    {
        // A shifted tokenizer: the same distribution reported under ids one higher, with that id's text.
        int reported = Shift(id);
        return new JsonObject
        {
            ["id"] = reported,
            ["token"] = Piece(reported),
            ["bytes"] = new JsonArray([.. Encoding.UTF8.GetBytes(Piece(reported)).Select(b => (JsonNode)(int)b)]),
            ["logprob"] = logprob,
        };
    }

    /// <summary>The log-probability as reported: the model's, or (<see cref="AfterBias"/>) renormalised over the allowed tokens.</summary>
    private double Reported(double[] logprobs, int id, int[]? allowed)
    {
        if (!AfterBias || allowed is null)
        {
            return logprobs[id];
        }

        if (!allowed.Contains(id))
        {
            return -9999;
        }

        double max = allowed.Max(a => logprobs[a]);
        return logprobs[id] - (max + Math.Log(allowed.Sum(a => Math.Exp(logprobs[a] - max))));
    }

    private IEnumerable<int> TopIds(double[] logprobs, int count)
        => Enumerable.Range(0, logprobs.Length).Where(id => !OutsideTop.Contains(id)).OrderByDescending(id => logprobs[id]).Take(count);

    private static int ArgMax(double[] values, int[]? among) => (among ?? Enumerable.Range(0, values.Length)).MaxBy(id => values[id]);

    private static int Rank(double[] values, int id) => 1 + values.Count(v => v > values[id]);

    private static IEnumerable<int[]> Prompts(JsonNode prompt)
    {
        var array = prompt.AsArray();
        if (array.Count > 0 && array[0] is JsonArray)
        {
            return array.Select(p => p!.AsArray().Select(t => (int)t!).ToArray()).ToArray();
        }

        return [array.Select(t => (int)t!).ToArray()];
    }

    private async Task<bool> Faulted(HttpContext context, bool vllm)
    {
        Interlocked.Increment(ref _completionRequests);
        if (!_faults.TryDequeue(out var fault))
        {
            return false;
        }

        switch (fault)
        {
            case ServerFault.TooManyRequests:
                context.Response.Headers.RetryAfter = "1";
                await Error(context, 429, vllm, "Too many requests: the server is busy");
                return true;
            case ServerFault.InternalError:
                await Error(context, 500, vllm, "CUDA out of memory (simulated)");
                return true;
            case ServerFault.DropConnection:
                context.Abort();
                return true;
            case ServerFault.Slow:
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(3), context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                }

                return false;
            case ServerFault.MalformedBody:
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"choices\": [{\"index\": 0, \"logprobs\": tru");
                return true;
            default:
                return false;
        }
    }

    private static async Task Error(HttpContext context, int status, bool vllm, string message)
    {
        context.Response.StatusCode = status;
        JsonNode body = vllm
            ? new JsonObject { ["object"] = "error", ["message"] = message, ["type"] = status == 400 ? "BadRequestError" : "InternalServerError", ["param"] = null, ["code"] = status }
            : new JsonObject { ["error"] = new JsonObject { ["code"] = status, ["message"] = message, ["type"] = status == 400 ? "invalid_request_error" : "server_error" } };
        await Write(context, body);
    }

    private async Task<JsonObject> Read(HttpContext context)
    {
        LastAuthorization = context.Request.Headers.Authorization.FirstOrDefault();
        return (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
    }

    private static async Task Write(HttpContext context, JsonNode body)
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
    }
}
