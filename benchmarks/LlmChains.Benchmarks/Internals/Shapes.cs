using System.Globalization;

namespace LlmChains.Benchmarks.Internals;

/// <summary>Parses the "T,K" and "T,K,τ" strings the benchmarks take as parameters.</summary>
internal static class Shapes
{
    /// <summary>(T, K) from "T,K".</summary>
    /// <param name="shape">Vocabulary size and context window, comma-separated.</param>
    /// <returns>T and K.</returns>
    public static (int VocabularySize, int ContextWindow) Parse(string shape)
    {
        string[] parts = shape.Split(',');
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    /// <summary>(T, K, τ) from "T,K,τ".</summary>
    /// <param name="shape">Vocabulary size, context window and temperature, comma-separated.</param>
    /// <returns>T, K and τ.</returns>
    public static (int VocabularySize, int ContextWindow, double Temperature) ParseWithTemperature(string shape)
    {
        string[] parts = shape.Split(',');
        return (
            int.Parse(parts[0], CultureInfo.InvariantCulture),
            int.Parse(parts[1], CultureInfo.InvariantCulture),
            double.Parse(parts[2], CultureInfo.InvariantCulture));
    }
}
