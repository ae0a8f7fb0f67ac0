using SignalPipeline.Analysis.Snapshots;

namespace SignalPipeline.Analysis.Linking;

/// <summary>The link's join keys (every source's <c>verblijfsobject_id</c> and <c>adres</c>) as 128-bit values: the
/// pseudonyms' own values when every key is a pseudonym (a nightly reads them so, without making strings), otherwise
/// every key string numbered through one shared table, so equal strings still meet and nothing else does.</summary>
sealed class JoinKeys
{
    static readonly string[] Columns = ["verblijfsobject_id", "adres"];
    readonly Dictionary<(string Source, string Column), KeyColumn> columns = [];
    readonly Dictionary<string, UInt128>? numbers;

    public JoinKeys(IReadOnlyDictionary<string, SnapshotTable> tables)
    {
        var wanted = tables.Keys.SelectMany(source => Columns.Select(column => (source, column))).ToList();
        foreach (var (source, column) in wanted)
        {
            if (tables[source].Keys(column) is { } keys) columns[(source, column)] = keys;
            else { numbers = new(StringComparer.Ordinal); break; }
        }
        if (numbers is not null)
            foreach (var (source, column) in wanted) columns[(source, column)] = KeyColumn.Number(tables[source].Column(column), numbers);
    }

    public KeyColumn this[string source, string column] => columns[(source, column)];

    /// <summary>The key of <paramref name="text"/> as it would appear in a column of <paramref name="kind"/>.</summary>
    public bool TryKey(string text, char kind, out UInt128 key)
    {
        if (numbers is not null) return numbers.TryGetValue(text, out key);
        return Privacy.Pseudonymiser.TryValue(text, out key) && text[0] == kind;
    }
}
