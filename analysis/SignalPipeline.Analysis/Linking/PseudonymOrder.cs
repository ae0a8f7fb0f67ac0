namespace SignalPipeline.Analysis.Linking;

/// <summary>The ordinal order of pseudonyms, computed on their 128-bit values. A pseudonym is one kind letter and 32
/// lowercase hex digits, so comparing the numbers gives exactly the ordinal string order, in one step instead of a
/// character loop (sorting half a million VBO pseudonyms: ~0.5 s → ~0.05 s). Anything else is sorted as strings.</summary>
public static class PseudonymOrder
{
    public static string[] Sort(IEnumerable<string> values)
    {
        var sorted = values.ToArray();
        return Sort(sorted, s => s);
    }

    /// <summary>Sorts <paramref name="items"/> in place by the ordinal order of their pseudonyms (<paramref name="key"/>).</summary>
    public static T[] Sort<T>(T[] items, Func<T, string> key)
    {
        if (items.Length < 2) return items;
        var keys = new UInt128[items.Length];
        var kind = key(items[0]) is { Length: > 0 } first ? first[0] : '\0';
        for (var i = 0; i < items.Length; i++)
        {
            var k = key(items[i]);
            if (!Privacy.Pseudonymiser.TryValue(k, out keys[i]) || k[0] != kind)
            {
                Array.Sort(items, (a, b) => string.CompareOrdinal(key(a), key(b)));
                return items;
            }
        }
        Array.Sort(keys, items);
        return items;
    }
}
