using System.Globalization;
using LlmChains.InContext.Internals;
using LlmChains.Models;

namespace LlmChains.InContext;

/// <summary>
/// In-context predictions of a language model for multi-digit states (the 700-state chains of Fig. 7 right) by
/// Hierarchy-PDF (Liu et al., arXiv 2402.00795; written from the description of Liu et al., not from their code): the
/// trajectory is written digit
/// by digit with a separator after every state ("532,150,…"), and the prediction for X_{n+1} is the multi-resolution PDF
/// assembled from the model's next-digit distributions, converted to the d states.
/// </summary>
/// <remarks>
/// <para>For position n, with m₁…m_P the digits of the observed X_{n+1} (the "main branch"):</para>
/// <list type="number">
/// <item><description>P(d₁ | context up to the separator after X_n), P(d₂ | …, m₁), …, P(d_P | …, m₁…m_{P−1}) come from one
/// scoring pass over the whole trajectory (<see cref="ISequenceScoringModel"/>, else one call per position on the last
/// K tokens); the PDF starts from P(d₁) and is refined along m₁, m₁m₂, ….</description></item>
/// <item><description>Off-main branches: for every level ℓ &lt; D (<see cref="HierarchyPdfOptions.RefineDepth"/>) and
/// every alternative digit a ≠ m_{ℓ+1} (only m₁ ± 1 at ℓ = 0 in <see cref="HierarchyRefineMode.Neighbor"/> mode), the
/// model is queried after m₁…m_ℓ a and the bin is refined; its children are refined in turn until strings of D digits
/// have been queried. For P = 3, D = 2, "all" that is 9 + 90 + 9 = 108 extra queries per position.</description></item>
/// <item><description>The PDF's mass is mapped to the states by <see cref="HierarchyPdf.GetStateProbabilities"/> and
/// renormalised over them.</description></item>
/// </list>
/// <para>The digits of X_{n+1} only decide where the PDF is refined; the masses are always the model's conditionals
/// given X_1 … X_n. Off-branch queries call <see cref="ILanguageModel.GetNextTokenLogits"/> on the last K tokens (no
/// key–value cache reuse), so D ≥ 1 costs one model call per query.</para>
/// </remarks>
public sealed class HierarchyPdfPredictor : IInContextPredictor
{
    private readonly int[] _digits;
    private readonly int[] _codes;
    private readonly string[] _labels;

    /// <summary>Creates the predictor.</summary>
    /// <param name="model">The model; its vocabulary must contain the ten digit tokens and the separator.</param>
    /// <param name="digitTokens">The token ids of "0" … "9" (ten distinct ids).</param>
    /// <param name="separatorToken">The token id of the separator (e.g. ","), not a digit token.</param>
    /// <param name="stateLabels">The states' texts, d ≥ 2 distinct strings of P digits each (1 ≤ P ≤ 9), e.g. "150" … "849".</param>
    /// <param name="options">Refine depth, mode and decoding; default <see cref="HierarchyPdfOptions.Default"/>.</param>
    /// <param name="name">The name in reports; default "Hierarchy-PDF (D = …, mode)".</param>
    /// <exception cref="ArgumentException">A token is outside the model's vocabulary, the labels are not fixed-width
    /// digit strings, or an option is invalid.</exception>
    public HierarchyPdfPredictor(
        ILanguageModel model,
        IReadOnlyList<int> digitTokens,
        int separatorToken,
        IReadOnlyList<string> stateLabels,
        HierarchyPdfOptions? options = null,
        string? name = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(digitTokens);
        ArgumentNullException.ThrowIfNull(stateLabels);
        if (digitTokens.Count != 10)
        {
            throw new ArgumentException(
                InContextGuard.Inv($"Give the ten token ids of the digits 0 … 9; got {digitTokens.Count}."),
                nameof(digitTokens));
        }

        // validates distinctness, the separator and the vocabulary
        new StateTokenMap(digitTokens, separatorToken).CheckVocabulary(model.VocabularySize, nameof(digitTokens));
        InContextGuard.StateCount(stateLabels.Count, nameof(stateLabels));
        int precision = stateLabels[0]?.Length ?? 0;
        if (precision is < 1 or > 9)
        {
            throw new ArgumentException(
                InContextGuard.Inv($"State labels must have 1 to 9 digits; '{stateLabels[0]}' does not."),
                nameof(stateLabels));
        }

        _labels = [.. stateLabels];
        _codes = new int[_labels.Length];
        var seen = new HashSet<int>();
        for (int i = 0; i < _labels.Length; i++)
        {
            string label = _labels[i];
            if (label is null || label.Length != precision || !label.All(char.IsAsciiDigit))
            {
                throw new ArgumentException(
                    InContextGuard.Inv(
                        $"The label '{label}' of state {i} is not a string of {precision} digits (every state needs " +
                        $"the same number of digits)."),
                    nameof(stateLabels));
            }

            _codes[i] = int.Parse(label, NumberStyles.None, CultureInfo.InvariantCulture);
            if (!seen.Add(_codes[i]))
            {
                throw new ArgumentException(InContextGuard.Inv($"The label '{label}' is used twice."), nameof(stateLabels));
            }
        }

        options ??= HierarchyPdfOptions.Default;
        options.Validate(precision);
        Model = model;
        Options = options;
        Precision = precision;
        SeparatorToken = separatorToken;
        _digits = [.. digitTokens];
        Name = string.IsNullOrWhiteSpace(name)
            ? InContextGuard.Inv(
                $"Hierarchy-PDF (D = {options.RefineDepth}, {(options.Mode == HierarchyRefineMode.All ? "all" : "neighbor")})")
            : name;
    }

