namespace LlmChains.Analysis.Spectral.Internals;

/// <summary>
/// The predicted cost of finishing a stationary solve by power iteration or by GMRES-DR, which
/// <see cref="StationaryMethod.Auto"/> compares. Costs are memory traffic counted in class-length vector passes (the
/// unit of every kernel of the solvers), so the choice is deterministic for a chain, whatever the load of the machine.
/// </summary>
/// <remarks>
/// <para><b>Per product.</b> A step x ↦ x·Q reads x and the row entries and writes y: S = 2 + nnz/row passes. Power
/// adds one fused pass reading x and y (residual and sum): 2 (3 for lazy power, which also writes the average). A
/// GMRES-DR product with the lazy polynomial adds the average (x + y)/2 (2 passes in cache-sized blocks), and each
/// Krylov vector (d products) is orthogonalised by classical Gram–Schmidt with re-orthogonalisation against about
/// (m + k)/2 vectors, O = 2(m + k) + 6 passes: O/d a product.</para>
/// <para><b>Products, power.</b> ln(tol/r)/ln ρ for the observed residual r and rate ρ.</para>
/// <para><b>Products, GMRES-DR.</b> GMRES-DR solves x·(I − P + 1uᵀ) = uᵀ with P = ((I + Q)/2)^d. If the eigenvalues of Q
/// other than 1 lie within |λ| ≤ ρ, those of (I + Q)/2 lie within |(1 + λ)/2| ≤ (1 + ρ)/2 (equality for a real
/// positive λ = ρ, the slow mode of a metastable chain), so the eigenvalues of P other than 1 lie within
/// μ₂ = ((1 + ρ)/2)^d. For a spectrum of I − P in [1 − μ₂, 1 + μ₂] GMRES reduces the residual at least by
/// q = (1 − √(1 − μ₂))/(1 + √(1 − μ₂)) per Krylov vector (the Chebyshev rate for the condition number 1/(1 − μ₂)),
/// so it needs j = ln(tol/r)/ln q vectors, d·j products, plus the explicit checks (d products at the start and one
/// per restart cycle of m vectors). Deflation only helps beyond this; complex or negative slow eigenvalues, which the
/// lazy polynomial damps, make GMRES-DR faster than predicted, a cluster of real eigenvalues near ρ slower.</para>
/// <para>Measured on the grid of docs/stationary.md (RandomLogitsModel, T ∈ {2, 3, 4, 10, 50}, τ from 2 to 0.1): on
/// chains power solves in a few hundred products GMRES-DR with d = 64 needs 2–4 times as many; it wins where power
/// needs thousands (τ ≤ 0.25, or T ≥ 10 at τ ≤ 1).</para>
/// </remarks>
internal static class StationaryCostModel
{
    /// <summary>μ₂ is capped below 1 so that the prediction stays finite (deflation removes the slowest modes anyway).</summary>
    private const double MaxPolynomialRate = 0.999;

    /// <summary>Passes of one step: x, y and the row entries.</summary>
    internal static double StepPasses(int maxRowNonZeros) => 2.0 + Math.Max(1, maxRowNonZeros);

    /// <summary>Passes per power product: the step and the fused residual pass (which also writes the average for lazy power).</summary>
    internal static double PowerPassesPerProduct(int maxRowNonZeros, bool lazy) => StepPasses(maxRowNonZeros) + (lazy ? 3 : 2);

    /// <summary>Passes per GMRES-DR product: the step, the lazy average and the orthogonalisation shared by d products.</summary>
    internal static double GmresPassesPerProduct(int maxRowNonZeros, int restartLength, int deflated, int degree)
    {
        double orthogonalisation = (2.0 * (restartLength + deflated)) + 6;
        return StepPasses(maxRowNonZeros) + (degree > 1 ? 2 : 0) + (orthogonalisation / degree);
    }

    /// <summary>The bound (1 + ρ)/2 on the moduli of the lazy chain's eigenvalues other than 1 (ρ itself when power
    /// already runs lazily).</summary>
    internal static double LazyRate(double rate, bool lazy) => lazy ? rate : (1 + rate) / 2;

    /// <summary>Power products still needed from residual <paramref name="residual"/> at rate <paramref name="rate"/>
    /// (∞ when ρ ≥ 1 or unknown).</summary>
    internal static double PowerProducts(double residual, double tolerance, double rate)
    {
        if (residual <= tolerance)
        {
            return 0;
        }

        return rate is > 0 and < 1 ? Math.Log(tolerance / residual) / Math.Log(rate) : double.PositiveInfinity;
    }

    /// <summary>
    /// GMRES-DR products predicted from residual <paramref name="residual"/> when the lazy chain's eigenvalues other
    /// than 1 have moduli at most <paramref name="lazyRate"/> (see the remarks of the class).
    /// </summary>
    internal static double GmresProducts(double residual, double tolerance, double lazyRate, int degree, int restartLength)
    {
        double mu = lazyRate is > 0 and < 1 ? Math.Pow(lazyRate, degree) : 1;
        mu = Math.Min(mu, MaxPolynomialRate);
        double s = Math.Sqrt(1 - mu);
        double q = (1 - s) / (1 + s);
        double vectors = residual <= tolerance ? 0 : Math.Max(1, Math.Ceiling(Math.Log(tolerance / residual) / Math.Log(q)));
        double cycles = Math.Max(1, Math.Ceiling(vectors / Math.Max(1, restartLength)));
        return degree * (vectors + cycles);
    }
}
