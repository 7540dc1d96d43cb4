using System.Text.Json;

namespace LlmChains.Cli.Tests.Commands.Analyze;

public sealed class AnalyzeSamplingTests
{
    [Fact]
    public void Analyze_SampleJson_AddsTheSampledObjectAndKeepsTheExactFields()
    {
        var (code, output, error) = CliRunner.Run("analyze", "--json", "--sample", "400", "--tv-steps", "20", "--burn-in", "200", "--sample-seed", "3");

        code.Should().Be(0, error);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        root.GetProperty("tvDistance").GetArrayLength().Should().Be(21, "the exact curve is still there");
        root.GetProperty("tvDistanceStart").GetString().Should().Be("worst-case");
        var sampled = root.GetProperty("sampled");
        sampled.GetProperty("trajectories").GetInt32().Should().Be(400);
        sampled.GetProperty("steps").GetInt32().Should().Be(20);
        sampled.GetProperty("seed").GetInt32().Should().Be(3);
        sampled.GetProperty("burnIn").GetInt32().Should().Be(200);
        sampled.GetProperty("automatic").GetBoolean().Should().BeFalse();
        sampled.GetProperty("couplesTokens").GetBoolean().Should().BeTrue();
        var tail = Doubles(sampled, "couplingTail");
        var lower = Doubles(sampled, "couplingTailLower");
        var upper = Doubles(sampled, "couplingTailUpper");
        tail.Should().HaveCount(21).And.BeInDescendingOrder();
        for (int t = 0; t <= 20; t++)
        {
            lower[t].Should().BeLessThanOrEqualTo(tail[t]);
            upper[t].Should().BeGreaterThanOrEqualTo(tail[t]);
        }

        // the worst-case d(t) is at least the uniform start's TV, and the coupling estimate bounds the latter
        tail[20].Should().BeLessThan(0.5, "the toy chain mixes in about 11 steps");
        Doubles(sampled, "loopRate").Should().HaveCount(21).And.OnlyContain(p => p >= 0 && p <= 1);
        sampled.GetProperty("loopEntryTimeCounts").GetArrayLength().Should().Be(21);
        sampled.GetProperty("loops").EnumerateArray().Should().OnlyContain(l => l.GetProperty("tokens").GetArrayLength() == l.GetProperty("period").GetInt32());
    }

