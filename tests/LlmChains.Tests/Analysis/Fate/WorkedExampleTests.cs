using LlmChains.Analysis.Fate;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Tests.Analysis.Fate;

/// <summary>The worked examples of docs/fate.md, pinned (and checked against the dense oracle).</summary>
public sealed class WorkedExampleTests
{
    [Fact]
    public void Toy_HittingTimesOf111AndTheCommittorAgainst000_AsInTheDocs()
    {
        var chain = LanguageModelChain.Build(NGramModel.PaperToyExample());
        var p = FateOracle.Dense(chain);
        long zero = chain.States.Rank([0]);
        long oneOne = chain.States.Rank([1, 1]);

        var hitting = Hitting.Compute(chain, TargetSet.WindowEndsWith([1, 1, 1]));
        var committor = Committor.Forward(chain, TargetSet.WindowEndsWith([0, 0, 0]), TargetSet.WindowEndsWith([1, 1, 1]));
        double kemeny = FirstPassage.KemenyConstant(chain);

        hitting.ExpectedSteps[(int)zero].Should().BeApproximately(49.0656, 5e-5);
        hitting.ExpectedSteps[(int)oneOne].Should().BeApproximately(46.1774, 5e-5);
        committor.Forward[(int)zero].Should().BeApproximately(0.501856, 5e-7);
        kemeny.Should().BeApproximately(7.762011341, 5e-10);
        var b = new HashSet<int> { (int)chain.States.Rank([1, 1, 1]) };
        hitting.ExpectedSteps[(int)zero].Should().BeApproximately(FateOracle.HittingTimeBySeries(p, b, (int)zero), 1e-9);
    }

    [Fact]
    public void DocsSnippet_RunsAndPrintsWhatItSays()
    {
        var greedy = LanguageModelChain.Build(new ParityModel(3), DecodingOptions.Greedy);
        var fate = Absorption.Compute(greedy, [greedy.States.Rank([1])]);
        fate.Classes.Count.Should().Be(4);
        fate.ExpectedSteps[0].Should().Be(2);

        var toy = LanguageModelChain.Build(NGramModel.PaperToyExample());
        var hit = Hitting.Compute(toy, TargetSet.WindowEndsWith([1, 1, 1]), [toy.States.Rank([0])]);
        hit.ExpectedSteps[0].Should().BeApproximately(49.0656, 5e-5);
        hit.StepsSolve.ToString().Should().Contain("Residual");
        FirstPassage.KemenyConstant(toy).Should().BeApproximately(7.762011341, 5e-10);
    }
}
