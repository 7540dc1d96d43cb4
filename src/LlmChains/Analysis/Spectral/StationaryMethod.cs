namespace LlmChains.Analysis.Spectral;

/// <summary>How <see cref="StationaryDistribution"/> computes the stationary distribution of a recurrent class.</summary>
public enum StationaryMethod
{
    /// <summary>
    /// Chooses per recurrent class: <see cref="Gth"/> up to <see cref="StationaryOptions.GthMaxStates"/> states;
    /// above that a short power-iteration probe that continues while its observed rate predicts convergence
    /// within a few hundred steps, and otherwise hands its iterate to <see cref="Gmres"/> as a warm start.
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
