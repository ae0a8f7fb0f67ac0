using System.Globalization;

namespace SignalPipeline.Analysis.Linking;

/// <summary>The ordinal order of pseudonyms, computed on their 128-bit values. A pseudonym is one kind letter and 32
/// lowercase hex digits, so comparing the numbers gives exactly the ordinal string order, in one step instead of a
/// character loop (sorting half a million VBO pseudonyms: ~0.5 s → ~0.05 s). Anything else is sorted as strings.</summary>
public static class PseudonymOrder
{
    public static string[] Sort(IEnumerable<string> values)
    {
        var sorted = values.ToArray();
        if (sorted.Length < 2) return sorted;
        var keys = new UInt128[sorted.Length];
        var kind = sorted[0][0];
        for (var i = 0; i < sorted.Length; i++)
            if (!TryKey(sorted[i], kind, out keys[i])) { Array.Sort(sorted, StringComparer.Ordinal); return sorted; }
        Array.Sort(keys, sorted);
        return sorted;
    }

    static bool TryKey(string s, char kind, out UInt128 key)
    {
        key = default;
        if (s.Length != 33 || s[0] != kind) return false;
        foreach (var c in s.AsSpan(1)) if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f')) return false;
        return UInt128.TryParse(s.AsSpan(1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out key);
    }
}
