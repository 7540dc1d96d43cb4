using System.Globalization;
using LlmChains.InContext.Internals;

namespace LlmChains.InContext;

/// <summary>One bin of a <see cref="HierarchyPdf"/>: the interval of numbers whose leading digits are <see cref="Digits"/>.</summary>
/// <param name="Digits">The digit string d₁d₂…d_k (k ≥ 1) naming the bin.</param>
/// <param name="Mass">The probability mass of the bin.</param>
public readonly record struct HierarchyPdfBin(string Digits, double Mass)
{
    /// <summary>The width 10^{−(k−1)} (k = number of digits): 1 for "5", 0.1 for "54".</summary>
    public double Width => Math.Pow(10, -(Digits.Length - 1));

    /// <summary>The left edge: the number d₁.d₂…d_k ("54" → 5.4).</summary>
    public double Left => long.Parse(Digits, NumberStyles.None, CultureInfo.InvariantCulture) * Width;

    /// <summary>The density Mass / Width.</summary>
    public double Height => Mass / Width;
}

/// <summary>
/// The multi-resolution probability density of Hierarchy-PDF (after the description of Liu et al.,
/// arXiv 2402.00795): a partition of [0, 10) into bins named by digit strings, the string d₁d₂…d_k standing for
/// [d₁.d₂…d_k, d₁.d₂…d_k + 10^{−(k−1)}). It starts as the ten unit bins of P(d₁) and is refined bin by bin with the
/// next-digit distributions P(d_{k+1} | d₁…d_k).
/// </summary>
/// <remarks>
/// <para><see cref="Refine"/> replaces the bin of a prefix by its ten children, whose masses are the prefix's mass times
/// the normalised next-digit probabilities (the chain rule), then renormalises the whole PDF. A bin that is never refined
/// spreads its mass uniformly over its width, which is how <see cref="GetStateProbabilities"/> assigns mass to the
/// full-resolution values it contains.</para>
/// <para>Worked example (checked by the tests): P(d₁) = (0, 0, .05, .1, .2, .4, .15, .1, 0, 0) refined at "5" with
/// P(d₂ | 5) = (.05, .05, .1, .1, .3, .2, .1, .05, .03, .02) gives [5.4, 5.5) mass .12 and density 1.2, and [2, 3) mass
/// .05. Instances are not thread-safe.</para>
/// </remarks>
public sealed class HierarchyPdf
{
    private const int MaxDigits = 9;
    private readonly Dictionary<long, double> _masses = [];

    /// <summary>Creates the PDF of the first digit: ten bins [k, k + 1) with masses P(d₁ = k) (normalised).</summary>
    /// <param name="firstDigitProbabilities">Ten values ≥ 0 with a positive sum.</param>
    /// <exception cref="ArgumentException">Not ten values, a negative or non-finite value, or a zero sum.</exception>
    public HierarchyPdf(ReadOnlySpan<double> firstDigitProbabilities)
    {
        Span<double> p = stackalloc double[10];
        Normalized(firstDigitProbabilities, p, nameof(firstDigitProbabilities));
        for (int k = 0; k < 10; k++)
        {
            _masses[Key(1, k)] = p[k];
        }
    }

    /// <summary>The number of bins.</summary>
    public int BinCount => _masses.Count;

    /// <summary>The sum of the bin masses (1 up to rounding).</summary>
    public double TotalMass => _masses.Values.Sum();

    /// <summary>The bins, sorted by left edge.</summary>
    public IReadOnlyList<HierarchyPdfBin> Bins
        => _masses.OrderBy(e => SortKey(e.Key)).Select(e => new HierarchyPdfBin(Digits(e.Key), e.Value)).ToArray();

