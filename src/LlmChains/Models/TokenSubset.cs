using System.Globalization;

namespace LlmChains.Models;

/// <summary>
/// The T model tokens that are the states of the chain (as in the paper's in-context setup, Section 4: the logits are
/// restricted to them and
/// renormalised), given either as token texts exactly as they appear in the model's vocabulary ("0", "1", ",") or as
/// token ids. State x (0..T−1) is the x-th token of the subset.
/// </summary>
public sealed class TokenSubset
{
    private readonly string[]? _pieces;
    private readonly int[]? _ids;

    private TokenSubset(string[]? pieces, int[]? ids)
    {
        _pieces = pieces;
        _ids = ids;
    }

    /// <summary>The token texts, or <see langword="null"/> when the subset was given by ids.</summary>
    public IReadOnlyList<string>? Pieces => _pieces;

    /// <summary>The token ids, or <see langword="null"/> when the subset was given by texts.</summary>
    public IReadOnlyList<int>? Ids => _ids;

    /// <summary>T, the number of tokens.</summary>
    public int Count => _pieces?.Length ?? _ids!.Length;

    /// <summary>A subset given by token texts, matched exactly against the vocabulary.</summary>
    /// <param name="pieces">Distinct, non-empty token texts.</param>
    /// <exception cref="ArgumentException">Empty, a duplicate, or an empty text.</exception>
    public static TokenSubset FromPieces(IEnumerable<string> pieces)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        string[] array = [.. pieces];
        if (array.Length == 0)
        {
            throw new ArgumentException("The token subset is empty; give at least one token.", nameof(pieces));
        }

        if (array.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("A token text is empty.", nameof(pieces));
        }

        if (array.Distinct(StringComparer.Ordinal).Count() != array.Length)
        {
            throw new ArgumentException($"The token subset [{string.Join(",", array)}] repeats a token.", nameof(pieces));
        }

        return new TokenSubset(array, null);
    }

    /// <summary>A subset given by token ids.</summary>
    /// <param name="ids">Distinct, non-negative ids (checked against the vocabulary when the model loads).</param>
    /// <exception cref="ArgumentException">Empty, a duplicate, or a negative id.</exception>
    public static TokenSubset FromIds(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        int[] array = [.. ids];
        if (array.Length == 0)
        {
            throw new ArgumentException("The token subset is empty; give at least one token.", nameof(ids));
        }

        if (array.Any(id => id < 0))
        {
            throw new ArgumentException($"Token id {array.First(id => id < 0)} is negative.", nameof(ids));
        }

        if (array.Distinct().Count() != array.Length)
        {
            throw new ArgumentException($"The token subset [{string.Join(",", array)}] repeats a token id.", nameof(ids));
        }

        return new TokenSubset(null, array);
    }

    /// <summary>The digit tokens "0", "1", …, "<paramref name="count"/> − 1".</summary>
    /// <param name="count">T in 1..10.</param>
    public static TokenSubset Digits(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 10);
        return FromPieces(Enumerable.Range(0, count).Select(d => d.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>
    /// Parses a command-line specification: comma-separated token texts ("0,1,2"), or comma-separated ids each
    /// prefixed with "id:" ("id:15,id:16"), or "digits:N" for "0".."N−1".
    /// </summary>
    /// <param name="specification">The specification.</param>
    /// <exception cref="FormatException">The specification is malformed (the message shows it).</exception>
    public static TokenSubset Parse(string specification)
    {
        ArgumentNullException.ThrowIfNull(specification);
        string spec = specification.Trim();
        if (spec.StartsWith("digits:", StringComparison.OrdinalIgnoreCase))
        {
            if (!int.TryParse(spec.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n is < 1 or > 10)
            {
                throw new FormatException($"'{specification}': digits:N needs N in 1..10.");
            }

            return Digits(n);
        }

        string[] parts = spec.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 0 || parts.Any(string.IsNullOrEmpty))
        {
            throw new FormatException($"'{specification}' is not a comma-separated list of tokens (e.g. 0,1 or id:15,id:16).");
        }

        try
        {
            if (parts.All(p => p.StartsWith("id:", StringComparison.OrdinalIgnoreCase)))
            {
                var ids = parts.Select(p => int.TryParse(p.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out int id)
                    ? id
                    : throw new FormatException($"'{p}' in '{specification}' is not id:N with N a non-negative integer.")).ToArray();
                return FromIds(ids);
            }

            return FromPieces(parts);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"'{specification}': {e.Message}", e);
        }
    }

    /// <inheritdoc/>
    public override string ToString()
        => _pieces is not null ? string.Join(",", _pieces) : string.Join(
            ",",
            _ids!.Select(id => string.Create(CultureInfo.InvariantCulture, $"id:{id}")));
}