    /// <summary>The model.</summary>
    public ILanguageModel Model { get; }

    /// <summary>The options.</summary>
    public HierarchyPdfOptions Options { get; }

    /// <summary>P, the digits per state.</summary>
    public int Precision { get; }

    /// <summary>The separator's token id.</summary>
    public int SeparatorToken { get; }

    /// <summary>The digit token ids "0" … "9".</summary>
    public IReadOnlyList<int> DigitTokens => _digits;

    /// <summary>The state labels.</summary>
    public IReadOnlyList<string> StateLabels => _labels;

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public bool SupportsConcurrentCalls => true;

    /// <summary>Encodes a trajectory as tokens: the P digit tokens of each state followed by the separator.</summary>
    /// <param name="trajectory">States in 0..d−1.</param>
    /// <returns>(P + 1)·L tokens.</returns>
    public int[] Encode(ReadOnlySpan<int> trajectory)
    {
        int stride = Precision + 1;
        var tokens = new int[trajectory.Length * stride];
        for (int i = 0; i < trajectory.Length; i++)
        {
            int s = trajectory[i];
            if ((uint)s >= (uint)_labels.Length)
            {
                throw new ArgumentException(
                    InContextGuard.Inv($"State {s} at position {i} is outside 0..{_labels.Length - 1}."),
                    nameof(trajectory));
            }

            string label = _labels[s];
            for (int j = 0; j < Precision; j++)
            {
                tokens[(i * stride) + j] = _digits[label[j] - '0'];
            }

            tokens[(i * stride) + Precision] = SeparatorToken;
        }

        return tokens;
    }

