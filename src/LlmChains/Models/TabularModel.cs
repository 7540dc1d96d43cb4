using LlmChains.Models.Internals;

namespace LlmChains.Models;

/// <summary>
/// A model given by a table of logits: one row of T logits for every state of V_K^*, rows in the state
/// order of <see cref="Chains.StateSpace"/> (by length, then base-T code). Built from arrays or a NumPy <c>.npy</c>
/// file of shape (|V_K^*|, T), float32 or float64. Float32 tables are kept in float32.
/// </summary>
public sealed class TabularModel : ILanguageModel, IStateIndexedModel
{
    private readonly StateIndexing _indexing;
    private readonly double[]? _doubles;
    private readonly float[]? _singles;

    private TabularModel(StateIndexing indexing, double[]? doubles, float[]? singles)
    {
        _indexing = indexing;
        _doubles = doubles;
        _singles = singles;
    }

    /// <inheritdoc/>
    public int VocabularySize => _indexing.VocabularySize;

    /// <inheritdoc/>
    public int ContextWindow => _indexing.ContextWindow;

    /// <summary>Whether the table is stored in float32.</summary>
    public bool IsSinglePrecision => _singles is not null;

    /// <summary>Creates the model from a row-major float64 table of |V_K^*|·T logits (the array is not copied).</summary>
    /// <param name="logits">|V_K^*| rows of T logits, row-major.</param>
    /// <param name="vocabularySize">T ≥ 1.</param>
    /// <param name="contextWindow">K ≥ 1.</param>
    public static TabularModel FromArray(double[] logits, int vocabularySize, int contextWindow)
    {
        ArgumentNullException.ThrowIfNull(logits);
        return new TabularModel(CheckLength(logits.LongLength, vocabularySize, contextWindow), logits, null);
    }

    /// <summary>Creates the model from a row-major float32 table of |V_K^*|·T logits (the array is not copied).</summary>
    /// <param name="logits">|V_K^*| rows of T logits, row-major.</param>
    /// <param name="vocabularySize">T ≥ 1.</param>
    /// <param name="contextWindow">K ≥ 1.</param>
    public static TabularModel FromArray(float[] logits, int vocabularySize, int contextWindow)
    {
        ArgumentNullException.ThrowIfNull(logits);
        return new TabularModel(CheckLength(logits.LongLength, vocabularySize, contextWindow), null, logits);
    }

    /// <summary>
    /// Reads a NumPy <c>.npy</c> file holding a (|V_K^*|, T) array of float32 or float64 logits. T is the
    /// number of columns; K is the unique K with |V_K^*| equal to the number of rows (or, when given,
    /// must be that K).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="contextWindow">The expected K, or <see langword="null"/> to infer it.</param>
    /// <exception cref="InvalidDataException">The file is not a valid 2-D float .npy array, or its row count is no |V_K^*|.</exception>
    public static TabularModel FromNpy(string path, int? contextWindow = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var array = NpyArray.Read(path);
        int t = array.Columns;
        if (t < 1)
        {
            throw new InvalidDataException($"{path}: the array has shape ({array.Rows}, {t}); it needs T ≥ 1 columns.");
        }

        int k = InferContextWindow(array.Rows, t)
            ?? throw new InvalidDataException(
                $"{path}: the array has {array.Rows} rows, which is |V_K^*| for no K with T = {t} (for T = {t}: {ListSizes(t)}).");
        if (contextWindow is { } expected && expected != k)
        {
            throw new InvalidDataException(
                $"{path}: the array has {array.Rows} rows, which is |V_K^*| for K = {k}, not the requested K = {expected}.");
        }

        var indexing = ModelGuard.IndexingOrThrow(t, k);
        return new TabularModel(indexing, array.Doubles, array.Singles);
    }

    /// <summary>
    /// Evaluates <paramref name="model"/> once on every state of V_K^* and keeps the logits, so that chains for many
    /// decoding settings (a temperature sweep) can be built without querying the model again. Takes |V_K^*|·T values
    /// of memory in the chosen precision; refused before allocating beyond the largest array.
    /// </summary>
    /// <param name="model">The model to evaluate.</param>
    /// <param name="singlePrecision">Keep the logits in float32 (default float64).</param>
    /// <param name="cancellationToken">Cancels the evaluation.</param>
    public static TabularModel Capture(ILanguageModel model, bool singlePrecision = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model is TabularModel table && table.IsSinglePrecision == singlePrecision)
        {
            return table;
        }

        ModelGuard.CheckSizes(model.VocabularySize, model.ContextWindow, nameof(model), nameof(model));
        var indexing = ModelGuard.IndexingOrThrow(model.VocabularySize, model.ContextWindow);
        int t = indexing.VocabularySize;
        double count = (double)indexing.StateCount * t;
        if (count > Array.MaxLength)
        {
            throw new ArgumentException(
                $"Capturing T = {t}, K = {indexing.ContextWindow} needs {count:G4} logits, more than one array holds ({Array.MaxLength}).",
                nameof(model));
        }

