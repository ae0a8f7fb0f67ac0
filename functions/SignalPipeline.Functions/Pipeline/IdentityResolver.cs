using SignalPipeline.Analysis.Privacy;
using SignalPipeline.Analysis.Signals;
using SignalPipeline.Analysis.Runs;
using SignalPipeline.Analysis.Snapshots;
using SignalPipeline.Functions.Storage;

namespace SignalPipeline.Functions.Pipeline;

public sealed record RevealedIdentity(string? VerblijfsobjectId, string? Address, IReadOnlyList<string> Bsn, IReadOnlyList<string> Kvk, IReadOnlyList<string> Names)
{
    /// <summary>Legal entities known by their RSIN only (ZGW <c>innNnpId</c>).</summary>
    public IReadOnlyList<string> Rsin { get; init; } = [];
    /// <summary>The object's woonplaats as BAG gives it (an analysis column, not an identifier).</summary>
    public string? Town { get; init; }
    /// <summary>The street as LV BAG names it (absent from v1 CSV extracts).</summary>
    public string? Street { get; init; }
    /// <summary>"Dorpsstraat 12A-2, 5661AB Geldrop" when BAG gives street and town; else what it gives: "5661AB 12A-2 Geldrop".</summary>
    public string? AddressWithTown => Address is null ? null
        : Street is not null && Address.Split(' ', 2) is [var postcode, var number] ? $"{Street} {number}, {postcode}{(Town is null ? "" : " " + Town)}"
        : Town is null ? Address : $"{Address} {Town}";
    /// <summary>For a signal on an object: the persons registered there (BRP), the people behind it.</summary>
    public IReadOnlyList<RevealedPerson> Residents { get; init; } = [];
}

/// <summary>A person registered at the signal's object; <paramref name="FunctieAdres"/> W (woonadres) or B (briefadres).</summary>
public sealed record RevealedPerson(string Bsn, string Name, string? FunctieAdres);

/// <summary>Opens identity envelopes from the snapshots a signal's runs used. The only way back from a pseudonym to a
/// person or address; callers must check the role and audit with a reason first. Nothing outlives one call: a
/// <see cref="RevealScope"/> loads each snapshot once for the signals of one export or one reveal, then is dropped.</summary>
public sealed class IdentityResolver(SnapshotStore snapshots, IKeyProvider keys)
{
    public async Task<RevealScope> BeginAsync(IReadOnlyList<SnapshotUse> lineage, CancellationToken ct = default)
    {
        var material = await keys.GetAsync(ct);
        return new RevealScope(snapshots, new IdentityEnvelope(material.EnvelopeKey, material.EnvelopeKeyVersion), lineage);
    }

    /// <summary>Reveals from the first lineage that still holds each identity: minimised snapshots keep envelopes only
    /// for rows behind signals of the runs that used them, so a signal's older observations may hold what the latest lacks.</summary>
    public async Task<RevealedIdentity> RevealAsync(string? vboPseudonym, IReadOnlyList<string> subjects, IReadOnlyList<IReadOnlyList<SnapshotUse>> lineages, CancellationToken ct = default) =>
        await (await BeginAsync(lineages.FirstOrDefault() ?? [], ct)).RevealAsync(vboPseudonym, subjects, lineages.Skip(1), ct);

    /// <summary>A signal's identity as of the observation its decision was taken on (or else the latest), then its other
    /// observations newest first, for what a minimised snapshot no longer holds. Callers check the role and audit first.</summary>
    public async Task<RevealedIdentity> RevealSignalAsync(SignalState c, CandidateRegister register, CancellationToken ct = default)
    {
        var basis = c.Decision is { } d ? await register.ObservationAsync(c.SignalId, d.ObservationRunId, ct) : null;
        var observations = (await register.ObservationsAsync(c.SignalId, ct)).Reverse().Select(o => o.Lineage.Snapshots);
        return await RevealAsync(basis?.Object ?? c.Object, basis?.Subjects ?? c.Subjects, [(basis?.Lineage ?? c.Lineage).Snapshots, c.Lineage.Snapshots, .. observations], ct);
    }

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
    /// <summary>Per snapshot and column: an index from pseudonym to rows.</summary>
    readonly Dictionary<(string SnapshotId, string Column), ILookup<string, int>> indexes = [];
    readonly Dictionary<string, SnapshotTable?> tables = new(StringComparer.Ordinal);

