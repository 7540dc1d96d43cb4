namespace LlmChains.Analysis.Spectral;

/// <summary>Progress of <see cref="Spectrum.Compute"/>'s Krylov method, reported after restart cycles (at most about every 50 ms).</summary>
/// <param name="Restarts">Restart cycles done.</param>
/// <param name="MatrixVectorProducts">Chain steps x ↦ xQ done.</param>
/// <param name="ConvergedCount">Wanted eigenvalues (besides 1) whose residual estimate meets the tolerance.</param>
/// <param name="WantedCount">Eigenvalues wanted besides 1.</param>
/// <param name="SlemEstimate">The current estimate of the second largest eigenvalue modulus.</param>
public readonly record struct SpectrumProgress(int Restarts, long MatrixVectorProducts, int ConvergedCount, int WantedCount, double SlemEstimate);
