namespace SignalPipeline.Analysis.Snapshots;

/// <summary>The pseudonyms that signals refer to in one snapshot: their objects (verblijfsobjecten), their subjects
/// (persons and legal entities) and the objects' pseudonymised address keys. A snapshot row is "behind a signal" when
/// it is the object's BAG row, a registration at the object (by id or by address), or a row of one of the subjects.
/// What a reveal can ever need, and nothing more (docs/privacy.md, minimal snapshots).</summary>
public sealed class SignalReferences
{
    /// <summary>Columns that hold a subject pseudonym, in any source (absent columns read as null).</summary>
    public static readonly string[] SubjectColumns =
        ["bsn", "aanvrager_bsn", "aanvrager_kvk", "aanvrager_rsin", "betrokkene_bsn", "betrokkene_kvk", "betrokkene_rsin"];

    /// <summary>What <see cref="IsBehind"/> reads; load these (and the envelope) to minimise.</summary>
    public static readonly string[] Columns = ["verblijfsobject_id", "adres", .. SubjectColumns];

    readonly HashSet<string> objects = new(StringComparer.Ordinal);
    readonly HashSet<string> subjects = new(StringComparer.Ordinal);
    readonly HashSet<string> addresses = new(StringComparer.Ordinal);

    public int Signals { get; private set; }
    public bool IsEmpty => Signals == 0;

    public void Add(string? obj, IEnumerable<string> signalSubjects)
    {
        Signals++;
        if (obj is not null) objects.Add(obj);
        subjects.UnionWith(signalSubjects);
    }

    /// <summary>Adds the address keys of the referred objects, as a BAG table gives them (hoofdadres), so that a
    /// registration linked by address only is found too, as <c>LinkedWorld</c> links it.</summary>
    public void AddAddressesFrom(SnapshotTable bag)
    {
        var (id, adres) = (bag.Column("verblijfsobject_id"), bag.Column("adres"));
        for (var i = 0; i < bag.RowCount; i++)
            if (id[i] is { } v && objects.Contains(v) && adres[i] is { } a) addresses.Add(a);
    }

    /// <summary>Every row of the table: behind a signal or not.</summary>
    public bool[] IsBehind(SnapshotTable table) =>
        IsBehind(name => table.ColumnNames.Contains(name) ? table.Column(name) : null, table.RowCount);

    /// <summary>The same over columns read some other way (a row group); <paramref name="column"/> gives null for a column the data does not have.</summary>
    public bool[] IsBehind(Func<string, IReadOnlyList<string?>?> column, int rows)
    {
        var behind = new bool[rows];
        if (IsEmpty) return behind;
        var vbo = column("verblijfsobject_id");
        var adres = column("adres");
        var subjectColumns = SubjectColumns.Select(column).OfType<IReadOnlyList<string?>>().ToList();
        for (var i = 0; i < rows; i++)
            behind[i] = vbo?[i] is { } v && objects.Contains(v)
                || adres?[i] is { } a && addresses.Contains(a)
                || subjectColumns.Any(c => c[i] is { } s && subjects.Contains(s));
        return behind;
    }
}
