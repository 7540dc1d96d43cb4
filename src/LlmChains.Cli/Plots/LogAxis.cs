using System.Globalization;

namespace LlmChains.Cli.Plots;

/// <summary>Log-scale axes for ScottPlot: data are plotted as log10 values and the ticks are labelled with the values.</summary>
internal static class LogAxis
{
    /// <summary>
    /// Major ticks at 1, 2, 5 × 10^k (or 1, 3 × 10^k labelled as 1e k when <paramref name="scientific"/>) and minor ticks at the other
    /// integers × 10^k.
    /// </summary>
    public static ScottPlot.TickGenerators.NumericManual Ticks(double log10Min, double log10Max, bool scientific)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        bool sparse = log10Max - log10Min > 6;
        int decadeStep = Math.Max(1, (int)Math.Ceiling((log10Max - log10Min) / 8));
        for (int exponent = (int)Math.Floor(log10Min) - 1; exponent <= (int)Math.Ceiling(log10Max); exponent++)
        {
            for (int mantissa = 1; mantissa <= 9; mantissa++)
            {
                double position = exponent + Math.Log10(mantissa);
                if (position < log10Min - 0.1 || position > log10Max + 0.1)
                {
                    continue;
                }

                bool major = sparse
                    ? mantissa == 1 && exponent % decadeStep == 0
                    : scientific ? mantissa is 1 or 3 : mantissa is 1 or 2 or 5;
                if (major)
                {
                    double value = mantissa * Math.Pow(10, exponent);
                    string label = scientific || sparse
                        ? string.Create(CultureInfo.InvariantCulture, $"{mantissa}e{exponent}")
                        : value.ToString("G3", CultureInfo.InvariantCulture);
                    ticks.AddMajor(position, label);
                }
                else if (!sparse || mantissa == 1)
                {
                    ticks.AddMinor(position);
                }
            }
        }

        return ticks;
    }
}
