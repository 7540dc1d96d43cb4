using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LlmChains.Models;
using LlmChains.Tests.Support;

namespace LlmChains.Tests.Models;

public sealed class DecodingOptionsTests
{
    private static double[] Apply(DecodingOptions options, params double[] logits)
    {
        var p = new double[logits.Length];
        options.Apply(logits, p);
        return p;
    }

    private static double[] NaiveSoftmax(double[] z, double tau)
    {
        var e = z.Select(v => Math.Exp(v / tau)).ToArray();
        double s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    [InlineData(2.0)]
    [InlineData(0.7)]
    public void Apply_SmallLogits_EqualsNaiveExpOverSum(double tau)
    {
        double[] z = [0.3, -1.2, 2.0, 0.0, -0.4];
        var p = Apply(new DecodingOptions { Temperature = tau }, z);
        var expected = NaiveSoftmax(z, tau);
        for (int i = 0; i < z.Length; i++)
        {
            p[i].Should().BeApproximately(expected[i], 1e-15);
        }
    }

    [Theory]
    [InlineData(1e5)]
    [InlineData(-1e5)]
    [InlineData(1e300)]
    [InlineData(-1e300)]
    public void Apply_HugeShiftedLogits_EqualsNaiveSoftmaxOfUnshifted(double shift)
    {
        // softmax is shift invariant; exp(1e5) overflows, so a naive implementation on the shifted logits would fail
        double[] z = [0.3, -1.2, 2.0, 0.0];
        var expected = NaiveSoftmax(z, 1.0);
        var p = Apply(DecodingOptions.Default, z.Select(v => v + shift).ToArray());
        p.Should().NotContain(double.NaN);
        if (Math.Abs(shift) > 1e100)
        {
            // z + 1e300 rounds to 1e300 for every z: all logits equal, so the result is exactly uniform
            p.Should().AllSatisfy(v => v.Should().Be(0.25));
        }
        else
        {
            for (int i = 0; i < z.Length; i++)
            {
                p[i].Should().BeApproximately(expected[i], 1e-10); // z + 1e5 carries a rounding error of ~1e-11
            }
        }
    }

    [Fact]
    public void Apply_LogitsOfOppositeHugeSign_AllMassOnLargest()
    {
        var p = Apply(DecodingOptions.Default, -1.7e308, 1.7e308, 0);
        p.Should().Equal(0.0, 1.0, 0.0);
    }

    [Fact]
    public void Apply_LogitDifferenceLn3_ClosedFormThreeQuarters()
    {
        var p = Apply(DecodingOptions.Default, 1000, 1000 - Math.Log(3));
        p[0].Should().BeApproximately(0.75, 1e-13);
        p[1].Should().BeApproximately(0.25, 1e-13);
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.05)]
    [InlineData(0.2)]
    public void Apply_LowTemperature_MatchesClosedFormTwoTokens(double tau)
    {
        // p_1 = 1/(1 + e^{−Δ/τ}) for logits (0, Δ)
        const double delta = 0.03;
        var p = Apply(new DecodingOptions { Temperature = tau }, 0, delta);
        double p1 = 1 / (1 + Math.Exp(-delta / tau));
        p[1].Should().BeApproximately(p1, 1e-15);
        p[0].Should().BeApproximately(1 - p1, 1e-15);
    }

    [Fact]
    public void Apply_TemperatureHundredthLargeLogits_NoNaNAndOneHot()
    {
        var p = Apply(new DecodingOptions { Temperature = 0.01 }, 500, -800, 499);
        p.Should().NotContain(double.NaN);
        p[0].Should().BeApproximately(1, 1e-40);
        p[2].Should().BeApproximately(Math.Exp(-100), 1e-50);
        p[1].Should().Be(0);
    }

    [Fact]
    public void Apply_SubnormalTemperature_OneHotOnArgmaxWithoutNaN()
    {
        // τ = 1e-310 is a valid option (finite, > 0): the limit τ → 0+ puts all mass on the unique argmax
        var p = Apply(new DecodingOptions { Temperature = 1e-310 }, 0.0, 1.0, -1.0);
        p.Should().Equal(0.0, 1.0, 0.0);
    }

