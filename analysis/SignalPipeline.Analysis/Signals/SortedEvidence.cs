using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace SignalPipeline.Analysis.Signals;

/// <summary>A signal's evidence as a model raises it: a few named values, in the ordinal order of their names. Two arrays
/// instead of a sorted tree: a city night raises some seventy thousand signals and keeps them all until the run is
/// recorded, so every object per signal is one more the collector copies while the models wait.</summary>
public sealed class SortedEvidence : IReadOnlyDictionary<string, string>
{
    readonly string[] names;
    readonly string[] values;

    SortedEvidence(string[] names, string[] values) => (this.names, this.values) = (names, values);

    /// <summary>The values by name; a name given twice is refused, as a dictionary refuses it.</summary>
    public static SortedEvidence Of(ReadOnlySpan<(string Name, string Value)> evidence)
    {
        var (names, values) = (new string[evidence.Length], new string[evidence.Length]);
        for (var i = 0; i < evidence.Length; i++)
        {
            // Insertion sort: a model gives a handful of values, often already in order.
            var (name, value) = evidence[i];
            var at = i;
            for (; at > 0 && string.CompareOrdinal(names[at - 1], name) > 0; at--) (names[at], values[at]) = (names[at - 1], values[at - 1]);
            if (at > 0 && names[at - 1] == name) throw new ArgumentException($"An item with the same key has already been added. Key: {name}", nameof(evidence));
            (names[at], values[at]) = (name, value);
        }
        return new SortedEvidence(names, values);
    }

    int IndexOf(string name)
    {
        for (var i = 0; i < names.Length; i++) if (names[i] == name) return i;
        return -1;
    }

    public string this[string key] => IndexOf(key) is var i and >= 0 ? values[i] : throw new KeyNotFoundException($"no evidence named {key}");
    public IEnumerable<string> Keys => names.AsReadOnly();
    public IEnumerable<string> Values => values.AsReadOnly();
    public int Count => names.Length;
    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        var i = IndexOf(key);
        value = i >= 0 ? values[i] : null;
        return i >= 0;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        for (var i = 0; i < names.Length; i++) yield return new(names[i], values[i]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
