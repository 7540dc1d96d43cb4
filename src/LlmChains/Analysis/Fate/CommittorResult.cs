namespace LlmChains.Analysis.Fate;

/// <summary>The forward committor q⁺(x) = P_x(τ_B &lt; τ_A) of disjoint sets A and B, for every state.</summary>
public sealed class CommittorResult
{
    private readonly double[] _forward;

    internal CommittorResult(string avoid, string target, double[] forward, FateSolve solve)
    {
        Avoid = avoid;
        Target = target;
        _forward = forward;
        Solve = solve;
    }

    /// <summary>The set A (q⁺ = 0 there).</summary>
    public string Avoid { get; }

    /// <summary>The set B (q⁺ = 1 there).</summary>
    public string Target { get; }

    /// <summary>q⁺ per state (0 where neither set can be reached, since B is then never hit).</summary>
    public IReadOnlyList<double> Forward => _forward;

    /// <summary>How the system was solved.</summary>
    public FateSolve Solve { get; }
}
