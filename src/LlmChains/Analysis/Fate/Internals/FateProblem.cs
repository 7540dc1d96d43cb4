using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmChains.Analysis.Fate.Internals;

/// <summary>
/// One fate computation on one chain: the chain split into the block where linear systems are solved and, for a model's
/// chain, the tree of prompts shorter than K above it (solved by a backward pass), plus the classification and the
/// block's predecessor lists (built once, on first use).
/// </summary>
internal sealed class FateProblem
{
    private int[]? _predecessorStarts;
    private int[]? _predecessors;

    public FateProblem(IMarkovChain chain, FateOptions? options, string category)
    {
        ArgumentNullException.ThrowIfNull(chain);
        Options = options ?? FateOptions.Default;
        Options.Validate();
        Chain = chain;
        Model = chain as LanguageModelChain;
        Block = Model?.RecurrentBlock ?? chain;
        Offset = Model?.States.FullLengthOffset ?? 0;
        if (Block.StateCount > Array.MaxLength - 1)
        {
            throw new ArgumentException(
                $"The chain's block has {Block.StateCount} states; the fate analyses handle at most {Array.MaxLength - 1}.", nameof(chain));
        }

        BlockCount = (int)Block.StateCount;
        Workers = Options.MaxDegreeOfParallelism ?? Environment.ProcessorCount;
        Logger = (Options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger(category);
        Structure = ChainStructure.GivenOrAnalyze(Options.Structure, chain, "FateOptions.Structure", CancellationToken.None);
    }

    public IMarkovChain Chain { get; }

    public LanguageModelChain? Model { get; }

    /// <summary>The states where systems are solved: the whole chain, or the T^K full-length windows of a model's chain.</summary>
    public IMarkovChain Block { get; }

    /// <summary>The global index of block state 0.</summary>
    public long Offset { get; }

    public int BlockCount { get; }

    public FateOptions Options { get; }

    public ChainStructure Structure { get; }

    public int Workers { get; }

    public ILogger Logger { get; }

    public long StateCount => Chain.StateCount;

    /// <summary>Whether global state <paramref name="state"/> lies in the block.</summary>
    public bool InBlock(long state) => state >= Offset;

    /// <summary>A membership array over the block for global states (short prompts are ignored here).</summary>
    public bool[] BlockMembership(IEnumerable<long> states)
    {
        var member = new bool[BlockCount];
        foreach (long s in states)
        {
            if (s >= Offset)
            {
                member[s - Offset] = true;
            }
        }

        return member;
    }

    /// <summary>
    /// The block states from which a state of <paramref name="sources"/> can be reached along a path whose states before
    /// the source are not <paramref name="blocked"/> (sources themselves are included).
    /// </summary>
    public bool[] CanReach(bool[] sources, bool[]? blocked, CancellationToken cancellationToken)
    {
        EnsurePredecessors(cancellationToken);
        int[] starts = _predecessorStarts!;
        int[] predecessors = _predecessors!;
        var reached = new bool[BlockCount];
        var queue = new int[BlockCount];
        int head = 0;
        int tail = 0;
        for (int s = 0; s < BlockCount; s++)
        {
            if (sources[s])
            {
                reached[s] = true;
                queue[tail++] = s;
            }
        }

        while (head < tail)
        {
            if ((head & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            int y = queue[head++];
            for (int e = starts[y]; e < starts[y + 1]; e++)
            {
                int x = predecessors[e];
                if (!reached[x] && (blocked is null || !blocked[x]))
                {
                    reached[x] = true;
                    queue[tail++] = x;
                }
            }
        }

        return reached;
    }

    private void EnsurePredecessors(CancellationToken cancellationToken)
    {
        if (_predecessors is not null)
        {
            return;
        }

        int n = BlockCount;
        var columns = new long[Math.Max(1, Block.MaxRowNonZeros)];
        var probabilities = new double[columns.Length];
        var starts = new int[n + 1];
        for (int u = 0; u < n; u++)
        {
            if ((u & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            int count = Block.GetRow(u, columns, probabilities);
            for (int e = 0; e < count; e++)
            {
                starts[columns[e] + 1]++;
            }
        }

        for (int v = 0; v < n; v++)
        {
            starts[v + 1] += starts[v];
        }

        var fill = new int[n];
        var predecessors = new int[starts[n]];
        for (int u = 0; u < n; u++)
        {
            int count = Block.GetRow(u, columns, probabilities);
            for (int e = 0; e < count; e++)
            {
                int v = (int)columns[e];
                predecessors[starts[v] + fill[v]++] = u;
            }
        }

        _predecessorStarts = starts;
        _predecessors = predecessors;
    }
}
