namespace LlmChains.Bounds;

/// <summary>
/// Table 2 of Zekri et al. (arXiv 2410.02724): eight open models with their pre-training tokens, vocabulary size T and
/// embedding dimension r (from the models' technical reports), and the Fig. 1 approximation errors recomputed from them
/// (B_U = T√r, τ = 1, ‖Γ‖ = 1, App. E.1.1).
/// </summary>
public static class ModelCatalog
{
    /// <summary>The δ that reproduces Fig. 1's plotted range (the paper does not print δ; 0.05 is our
    /// inference).</summary>
    public const double FigureOneDelta = 0.05;

    /// <summary>The eight models of Table 2, in the paper's order.</summary>
    public static IReadOnlyList<CatalogEntry> Models { get; } = Array.AsReadOnly(new[]
    {
        new CatalogEntry("Llama 7B", 1e12, 32000, 4096),
        new CatalogEntry("Llama2 7B", 2e12, 32000, 4096),
        new CatalogEntry("Llama3 8B", 1.5e13, 128000, 4096),
        new CatalogEntry("Llama3.2 3B", 1.5e13, 128000, 3072),
        new CatalogEntry("Gemma 2B", 3e12, 256128, 2048),
        new CatalogEntry("Gemma 7B", 6e12, 256128, 3072),
        new CatalogEntry("Gemma2 9B", 8e12, 256128, 3584),
        new CatalogEntry("Gemma2 27B", 1.3e13, 256128, 4608),
    });

    /// <summary>The model named <paramref name="name"/> (case-insensitive).</summary>
    /// <param name="name">A name of Table 2, e.g. "Llama3 8B".</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="KeyNotFoundException">No model has that name; the message lists the names.</exception>
    public static CatalogEntry Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Models.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new KeyNotFoundException($"No model named '{name}' in Table 2; the models are: {string.Join(", ", Models.Select(m => m.Name))}.");
    }
}
