using System.Globalization;

namespace LlmChains.Gguf;

/// <summary>
/// One GGUF metadata value: a scalar (stored as its own .NET type: <see cref="byte"/>, <see cref="sbyte"/>,
/// <see cref="ushort"/>, <see cref="short"/>, <see cref="uint"/>, <see cref="int"/>, <see cref="float"/>,
/// <see cref="bool"/>, <see cref="string"/>, <see cref="ulong"/>, <see cref="long"/>, <see cref="double"/>) or an
/// array of scalars (stored as a .NET array of that type).
/// </summary>
public sealed class GgufValue
{
    internal GgufValue(GgufValueType type, GgufValueType? elementType, object value)
    {
        Type = type;
        ElementType = elementType;
        Value = value;
    }

    /// <summary>The value type; <see cref="GgufValueType.Array"/> for arrays.</summary>
    public GgufValueType Type { get; }

    /// <summary>The element type of an array; <see langword="null"/> for a scalar.</summary>
    public GgufValueType? ElementType { get; }

    /// <summary>Whether the value is an array.</summary>
    public bool IsArray => Type == GgufValueType.Array;

    /// <summary>The number of elements of an array; 1 for a scalar.</summary>
    public int Count => Value is Array array ? array.Length : 1;

    /// <summary>The value: a boxed scalar or a typed array (see the type's remarks).</summary>
    public object Value { get; }

    /// <summary>The string value.</summary>
    /// <exception cref="InvalidOperationException">The value is not a string.</exception>
    public string AsString() => Value as string ?? throw WrongType("a string");

    /// <summary>An integer scalar of any width as <see cref="long"/>.</summary>
    /// <exception cref="InvalidOperationException">The value is not an integer, or a UInt64 above <see cref="long.MaxValue"/>.</exception>
    public long AsInt64() => TryGetInt64(out long value) ? value : throw WrongType("an integer that fits in 64 signed bits");

    /// <summary>A numeric scalar (integer or float) as <see cref="double"/>.</summary>
    /// <exception cref="InvalidOperationException">The value is not numeric.</exception>
    public double AsDouble() => TryGetDouble(out double value) ? value : throw WrongType("a number");

    /// <summary>The boolean value.</summary>
    /// <exception cref="InvalidOperationException">The value is not a boolean.</exception>
    public bool AsBoolean() => Value is bool b ? b : throw WrongType("a boolean");

    /// <summary>The elements of a string array.</summary>
    /// <exception cref="InvalidOperationException">The value is not an array of strings.</exception>
    public IReadOnlyList<string> AsStrings() => Value as string[] ?? throw WrongType("an array of strings");

    /// <summary>The elements of an integer array of any width, as <see cref="long"/>.</summary>
    /// <exception cref="InvalidOperationException">The value is not an array of integers (or holds a UInt64 above
    /// <see cref="long.MaxValue"/>).</exception>
    public long[] AsInt64Array() => TryGetInt64Array(out long[]? values) ? values : throw WrongType("an array of integers");

    /// <summary>The elements of a numeric array, as <see cref="double"/>.</summary>
    /// <exception cref="InvalidOperationException">The value is not a numeric array.</exception>
    public double[] AsDoubleArray()
    {
        if (TryGetInt64Array(out long[]? integers))
        {
            return Array.ConvertAll(integers, x => (double)x);
        }

        return Value switch
        {
            float[] f => Array.ConvertAll(f, x => (double)x),
            double[] d => (double[])d.Clone(),
            _ => throw WrongType("a numeric array"),
        };
    }

    /// <summary>Gets an integer scalar of any width as <see cref="long"/>.</summary>
    /// <param name="value">The value, when the method returns <see langword="true"/>.</param>
    public bool TryGetInt64(out long value)
    {
        switch (Value)
        {
            case byte v: value = v; return true;
            case sbyte v: value = v; return true;
            case ushort v: value = v; return true;
            case short v: value = v; return true;
            case uint v: value = v; return true;
            case int v: value = v; return true;
            case long v: value = v; return true;
            case ulong v when v <= long.MaxValue: value = (long)v; return true;
            default: value = 0; return false;
        }
    }

    /// <summary>Gets a numeric scalar as <see cref="double"/>.</summary>
    /// <param name="value">The value, when the method returns <see langword="true"/>.</param>
    public bool TryGetDouble(out double value)
    {
        switch (Value)
        {
            case float f: value = f; return true;
            case double d: value = d; return true;
            case ulong u: value = u; return true;
            default:
                bool ok = TryGetInt64(out long integer);
                value = integer;
                return ok;
        }
    }

    private bool TryGetInt64Array([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out long[]? values)
    {
        // By the exact type: the runtime lets an int[] pass as a uint[] (and sbyte[] as byte[], …), so a type pattern
        // would read a signed array as unsigned (−4 as 4294967292).
        var type = Value.GetType();
        values = Value switch
        {
            byte[] a when type == typeof(byte[]) => Array.ConvertAll(a, x => (long)x),
            sbyte[] a when type == typeof(sbyte[]) => Array.ConvertAll(a, x => (long)x),
            ushort[] a when type == typeof(ushort[]) => Array.ConvertAll(a, x => (long)x),
            short[] a when type == typeof(short[]) => Array.ConvertAll(a, x => (long)x),
            uint[] a when type == typeof(uint[]) => Array.ConvertAll(a, x => (long)x),
            int[] a when type == typeof(int[]) => Array.ConvertAll(a, x => (long)x),
            long[] a when type == typeof(long[]) => (long[])a.Clone(),
            ulong[] a when type == typeof(ulong[]) && Array.TrueForAll(a, x => x <= long.MaxValue) => Array.ConvertAll(a, x => (long)x),
            _ => null,
        };
        return values is not null;
    }

    /// <inheritdoc/>
    public override string ToString() => Value switch
    {
        string s => s,
        Array a => string.Create(CultureInfo.InvariantCulture, $"[{a.Length} × {ElementType}]"),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Value.ToString() ?? string.Empty,
    };

    private InvalidOperationException WrongType(string wanted)
        => new($"The GGUF value is {(IsArray ? $"an array of {ElementType}" : Type.ToString())}, not {wanted}.");
}
