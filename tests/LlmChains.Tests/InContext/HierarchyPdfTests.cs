using System.Globalization;
using LlmChains.InContext;

namespace LlmChains.Tests.InContext;

/// <summary>Hierarchy-PDF (paper-spec §6) against oracle O-15 and the chain rule.</summary>
public sealed class HierarchyPdfTests
{
    private static readonly double[] FirstDigit = [0, 0, .05, .1, .2, .4, .15, .1, 0, 0];
    private static readonly double[] SecondDigitAfter5 = [.05, .05, .1, .1, .3, .2, .1, .05, .03, .02];

    [Fact]
    public void Refine_O15_ReproducesTheBinMasses()
    {
        var pdf = new HierarchyPdf(FirstDigit);
        pdf.Refine("5", SecondDigitAfter5);

        var expected = new Dictionary<string, double>
        {
            ["0"] = 0, ["1"] = 0, ["2"] = .05, ["3"] = .1, ["4"] = .2,
            ["50"] = .02, ["51"] = .02, ["52"] = .04, ["53"] = .04, ["54"] = .12,
            ["55"] = .08, ["56"] = .04, ["57"] = .02, ["58"] = .012, ["59"] = .008,
            ["6"] = .15, ["7"] = .1, ["8"] = 0, ["9"] = 0,
        };
        var bins = pdf.Bins;
        bins.Select(b => b.Digits).Should().Equal(expected.Keys, "bins are sorted by left edge");
        foreach (var bin in bins)
        {
            bin.Mass.Should().BeApproximately(expected[bin.Digits], 1e-15, "bin {0}", bin.Digits);
        }

        pdf.TotalMass.Should().BeApproximately(1, 1e-15);
        var b54 = bins.Single(b => b.Digits == "54");
        b54.Left.Should().BeApproximately(5.4, 1e-15);
        b54.Width.Should().BeApproximately(0.1, 1e-15);
        b54.Height.Should().BeApproximately(1.2, 1e-14);
        bins.Single(b => b.Digits == "2").Left.Should().Be(2);
        bins.Single(b => b.Digits == "2").Width.Should().Be(1);
    }

    [Fact]
    public void GetStateProbabilities_O15_SpreadsCoarseBinsUniformly()
    {
        var pdf = new HierarchyPdf(FirstDigit);
        pdf.Refine("5", SecondDigitAfter5);
        int[] codes = Enumerable.Range(0, 100).ToArray();
        var p = new double[100];

        pdf.GetStateProbabilities(codes, 2, p);

        p[54].Should().BeApproximately(.12, 1e-15);
        p[59].Should().BeApproximately(.008, 1e-15);
        p[20].Should().BeApproximately(.005, 1e-15);
        p[29].Should().BeApproximately(.005, 1e-15);
        p[71].Should().BeApproximately(.01, 1e-15);
        p[10].Should().Be(0);
        p.Sum().Should().BeApproximately(1, 1e-14);

        // restricted to the states 30..69 the masses are renormalised over them
        var restricted = new double[40];
        pdf.GetStateProbabilities(Enumerable.Range(30, 40).ToArray(), 2, restricted);
        restricted[54 - 30].Should().BeApproximately(.12 / .85, 1e-15);
    }

    [Fact]
    public void Predictor_MainBranchOnly_ReproducesO15()
    {
        // the model: P(d₁) = O-15's first vector after the separator; P(d₂ | 5) = its second vector; uniform otherwise
        var model = new DigitModel(digits => (digits.Length == 0 ? FirstDigit : digits[0] == 5 ? SecondDigitAfter5 : Enumerable.Repeat(0.1, 10).ToArray()).Select(v => Math.Log(v)).ToArray());
        var labels = Enumerable.Range(0, 100).Select(c => c.ToString("D2", CultureInfo.InvariantCulture)).ToArray();
        var predictor = new HierarchyPdfPredictor(model, DigitModel.DigitTokens, DigitModel.Separator, labels, new HierarchyPdfOptions { RefineDepth = 0 });

        int[] trajectory = [31, 54, 57];
        var p = new double[2 * 100];
        predictor.Predict(trajectory, 100, p);

        for (int n = 0; n < 2; n++)
        {
            var row = p.AsSpan(n * 100, 100);
            row[54].Should().BeApproximately(.12, 1e-14);
            row[50].Should().BeApproximately(.02, 1e-14);
            row[58].Should().BeApproximately(.012, 1e-14);
            row[25].Should().BeApproximately(.005, 1e-14);
            row[61].Should().BeApproximately(.015, 1e-14);
            row[95].Should().Be(0);
        }

        predictor.BuildPdf(trajectory, 1).Bins.Should().HaveCount(19);
    }

