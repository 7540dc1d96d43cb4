using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;
using LlmChains.Chains.Internals;
using LlmChains.Internals;
using LlmChains.Models;
using LlmChains.Models.Internals;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmChains.Chains;

public sealed partial class LanguageModelChain
{
    private const int BuildChunkStates = 2048;

    /// <summary>
    /// Builds Q_f for <paramref name="model"/> under <paramref name="decoding"/>: queries the model once per state
    /// of V_K^* (in parallel), turns the logits into next-token probabilities with
    /// <see cref="DecodingOptions.Apply"/>, and stores the T probabilities of each state.
    /// </summary>
    /// <param name="model">The model; its T and K define the state space.</param>
    /// <param name="decoding">Temperature and truncation; default τ = 1, no truncation.</param>
    /// <param name="options">Precision, parallelism, memory limit and logging; default <see cref="ChainBuildOptions.Default"/>.</param>
    /// <param name="progress">Receives throttled progress (about every 1% of the states).</param>
    /// <param name="cancellationToken">Cancels the construction (<see cref="OperationCanceledException"/>).</param>
    /// <returns>The chain.</returns>
    /// <exception cref="ArgumentException">
    /// An option is invalid; |V_K^*| overflows a 64-bit index; the table would exceed the memory limit or the
    /// largest array (the message gives the size and the bytes needed; nothing is allocated); or the model
    /// returned a NaN or +∞ logit, or only −∞ logits, for some state (the message names the state).
    /// </exception>
    public static LanguageModelChain Build(
        ILanguageModel model,
        DecodingOptions? decoding = null,
        ChainBuildOptions? options = null,
        IProgress<Progress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        decoding ??= DecodingOptions.Default;
        options ??= ChainBuildOptions.Default;
        decoding.Validate();
        if (options.MaxDegreeOfParallelism is { } degree && degree < 1)
        {
            throw Invalid.OutOfRange(FormattableString.Invariant($"MaxDegreeOfParallelism must be ≥ 1 (or null for every processor); got {degree}."));
        }

        ModelGuard.CheckSizes(model.VocabularySize, model.ContextWindow, nameof(model), nameof(model));
        var states = new StateSpace(model.VocabularySize, model.ContextWindow);
        bool single = options.Precision == ProbabilityPrecision.Float32;
        CheckCapacity(states, single, options.MemoryLimitBytes);

        var logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<LanguageModelChain>();
        Log.BuildStarted(logger, states.VocabularySize, states.ContextWindow, states.StateCount, decoding);
        var clock = Stopwatch.StartNew();

        long count = states.StateCount;
        int t = states.VocabularySize;
        double[]? p64 = single ? null : GC.AllocateUninitializedArray<double>(checked((int)(count * t)));
        float[]? p32 = single ? GC.AllocateUninitializedArray<float>(checked((int)(count * t))) : null;
        var indexed = model as IStateIndexedModel;
        var reporter = new ProgressThrottle(progress, count);
        long chunks = (count + BuildChunkStates - 1) / BuildChunkStates;
        TableLayout layout = states.TableLayout; // chunks of table rows, so that writes stay sequential
        var parallel = new ParallelOptions
        {
            CancellationToken = cancellationToken,
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism ?? Environment.ProcessorCount,
        };

        if (model is IPrefixSharingLanguageModel sharing)
        {
            FillRowsByPrefixSharing(sharing, states, decoding, p64, p32, reporter, cancellationToken);
            Log.BuildFinished(logger, count, clock.Elapsed.TotalSeconds);
            return new LanguageModelChain(states, decoding, p64, p32);
        }

        try
        {
            Parallel.For(
                0L,
                chunks,
                parallel,
                () => new BuildBuffers(t, states.ContextWindow),
                (chunk, _, buffers) =>
                {
                    long first = chunk * BuildChunkStates;
                    long last = Math.Min(count, first + BuildChunkStates);
                    for (long row = first; row < last; row++)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        ComputeRow(model, indexed, states, decoding, layout.StateOf(row), buffers);
                        StoreRow(p64, p32, row, buffers.Probabilities);
                    }

                    reporter.Add(last - first);
                    return buffers;
                },
                _ => { });
        }
        catch (AggregateException aggregate) when (aggregate.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(aggregate.InnerExceptions[0]).Throw();
            throw;
        }