    /// <summary>
    /// Builds the Hierarchy-PDF of the prediction after X_1 … X_n (n = <paramref name="prefixLength"/>) for a
    /// trajectory of at least n + 1 states.
    /// </summary>
    /// <param name="trajectory">X_1 … X_L with L ≥ n + 1.</param>
    /// <param name="prefixLength">n in 1..L − 1.</param>
    /// <param name="cancellationToken">Checked between model calls.</param>
    /// <returns>The PDF.</returns>
    public HierarchyPdf BuildPdf(ReadOnlySpan<int> trajectory, int prefixLength, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(prefixLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, trajectory.Length - 1);
        int[] tokens = Encode(trajectory[..(prefixLength + 1)]);
        int separator = (prefixLength * (Precision + 1)) - 1;
        var positions = new int[Precision];
        for (int j = 0; j < Precision; j++)
        {
            positions[j] = separator + j;
        }

        var logits = new double[Precision * 10];
        ModelScoring.Score(Model, tokens, positions, _digits, logits, cancellationToken);
        return Assemble(tokens, separator, trajectory[prefixLength], logits, new double[Model.VocabularySize], cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">Also when d differs from the number of state labels.</exception>
    public void Predict(
        ReadOnlySpan<int> trajectory,
        int stateCount,
        Span<double> predictions,
        CancellationToken cancellationToken = default)
    {
        InContextGuard.PredictorCall(trajectory, stateCount, predictions);
        if (stateCount != _labels.Length)
        {
            throw new ArgumentException(
                InContextGuard.Inv($"The predictor has {_labels.Length} state labels; the chain has d = {stateCount}."),
                nameof(stateCount));
        }

        int count = trajectory.Length - 1;
        int stride = Precision + 1;
        int[] tokens = Encode(trajectory);
        var positions = new int[count * Precision];
        for (int n = 1; n <= count; n++)
        {
            int separator = (n * stride) - 1;
            for (int j = 0; j < Precision; j++)
            {
                positions[((n - 1) * Precision) + j] = separator + j;
            }
        }

        var logits = new double[positions.Length * 10];
        ModelScoring.Score(Model, tokens, positions, _digits, logits, cancellationToken);
        var scratch = new double[Model.VocabularySize];
        for (int n = 1; n <= count; n++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int separator = (n * stride) - 1;
            var pdf = Assemble(
                tokens,
                separator,
                trajectory[n],
                logits.AsSpan((n - 1) * Precision * 10, Precision * 10),
                scratch,
                cancellationToken);
            pdf.GetStateProbabilities(_codes, Precision, predictions.Slice((n - 1) * stateCount, stateCount));
        }
    }

    /// <summary>The main branch from the scored logits, then the off-main branches by extra queries.</summary>
    private HierarchyPdf Assemble(
        int[] tokens,
        int separator,
        int nextState,
        ReadOnlySpan<double> mainLogits,
        double[] scratch,
        CancellationToken cancellationToken)
    {
        Span<double> p = stackalloc double[10];
        Options.Decoding.Apply(mainLogits[..10], p);
        var pdf = new HierarchyPdf(p);
        string main = _labels[nextState];
        int prefix = 0;
        for (int level = 1; level < Precision; level++)
        {
            prefix = (prefix * 10) + (main[level - 1] - '0');
            Options.Decoding.Apply(mainLogits.Slice(level * 10, 10), p);
            Refine(pdf, level, prefix, p);
        }

        int depth = Options.RefineDepth;
        if (depth == 0)
        {
            return pdf;
        }

        var context = new List<int>(Math.Min(separator + 1, Model.ContextWindow) + Precision);
        int baseStart = Math.Max(0, separator + 1 - Model.ContextWindow);
        var query = new Query(this, pdf, tokens.AsMemory(baseStart, separator + 1 - baseStart), context, scratch, cancellationToken);
        int mainPrefix = 0;
        for (int level = 0; level < depth; level++)
        {
            int mainDigit = main[level] - '0';
            for (int alt = 0; alt < 10; alt++)
            {
                bool spawn = alt != mainDigit && (level > 0 || Options.Mode == HierarchyRefineMode.All || Math.Abs(alt - mainDigit) == 1);
                if (spawn)
                {
                    query.RefineOff((mainPrefix * 10) + alt, level + 1, depth);
                }
            }

            mainPrefix = (mainPrefix * 10) + mainDigit;
        }

        return pdf;
    }

    private static void Refine(HierarchyPdf pdf, int length, int value, ReadOnlySpan<double> probabilities)
    {
        if (!pdf.TryRefine(length, value, probabilities))
        {
            throw new InvalidOperationException(InContextGuard.Inv($"Internal error: bin {value} of {length} digits is not in the PDF."));
        }
    }

    /// <summary>One off-branch recursion: query after the digits, refine, and recurse until D digits.</summary>
    private sealed class Query(
        HierarchyPdfPredictor owner,
        HierarchyPdf pdf,
        ReadOnlyMemory<int> baseTokens,
        List<int> context,
        double[] scratch,
        CancellationToken cancellationToken)
    {
        private readonly double[] _logits = new double[10];
        private readonly double[] _probabilities = new double[10];

        public void RefineOff(int value, int length, int depth)
        {
            cancellationToken.ThrowIfCancellationRequested();
            context.Clear();
            context.AddRange(baseTokens.Span);
            int divisor = 1;
            for (int i = 1; i < length; i++)
            {
                divisor *= 10;
            }

            for (int v = value; divisor > 0; divisor /= 10)
            {
                context.Add(owner._digits[v / divisor % 10]);
            }

            ModelScoring.Query(
                owner.Model,
                System.Runtime.InteropServices.CollectionsMarshal.AsSpan(context),
                owner._digits,
                _logits,
                scratch);
            owner.Options.Decoding.Apply(_logits, _probabilities);
            Refine(pdf, length, value, _probabilities);
            if (length < depth)
            {
                for (int c = 0; c < 10; c++)
                {
                    RefineOff((value * 10) + c, length + 1, depth);
                }
            }
        }
    }
}
