using System.Globalization;
using LlmChains.Chains;

namespace LlmChains.Analysis.Convergence;

/// <summary>
/// The statistic f on which <see cref="SampledConvergence.EstimateTotalVariation"/> looks for an event that separates
/// μQ^t from νQ^t (the lower confidence bound of <see cref="SampledTotalVariation.Separation"/>): a map from states to
/// a few bins. Any fixed f gives a valid lower bound, since TV(μQ^t, νQ^t) ≥ TV of the laws of f ≥ |P(A) − Q(A)| for
/// every set A of bins; a finer f can only separate better, but needs more trajectories to find the event.
/// </summary>
/// <remarks>
/// The bins are counted for every t = 0..H, so the number of bins times H + 1 is limited to
/// <see cref="MaxCounts"/>. <see langword="null"/> in <see cref="SamplingOptions.Projection"/> chooses one by itself
/// (the state itself for small chains, otherwise the hashed state; see <see cref="SamplingOptions.Projection"/>).
/// </remarks>
public sealed class SampledProjection
{
    /// <summary>The largest number of bins times (H + 1) (64 MiB of counts).</summary>
    public const int MaxCounts = 1 << 24;

    /// <summary>The largest number of bins of the automatic choice (see <see cref="SamplingOptions.Projection"/>).</summary>
    public const int AutomaticBins = 16384;

    private readonly ProjectionKind _kind;
    private readonly int _count;
    private readonly Func<long, int>? _map;
    private readonly string? _description;

    private SampledProjection(ProjectionKind kind, int count, Func<long, int>? map, string? description)
    {
        _kind = kind;
        _count = count;
        _map = map;
        _description = description;
    }

    private enum ProjectionKind
    {
        States,
        LastTokens,
        StateBlocks,
        HashedStates,
        Custom,
    }

    /// <summary>f(x) = x: the state itself (n bins; for small chains).</summary>
    public static SampledProjection States { get; } = new(ProjectionKind.States, 0, null, null);

    /// <summary>
    /// For a model's chain (a <see cref="LanguageModelChain"/> or <c>…FromModel</c>): the last min(m, length) tokens of
    /// the window and whether the window is full (length K), |V_m^*| + T^m = T + … + T^{m−1} + 2T^m bins (a window
    /// shorter than m is its own bin). The flag separates a start law with mass on short windows (e.g. the uniform law
    /// over V_K^*) from π, which has none. With m ≥ K this is the state itself (|V_K^*| bins).
    /// </summary>
    /// <param name="count">m ≥ 1.</param>
    public static SampledProjection LastTokens(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return new SampledProjection(ProjectionKind.LastTokens, count, null, null);
    }

    /// <summary>
    /// <paramref name="count"/> blocks of contiguous state indices, ⌈n/count⌉ states each (the last block may be
    /// shorter): f(x) = ⌊x / ⌈n/count⌉⌋. Meaningful only as far as the indexing groups similar states; always valid.
    /// </summary>
    /// <param name="count">The number of blocks, ≥ 1.</param>
    public static SampledProjection StateBlocks(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return new SampledProjection(ProjectionKind.StateBlocks, count, null, null);
    }