    /// <param name="alsoFrom">Further lineages to try, in order, for what this scope's own lineage no longer holds.</param>
    public async Task<RevealedIdentity> RevealAsync(string? vboPseudonym, IReadOnlyList<string> subjects, IEnumerable<IReadOnlyList<SnapshotUse>>? alsoFrom = null, CancellationToken ct = default)
    {
        IReadOnlyList<IReadOnlyList<SnapshotUse>> lineages = [lineage, .. alsoFrom ?? []];
        string? vboId = null, address = null, town = null, street = null;
        var bsns = new List<string>(); var names = new List<string>(); var residents = new List<RevealedPerson>();

        if (vboPseudonym is not null)
        {
            string? addressKey = null;
            // BAG first; an object BAG does not know (ONG "niet in BAG") is named by the registrations' own envelopes.
            foreach (var source in new[] { "bag", "brp", "permits", "enforcement" })
                if ((await OpenAsync(lineages, source, "verblijfsobject_id", vboPseudonym, ct)) is [var (f, table, row), ..])
                {
                    vboId = f.GetValueOrDefault("verblijfsobject_id");
                    address = IdentityResolver.FormatAddress(f.GetValueOrDefault("adres"));
                    street = f.GetValueOrDefault("straatnaam");
                    addressKey = table.Column("adres")[row];
                    town = table.Column("woonplaats")[row];
                    break;
                }
            // The people behind a signal on an object: who is registered there, by its id or (as the linking does) by
            // its address.
            if (!subjects.Any(s => s.StartsWith(IdKind.Bsn.Prefix())))
            {
                var registered = await OpenAsync(lineages, "brp", "verblijfsobject_id", vboPseudonym, ct);
                if (addressKey is not null) registered.AddRange(await OpenAsync(lineages, "brp", "adres", addressKey, ct));
                foreach (var (f, table, row) in registered)
                    if (f.GetValueOrDefault("bsn") is { } bsn)
                        residents.Add(new RevealedPerson(bsn, NameOf(f), table.Column("functie_adres")[row]));
            }
        }

        foreach (var person in subjects.Where(s => s.StartsWith(IdKind.Bsn.Prefix())).Distinct())
            foreach (var (f, _, _) in await OpenAsync(lineages, "brp", "bsn", person, ct))
            {
                bsns.Add(f["bsn"]);
                if (NameOf(f) is { Length: > 0 } name) names.Add(name);
            }

        async Task<List<string>> Companies(IdKind kind, string permitColumn, string enforcementColumn)
        {
            var found = new List<string>();
            foreach (var company in subjects.Where(s => s.StartsWith(kind.Prefix())).Distinct())
                foreach (var (source, column) in new[] { ("permits", permitColumn), ("enforcement", enforcementColumn) })
                {
                    var plain = (await OpenAsync(lineages, source, column, company, ct)).Select(o => o.Fields.GetValueOrDefault(column)).FirstOrDefault(k => k is not null);
                    if (plain is not null) { found.Add(plain); break; }
                }
            return found;
        }
        var kvks = await Companies(IdKind.Kvk, "aanvrager_kvk", "betrokkene_kvk");
        return new RevealedIdentity(vboId, address, bsns, kvks, names)
        {
            Rsin = await Companies(IdKind.Rsin, "aanvrager_rsin", "betrokkene_rsin"),
            Residents = residents.DistinctBy(r => r.Bsn).ToList(),
            Town = town, Street = street,
        };
    }

    static string NameOf(Dictionary<string, string> f) =>
        string.Join(' ', new[] { f.GetValueOrDefault("voornamen"), f.GetValueOrDefault("voorvoegsel"), f.GetValueOrDefault("geslachtsnaam") }.Where(x => !string.IsNullOrEmpty(x)));

    /// <summary>The opened envelopes of the rows whose <paramref name="column"/> holds the pseudonym, from the first
    /// lineage whose snapshot of the source still has any, with the table and row they came from.</summary>
    async Task<List<(Dictionary<string, string> Fields, SnapshotTable Table, int Row)>> OpenAsync(IReadOnlyList<IReadOnlyList<SnapshotUse>> lineages, string source, string column, string pseudonym, CancellationToken ct)
    {
        var found = new List<(Dictionary<string, string>, SnapshotTable, int)>();
        foreach (var snapshotId in lineages.Select(l => l.FirstOrDefault(s => s.Source == source)?.SnapshotId).OfType<string>().Distinct())
        {
            if (await TableAsync(snapshotId, ct) is not { } table) continue;
            if (!indexes.TryGetValue((snapshotId, column), out var index))
            {
                var values = table.Column(column);
                indexes[(snapshotId, column)] = index = Enumerable.Range(0, table.RowCount).Where(i => values[i] is not null).ToLookup(i => values[i]!);
            }
            var key = table.Column(RowKey(source));
            foreach (var i in index[pseudonym])
                if (table.Envelope(i) is { } sealedBytes) found.Add((envelope.Open($"{source}|{key[i]}", sealedBytes), table, i));
            if (found.Count > 0) break;
        }
        return found;
    }

    async Task<SnapshotTable?> TableAsync(string snapshotId, CancellationToken ct)
    {
        if (tables.TryGetValue(snapshotId, out var t)) return t;
        t = await snapshots.GetManifestAsync(snapshotId, ct) is { } m ? await snapshots.LoadAsync(m, withEnvelope: true, ct: ct) : null;
        return tables[snapshotId] = t;
    }

    static string RowKey(string source) => source switch { "brp" => "bsn", "bag" => "verblijfsobject_id", _ => "zaak_id" };
}