    [Fact]
    public void Apply_NegativeInfinityLogit_GivesZero()
    {
        var p = Apply(DecodingOptions.Default, double.NegativeInfinity, 0, Math.Log(3), double.NegativeInfinity);
        p.Should().Equal(0.0, 0.25, 0.75, 0.0);
    }

    [Fact]
    public void Apply_Greedy_AllMassOnLargestLowestIdOnTies()
    {
        Apply(DecodingOptions.Greedy, 1, 3, 2, 3).Should().Equal(0.0, 1.0, 0.0, 0.0);
        Apply(DecodingOptions.Greedy, double.NegativeInfinity, -5, -5).Should().Equal(0.0, 1.0, 0.0);
    }

    [Fact]
    public void Apply_GreedyWithTruncation_TruncationIgnored()
    {
        var options = new DecodingOptions { Temperature = 0, TopK = 1, TopP = 0.1, MinP = 0.9 };
        Apply(options, 0, 2, 1).Should().Equal(0.0, 1.0, 0.0);
    }

    [Fact]
    public void Apply_TopK_KeepsTheKLargestRenormalised()
    {
        double[] z = [0, 3, 1, 2];
        var p = Apply(new DecodingOptions { TopK = 2 }, z);
        double s = Math.Exp(3) + Math.Exp(2);
        p[0].Should().Be(0);
        p[2].Should().Be(0);
        p[1].Should().BeApproximately(Math.Exp(3) / s, 1e-15);
        p[3].Should().BeApproximately(Math.Exp(2) / s, 1e-15);
    }

    [Fact]
    public void Apply_TopKTieAtBoundary_KeepsAllTied()
    {
        // HF rule: every token whose logit is ≥ the k-th largest survives
        var p = Apply(new DecodingOptions { TopK = 2 }, 1, 2, 1, 0, 1);
        p[1].Should().BeApproximately(Math.E / (Math.E + 3), 1e-15);
        p[0].Should().BeApproximately(1 / (Math.E + 3), 1e-15);
        p[2].Should().Be(p[0]);
        p[4].Should().Be(p[0]);
        p[3].Should().Be(0);
    }

    [Fact]
    public void Apply_TopKAtLeastT_KeepsEverything()
    {
        double[] z = [0.5, -0.5, 1.5];
        Apply(new DecodingOptions { TopK = 3 }, z).Should().Equal(Apply(DecodingOptions.Default, z));
        Apply(new DecodingOptions { TopK = 10 }, z).Should().Equal(Apply(DecodingOptions.Default, z));
    }

    [Fact]
    public void Apply_TopP_KeepsSmallestNucleusReachingP()
    {
        // probabilities 0.5, 0.3, 0.15, 0.05 (logits log p)
        double[] z = [Math.Log(0.15), Math.Log(0.5), Math.Log(0.05), Math.Log(0.3)];
        var p = Apply(new DecodingOptions { TopP = 0.7 }, z); // 0.5 < 0.7 ≤ 0.8 → {0.5, 0.3}
        p[1].Should().BeApproximately(0.5 / 0.8, 1e-14);
        p[3].Should().BeApproximately(0.3 / 0.8, 1e-14);
        p[0].Should().Be(0);
        p[2].Should().Be(0);

        var q = Apply(new DecodingOptions { TopP = 0.81 }, z); // needs 0.15 too
        q[0].Should().BeApproximately(0.15 / 0.95, 1e-14);
        q[2].Should().Be(0);

        var r = Apply(new DecodingOptions { TopP = 0.4 }, z); // the top token alone reaches it
        r.Should().Equal(0.0, 1.0, 0.0, 0.0);
    }

    [Fact]
    public void Apply_TopPExactlyReachedAtBoundary_StopsThere()
    {
        // 0.5 + 0.3 = 0.8 reaches p = 0.8 exactly: 0.15 is not needed
        double[] z = [Math.Log(0.5), Math.Log(0.3), Math.Log(0.15), Math.Log(0.05)];
        var p = Apply(new DecodingOptions { TopP = 0.8 }, z);
        p[2].Should().Be(0);
        p[3].Should().Be(0);
        p[0].Should().BeApproximately(0.625, 1e-14);
    }