    /// <summary>
    /// The state hashed into <paramref name="buckets"/> buckets (a fixed 64-bit mix of the index, modulo the number of
    /// buckets). Separates a concentrated law (a point mass after a few steps, a prompt) from a diffuse one such as π at
    /// any n, with bounded memory. For a model's chain with K ≥ 2 and at least 2 buckets, the windows that are not full
    /// share bucket 0 (π puts no mass there; a start law with short windows, such as the uniform law over V_K^*, does)
    /// and the full windows hash into the others.
    /// </summary>
    /// <param name="buckets">The number of buckets, ≥ 1.</param>
    public static SampledProjection HashedStates(int buckets)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        return new SampledProjection(ProjectionKind.HashedStates, buckets, null, null);
    }

    /// <summary>A user-supplied statistic with values in 0..<paramref name="binCount"/> − 1.</summary>
    /// <param name="binCount">The number of bins, ≥ 1.</param>
    /// <param name="map">f; called from several threads at once unless
    /// <see cref="SamplingOptions.MaxDegreeOfParallelism"/> is 1, so it must be thread-safe and deterministic.</param>
    /// <param name="description">What f is, for reports (e.g. "the last token's class").</param>
    public static SampledProjection Custom(int binCount, Func<long, int> map, string description)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(binCount, 1);
        ArgumentNullException.ThrowIfNull(map);
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        return new SampledProjection(ProjectionKind.Custom, binCount, map, description);
    }

    /// <summary>m for <see cref="LastTokens"/>, otherwise <see langword="null"/>.</summary>
    public int? TokenCount => _kind == ProjectionKind.LastTokens ? _count : null;

    /// <summary>A readable description, e.g. "the last 2 tokens and whether the window is full", "the state", "64
    /// blocks of contiguous states".</summary>
    public override string ToString() => _kind switch
    {
        ProjectionKind.States => "the state",
        ProjectionKind.LastTokens => _count == 1
            ? "the last token and whether the window is full"
            : string.Create(CultureInfo.InvariantCulture, $"the last {_count} tokens and whether the window is full"),
        ProjectionKind.StateBlocks => string.Create(CultureInfo.InvariantCulture, $"{_count:N0} blocks of contiguous states"),
        ProjectionKind.HashedStates => string.Create(CultureInfo.InvariantCulture, $"the state hashed into {_count:N0} buckets"),
        _ => _description!,
    };

    /// <summary>
    /// The automatic choice: with M = min(max(64, 4N), <see cref="AutomaticBins"/>) for N trajectories (fewer when the
    /// counts would exceed <see cref="MaxCounts"/>), the state itself when n ≤ M, otherwise the state hashed into M
    /// buckets. 4N buckets keep the ≤ N/2 buckets an event can hold to about 1/8 of a diffuse law's mass, and the
    /// counts to O(N·H).
    /// </summary>
    internal static SampledProjection Automatic(long stateCount, int trajectories, int steps)
    {
        long budget = Math.Max(1, MaxCounts / ((long)steps + 1));
        long m = Math.Min(Math.Min(Math.Max(64, 4L * trajectories), AutomaticBins), budget);
        return stateCount <= m ? States : HashedStates((int)m);
    }

    /// <summary>The map for a chain: its bins and f.</summary>
    /// <exception cref="ArgumentException">Token windows on a chain without tokens, or too many bins.</exception>
    internal Projector Bind(long stateCount, StateSpace? states, int steps, string parameter)
    {
        Projector projector = _kind switch
        {
            ProjectionKind.States => stateCount <= int.MaxValue
                ? new StateProjector(stateCount)
                : throw TooMany(stateCount, steps, parameter),
            ProjectionKind.LastTokens => states is not null
                ? new TokenProjector(states, Math.Min(_count, states.ContextWindow))
                : throw new ArgumentException(
                    "The projection LastTokens needs a model's chain (a LanguageModelChain or …FromModel); use States, StateBlocks or " +
                    "Custom for another chain.",
                    parameter),
            ProjectionKind.StateBlocks => new BlockProjector(stateCount, _count),
            ProjectionKind.HashedStates => new HashProjector(_count, states),
            _ => new CustomProjector(_count, _map!),
        };
        if (projector.Bins > 1 && (long)projector.Bins * ((long)steps + 1) > MaxCounts)
        {
            throw TooMany(projector.Bins, steps, parameter);
        }

        return projector;
    }

    private static ArgumentException TooMany(long bins, int steps, string parameter) => new(
        string.Create(CultureInfo.InvariantCulture, $"The projection has {bins:N0} bins; counted at {steps + 1:N0} times that exceeds ") +
        string.Create(CultureInfo.InvariantCulture, $"{MaxCounts:N0} counts. Choose a coarser projection (LastTokens(1), StateBlocks) ") +
        string.Create(CultureInfo.InvariantCulture, $"or fewer steps."),
        parameter);

    /// <summary>f bound to a chain.</summary>
    internal abstract class Projector
    {
        internal abstract int Bins { get; }

        internal abstract int Map(long state);
    }

    private sealed class StateProjector(long stateCount) : Projector
    {
        internal override int Bins { get; } = (int)stateCount;

        internal override int Map(long state) => (int)state;
    }

    /// <summary>
    /// The last m tokens and whether the window is full: a window shorter than m is its own bin (its rank in V_m^*, the
    /// same as in V_K^*); a full window (length K) goes to offset(m) + (code mod T^m); a window of length m..K−1 to
    /// |V_m^*| + (code mod T^m). With m = K this is the state itself.
    /// </summary>
    private sealed class TokenProjector : Projector
    {
        private readonly Models.Internals.StateIndexing _indexing;
        private readonly long _fullOffset;
        private readonly int _m;
        private readonly long _modulus; // T^m
        private readonly long _fullBins; // Σ_{l<m} T^l: the first bin of full windows
        private readonly long _partialBins; // |V_m^*|: the first bin of windows of length m..K−1

        internal TokenProjector(StateSpace states, int m)
        {
            _indexing = states.Indexing;
            _m = m;
            _fullOffset = _indexing.Offset(states.ContextWindow);
            _modulus = _indexing.Power(m);
            _fullBins = _indexing.Offset(m);
            _partialBins = _indexing.Offset(m + 1);
            long bins = _partialBins + (m < states.ContextWindow ? _modulus : 0);
            Bins = bins <= int.MaxValue
                ? (int)bins
                : throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"The last {m} tokens have more than {int.MaxValue:N0} values; choose ") +
                    string.Create(CultureInfo.InvariantCulture, $"fewer tokens."));
        }

        internal override int Bins { get; }

        internal override int Map(long state)
        {
            if (state >= _fullOffset)
            {
                return (int)(_fullBins + ((state - _fullOffset) % _modulus));
            }

            int length = _indexing.LengthOf(state);
            long code = state - _indexing.Offset(length);
            return length >= _m
                ? (int)(_partialBins + (code % _modulus))
                : (int)(_indexing.Offset(length) + code);
        }
    }

    private sealed class BlockProjector : Projector
    {
        private readonly long _size;

        internal BlockProjector(long stateCount, int count)
        {
            _size = Math.Max(1, (stateCount / count) + (stateCount % count == 0 ? 0 : 1));
            Bins = (int)Math.Max(1, Math.Min(count, (stateCount + _size - 1) / _size));
        }

        internal override int Bins { get; }

        internal override int Map(long state) => (int)(state / _size);
    }

    /// <summary>A SplitMix64 mix of the index modulo the buckets; the short windows of a model's chain all in bucket 0.</summary>
    private sealed class HashProjector : Projector
    {
        private readonly long _fullOffset;
        private readonly ulong _shortBuckets;
        private readonly ulong _fullBuckets;

        internal HashProjector(int buckets, StateSpace? states)
        {
            Bins = buckets;
            bool split = states is not null && states.ContextWindow >= 2 && buckets >= 2;
            _fullOffset = split ? states!.FullLengthOffset : 0;
            _shortBuckets = split ? 1UL : 0;
            _fullBuckets = (ulong)buckets - _shortBuckets;
        }

        internal override int Bins { get; }

        internal override int Map(long state)
        {
            ulong z = unchecked((ulong)state + 0x9E3779B97F4A7C15UL);
            z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
            z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
            z ^= z >> 31;
            return state >= _fullOffset ? (int)(_shortBuckets + (z % _fullBuckets)) : 0;
        }
    }

    private sealed class CustomProjector(int bins, Func<long, int> map) : Projector
    {
        internal override int Bins => bins;

        internal override int Map(long state)
        {
            int bin = map(state);
            return (uint)bin < (uint)bins
                ? bin
                : throw new InvalidOperationException(
                    string.Create(CultureInfo.InvariantCulture, $"The projection maps state {state} to {bin}, outside 0..{bins - 1}."));
        }
    }
}
