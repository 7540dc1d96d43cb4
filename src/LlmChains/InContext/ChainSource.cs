using LlmChains.InContext.Internals;

namespace LlmChains.InContext;

/// <summary>The built-in <see cref="IChainSource"/>s.</summary>
public static class ChainSource
{
    /// <summary>
    /// One chain for every repetition; each repetition samples a new trajectory from it (Fig. 6(a): one random 3-state
    /// matrix).
    /// </summary>
    /// <param name="chain">The chain.</param>
    /// <param name="startState">X_1; <see langword="null"/> draws it uniformly per repetition. Default 0 (Liu et al.).</param>
    /// <returns>The source.</returns>
    /// <exception cref="ArgumentException">The start state is out of range.</exception>
    public static IChainSource Fixed(GeneratedChain chain, int? startState = 0)
    {
        ArgumentNullException.ThrowIfNull(chain);
        CheckStart(startState, chain.StateCount);
        return new Generated(chain.Name, chain.StateCount, _ => chain, startState, isFixed: true);
    }

    /// <summary>
    /// A new chain per repetition from <paramref name="generator"/> (e.g. a Dirichlet(α) chain), with a trajectory from
    /// it.
    /// </summary>
    /// <param name="name">The description.</param>
    /// <param name="stateCount">d ≥ 2, the number of states every generated chain must have.</param>
    /// <param name="generator">Draws a chain from the repetition's random source (called before the trajectory is sampled).</param>
    /// <param name="startState">X_1; <see langword="null"/> draws it uniformly. Default 0.</param>
    /// <returns>The source.</returns>
    /// <exception cref="ArgumentException">d &lt; 2 or the start state is out of range.</exception>
    public static IChainSource Resampled(string name, int stateCount, Func<Random, GeneratedChain> generator, int? startState = 0)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(generator);
        InContextGuard.StateCount(stateCount, nameof(stateCount));
        CheckStart(startState, stateCount);
        return new Generated(name, stateCount, generator, startState, isFixed: false);
    }

    /// <summary>
    /// A discretised continuous process per repetition (Fig. 7 right, Fig. 18): the series has the trajectory's length
    /// (<see cref="ContinuousProcessOptions.Steps"/> is replaced), the trajectory is its state path and the chain its
    /// one-step law (<see cref="DiscretizedProcess"/>).
    /// </summary>
    /// <param name="options">The process.</param>
    /// <returns>The source (700 states with the default options).</returns>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static IChainSource Process(ContinuousProcessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new ProcessSource(options);
    }

    private static void CheckStart(int? startState, int stateCount)
    {
        if (startState is { } s && (uint)s >= (uint)stateCount)
        {
            throw new ArgumentOutOfRangeException(
                nameof(startState),
                s,
                InContextGuard.Inv($"The start state must be in 0..{stateCount - 1}; got {s}."));
        }
    }

    private sealed class Generated(
        string name,
        int stateCount,
        Func<Random, GeneratedChain> generator,
        int? startState,
        bool isFixed) : IChainSource
    {
        public string Name => name;

        public int StateCount => stateCount;

        public bool IsFixed => isFixed;

        public InContextSample Sample(int length, Random random)
        {
            var chain = generator(random);
            if (chain.StateCount != stateCount)
            {
                throw new InvalidOperationException(
                    InContextGuard.Inv($"The chain generator of '{name}' returned {chain.StateCount} states instead of {stateCount}."));
            }

            int start = startState ?? random.Next(stateCount);
            return new InContextSample(chain, chain.SampleTrajectory(length, start, random));
        }
    }

    private sealed class ProcessSource(ContinuousProcessOptions options) : IChainSource
    {
        private readonly int _stateCount = (int)Math.Round(
            options.Upper * Math.Pow(10, options.Digits)) - (int)Math.Round(options.Lower * Math.Pow(10, options.Digits));

        public string Name { get; } = DiscretizedProcess.Describe(options);

        public int StateCount => _stateCount;

        public bool IsFixed => false;

        public InContextSample Sample(int length, Random random)
        {
            var process = DiscretizedProcess.Generate(options with { Steps = length }, random);
            return new InContextSample(process.Chain, process.States);
        }
    }
}