    [Fact]
    public void Apply_TopPTieAtBoundary_KeepsAllTied()
    {
        // 0.4, 0.2, 0.2, 0.2: p = 0.5 is reached by the first 0.2; the other two 0.2 are tied and kept
        double[] z = [Math.Log(0.2), Math.Log(0.4), Math.Log(0.2), Math.Log(0.2)];
        var p = Apply(new DecodingOptions { TopP = 0.5 }, z);
        p[1].Should().BeApproximately(0.4, 1e-14);
        p[0].Should().BeApproximately(0.2, 1e-14);
        p[2].Should().BeApproximately(0.2, 1e-14);
        p[3].Should().BeApproximately(0.2, 1e-14);
    }

    [Fact]
    public void Apply_TopPOne_KeepsEveryPositiveToken()
    {
        double[] z = [0, -700, double.NegativeInfinity, -30];
        var p = Apply(new DecodingOptions { TopP = 1 }, z);
        p.Should().Equal(Apply(DecodingOptions.Default, z));
        p[1].Should().BeGreaterThan(0);
        p[3].Should().BeGreaterThan(0);
        p[2].Should().Be(0);
    }

    [Fact]
    public void Apply_MinP_ThresholdRelativeToLargest()
    {
        // probabilities ∝ 1, 0.5, 0.1, 0.25 → min-p 0.3 keeps ratios ≥ 0.3: 1 and 0.5
        double[] z = [0, Math.Log(0.5), Math.Log(0.1), Math.Log(0.25)];
        var p = Apply(new DecodingOptions { MinP = 0.3 }, z);
        p[0].Should().BeApproximately(1 / 1.5, 1e-14);
        p[1].Should().BeApproximately(0.5 / 1.5, 1e-14);
        p[2].Should().Be(0);
        p[3].Should().Be(0);

        var q = Apply(new DecodingOptions { MinP = 0.2 }, z);
        q[3].Should().BeApproximately(0.25 / 1.75, 1e-14);
        q[2].Should().Be(0);
    }

    [Fact]
    public void Apply_MinPWithTemperature_UsesTemperedRatios()
    {
        // at τ = 2 the ratios are sqrt(0.5) = 0.707 and sqrt(0.1) = 0.316
        double[] z = [0, Math.Log(0.5), Math.Log(0.1)];
        var p = Apply(new DecodingOptions { Temperature = 2, MinP = 0.5 }, z);
        p[2].Should().Be(0);
        p[0].Should().BeApproximately(1 / (1 + Math.Sqrt(0.5)), 1e-14);
    }

    [Fact]
    public void Apply_MinPZeroOrOne_AllOrOnlyTheLargest()
    {
        double[] z = [0, 2, 1, 2];
        Apply(new DecodingOptions { MinP = 0 }, z).Should().Equal(Apply(DecodingOptions.Default, z));
        var p = Apply(new DecodingOptions { MinP = 1 }, z);
        p.Should().Equal(0.0, 0.5, 0.0, 0.5);
    }

