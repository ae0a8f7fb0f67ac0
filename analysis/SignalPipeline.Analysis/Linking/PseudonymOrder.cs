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
        var kind = sorted[0].Length > 0 ? sorted[0][0] : '\0';
        for (var i = 0; i < sorted.Length; i++)
            if (!Privacy.Pseudonymiser.TryValue(sorted[i], out keys[i]) || sorted[i][0] != kind) { Array.Sort(sorted, StringComparer.Ordinal); return sorted; }
        Array.Sort(keys, sorted);
        return sorted;
    }
}
