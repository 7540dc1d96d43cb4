using System.Diagnostics;
using System.Globalization;
using System.Text;
using LlmChains.Chains;
using LlmChains.Models;
using LlmChains.Remote.Tests.Support;
using Xunit.Abstractions;

namespace LlmChains.Remote.Tests;

/// <summary>
/// The throughput numbers of docs/remote-models.md against the loopback server (the tiny model evaluated by LLamaSharp
/// on one thread, one prompt at a time): requests/s and states/s with the cache cold and warm. Opt-in:
/// LLMCHAINS_MEASURE=1 dotnet test tests/LlmChains.Remote.Tests -c Release --filter Measurements; the table goes to the
/// test output and to $TMPDIR/llmchains-remote-measure.md.
/// </summary>
[Collection(LoopbackGroup.Name)]
public sealed class Measurements(LoopbackFixture fixture, ITestOutputHelper output)
{
    [MeasurementFact]
    public void Measure_ColdAndWarmCache()
    {
        fixture.Server.Reset();
        var table = new StringBuilder();
        table.AppendLine("| server | T | K | states | prompts/request | in flight | cold: requests | cold: s | cold: requests/s | cold: states/s | warm (cache file): s | warm: states/s | warm: requests |");
        table.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (dialect, t, k, batch, concurrency) in new[]
        {
            (ServerDialect.Vllm, 3, 6, 1, 1), (ServerDialect.Vllm, 3, 6, 32, 1), (ServerDialect.Vllm, 3, 6, 32, 4),
            (ServerDialect.LlamaCpp, 3, 6, 1, 1), (ServerDialect.LlamaCpp, 3, 6, 32, 4), (ServerDialect.Vllm, 2, 10, 32, 4),
        })
        {
            string cache = fixture.CachePath("measure");
            var options = new RemoteModelOptions { Dialect = dialect, PromptsPerRequest = batch, MaxConcurrentRequests = concurrency, CachePath = cache };
            long states = new StateSpace(t, k).StateCount;

            var clock = Stopwatch.StartNew();
            long requests;
            using (var cold = RemoteLanguageModel.Connect(fixture.Server.Url, "tiny", TokenSubset.Digits(t), k, options))
            {
                long before = fixture.Server.CompletionRequests;
                clock.Restart();
                LanguageModelChain.Build(cold);
                clock.Stop();
                requests = fixture.Server.CompletionRequests - before;
            }

            double coldSeconds = clock.Elapsed.TotalSeconds;
            using var warm = RemoteLanguageModel.Connect(fixture.Server.Url, "tiny", TokenSubset.Digits(t), k, options);
            long warmBefore = fixture.Server.CompletionRequests;
            clock.Restart();
            LanguageModelChain.Build(warm);
            clock.Stop();
            long warmRequests = fixture.Server.CompletionRequests - warmBefore;
            double warmSeconds = clock.Elapsed.TotalSeconds;
            table.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {dialect} | {t} | {k} | {states} | {batch} | {concurrency} | {requests} | {coldSeconds:F2} | {requests / coldSeconds:F0} | {states / coldSeconds:F0} | {warmSeconds:F3} | {states / warmSeconds:F0} | {warmRequests} |"));
        }

        string text = table.ToString();
        output.WriteLine(text);
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "llmchains-remote-measure.md"), text);
    }
}

/// <summary>A measurement, not a test: reported as skipped unless LLMCHAINS_MEASURE=1.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class MeasurementFactAttribute : FactAttribute
{
    public MeasurementFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("LLMCHAINS_MEASURE") != "1")
        {
            Skip = "Measurement (minutes): run with LLMCHAINS_MEASURE=1";
        }
    }
}
