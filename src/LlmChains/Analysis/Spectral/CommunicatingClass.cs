namespace LlmChains.Analysis.Spectral;

/// <summary>A communicating class of a chain (a maximal set of mutually accessible states, App. C).</summary>
/// <param name="Id">The class id, 0..ClassCount−1 (ids are ordered by the smallest state of each class).</param>
/// <param name="Size">The number of states.</param>
/// <param name="IsRecurrent">
/// Whether the class is recurrent, i.e. closed: no transition leaves it. In a finite chain a class is recurrent
/// exactly when it is closed.
/// </param>
/// <param name="Period">
/// gcd{ n : Qⁿ(i, i) &gt; 0 } for its states; 1 = aperiodic. 0 when the class has no cycle at all (a single
/// transient state without a self-loop), where the period is undefined.
/// </param>
/// <param name="FirstState">The smallest state index in the class.</param>
public readonly record struct CommunicatingClass(int Id, long Size, bool IsRecurrent, int Period, long FirstState)
{
    /// <summary>Whether the class is recurrent with period 1 (an ergodic class).</summary>
    public bool IsErgodic => IsRecurrent && Period == 1;
}