    [Fact]
    public void Apply_TopKThenTopPThenMinP_AppliedInHuggingFaceOrder()
    {
        // logits log(0.4, 0.3, 0.2, 0.1); top-k 3 → (4, 3, 2)/9; top-p 0.7 → 4/9 + 3/9 = 0.778 ≥ 0.7 → {0.4, 0.3};
        // min-p 0.8 → 0.3/0.4 = 0.75 < 0.8 → only 0.4
        double[] z = [Math.Log(0.2), Math.Log(0.4), Math.Log(0.1), Math.Log(0.3)];
        Apply(new DecodingOptions { TopK = 3, TopP = 0.7 }, z)[3].Should().BeApproximately(3.0 / 7, 1e-14);
        Apply(new DecodingOptions { TopK = 3, TopP = 0.7, MinP = 0.8 }, z).Should().Equal(0.0, 1.0, 0.0, 0.0);
        // without top-k, top-p 0.75 needs 0.4 + 0.3 + 0.2 (0.7 < 0.75)
        Apply(new DecodingOptions { TopP = 0.75 }, z)[0].Should().BeApproximately(0.2 / 0.9, 1e-14);
        // with top-k 2 first, the nucleus is computed among the survivors: 4/7 < 0.75 ≤ 1
        Apply(new DecodingOptions { TopK = 2, TopP = 0.75 }, z)[3].Should().BeApproximately(3.0 / 7, 1e-14);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Apply_NaNOrPositiveInfinityLogit_ThrowsArgumentExceptionNamingToken(double bad)
    {
        var act = () => Apply(DecodingOptions.Default, 0, 1, bad);
        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain("token 2");
    }

    [Fact]
    public void Apply_AllNegativeInfinity_ThrowsArgumentException()
    {
        var act = () => Apply(DecodingOptions.Default, double.NegativeInfinity, double.NegativeInfinity);
        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain("−∞");
        var greedy = () => Apply(DecodingOptions.Greedy, double.NegativeInfinity);
        greedy.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Apply_DestinationLengthDiffers_ThrowsArgumentException()
    {
        var act = () => DecodingOptions.Default.Apply([1.0, 2.0], new double[3]);
        act.Should().Throw<ArgumentException>();
    }

    /// <summary>The message CLI users see: names the option and its range, one line, no "(Parameter …)" or "Actual value".</summary>
    private static void ShouldBeCleanRangeError(Action act, string option, string range)
    {
        var e = act.Should().ThrowExactly<ArgumentOutOfRangeException>().Which;
        e.Message.Should().StartWith(option + " must").And.Contain(range).And.NotContain("Parameter").And.NotContain("Actual value").And.NotContain("\n");
        e.ParamName.Should().BeNull();
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(double.PositiveInfinity)]
    public void Init_BadTemperature_ThrowsOnConstructionNamingTemperature(double tau)
    {
        ShouldBeCleanRangeError(() => _ = new DecodingOptions { Temperature = tau }, "Temperature", "≥ 0");
        ShouldBeCleanRangeError(() => _ = DecodingOptions.Default with { Temperature = tau }, "Temperature", "≥ 0");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Init_TopKBelowOne_ThrowsOnConstructionNamingTopK(int k)
    {
        ShouldBeCleanRangeError(() => _ = new DecodingOptions { TopK = k }, "TopK", "≥ 1");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(1.0000001)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Init_TopPOutsideZeroOne_ThrowsOnConstructionNamingTopP(double p)
    {
        ShouldBeCleanRangeError(() => _ = new DecodingOptions { TopP = p }, "TopP", "(0, 1]");
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void Init_MinPOutsideZeroOne_ThrowsOnConstructionNamingMinP(double m)
    {
        ShouldBeCleanRangeError(() => _ = new DecodingOptions { MinP = m }, "MinP", "[0, 1]");
    }

    [Fact]
    public void Init_CommaDecimalCulture_MessagePrintsInvariantNumbers()
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            var act = () => _ = new DecodingOptions { TopP = 1.5 };
            act.Should().Throw<ArgumentOutOfRangeException>().Which.Message.Should().EndWith("got 1.5.");
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void Init_NullTruncation_Accepted()
    {
        var options = new DecodingOptions { TopK = null, TopP = null, MinP = null };
        options.KeepsEveryToken.Should().BeTrue();
    }

    [Fact]
    public void Validate_BoundaryValues_Accepted()
    {
        new DecodingOptions { Temperature = 0, TopK = 1, TopP = 1, MinP = 0 }.Invoking(o => o.Validate()).Should().NotThrow();
        new DecodingOptions { Temperature = 1e-3, TopP = 1e-9, MinP = 1 }.Invoking(o => o.Validate()).Should().NotThrow();
    }

    [Fact]
    public void KeepsEveryToken_OnlyForPositiveTemperatureWithoutTruncation()
    {
        DecodingOptions.Default.KeepsEveryToken.Should().BeTrue();
        new DecodingOptions { Temperature = 0.3, MinP = 0 }.KeepsEveryToken.Should().BeTrue();
        DecodingOptions.Greedy.KeepsEveryToken.Should().BeFalse();
        new DecodingOptions { TopK = 5 }.KeepsEveryToken.Should().BeFalse();
        new DecodingOptions { TopP = 0.9 }.KeepsEveryToken.Should().BeFalse();
        new DecodingOptions { MinP = 0.1 }.KeepsEveryToken.Should().BeFalse();
    }

    [Fact]
    public void Apply_EveryLengthUpTo256_MatchesReferenceDecoderAndWorksInPlace()
    {
        var random = new Random(11);
        DecodingOptions[] options = [DecodingOptions.Default, new() { Temperature = 0.3, TopK = 5 }, new() { TopP = 0.9, MinP = 0.01 }];
        for (int n = 1; n <= 256; n++)
        {
            var logits = new double[n];
            for (int i = 0; i < n; i++)
            {
                logits[i] = random.NextDouble() < 0.1 ? double.NegativeInfinity : (random.NextDouble() - 0.5) * 20;
            }

            logits[random.Next(n)] = 3;
            foreach (var o in options)
            {
                var p = Apply(o, logits);
                var expected = ReferenceDecoder.Decode(logits, o);
                p.Should().Equal(expected, (a, b) => Math.Abs(a - b) <= 1e-14, $"n = {n}, {o}");
                var inPlace = (double[])logits.Clone();
                o.Apply(inPlace, inPlace);
                inPlace.Should().Equal(p, $"n = {n}, {o}");
            }
        }
    }

    [Property(MaxTest = 300)]
    public Property Apply_RandomLogitsAndOptions_EqualsReferenceDecoder() => Prop.ForAll(
        RandomDecodingCase().ToArbitrary(),
        c =>
        {
            var p = new double[c.Logits.Length];
            c.Options.Apply(c.Logits, p);
            var expected = ReferenceDecoder.Decode(c.Logits, c.Options);
            p.Sum().Should().BeApproximately(1, 1e-12);
            for (int i = 0; i < p.Length; i++)
            {
                (p[i] > 0).Should().Be(expected[i] > 0, "token {0} support in {1}", i, c);
                p[i].Should().BeApproximately(expected[i], 1e-13, c.ToString());
            }
        });

    internal sealed record DecodingCase(double[] Logits, DecodingOptions Options)
    {
        public override string ToString() => $"[{string.Join(", ", Logits.Select(z => z.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}] {Options}";
    }

    private static Gen<DecodingCase> RandomDecodingCase() =>
        from n in Gen.Choose(1, 12)
        from seed in Gen.Choose(0, int.MaxValue)
        from scale in Gen.Elements(0.1, 1.0, 10.0, 1000.0)
        from quantized in Gen.Elements(true, false)
        from temperature in Gen.OneOf(Gen.Elements(0.0, 0.01, 1.0), Gen.Choose(1, 3000).Select(i => i / 1000.0))
        from topK in Gen.OneOf(Gen.Constant<int?>(null), Gen.Choose(1, n + 1).Select(i => (int?)i))
        from topP in Gen.OneOf(Gen.Constant<double?>(null), Gen.Elements<double?>(1.0, 0.5), Gen.Choose(1, 1000).Select(i => (double?)(i / 1000.0)))
        from minP in Gen.OneOf(Gen.Constant<double?>(null), Gen.Elements<double?>(0.0, 1.0), Gen.Choose(0, 1000).Select(i => (double?)(i / 1000.0)))
        select new DecodingCase(Logits(n, seed, scale, quantized), new DecodingOptions { Temperature = temperature, TopK = topK, TopP = topP, MinP = minP });

    private static double[] Logits(int n, int seed, double scale, bool quantized)
    {
        var random = new Random(seed);
        var z = new double[n];
        for (int i = 0; i < n; i++)
        {
            z[i] = random.NextDouble() < 0.15 ? double.NegativeInfinity : scale * ((2 * random.NextDouble()) - 1);
            if (quantized)
            {
                z[i] = Math.Round(z[i] / scale * 3) / 3 * scale;
            }
        }

        if (double.IsNegativeInfinity(z[seed % n]))
        {
            z[seed % n] = 0; // at least one finite logit
        }

        return z;
    }
}
