namespace LlmChains.Tests.Support;

/// <summary>
/// V_K^* enumerated by brute force in the order of paper-spec §1.6 (by length 1..K, then lexicographically by
/// token id with the first token most significant), with the successor relation checked literally from the
/// generation–deletion process (paper-spec §1.3). Independent of <c>StateSpace</c>: no offsets, no codes.
/// </summary>
internal sealed class ReferenceStates
{
    private readonly Dictionary<string, int> _index = [];

    public ReferenceStates(int vocabularySize, int contextWindow)
    {
        VocabularySize = vocabularySize;
        ContextWindow = contextWindow;
        var list = new List<int[]>();
        for (int length = 1; length <= contextWindow; length++)
        {
            // odometer over all sequences of this length, last token fastest
            var sequence = new int[length];
            while (true)
            {
                _index.Add(Key(sequence), list.Count);
                list.Add((int[])sequence.Clone());
                int position = length - 1;
                while (position >= 0 && ++sequence[position] == vocabularySize)
                {
                    sequence[position] = 0;
                    position--;
                }

                if (position < 0)
                {
                    break;
                }
            }
        }

        Sequences = list;
    }

    public int VocabularySize { get; }

    public int ContextWindow { get; }

    public IReadOnlyList<int[]> Sequences { get; }

    public int Count => Sequences.Count;

    /// <summary>Index of the first state of length K, counted by brute force.</summary>
    public int FirstFullLength => Sequences.Count(s => s.Length < ContextWindow);

    public int IndexOf(IReadOnlyList<int> sequence) => _index[Key(sequence)];

    /// <summary>The paper's rule, literally: v follows u iff (|u| &lt; K, v = u·x) or (|u| = K, v = u_{2..K}·x).</summary>
    public static bool IsSuccessor(int[] u, int[] v, int contextWindow)
    {
        if (u.Length < contextWindow)
        {
            if (v.Length != u.Length + 1)
            {
                return false;
            }

            for (int i = 0; i < u.Length; i++)
            {
                if (v[i] != u[i])
                {
                    return false;
                }
            }

            return true;
        }

        if (v.Length != contextWindow)
        {
            return false;
        }

        for (int i = 0; i < contextWindow - 1; i++)
        {
            if (v[i] != u[i + 1])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The next state after token x, built from sequences (append, or drop-first-and-append at length K).</summary>
    public int Next(int state, int token)
    {
        int[] u = Sequences[state];
        var v = u.Length < ContextWindow ? [.. u, token] : u.Skip(1).Append(token).ToArray();
        return IndexOf(v);
    }

    /// <summary>|V_K^*| = Σ_{i=1..K} T^i by plain summation in BigInteger-free long arithmetic (small sizes only).</summary>
    public static long CountBySum(int vocabularySize, int contextWindow)
    {
        long total = 0;
        long power = 1;
        for (int i = 1; i <= contextWindow; i++)
        {
            power *= vocabularySize;
            total += power;
        }

        return total;
    }

    private static string Key(IReadOnlyList<int> sequence) => string.Join(",", sequence);
}
