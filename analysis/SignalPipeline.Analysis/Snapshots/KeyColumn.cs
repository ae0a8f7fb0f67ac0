namespace SignalPipeline.Analysis.Snapshots;

/// <summary>A column of pseudonyms held as their 128-bit values (<see cref="Privacy.Pseudonymiser.TryValue"/>) rather
/// than as strings: a join key costs 16 bytes instead of a ~90-byte string, and hashing or comparing it is one step.
/// Every present value has the same kind letter (<see cref="Kind"/>); two key columns can only match when their kinds
/// are equal, as the strings could only be equal then.</summary>
public sealed class KeyColumn
{
    readonly UInt128[] values;
    readonly bool[] present;
    readonly string?[]? text;

    KeyColumn(char kind, UInt128[] values, bool[] present, string?[]? text) => (Kind, this.values, this.present, this.text) = (kind, values, present, text);

    /// <summary>The kind letter of the column's pseudonyms ('\0' for a column of numbered strings, see <see cref="Number"/>).</summary>
    public char Kind { get; }
    public int Count => values.Length;

    public bool TryGet(int row, out UInt128 key)
    {
        key = values[row];
        return present[row];
    }

    /// <summary>The pseudonym as text (for the few rows that need it, such as a VBO BAG does not know).</summary>
    public string? Text(int row) => text is not null ? text[row] : present[row] ? Format(Kind, values[row]) : null;

    public static string Format(char kind, UInt128 value) => kind + value.ToString("x32", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Pseudonym values read from the file, or null when a value was not a pseudonym of the column's kind.</summary>
    internal static KeyColumn Of(char kind, UInt128[] values, bool[] present) => new(kind, values, present, null);

    /// <summary>The column's strings as pseudonym values; null when one of them is not a pseudonym or the kinds differ.</summary>
    public static KeyColumn? Parse(IReadOnlyList<string?> strings)
    {
        var values = new UInt128[strings.Count];
        var present = new bool[strings.Count];
        var kind = '\0';
        for (var i = 0; i < strings.Count; i++)
        {
            if (strings[i] is not { } s) continue;
            if (!Privacy.Pseudonymiser.TryValue(s, out values[i]) || kind != '\0' && s[0] != kind) return null;
            (kind, present[i]) = (s[0], true);
        }
        return new KeyColumn(kind, values, present, strings as string?[] ?? strings.ToArray());
    }

    /// <summary>Strings that are not pseudonyms, numbered through <paramref name="numbers"/> (shared by every column that
    /// must compare with this one), so the same string gets the same key.</summary>
    public static KeyColumn Number(IReadOnlyList<string?> strings, Dictionary<string, UInt128> numbers)
    {
        var values = new UInt128[strings.Count];
        var present = new bool[strings.Count];
        for (var i = 0; i < strings.Count; i++)
        {
            if (strings[i] is not { } s) continue;
            if (!numbers.TryGetValue(s, out values[i])) numbers[s] = values[i] = (UInt128)numbers.Count;
            present[i] = true;
        }
        return new KeyColumn('\0', values, present, strings as string?[] ?? strings.ToArray());
    }
}
