using FluentAssertions;
using LlmChains.LlamaSharp.Tests.Support;

namespace LlmChains.LlamaSharp.Tests;

/// <summary>Hostile hyper-parameters through <see cref="LlamaSharpLanguageModel.Load"/>: the validation in front of llama.cpp (the GGUF reader's own fuzz test is in LlmChains.Gguf.Tests).</summary>
public sealed class LlamaSharpLanguageModelLoadFuzzTests
{
    /// <summary>
    /// One test per hyper-parameter llama.cpp would abort on (without validation: a GGML_ASSERT, a division by zero or
    /// NaN logits): loaded through <see cref="LlamaSharpLanguageModel.Load"/> in a child process, the file is rejected
    /// with a one-line message naming the key.
    /// </summary>
    [Theory]
    [MemberData(nameof(RejectedCaseNames))]
    public void Load_HyperParameterLlamaCppAbortsOn_ThrowsNamingTheKey(string name)
    {
        var (_, key) = HyperParameterCases.Rejected.Single(c => c.Case.Name == name);
        ProbeOutcome outcome = RejectedOutcomes.Value[name];

        outcome.IsAcceptable.Should().BeTrue($"{name} must not abort the process: {outcome}");
        outcome.Kind.Should().Be(ProbeKind.Thrown, outcome.ToString());
        outcome.Message.Should().Contain(key, outcome.ToString());
    }

    /// <summary>
    /// A bounded, seeded fuzz of the whole path (reader, validation, llama.cpp's loader, evaluation): every single
    /// hyper-parameter mutation of <see cref="HyperParameterCases"/> (zero, negative, huge, NaN, ±∞, wrong types, missing
    /// keys, arrays of the wrong length, tensors inconsistent with the hyper-parameters) and random combinations of two
    /// or three, each loaded in a child process: it loads and gives finite logits, or throws one of our exceptions with a
    /// one-line message; it never ends the process.
    /// </summary>
    [Fact]
    public void Load_SeededHyperParameterMutations_LoadOrThrowOurExceptionsNeverAbort()
    {
        var random = new Random(20260214);
        var singles = HyperParameterCases.All;
        var cases = new List<HyperParameterCase>(singles);
        for (int i = 0; i < 150; i++)
        {
            var picked = Enumerable.Range(0, 2 + random.Next(2)).Select(_ => singles[random.Next(singles.Count)]).DistinctBy(c => c.Name).ToArray();
            cases.Add(new HyperParameterCase(string.Join(" + ", picked.Select(c => c.Name)), w => Array.ForEach(picked, c => c.Mutate(w))));
        }

        var outcomes = HyperParameterCases.Probe(cases, "fuzz");

        if (Environment.GetEnvironmentVariable("LLMCHAINS_FUZZ_REPORT") is { Length: > 0 } report)
        {
            File.WriteAllLines(report, outcomes.Select(o => $"{o.Case.Name}\t{o.Outcome.Kind}\t{o.Outcome.ExceptionType}\t{o.Outcome.Message}\t{o.Outcome.NativeOutput}"));
        }

        var bad = outcomes.Where(o => !o.Outcome.IsAcceptable).Select(o => $"{o.Case.Name}: {o.Outcome}").ToArray();
        bad.Should().BeEmpty(string.Join(Environment.NewLine, bad));
        outcomes.Count(o => o.Outcome.Kind == ProbeKind.Loaded).Should().BeGreaterThan(0, "some mutations are valid models");
        outcomes.Count(o => o.Outcome.Kind == ProbeKind.Thrown).Should().BeGreaterThan(cases.Count / 3);
    }

    public static TheoryData<string> RejectedCaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var (c, _) in HyperParameterCases.Rejected)
        {
            data.Add(c.Name);
        }

        return data;
    }

    private static readonly Lazy<Dictionary<string, ProbeOutcome>> RejectedOutcomes = new(
        () => HyperParameterCases.Probe(HyperParameterCases.Rejected.Select(r => r.Case).ToArray(), "rejected").ToDictionary(o => o.Case.Name, o => o.Outcome));
}