    [Fact]
    public void Analyze_SmallChainWithoutSample_HasANullSampledField()
    {
        var (code, output, error) = CliRunner.Run("analyze", "--json", "--model", "parity");

        code.Should().Be(0, error);
        using var document = JsonDocument.Parse(output);
        document.RootElement.GetProperty("sampled").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public void Analyze_ChainAboveTheWorstCaseLimit_SamplesByItselfUnlessTurnedOff()
    {
        // T = 3, K = 9: 29,523 states, beyond the 10,000 of the exact worst case
        var (code, output, error) = CliRunner.Run("analyze", "--json", "--model", "random", "--vocab", "3", "--context", "9", "--tv-steps", "10");
        var (codeOff, outputOff, errorOff) = CliRunner.Run("analyze", "--json", "--model", "random", "--vocab", "3", "--context", "9", "--tv-steps", "10", "--sample", "0");

        code.Should().Be(0, error);
        using var document = JsonDocument.Parse(output);
        var sampled = document.RootElement.GetProperty("sampled");
        sampled.GetProperty("automatic").GetBoolean().Should().BeTrue();
        sampled.GetProperty("trajectories").GetInt32().Should().Be(1000);
        sampled.GetProperty("start").GetString().Should().Be("uniform over all states");
        document.RootElement.GetProperty("tvDistanceStart").GetString().Should().Be("uniform");
        codeOff.Should().Be(0, errorOff);
        using var off = JsonDocument.Parse(outputOff);
        off.RootElement.GetProperty("sampled").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public void Analyze_GreedyParitySample_EveryTrajectoryEndsInOneOfTheFourLoops()
    {
        // Greedy parity: cycles {000}, {111}, {010, 101}, {001, 011, 110, 100} with basins 3, 1, 3 and 7 of the 14 states.
        var (code, output, error) = CliRunner.Run("analyze", "--json", "--model", "parity", "--temperature", "0", "--sample", "2000", "--tv-steps", "30", "--confidence", "0.999");

        code.Should().Be(0, error);
        using var document = JsonDocument.Parse(output);
        var sampled = document.RootElement.GetProperty("sampled");
        sampled.GetProperty("loopEntered").GetProperty("estimate").GetDouble().Should().Be(1);
        var loops = sampled.GetProperty("loops").EnumerateArray().ToArray();
        loops.Should().HaveCount(4);
        var basins = new Dictionary<int, double> { [1] = 4.0 / 14, [2] = 3.0 / 14, [4] = 7.0 / 14 };
        loops.Where(l => l.GetProperty("period").GetInt32() == 1).Sum(l => l.GetProperty("estimate").GetDouble()).Should().BeApproximately(4.0 / 14, 0.05, "000 and 111 hold 3 + 1 states");
        foreach (var loop in loops.Where(l => l.GetProperty("period").GetInt32() > 1))
        {
            double basin = basins[loop.GetProperty("period").GetInt32()];
            loop.GetProperty("lower").GetDouble().Should().BeLessThanOrEqualTo(basin);
            loop.GetProperty("upper").GetDouble().Should().BeGreaterThanOrEqualTo(basin);
        }

        var cycle = loops.Single(l => l.GetProperty("period").GetInt32() == 4);
        cycle.GetProperty("tokens").EnumerateArray().Select(e => e.GetInt32()).Order().Should().Equal(0, 0, 1, 1);
    }

    [Fact]
    public void Analyze_SampleText_PrintsCouplingRepetitionAndLoops()
    {
        var (code, output, error) = CliRunner.Run("analyze", "--model", "parity", "--sample", "300", "--tv-steps", "20");

        code.Should().Be(0, error);
        output.Should().MatchRegex(@"sampled\s+300 simulated pairs");
        output.Should().MatchRegex(@"coupling\s+P\(T > t\)");
        output.Should().MatchRegex(@"t_mix ≤\s+");
        output.Should().MatchRegex(@"repetition\s+in a loop");
    }

    [Theory]
    [InlineData("--sample", "-1")]
    [InlineData("--confidence", "1.5")]
    [InlineData("--confidence", "0")]
    [InlineData("--burn-in", "-3")]
    [InlineData("--max-loop-period", "0")]
    public void Analyze_BadSamplingOption_IsAUsageError(string option, string value)
    {
        var (code, output, error) = CliRunner.Run("analyze", "--model", "parity", "--sample", "10", option, value);

        code.Should().Be(2);
        error.Should().Contain(option);
        output.Should().BeEmpty();
    }

    [Fact]
    public void Analyze_SampleJsonAndText_BracketTheDistanceWithTheSeparationLowerLimit()
    {
        // From the uniform start on the toy chain: the lower limits are ≤ the coupling's upper limits, positive at
        // t = 0 (a uniform law over all 14 states puts 6/14 on windows that are not full, π none: the automatic projection
        // for 14 states is the state itself), and the text shows the bracket.
        var (code, output, error) = CliRunner.Run("analyze", "--json", "--sample", "600", "--tv-steps", "12", "--burn-in", "100", "--sample-seed", "1");
        var (codeText, text, errorText) = CliRunner.Run("analyze", "--model", "parity", "--sample", "200", "--tv-steps", "12", "--projection-tokens", "3");
        var (codeBad, _, errorBad) = CliRunner.Run("analyze", "--model", "parity", "--sample", "10", "--projection-tokens", "0");

        code.Should().Be(0, error);
        using var document = JsonDocument.Parse(output);
        var sampled = document.RootElement.GetProperty("sampled");
        sampled.GetProperty("projection").GetString().Should().Be("the state");
        sampled.GetProperty("projectionBins").GetInt32().Should().Be(14);
        sampled.GetProperty("selectionPairs").GetInt32().Should().Be(300);
        sampled.GetProperty("separationPairs").GetInt32().Should().Be(300);
        var lower = Doubles(sampled, "tvLowerLimit");
        var upper = Doubles(sampled, "tvUpperLimit");
        var estimate = Doubles(sampled, "separationEstimate");
        lower.Should().HaveCount(13);
        upper.Should().Equal(Doubles(sampled, "couplingTailUpper"));
        estimate.Should().HaveCount(13);
        for (int t = 0; t <= 12; t++)
        {
            lower[t].Should().BeInRange(0, upper[t]);
            lower[t].Should().BeLessThanOrEqualTo(Math.Max(0, estimate[t]));
        }

        lower[0].Should().BeGreaterThan(0.05);
        codeText.Should().Be(0, errorText);
        text.Should().MatchRegex(@"TV ≥\s+P\(A_t\) − Q\(A_t\) for an event A_t on the last 3 tokens and whether the window is full \(14 bins\)");
        text.Should().MatchRegex(@"bracket\s+TV\(μQ\^t, νQ\^t\) ∈ \[lower, upper limit\]");
        text.Should().MatchRegex(@"\s0: \[[0-9.]+, [0-9.]+\]");
        codeBad.Should().Be(2);
        errorBad.Should().Contain("--projection-tokens");
    }

    private static double[] Doubles(JsonElement element, string name) => [.. element.GetProperty(name).EnumerateArray().Select(e => e.GetDouble())];
}
