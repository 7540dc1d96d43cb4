using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using LlmChains.Models;

namespace LlmChains.Tests.Support;

/// <summary>A random model and decoding setting for property tests (T in 1..6, K in 1..5, |V_K^*| ≤ 5000).</summary>
internal sealed record ChainCase(
    int T,
    int K,
    bool Tabular,
    bool Quantized,
    int Seed,
    double Scale,
    double Temperature,
    int? TopK,
    double? TopP,
    double? MinP)
{
    public long StateCount => ReferenceStates.CountBySum(T, K);

    public DecodingOptions Decoding => new() { Temperature = Temperature, TopK = TopK, TopP = TopP, MinP = MinP };

    public ILanguageModel CreateModel()
    {
        if (!Tabular)
        {
            return new RandomLogitsModel(T, K, Scale, Seed);
        }

        // random logits, some −∞ (at least one finite per row), optionally rounded to multiples of 1/2 to create ties
        var random = new Random(Seed);
        var table = new double[StateCount * T];
        for (long s = 0; s < StateCount; s++)
        {
            for (int x = 0; x < T; x++)
            {
                double z;
                if (random.NextDouble() < 0.2)
                {
                    z = double.NegativeInfinity;
                }
                else
                {
                    double u1 = 1.0 - random.NextDouble();
                    double u2 = random.NextDouble();
                    z = Scale * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
                    if (Quantized)
                    {
                        z = Math.Round(z * 2) / 2;
                    }
                }

                table[(s * T) + x] = z;
            }

            int keep = (int)(s % T);
            if (double.IsNegativeInfinity(table[(s * T) + keep]))
            {
                table[(s * T) + keep] = 0.5;
            }
        }

        return TabularModel.FromArray(table, T, K);
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"T={T} K={K} {(Tabular ? (Quantized ? "tabular(quantized)" : "tabular") : "random-logits")} seed={Seed} scale={Scale} τ={Temperature} topK={TopK} topP={TopP} minP={MinP}");
}

internal static class ChainCases
{
    public static Arbitrary<ChainCase> Arbitrary { get; } = Generator().ToArbitrary();

    private static Gen<ChainCase> Generator() =>
        from t in Gen.Choose(1, 6)
        from k0 in Gen.Choose(1, 5)
        let k = CapK(t, k0)
        from tabular in Gen.Elements(true, false)
        from quantized in Gen.Elements(true, false)
        from seed in Gen.Choose(0, int.MaxValue)
        from scale in Gen.Elements(0.0, 0.5, 1.0, 3.0, 20.0)
        from temperature in Gen.OneOf(Gen.Elements(0.0, 0.01, 0.25, 1.0, 1.0, 2.5), Gen.Choose(1, 5000).Select(i => i / 1000.0))
        from topK in Gen.OneOf(Gen.Constant<int?>(null), Gen.Choose(1, t + 1).Select(i => (int?)i))
        from topP in Gen.OneOf(Gen.Constant<double?>(null), Gen.Elements<double?>(1.0, 0.5, 0.9), Gen.Choose(1, 1000).Select(i => (double?)(i / 1000.0)))
        from minP in Gen.OneOf(Gen.Constant<double?>(null), Gen.Constant<double?>(null), Gen.Elements<double?>(0.0, 1.0), Gen.Choose(0, 1000).Select(i => (double?)(i / 2000.0)))
        select new ChainCase(t, k, tabular, quantized, seed, scale, temperature, topK, topP, minP);

    private static int CapK(int t, int k)
    {
        while (k > 1 && ReferenceStates.CountBySum(t, k) > 5000)
        {
            k--;
        }

        return k;
    }
}
