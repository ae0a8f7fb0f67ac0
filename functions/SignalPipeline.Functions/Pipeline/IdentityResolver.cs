using SignalPipeline.Analysis.Privacy;
using SignalPipeline.Analysis.Runs;
using SignalPipeline.Analysis.Snapshots;
using SignalPipeline.Functions.Storage;

namespace SignalPipeline.Functions.Pipeline;

public sealed record RevealedIdentity(string? VerblijfsobjectId, string? Address, IReadOnlyList<string> Bsn, IReadOnlyList<string> Kvk, IReadOnlyList<string> Names)
{
    /// <summary>Legal entities known by their RSIN only (ZGW <c>innNnpId</c>).</summary>
    public IReadOnlyList<string> Rsin { get; init; } = [];
}

/// <summary>Opens identity envelopes from the snapshots a run used. The only way back from a pseudonym to a person
/// or address; callers must check the role and audit with a reason first. Nothing outlives one call: a
/// <see cref="RevealScope"/> loads each snapshot once for the signals of one export or one reveal, then is dropped.</summary>
public sealed class IdentityResolver(SnapshotStore snapshots, IKeyProvider keys)
{
    public async Task<RevealScope> BeginAsync(IReadOnlyList<SnapshotUse> lineage, CancellationToken ct = default)
    {
        var material = await keys.GetAsync(ct);
        return new RevealScope(snapshots, new IdentityEnvelope(material.EnvelopeKey, material.EnvelopeKeyVersion), lineage);
    }

    public async Task<RevealedIdentity> RevealAsync(string? vboPseudonym, IReadOnlyList<string> subjects, IReadOnlyList<SnapshotUse> lineage, CancellationToken ct = default) =>
        await (await BeginAsync(lineage, ct)).RevealAsync(vboPseudonym, subjects, ct);

    /// <summary>"5664AB|12|A|2" → "5664AB 12A-2".</summary>
    public static string? FormatAddress(string? key)
    {
        if (key is null) return null;
        var p = key.Split('|');
        return p.Length != 4 ? key : $"{p[0]} {p[1]}{p[2]}{(p[3].Length > 0 ? "-" + p[3] : "")}";
    }
}

public sealed class RevealScope(SnapshotStore snapshots, IdentityEnvelope envelope, IReadOnlyList<SnapshotUse> lineage)
{
    /// <summary>Per source: the table with envelopes and an index from pseudonym (in the given column) to rows.</summary>
    readonly Dictionary<(string Source, string Column), (SnapshotTable Table, ILookup<string, int> Rows)?> loaded = [];
    readonly Dictionary<string, SnapshotTable?> tables = [];

    public async Task<RevealedIdentity> RevealAsync(string? vboPseudonym, IReadOnlyList<string> subjects, CancellationToken ct = default)
    {
        string? vboId = null, address = null;
        var bsns = new List<string>(); var kvks = new List<string>(); var names = new List<string>();

        if (vboPseudonym is not null)
            foreach (var f in await OpenAsync("bag", "verblijfsobject_id", vboPseudonym, ct))
            { vboId = f.GetValueOrDefault("verblijfsobject_id"); address = IdentityResolver.FormatAddress(f.GetValueOrDefault("adres")); break; }

        foreach (var person in subjects.Where(s => s.StartsWith(IdKind.Bsn.Prefix())).Distinct())
            foreach (var f in await OpenAsync("brp", "bsn", person, ct))
            {
                bsns.Add(f["bsn"]);
                var name = string.Join(' ', new[] { f.GetValueOrDefault("voornamen"), f.GetValueOrDefault("voorvoegsel"), f.GetValueOrDefault("geslachtsnaam") }.Where(x => !string.IsNullOrEmpty(x)));
                if (name.Length > 0) names.Add(name);
            }

        async Task<List<string>> Companies(IdKind kind, string permitColumn, string enforcementColumn)
        {
            var found = new List<string>();
            foreach (var company in subjects.Where(s => s.StartsWith(kind.Prefix())).Distinct())
                foreach (var (source, column) in new[] { ("permits", permitColumn), ("enforcement", enforcementColumn) })
                {
                    var plain = (await OpenAsync(source, column, company, ct)).Select(f => f.GetValueOrDefault(column)).FirstOrDefault(k => k is not null);
                    if (plain is not null) { found.Add(plain); break; }
                }
            return found;
        }
        kvks.AddRange(await Companies(IdKind.Kvk, "aanvrager_kvk", "betrokkene_kvk"));
        return new RevealedIdentity(vboId, address, bsns, kvks, names) { Rsin = await Companies(IdKind.Rsin, "aanvrager_rsin", "betrokkene_rsin") };
    }

    async Task<IEnumerable<Dictionary<string, string>>> OpenAsync(string source, string column, string pseudonym, CancellationToken ct)
    {
        if (!loaded.TryGetValue((source, column), out var entry))
        {
            var table = await TableAsync(source, ct);
            entry = table is null ? null : (table, Enumerable.Range(0, table.RowCount).Where(i => table.Column(column)[i] is not null).ToLookup(i => table.Column(column)[i]!));
            loaded[(source, column)] = entry;
        }
        if (entry is not { } e) return [];
        var key = e.Table.Column(RowKey(source));
        return e.Rows[pseudonym].Select(i => e.Table.Envelope(i) is { } sealedBytes ? envelope.Open($"{source}|{key[i]}", sealedBytes) : null)
            .Where(f => f is not null).Select(f => f!).ToList();
    }

    async Task<SnapshotTable?> TableAsync(string source, CancellationToken ct)
    {
        if (tables.TryGetValue(source, out var t)) return t;
        var use = lineage.FirstOrDefault(s => s.Source == source);
        t = use is not null && await snapshots.GetManifestAsync(use.SnapshotId, ct) is { } m ? await snapshots.LoadAsync(m, withEnvelope: true, ct: ct) : null;
        return tables[source] = t;
    }

    static string RowKey(string source) => source switch { "brp" => "bsn", "bag" => "verblijfsobject_id", _ => "zaak_id" };
}