    /// <summary>
    /// Replaces the bin <paramref name="prefix"/> by its ten children prefix + "0" … prefix + "9", with masses
    /// mass(prefix) · p_k / Σp, then renormalises the PDF (the refine step of Hierarchy-PDF).
    /// </summary>
    /// <param name="prefix">An existing bin's digits (1 to 8 digits).</param>
    /// <param name="nextDigitProbabilities">P(next digit = k | prefix), ten values ≥ 0 with a positive sum.</param>
    /// <exception cref="ArgumentException">The prefix is not digits, is not a current bin (never created or already
    /// refined), or the probabilities are invalid.</exception>
    public void Refine(string prefix, ReadOnlySpan<double> nextDigitProbabilities)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length is < 1 or >= MaxDigits || !prefix.All(char.IsAsciiDigit))
        {
            throw new ArgumentException(InContextGuard.Inv($"'{prefix}' is not a string of 1 to {MaxDigits - 1} digits."), nameof(prefix));
        }

        if (!TryRefine(prefix.Length, int.Parse(prefix, NumberStyles.None, CultureInfo.InvariantCulture), nextDigitProbabilities))
        {
            throw new ArgumentException(
                InContextGuard.Inv($"'{prefix}' is not a bin of the PDF (it was never created, or it was refined already)."),
                nameof(prefix));
        }
    }

    /// <summary>The mass of the bin named <paramref name="digits"/>.</summary>
    /// <param name="digits">A bin's digits.</param>
    /// <param name="mass">Its mass, or 0.</param>
    /// <returns>Whether that bin exists.</returns>
    public bool TryGetMass(string digits, out double mass)
    {
        ArgumentNullException.ThrowIfNull(digits);
        mass = 0;
        return digits.Length is >= 1 and <= MaxDigits && digits.All(char.IsAsciiDigit)
            && _masses.TryGetValue(Key(digits.Length, int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture)), out mass);
    }

    /// <summary>
    /// The distribution over states written with <paramref name="precision"/> digits: the state with code c gets the mass
    /// of the bin containing c's full-resolution cell [c·10^{1−P}, (c + 1)·10^{1−P}), times the fraction of that bin the
    /// cell covers (10^{−(P − k)} for a bin of k digits), and the result is renormalised over the given states — mass
    /// on codes that are not states (e.g. 000–149 and 850–999 for the 700 states) is dropped, as the paper's restricted
    /// softmax (the setting of Thm. 4.3) drops non-state tokens.
    /// </summary>
    /// <param name="codes">The states' codes, each in 0..10^P − 1.</param>
    /// <param name="precision">P, the digits per state, ≥ every bin's number of digits.</param>
    /// <param name="destination">Receives one probability per code.</param>
    /// <exception cref="ArgumentException">Lengths differ, a code is out of range, or no state has positive mass.</exception>
    public void GetStateProbabilities(ReadOnlySpan<int> codes, int precision, Span<double> destination)
    {
        if (precision is < 1 or > MaxDigits)
        {
            throw new ArgumentOutOfRangeException(
                nameof(precision),
                precision,
                InContextGuard.Inv($"The precision must be in 1..{MaxDigits}; got {precision}."));
        }

        if (destination.Length != codes.Length)
        {
            throw new ArgumentException(
                InContextGuard.Inv($"The destination has length {destination.Length}; it must have one value per code ({codes.Length})."),
                nameof(destination));
        }

        int limit = Pow10(precision);
        double total = 0;
        for (int i = 0; i < codes.Length; i++)
        {
            int c = codes[i];
            if ((uint)c >= (uint)limit)
            {
                throw new ArgumentException(InContextGuard.Inv($"Code {c} does not have {precision} digits."), nameof(codes));
            }

            double mass = 0;
            bool found = false;
            for (int k = 1; k <= precision && !found; k++)
            {
                int divisor = Pow10(precision - k);
                if (_masses.TryGetValue(Key(k, c / divisor), out double binMass))
                {
                    mass = binMass / divisor;
                    found = true;
                }
            }

            destination[i] = mass;
            total += mass;
        }

        if (!(total > 0))
        {
            throw new ArgumentException("The PDF puts no mass on any of the given states.", nameof(codes));
        }

        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] /= total;
        }
    }

    /// <summary>Refines the bin (length, value); false when it is not a current bin.</summary>
    internal bool TryRefine(int length, int value, ReadOnlySpan<double> nextDigitProbabilities)
    {
        long key = Key(length, value);
        if (!_masses.TryGetValue(key, out double mass))
        {
            return false;
        }

        Span<double> p = stackalloc double[10];
        Normalized(nextDigitProbabilities, p, nameof(nextDigitProbabilities));
        _masses.Remove(key);
        for (int k = 0; k < 10; k++)
        {
            _masses[Key(length + 1, (value * 10) + k)] = mass * p[k];
        }

        double total = 0;
        foreach (double m in _masses.Values)
        {
            total += m;
        }

        if (total != 1 && total > 0)
        {
            foreach (long k in _masses.Keys.ToArray())
            {
                _masses[k] /= total;
            }
        }

        return true;
    }

    private static void Normalized(ReadOnlySpan<double> probabilities, Span<double> destination, string paramName)
    {
        if (probabilities.Length != 10)
        {
            throw new ArgumentException(InContextGuard.Inv($"A digit distribution has 10 values; got {probabilities.Length}."), paramName);
        }

        double sum = 0;
        for (int k = 0; k < 10; k++)
        {
            double p = probabilities[k];
            if (!(p >= 0) || double.IsInfinity(p))
            {
                throw new ArgumentException(
                    InContextGuard.Inv($"The probability of digit {k} is {p}; it must be finite and ≥ 0."),
                    paramName);
            }

            sum += p;
        }

        if (!(sum > 0))
        {
            throw new ArgumentException("The digit probabilities sum to 0.", paramName);
        }

        for (int k = 0; k < 10; k++)
        {
            destination[k] = probabilities[k] / sum;
        }
    }

    private static long Key(int length, int value) => ((long)value << 4) | (uint)length;

    private static int Pow10(int exponent)
    {
        int result = 1;
        for (int i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }

    private static long SortKey(long key)
    {
        int length = (int)(key & 0xF);
        long value = key >> 4;
        return value * Pow10(MaxDigits - length);
    }

    private static string Digits(long key)
    {
        int length = (int)(key & 0xF);
        return (key >> 4).ToString(CultureInfo.InvariantCulture).PadLeft(length, '0');
    }
}
