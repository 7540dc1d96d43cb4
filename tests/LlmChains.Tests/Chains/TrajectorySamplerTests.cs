using LlmChains.Chains;
using LlmChains.Models;
using LlmChains.Tests.Support;

namespace LlmChains.Tests.Chains;

public sealed class TrajectorySamplerTests
{
    /// <summary>The documented sampling rule, re-implemented: u ~ Random(seed).NextDouble(), first token with cumulative &gt; u.</summary>
    private static int[] ReferenceSampleTokens(ILanguageModel model, DecodingOptions decoding, int[] prompt, int count, int seed)
    {
        var random = new Random(seed);
        var window = new List<int>(prompt);
        var output = new int[count];
        var logits = new double[model.VocabularySize];
        for (int i = 0; i < count; i++)
        {
            model.GetNextTokenLogits(window.Skip(Math.Max(0, window.Count - model.ContextWindow)).ToArray(), logits);
            double[] p = ReferenceDecoder.Decode(logits, decoding);
            double u = random.NextDouble();
            double cumulative = 0;
            int token = -1;
            for (int x = 0; x < p.Length; x++)
            {
                if (p[x] <= 0)
                {
                    continue;
                }

                cumulative += p[x];
                token = x;
                if (u < cumulative)
                {
                    break;
                }
            }

            output[i] = token;
            window.Add(token);
        }

        return output;
    }

    [Fact]
    public void SampleStates_SameSeed_SamePath()
    {
        var chain = LanguageModelChain.Build(new RandomLogitsModel(3, 3, 1.0, 1));
        var a = TrajectorySampler.SampleStates(chain, 0, 500, 42);
        var b = TrajectorySampler.SampleStates(chain, 0, 500, 42);
        var c = TrajectorySampler.SampleStates(chain, 0, 500, 43);
        a.Should().Equal(b);
        a.Should().NotEqual(c);
        a.Should().HaveCount(501);
        a[0].Should().Be(0);
    }

    [Fact]
    public void SampleTokens_SameSeed_SameTokens()
    {
        var model = new RandomLogitsModel(4, 3, 1.0, 1);
        var a = TrajectorySampler.SampleTokens(model, DecodingOptions.Default, [1, 2], 300, 7);
        var b = TrajectorySampler.SampleTokens(model, DecodingOptions.Default, [1, 2], 300, 7);
        a.Should().Equal(b);
        a.Should().HaveCount(300);
        a.Should().OnlyContain(x => x >= 0 && x < 4);
    }

    [Theory]
    [InlineData(new[] { 1, 2 }, 1.0)]
    [InlineData(new[] { 3, 0, 2, 2, 1, 0 }, 0.6)]
    [InlineData(new[] { 0 }, 2.0)]
    public void SampleTokens_ModelAndFloat64Chain_IdenticalAndEqualToReference(int[] prompt, double tau)
    {
        var model = new RandomLogitsModel(4, 3, 1.5, 77);
        var decoding = new DecodingOptions { Temperature = tau, TopP = 0.95 };
        var chain = LanguageModelChain.Build(model, decoding);
        var fromModel = TrajectorySampler.SampleTokens(model, decoding, prompt, 2000, 5);
        var fromChain = TrajectorySampler.SampleTokens(chain, prompt, 2000, 5);
        fromChain.Should().Equal(fromModel);
        fromModel.Should().Equal(ReferenceSampleTokens(model, decoding, prompt, 2000, 5));
    }

    [Fact]
    public void SampleTokens_Greedy_FollowsArgmax()
    {
        // parity model, greedy: the next token is always the rule token (sum of the last 3) mod 2; shorter contexts tie → token 0
        var tokens = TrajectorySampler.SampleTokens(new ParityModel(3), DecodingOptions.Greedy, [1], 50, 3);
        var all = new List<int> { 1 };
        all.AddRange(tokens);
        all[1].Should().Be(0);
        all[2].Should().Be(0);
        for (int i = 3; i < all.Count; i++)
        {
            all[i].Should().Be((all[i - 1] + all[i - 2] + all[i - 3]) % 2);
        }
    }

    [Fact]
    public void SampleStates_TwoStateSource_EmpiricalFrequenciesMatchStationaryLaw()
    {
        // P = [[0.9, 0.1], [0.3, 0.7]] → π = (0.75, 0.25)
        var chain = LanguageModelChain.Build(new MarkovSourceModel(new double[,] { { 0.9, 0.1 }, { 0.3, 0.7 } }));
        var path = TrajectorySampler.SampleStates(chain, 1, 200_000, 2024);
        double frequency0 = path.Skip(1).Count(s => s == 0) / 200_000.0;
        frequency0.Should().BeApproximately(0.75, 0.01);

        // transition frequencies out of state 0 match the row (0.9, 0.1)
        int from0 = 0, zeroToOne = 0;
        for (int i = 0; i < 200_000; i++)
        {
            if (path[i] == 0)
            {
                from0++;
                zeroToOne += path[i + 1] == 1 ? 1 : 0;
            }
        }

        ((double)zeroToOne / from0).Should().BeApproximately(0.1, 0.01);
    }