        var doubles = singlePrecision ? null : new double[(long)count];
        var singles = singlePrecision ? new float[(long)count] : null;
        var indexed = model as IStateIndexedModel;
        try
        {
            Parallel.For(
            0L,
            indexing.StateCount,
            new ParallelOptions { CancellationToken = cancellationToken },
            () => (Context: new int[indexing.ContextWindow], Logits: new double[t]),
            (state, _, buffers) =>
            {
                if (indexed is not null)
                {
                    indexed.GetLogitsOfState(state, buffers.Logits);
                }
                else
                {
                    int length = indexing.Unrank(state, buffers.Context);
                    ModelCalls.GetLogits(model, buffers.Context.AsSpan(0, length), buffers.Logits, state);
                    ModelCalls.CheckWritten(model, buffers.Context.AsSpan(0, length), buffers.Logits, state);
                }

                if (doubles is not null)
                {
                    buffers.Logits.CopyTo(doubles.AsSpan((int)(state * t), t));
                }
                else
                {
                    for (int x = 0; x < t; x++)
                    {
                        singles![(state * t) + x] = (float)buffers.Logits[x];
                    }
                }

                return buffers;
            },
            _ => { });
        }
        catch (AggregateException aggregate) when (aggregate.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(aggregate.InnerExceptions[0]).Throw();
            throw;
        }

        return new TabularModel(indexing, doubles, singles);
    }

    /// <summary>
    /// Writes the table as a NumPy <c>.npy</c> file that <see cref="FromNpy"/> and <c>numpy.load</c> read back: shape
    /// (|V_K^*|, T), rows in the state order of this model (by length, then base-T code), dtype <c>'&lt;f8'</c>, or
    /// <c>'&lt;f4'</c> when <see cref="IsSinglePrecision"/>, C order, format version 1.0 with the header padded so that
    /// the data starts at a multiple of 64 bytes. The values are written bit for bit.
    /// </summary>
    /// <param name="path">The file, created or replaced.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public void WriteNpy(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        WriteNpy(stream);
    }

    /// <summary>
    /// Writes the table in <c>.npy</c> format to <paramref name="stream"/> (see <see cref="WriteNpy(string)"/>; not
    /// flushed or disposed).
    /// </summary>
    /// <param name="stream">A writable stream.</param>
    public void WriteNpy(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (_doubles is not null)
        {
            NpyWriter.Write(stream, _indexing.StateCount, VocabularySize, _doubles);
        }
        else
        {
            NpyWriter.Write(stream, _indexing.StateCount, VocabularySize, _singles);
        }
    }

    /// <inheritdoc/>
    public void GetNextTokenLogits(ReadOnlySpan<int> context, Span<double> logits)
    {
        ModelGuard.CheckCall(context, logits, VocabularySize, ContextWindow);
        GetLogitsOfState(_indexing.Rank(context), logits);
    }

    /// <inheritdoc/>
    public void GetLogitsOfState(long stateIndex, Span<double> logits)
    {
        int t = VocabularySize;
        long start = stateIndex * t;
        if (_doubles is not null)
        {
            _doubles.AsSpan((int)start, t).CopyTo(logits);
        }
        else
        {
            ReadOnlySpan<float> row = _singles.AsSpan((int)start, t);
            for (int x = 0; x < t; x++)
            {
                logits[x] = row[x];
            }
        }
    }

    private static StateIndexing CheckLength(long length, int vocabularySize, int contextWindow, string logits = "logits")
    {
        ModelGuard.CheckSizes(vocabularySize, contextWindow);
        var indexing = ModelGuard.IndexingOrThrow(vocabularySize, contextWindow);
        if (length != indexing.StateCount * vocabularySize)
        {
            throw new ArgumentException(
                $"The table has {length} logits; T = {vocabularySize}, K = {contextWindow} needs |V_K^*|·T = " +
                $"{indexing.StateCount}·{vocabularySize} = {indexing.StateCount * vocabularySize}.",
                logits);
        }

        return indexing;
    }

    private static int? InferContextWindow(long rows, int t)
    {
        for (int k = 1; k <= 64; k++)
        {
            var indexing = StateIndexing.TryCreate(t, k);
            if (indexing is null || indexing.StateCount > rows)
            {
                return null;
            }

            if (indexing.StateCount == rows)
            {
                return k;
            }
        }

        return null;
    }

    private static string ListSizes(int t)
    {
        var sizes = new List<string>();
        for (int k = 1; k <= 6; k++)
        {
            var indexing = StateIndexing.TryCreate(t, k);
            if (indexing is null)
            {
                break;
            }

            sizes.Add($"K = {k}: {indexing.StateCount}");
        }

        return string.Join(", ", sizes);
    }
}
