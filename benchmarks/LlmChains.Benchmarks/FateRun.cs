using System.Diagnostics;
using System.Globalization;
using LlmChains.Analysis.Fate;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Benchmarks;

/// <summary>
/// The scale targets of the fate analyses (issue 16), timed in one process, not a BenchmarkDotNet job:
/// <c>fate hitting [T K]</c>: expected hitting times of a repetition loop (the greedy chain's largest cycle, as a set of
/// windows) from every state of the τ = 1 chain of a random-logit model (T = 2, K = 20: 2,097,150 states), and of the
/// pattern "window ends with 1 1 1"; <c>fate absorption [T K k prompts]</c>: absorption of 10^4 random prompts into the
/// repetition loops of a top-k chain (T = 10, K = 6, k = 2). Prints time, products, residual.
/// </summary>
internal static class FateRun
{
    public static int Run(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        string mode = args.Length > 0 ? args[0] : "hitting";
        int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;
        return mode == "absorption" ? Absorb(Arg(1, 10), Arg(2, 6), Arg(3, 2), Arg(4, 10_000)) : Hit(Arg(1, 2), Arg(2, 20));
    }

    private static int Hit(int t, int k)
    {
        var model = new RandomLogitsModel(t, k, 1.0, 1);
        var clock = Stopwatch.StartNew();
        var greedy = LanguageModelChain.Build(model, DecodingOptions.Greedy);
        var greedyStructure = ChainStructure.Analyze(greedy);
        var loop = greedyStructure.RecurrentClasses.MaxBy(c => c.Size);
        long[] loopStates = greedyStructure.GetStates(loop.Id);
        var chain = LanguageModelChain.Build(model);
        Console.WriteLine($"T = {t}, K = {k}: {chain.StateCount:N0} states; greedy loop of {loopStates.Length} windows ({string.Join(" ", loopStates.Take(4).Select(s => greedy.States.Format(s, string.Empty)))}…); builds {clock.Elapsed.TotalSeconds:F2} s");
        foreach (var (name, target) in new[] { ("greedy loop", TargetSet.States(loopStates)), ("window ends with 1 1 1", TargetSet.WindowEndsWith([1, 1, 1])) })
        {
            clock.Restart();
            var result = Hitting.Compute(chain, target);
            double seconds = clock.Elapsed.TotalSeconds;
            double max = result.ExpectedSteps.Max();
            double mean = result.ExpectedSteps.Average();
            var s = result.StepsSolve;
            Console.WriteLine($"hitting {name}: {seconds:F2} s, {s.Method}, {s.Unknowns:N0} unknowns, {s.Products:N0} products, residual ‖b − (I − M)x‖∞ = {s.Residual:E2} ({s.Status}); E[τ] mean {mean:F1}, max {max:F1}; error bound max E[τ] × residual = {max * s.Residual:E2}");
        }

        return 0;
    }

    private static int Absorb(int t, int k, int topK, int prompts)
    {
        var model = new RandomLogitsModel(t, k, 1.0, 1);
        var clock = Stopwatch.StartNew();
        var chain = LanguageModelChain.Build(model, new DecodingOptions { TopK = topK });
        Console.WriteLine($"T = {t}, K = {k}, top-{topK}: {chain.StateCount:N0} states, build {clock.Elapsed.TotalSeconds:F2} s");
        var rng = new Random(1);
        var starts = new long[prompts];
        for (int i = 0; i < prompts; i++)
        {
            int length = 1 + rng.Next(k);
            var tokens = new int[length];
            for (int j = 0; j < length; j++)
            {
                tokens[j] = rng.Next(t);
            }

            starts[i] = chain.States.Rank(tokens);
        }

        clock.Restart();
        var structure = ChainStructure.Analyze(chain);
        double classify = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var result = Absorption.Compute(chain, starts, new FateOptions { Structure = structure });
        double seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"classes: {classify:F2} s, {structure.RecurrentClasses.Count} recurrent classes (loops), {structure.TransientStateCount:N0} transient states");
        Console.WriteLine($"absorption of {prompts:N0} prompts: {seconds:F2} s; probabilities {result.ProbabilitySolve}; steps {result.StepsSolve}; mean E[steps] {result.ExpectedSteps.Average():F2}");
        return 0;
    }
}
