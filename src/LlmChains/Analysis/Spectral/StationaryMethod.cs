namespace LlmChains.Analysis.Spectral;

/// <summary>How <see cref="StationaryDistribution"/> computes the stationary distribution of a recurrent class.</summary>
public enum StationaryMethod
{
    /// <summary>
    /// Chooses per recurrent class: <see cref="Gth"/> up to <see cref="StationaryOptions.GthMaxStates"/> states;
    /// above that power iteration, which every 10 steps (from the 20th) compares its predicted cost to finish
    /// (products from its observed rate ρ, times the memory traffic of a product) with that of <see cref="Gmres"/>
    /// (products predicted from ρ for its lazy polynomial preconditioner, times the traffic of a step, the average and
    /// the orthogonalisation), and hands its iterate to GMRES-DR as a warm start when that is cheaper and fits in
    /// memory. The predicted costs and the reason are logged at Debug level.
    /// </summary>
    Auto = 0,

    /// <summary>
    /// Grassmann–Taksar–Heyman elimination on the dense class matrix: exact up to rounding, subtraction-free,
    /// every component with small relative error. O(n³) time and n² memory.
    /// </summary>
    Gth = 1,

    /// <summary>
    /// Power iteration x ← x·Q, stopped on the residual ‖x·Q − x‖₁. On a periodic class it runs as
    /// <see cref="LazyPower"/> (the result then reports <see cref="LazyPower"/>).
    /// </summary>
    Power = 2,

    /// <summary>Power iteration on the lazy chain (I + Q)/2, which converges on periodic classes too.</summary>
    LazyPower = 3,

    /// <summary>
    /// Restarted GMRES with deflated restarts (GMRES-DR) on x·(I − Q + 1uᵀ) = uᵀ, u uniform on the class: a Krylov
    /// method for slowly mixing (low-temperature, metastable) chains. Uses only x ↦ x·Q; never factorises Q.
    /// </summary>
    Gmres = 4,

    /// <summary>Computed outside the library and handed in through <see cref="StationaryResult.FromDistribution"/>.</summary>
    External = 5,
}