    [Fact]
    public void SampleTokens_TwoStateSource_EmpiricalFrequenciesMatchStationaryLaw()
    {
        var model = new MarkovSourceModel(new double[,] { { 0.9, 0.1 }, { 0.3, 0.7 } });
        var tokens = TrajectorySampler.SampleTokens(model, DecodingOptions.Default, [0], 200_000, 99);
        (tokens.Count(x => x == 1) / 200_000.0).Should().BeApproximately(0.25, 0.01);
    }

    [Fact]
    public void SampleStates_TruncatedChain_MovesOnlyAlongPositiveEdges()
    {
        // a table with −∞ logits and top-k: many successors have probability 0
        var states = new ReferenceStates(3, 3);
        var random = new Random(4);
        var table = new double[states.Count * 3];
        for (int i = 0; i < table.Length; i++)
        {
            table[i] = random.NextDouble() < 0.4 ? double.NegativeInfinity : random.NextDouble() * 3;
        }

        for (int s = 0; s < states.Count; s++)
        {
            table[(s * 3) + (s % 3)] = 1.0;
        }

        var model = TabularModel.FromArray(table, 3, 3);
        var decoding = new DecodingOptions { TopK = 2 };
        var chain = LanguageModelChain.Build(model, decoding);
        var reference = new BruteForceChain(model, decoding);
        var path = TrajectorySampler.SampleStates(chain, 5, 5000, 8);
        for (int i = 1; i < path.Length; i++)
        {
            int from = (int)path[i - 1];
            int to = (int)path[i];
            ReferenceStates.IsSuccessor(states.Sequences[from], states.Sequences[to], 3).Should().BeTrue();
            reference[from, to].Should().BeGreaterThan(0, "step {0}: {1} → {2}", i, from, to);
        }

        // once at length K, the path stays there
        path.Skip(2).Should().OnlyContain(s => s >= reference.States.FirstFullLength);
    }

    [Fact]
    public void SampleTokens_ZeroProbabilityToken_NeverGenerated()
    {
        // q = (0.5, 0, 0.5): token 1 is impossible; tokens 0 and 2 are equally likely (1000 draws, ±4.4σ)
        var model = new ContextFreeModel([0.5, 0.0, 0.5], 2);
        var chain = LanguageModelChain.Build(model);
        var tokens = TrajectorySampler.SampleTokens(chain, [1], 1000, 1);
        tokens.Should().NotContain(1);
        tokens.Count(x => x == 0).Should().BeInRange(430, 570);
    }

    [Fact]
    public void SampleStates_BadArguments_Throw()
    {
        var chain = LanguageModelChain.Build(new UniformModel(2, 2));
        var negativeSteps = () => TrajectorySampler.SampleStates(chain, 0, -1, 0);
        negativeSteps.Should().Throw<ArgumentOutOfRangeException>();
        var badStart = () => TrajectorySampler.SampleStates(chain, 6, 1, 0);
        badStart.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("start");
        var nullChain = () => TrajectorySampler.SampleStates(null!, 0, 1, 0);
        nullChain.Should().Throw<ArgumentNullException>();
        TrajectorySampler.SampleStates(chain, 3, 0, 0).Should().Equal(3L);
    }

    [Fact]
    public void SampleTokens_BadPrompt_Throws()
    {
        var model = new UniformModel(2, 2);
        var chain = LanguageModelChain.Build(model);
        var empty = () => TrajectorySampler.SampleTokens(model, DecodingOptions.Default, [], 3, 0);
        empty.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("prompt");
        var outside = () => TrajectorySampler.SampleTokens(chain, [0, 2], 3, 0);
        outside.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("prompt");
        var negative = () => TrajectorySampler.SampleTokens(model, DecodingOptions.Default, [0], -1, 0);
        negative.Should().Throw<ArgumentOutOfRangeException>();
        var badDecoding = () => TrajectorySampler.SampleTokens(model, new DecodingOptions { Temperature = -1 }, [0], 3, 0);
        badDecoding.Should().Throw<ArgumentOutOfRangeException>();
        TrajectorySampler.SampleTokens(chain, [0, 1, 1, 0], 0, 0).Should().BeEmpty();
    }
}