    [Fact]
    public void Predictor_FullDepthAll_GivesTheChainRuleDistributionWith108Queries()
    {
        // a joint law q over 3-digit codes; with D = P − 1 = 2 and mode "all" every code is resolved, so the prediction
        // is q restricted to the states 150..849 and renormalised, at every position (the model ignores the history)
        var random = new Random(4);
        var joint = Enumerable.Range(0, 1000).Select(_ => 0.05 + random.NextDouble()).ToArray();
        double total = joint.Sum();
        joint = joint.Select(v => v / total).ToArray();
        var inner = DigitModel.FromJoint(joint, 3);
        var model = new SlidingWindowScoringModel(inner);
        var labels = Enumerable.Range(150, 700).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray();
        var predictor = new HierarchyPdfPredictor(model, DigitModel.DigitTokens, DigitModel.Separator, labels, new HierarchyPdfOptions { RefineDepth = 2, Mode = HierarchyRefineMode.All });

        int[] trajectory = [0, 382, 699, 5];
        var p = new double[3 * 700];
        predictor.Predict(trajectory, 700, p);

        double inside = joint.Skip(150).Take(700).Sum();
        for (int n = 0; n < 3; n++)
        {
            for (int s = 0; s < 700; s += 37)
            {
                p[(n * 700) + s].Should().BeApproximately(joint[150 + s] / inside, 1e-12);
            }
        }

        model.ScoreCalls.Should().Be(1, "the main branch of every position comes from one scoring pass");
        model.SingleCalls.Should().Be(3 * 108, "9 + 90 + 9 off-branch queries per position (paper-spec §6.4)");
    }

    [Fact]
    public void Predictor_DepthOneNeighbor_RefinesOnlyTheFirstDigitNeighbours()
    {
        var random = new Random(5);
        var joint = Enumerable.Range(0, 1000).Select(_ => 0.05 + random.NextDouble()).ToArray();
        var inner = DigitModel.FromJoint(joint.Select(v => v / joint.Sum()).ToArray(), 3);
        var labels = Enumerable.Range(150, 700).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray();
        var predictor = new HierarchyPdfPredictor(inner, DigitModel.DigitTokens, DigitModel.Separator, labels);

        var pdf = predictor.BuildPdf([10, 382], 1); // X_2 = 532: main branch 5 → 53 → 532; neighbours 4 and 6

        var bins = pdf.Bins.Select(b => b.Digits).ToHashSet();
        bins.Should().Contain(["532", "539", "50", "59", "40", "49", "60", "69", "0", "3", "7", "9"]);
        bins.Should().NotContain(["4", "5", "6", "53", "400"]);
        pdf.BinCount.Should().Be(7 + 9 + 10 + 10 + 10);
        pdf.TotalMass.Should().BeApproximately(1, 1e-14);
    }

    [Fact]
    public void BadInput_ClearErrors()
    {
        var pdf = new HierarchyPdf(FirstDigit);
        FluentActions.Invoking(() => pdf.Refine("54", SecondDigitAfter5)).Should().Throw<ArgumentException>().WithMessage("'54' is not a bin of the PDF*");
        pdf.Refine("5", SecondDigitAfter5);
        FluentActions.Invoking(() => pdf.Refine("5", SecondDigitAfter5)).Should().Throw<ArgumentException>().WithMessage("'5' is not a bin*refined already*");
        FluentActions.Invoking(() => new HierarchyPdf(new double[9])).Should().Throw<ArgumentException>().WithMessage("A digit distribution has 10 values; got 9.*");
        FluentActions.Invoking(() => new HierarchyPdf(new double[10])).Should().Throw<ArgumentException>().WithMessage("The digit probabilities sum to 0.*");

        var model = DigitModel.FromJoint(Enumerable.Repeat(0.001, 1000).ToArray(), 3);
        string[] labels = ["150", "151"];
        FluentActions.Invoking(() => new HierarchyPdfPredictor(model, DigitModel.DigitTokens, DigitModel.Separator, labels, new HierarchyPdfOptions { RefineDepth = 3 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("The refine depth D must lie in [0, P − 1] = [0, 2]*");
        FluentActions.Invoking(() => new HierarchyPdfPredictor(model, DigitModel.DigitTokens, DigitModel.Separator, ["150", "15"]))
            .Should().Throw<ArgumentException>().WithMessage("The label '15' of state 1 is not a string of 3 digits*");
        FluentActions.Invoking(() => new HierarchyPdfPredictor(model, [.. DigitModel.DigitTokens.Take(9), 11], DigitModel.Separator, labels))
            .Should().Throw<ArgumentException>().WithMessage("*lacks the token of state 9 (id 11)*");
    }
}