        Log.BuildFinished(logger, count, clock.Elapsed.TotalSeconds);
        return new LanguageModelChain(states, decoding, p64, p32);
    }

    private static void ComputeRow(ILanguageModel model, IStateIndexedModel? indexed, StateSpace states, DecodingOptions decoding, long state, BuildBuffers buffers)
    {
        if (indexed is not null)
        {
            indexed.GetLogitsOfState(state, buffers.Logits);
        }
        else
        {
            int length = states.Indexing.Unrank(state, buffers.Context);
            ModelCalls.GetLogits(model, buffers.Context.AsSpan(0, length), buffers.Logits, state);
        }

        DecodeRow(states, decoding, state, buffers.Logits, buffers.Probabilities);
    }

    /// <summary>Turns one state's logits into its row of probabilities; invalid logits throw an exception naming the state.</summary>
    private static void DecodeRow(StateSpace states, DecodingOptions decoding, long state, ReadOnlySpan<double> logits, Span<double> probabilities)
    {
        int failure = Decoder.Decode(decoding, logits, probabilities);
        if (failure != Decoder.Success)
        {
            throw Invalid.Argument(string.Create(CultureInfo.InvariantCulture, $"The model's logits at state {state} (context [{string.Join(",", states.Unrank(state))}]) are invalid: {Decoder.Describe(failure, logits, fromModel: true)}"));
        }
    }

    /// <summary>Refuses, before allocating, a table beyond the memory limit or the largest array.</summary>
#pragma warning disable CA2208 // thrown on behalf of Build, whose `model` defines the size
    private static void CheckCapacity(StateSpace states, bool single, long? memoryLimit)
    {
        long count = states.StateCount;
        int t = states.VocabularySize;
        int size = single ? sizeof(float) : sizeof(double);
        long limit = memoryLimit ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        double bytes = (double)count * t * size;
        string what = string.Create(CultureInfo.InvariantCulture, $"The chain of T = {t}, K = {states.ContextWindow} has {count:N0} states; its {(single ? "float32" : "float64")} probability table needs {FormatBytes(bytes)}");
        if (bytes > limit)
        {
            throw new ArgumentException($"{what}, more than the {FormatBytes(limit)} available{(memoryLimit is null ? string.Empty : " (MemoryLimitBytes)")}.", "model");
        }

        if ((double)count * t > Array.MaxLength)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{what} in {(double)count * t:N0} entries, more than one array holds ({Array.MaxLength:N0})."), "model");
        }
    }
#pragma warning restore CA2208

    internal static string FormatBytes(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        int unit = 0;
        while (bytes >= 1024 && unit < units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }

        return unit == units.Length - 1 && bytes >= 1024
            ? string.Create(CultureInfo.InvariantCulture, $"10^{Math.Log10(bytes) + 18.06:F1} B")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes:0.##} {units[unit]}");
    }

    private sealed class BuildBuffers(int vocabularySize, int contextWindow)
    {
        public int[] Context { get; } = new int[contextWindow];

        public double[] Logits { get; } = new double[vocabularySize];

        public double[] Probabilities { get; } = new double[vocabularySize];
    }

    private sealed class ProgressThrottle(IProgress<Progress>? progress, long total)
    {
        private readonly long _step = Math.Max(1, total / 100);
        private readonly Lock _gate = new();
        private long _done;
        private long _nextReport;

        public void Add(long states)
        {
            if (progress is null)
            {
                return;
            }

            long done = Interlocked.Add(ref _done, states);
            if (done < Volatile.Read(ref _nextReport) && done != total)
            {
                return;
            }

            lock (_gate)
            {
                if (done >= _nextReport || done == total)
                {
                    _nextReport = done + _step;
                    progress.Report(new Progress("build", done, total));
                }
            }
        }
    }
}
