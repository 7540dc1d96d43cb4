namespace LlmChains;

/// <summary>
/// Progress of any long computation of the library — chain construction, the stages of an analysis, a solver, a
/// sampled estimate, an in-context experiment — reported through <see cref="IProgress{T}"/> at most a few times a
/// second. One type for all, so one display (a bar, a log line) serves every entry point.
/// </summary>
/// <param name="Stage">What is running, a short lower-case word or phrase: "build", "structure", "stationary",
/// "spectrum", "epsilon", "mixing", "sampling", "repetition", "temperature", "in-context", …; each entry point
/// documents its stages.</param>
/// <param name="Done">Units of the stage done (states, products, steps, repetitions; the stage says which).</param>
/// <param name="Total">Units of the stage in all, or 0 when it is not known in advance (an iterative solver that stops
/// at a tolerance): then <see cref="Fraction"/> is NaN and <see cref="Detail"/> says how far it is.</param>
public readonly record struct Progress(string Stage, long Done, long Total)
{
    /// <summary>The fraction of the stage done, in [0, 1]; NaN when <see cref="Total"/> is not known.</summary>
    public double Fraction => Total <= 0 ? double.NaN : Math.Clamp((double)Done / Total, 0, 1);

    /// <summary>
    /// A short human-readable note on the state of the stage, invariant culture (an iterative solver's residual, the
    /// current SLEM estimate, the temperature being analysed), or <see langword="null"/>.
    /// </summary>
    public string? Detail { get; init; }

    /// <summary>The progress as one line: stage, done/total (or done alone) and the detail.</summary>
    /// <returns>For example "stationary 120 · residual 3.1e-09" or "build 4,096/16,382".</returns>
    public override string ToString()
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        string counts = Total > 0 ? string.Create(c, $"{Done:N0}/{Total:N0}") : string.Create(c, $"{Done:N0}");
        return Detail is null ? $"{Stage} {counts}" : $"{Stage} {counts} · {Detail}";
    }
}
