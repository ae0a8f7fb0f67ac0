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
        var allPseudonyms = true;
        // The values are read on every core (a city's half a million objects); one that is no pseudonym of the same
        // kind sends the whole sort to string order.
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, items.Length, 65_536), (range, state) =>
        {
            for (var i = range.Item1; i < range.Item2; i++)
            {
                var k = key(items[i]);
                if (!Privacy.Pseudonymiser.TryValue(k, out keys[i]) || k[0] != kind) { allPseudonyms = false; state.Stop(); return; }
            }
        });
        if (!allPseudonyms)
        {
            Array.Sort(items, (a, b) => string.CompareOrdinal(key(a), key(b)));
            return items;
        }
        Array.Sort(keys, items);
        return items;
    }
}
