using System.Globalization;
using System.Text.RegularExpressions;

namespace LlmChains.Cli.Limits;

/// <summary>
/// The memory a command may use: <c>--max-memory</c>, or by default the memory available to the process (the
/// machine's, or its container's limit). Every size the user controls is estimated in bytes before anything is
/// allocated and refused, with the estimate and the limit, when it does not fit.
/// </summary>
internal sealed partial class MemoryBudget(long bytes, bool fromOption)
{
    public const string OptionName = "--max-memory";

    public const string Help = "Largest memory a command may allocate, e.g. 512M, 8G or 1.5GiB (K/M/G/T are powers of 1024); default: the "
        + "memory available to the process. Work that would need more is refused before it starts";

    /// <summary>The budget in bytes.</summary>
    public long Bytes { get; } = bytes;

    /// <summary>Whether the budget was set with <c>--max-memory</c>.</summary>
    public bool FromOption { get; } = fromOption;

    /// <summary>The default budget: what the garbage collector says the process may use.</summary>
    public static MemoryBudget Available() => new(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, false);

    /// <summary>Reads <c>--max-memory</c> (null: <see cref="Available"/>).</summary>
    public static MemoryBudget Parse(string? text)
    {
        if (text is null)
        {
            return Available();
        }

        var match = Size().Match(text);
        if (!match.Success)
        {
            throw new CliException(
                $"{OptionName} '{text}': give a size such as 512M, 8G or 1.5GiB "
                    + "(a number and K, M, G or T, powers of 1024; bytes without a unit)",
                ExitCodes.UsageError);
        }

        double number = double.Parse(match.Groups["n"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        string unit = match.Groups["u"].Value;
        int power = unit.Length == 0 ? 0 : "KMGT".IndexOf(char.ToUpperInvariant(unit[0]), StringComparison.Ordinal) + 1;
        double bytes = number * Math.Pow(1024, power);
        if (!(bytes >= 1 << 20) || bytes > long.MaxValue / 2)
        {
            throw new CliException($"{OptionName} '{text}': the budget must lie between 1M and 4,000,000T", ExitCodes.UsageError);
        }

        return new MemoryBudget((long)bytes, true);
    }

    /// <summary>Refuses <paramref name="estimate"/> bytes of <paramref name="what"/> when they exceed the budget.</summary>
    /// <param name="estimate">Estimated bytes (a double, so that an estimate past <see cref="long.MaxValue"/> is still refused).</param>
    /// <param name="what">What needs them, with the options that set the size, e.g. "icl --states 46000: the d×d chain".</param>
    public void Require(double estimate, string what)
    {
        if (!(estimate <= Bytes))
        {
            Refuse(Format(estimate), what);
        }
    }

    /// <summary>
    /// Refuses 10^<paramref name="log10Estimate"/> bytes of <paramref name="what"/> when they exceed the budget (for sizes beyond a
    /// double).
    /// </summary>
    public void RequireLog10(double log10Estimate, string what)
    {
        if (!(log10Estimate <= Math.Log10(Bytes)))
        {
            string estimate = log10Estimate < 300
                ? Format(Math.Pow(10, log10Estimate))
                : string.Create(CultureInfo.InvariantCulture, $"10^{log10Estimate:F1} B");
            Refuse(estimate, what);
        }
    }

    private void Refuse(string estimate, string what)
    {
        string budget = FromOption
            ? $"the {Format(Bytes)} of {OptionName}"
            : $"the {Format(Bytes)} available ({OptionName} sets another budget)";
        throw new CliException($"{what} needs about {estimate}, more than {budget}");
    }

    /// <summary>
    /// Bytes in binary units, invariant ("1.5 GiB", "10^21.3 B" beyond 1024 EiB): the format of the library's memory
    /// messages, so that the tool's own estimates and the library's read alike.
    /// </summary>
    public static string Format(double bytes)
    {
        if (!double.IsFinite(bytes))
        {
            return "more bytes than a double holds";
        }

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

    [GeneratedRegex(@"^(?<n>([0-9]+(\.[0-9]*)?|\.[0-9]+))\s*(?<u>([KkMmGgTt](i?[Bb])?)?)\z", RegexOptions.CultureInvariant)]
    private static partial Regex Size();
}
