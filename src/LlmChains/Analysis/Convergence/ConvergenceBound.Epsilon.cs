using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;
using LlmChains.Analysis.Convergence.Internals;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Internals;
using LlmChains.Models;
using LlmChains.Models.Internals;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmChains.Analysis.Convergence;

public static partial class ConvergenceBound
{
    /// <summary>
    /// ε = min_{i, j ∈ ℛ} (Q_f^K)_{ij} of Prop. 3.4, over the T^K full-length states ℛ, exactly, by a min-sum dynamic
    /// program in log space: O(K·T^{K+1}) work (not the T^{2K} of enumerating the pairs) and three vectors of T^K entries.
    /// </summary>
    /// <remarks>
    /// <para>Between two full-length states there is exactly one K-step path, so (Q_f^K)_{ij} = Π_k f(w_k)_{j_{k+1}} over
    /// the windows w_k = (i_{k+1..K}, j_{1..k}) (this follows from the transitions of Prop. 3.2), and ε is the smallest
    /// product over the K-step walks on
    /// ℛ. The program keeps, for every window, the smallest log-product of the walks ending there. Logs make it immune to
    /// underflow: ε = 8.76e−27 (the parity model at τ = 0.1) and values far below the smallest double are
    /// found, with <see cref="EpsilonResult.LogEpsilon"/> finite. <see cref="EpsilonResult.Epsilon"/> is recomputed as the
    /// product along the minimising path (a few ulps).</para>
    /// <para>ℛ is the paper's recurrent set. Under truncated decoding some transitions are 0: then ε = 0 and
    /// ln ε = −∞, and the bound gives no decay (such chains may be reducible or periodic; see <see cref="ChainStructure"/>).
    /// The chain stores probabilities, so a transition that underflowed to 0 when the chain was built (below about
    /// 4.9e−324) also gives ε = 0, and one stored as a subnormal number (below 2.2e−308) carries only a few significant
    /// bits; <see cref="EpsilonFromModel"/> works from the logits and has neither limit.</para>
    /// </remarks>
    /// <param name="chain">The model's chain Q_f.</param>
    /// <param name="options">Parallelism and logging; default <see cref="ConvergenceOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels between passes (<see cref="OperationCanceledException"/>).</param>
    /// <returns>ε, ln ε and a minimising pair (i, j) as state indices of V_K^*.</returns>
    public static EpsilonResult Epsilon(
        LanguageModelChain chain, ConvergenceOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chain);
        options ??= ConvergenceOptions.Default;
        options.Validate();
        int t = chain.VocabularySize;
        int k = chain.ContextWindow;
        long offset = chain.States.FullLengthOffset;
        int parallelism = ConvergenceGuard.Parallelism(options.MaxDegreeOfParallelism);
        var clock = Stopwatch.StartNew();
        EpsilonResult result = chain.Doubles is { } doubles
            ? Solve(new StoredTransitions<double>(doubles, chain.Layout, offset), t, k, offset, parallelism, cancellationToken)
            : Solve(new StoredTransitions<float>(chain.Singles!, chain.Layout, offset), t, k, offset, parallelism, cancellationToken);
        Log(options, result, clock);
        return result;
    }

    /// <summary>
    /// ε of Prop. 3.4 (as <see cref="Epsilon"/>) for <paramref name="model"/> under <paramref name="decoding"/>, from the logits of its T^K
    /// full-length contexts, with log-probabilities in log-sum-exp form: log f_τ(v)_x = z_x/τ − log Σ_y exp(z_y/τ). No
    /// probability is ever formed, so ε far below the smallest double (for example τ = 0.001) still has an exact ln ε.
    /// Truncated decoding (top-k, top-p, min-p, greedy) goes through <see cref="DecodingOptions.Apply"/> and takes logs
    /// of the kept probabilities (log 0 = −∞ for removed tokens).
    /// </summary>
    /// <param name="model">The model; T^K·T log-probabilities are kept in memory.</param>
    /// <param name="decoding">Temperature and truncation; default τ = 1, no truncation.</param>
    /// <param name="options">Parallelism and logging; default <see cref="ConvergenceOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the model queries and the passes.</param>
    /// <returns>ε, ln ε and a minimising pair (i, j) as state indices of V_K^*.</returns>
    /// <exception cref="ArgumentException">
    /// An option is invalid, the table of T^{K+1} log-probabilities does not fit in one array or in memory (nothing is
    /// allocated), or the model returned a NaN or +∞ logit, or only −∞ logits, for some context (named in the message).
    /// </exception>
    public static EpsilonResult EpsilonFromModel(
        ILanguageModel model,
        DecodingOptions? decoding = null,
        ConvergenceOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        decoding ??= DecodingOptions.Default;
        decoding.Validate();
        options ??= ConvergenceOptions.Default;
        options.Validate();
        var states = new StateSpace(model.VocabularySize, model.ContextWindow);
        int t = states.VocabularySize;
        int k = states.ContextWindow;
        long windows = states.FullLengthStateCount;
        double entries = (double)windows * t;
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (entries > Array.MaxLength || (entries * sizeof(double)) + (windows * 24.0) > available)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The ε program for T = {t}, K = {k} keeps {entries:N0} log-probabilities ") +
                string.Create(CultureInfo.InvariantCulture, $"({entries * 8 / (1 << 20):N1} MiB) plus {windows * 24.0 / (1 << 20):N1} ") +
                string.Create(CultureInfo.InvariantCulture, $"MiB of vectors; more than one array or the {available / (1 << 20):N0} MiB ") +
                string.Create(CultureInfo.InvariantCulture, $"available."),
                nameof(model));
        }

        int parallelism = ConvergenceGuard.Parallelism(options.MaxDegreeOfParallelism);
        var clock = Stopwatch.StartNew();
        double[] logs = LogProbabilities(model, states, decoding, parallelism, cancellationToken);
        var result = Solve(new LogTableTransitions(logs, t), t, k, states.FullLengthOffset, parallelism, cancellationToken);
        Log(options, result, clock);
        return result;
    }

    private static EpsilonResult Solve<TS>(TS source, int t, int k, long offset, int parallelism, CancellationToken cancellationToken)
        where TS : struct, IEpsilonTransitions
    {
        var (logEpsilon, from, to) = EpsilonDynamicProgram.Run(source, t, k, parallelism, cancellationToken);
        var (product, logProduct) = EpsilonDynamicProgram.PathProduct(source, t, k, from, to);
        Debug.Assert(
            logProduct == logEpsilon || (double.IsNegativeInfinity(logProduct) && double.IsNegativeInfinity(logEpsilon)),
            "the path's log-product is the program's value");
        double epsilon = product > 0 ? product : (double.IsNegativeInfinity(logEpsilon) ? 0 : Math.Exp(logEpsilon));
        return new EpsilonResult(epsilon, logEpsilon, t, k, offset + from, offset + to);
    }

    private static void Log(ConvergenceOptions options, EpsilonResult result, Stopwatch clock)
    {
        var logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger(typeof(ConvergenceBound));
        if (logger.IsEnabled(LogLevel.Information))
        {
            long windows = (long)Math.Pow(result.VocabularySize, result.ContextWindow);
            double seconds = clock.Elapsed.TotalSeconds;
            ConvergenceLog.EpsilonFinished(logger, windows, result.ContextWindow, result.LogEpsilon, seconds);
        }
    }

    /// <summary>log f_τ(w)_x for the full-length windows w, in parallel over windows.</summary>
    private static double[] LogProbabilities(
        ILanguageModel model, StateSpace states, DecodingOptions decoding, int parallelism, CancellationToken cancellationToken)
    {
        int t = states.VocabularySize;
        int k = states.ContextWindow;
        long windows = states.FullLengthStateCount;
        long offset = states.FullLengthOffset;
        var logs = GC.AllocateUninitializedArray<double>(checked((int)(windows * t)));
        var indexed = model as IStateIndexedModel;
        const long chunk = 1024;
        long items = (windows + chunk - 1) / chunk;
        var parallel = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = parallelism };
        try
        {
            Parallel.For(
                0L,
                items,
                parallel,
                () => (Context: new int[k], Logits: new double[t], Probabilities: new double[t]),
                (item, _, buffers) =>
                {
                    long last = Math.Min(windows, (item + 1) * chunk);
                    for (long w = item * chunk; w < last; w++)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        if (indexed is not null)
                        {
                            indexed.GetLogitsOfState(offset + w, buffers.Logits);
                        }
                        else
                        {
                            states.Unrank(offset + w, buffers.Context);
                            ModelCalls.GetLogits(model, buffers.Context, buffers.Logits, offset + w);
                        }

                        WriteLogProbabilities(
                            buffers.Logits, buffers.Probabilities, decoding, logs.AsSpan(checked((int)(w * t)), t), states, offset + w);
                    }

                    return buffers;
                },
                _ => { });
        }
        catch (AggregateException aggregate) when (aggregate.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(aggregate.InnerExceptions[0]).Throw();
            throw;
        }

        return logs;
    }

    private static void WriteLogProbabilities(
        double[] logits, double[] probabilities, DecodingOptions decoding, Span<double> destination, StateSpace states, long state)
    {
        double max = double.NegativeInfinity;
        for (int x = 0; x < logits.Length; x++)
        {
            double z = logits[x];
            if (double.IsNaN(z) || double.IsPositiveInfinity(z))
            {
                throw Invalid.Argument(
                    string.Create(CultureInfo.InvariantCulture, $"The model's logits at state {state} (context ") +
                    string.Create(CultureInfo.InvariantCulture, $"[{string.Join(",", states.Unrank(state))}]) are invalid: the logit of ") +
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"token {x} is {(double.IsNaN(z) ? ModelCalls.UnwrittenNote : "+∞; logits must be finite or −∞")}."));
            }

            max = Math.Max(max, z);
        }

        if (double.IsNegativeInfinity(max))
        {
            throw Invalid.Argument(
                string.Create(CultureInfo.InvariantCulture, $"The model's logits at state {state} (context ") +
                string.Create(CultureInfo.InvariantCulture, $"[{string.Join(",", states.Unrank(state))}]) are all −∞."));
        }

        if (!decoding.KeepsEveryToken)
        {
            decoding.Apply(logits, probabilities);
            for (int x = 0; x < logits.Length; x++)
            {
                destination[x] = Math.Log(probabilities[x]);
            }

            return;
        }

        // log-sum-exp at temperature τ: log p_x = (z_x − max)/τ − log Σ_y exp((z_y − max)/τ)
        double tau = decoding.Temperature;
        double sum = 0;
        foreach (double z in logits)
        {
            sum += Math.Exp((z - max) / tau);
        }

        double logSum = Math.Log(sum);
        for (int x = 0; x < logits.Length; x++)
        {
            destination[x] = ((logits[x] - max) / tau) - logSum;
        }
    }
}
