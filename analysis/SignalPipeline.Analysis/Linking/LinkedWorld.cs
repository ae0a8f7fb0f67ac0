using System.Globalization;
using SignalPipeline.Analysis.Extracts;
using SignalPipeline.Analysis.Snapshots;

namespace SignalPipeline.Analysis.Linking;

public sealed record Vbo(string Id, string Gemeente, int Oppervlakte, IReadOnlySet<string> Gebruiksdoelen, string Status, string? PandStatus, string? Pc4)
{
    public bool HasWoonfunctie => Gebruiksdoelen.Contains("woonfunctie");
    /// <summary>A ligplaats or standplaats (LV BAG 2.0): an adresseerbaar object without gebruiksdoel or oppervlakte.</summary>
    public bool IsPlaats => Status is "Plaats aangewezen" or "Plaats ingetrokken";
}

/// <summary>A BRP row at a VBO; <see cref="VboGemeente"/> is the gemeentecode of its own verblijfsobject_id, if it had one.
/// It carries no person pseudonym: the rules count and weigh registrations, none needs to know whose they are.</summary>
public sealed record Registration(string FunctieAdres, string? DatumAanvang, string? VboGemeente)
{
    /// <summary>The address is already in onderzoek at the municipality (BRP <c>in_onderzoek</c>).</summary>
    public bool InOnderzoek { get; init; }
    /// <summary>The object type of its own verblijfsobject_id (01 verblijfsobject, 02 ligplaats, 03 standplaats), if it had one.</summary>
    public string? VboType { get; init; }
    /// <summary>18 or older on the extract's peildatum; null when unknown (counts as adult).</summary>
    public bool? Volwassen { get; init; }
}
public sealed record Permit(string Zaak, string Zaaktype, string Status, DateOnly? DatumAanvraag, string? Bsn, string? Kvk, string? Rsin = null);
public sealed record EnforcementCase(string Zaak, string Type, string Status, DateOnly? DatumStart, string? Bsn, string? Kvk, string? Rsin = null);

/// <summary>All sources joined on the verblijfsobject (docs/contracts/models.md "linked"): by VBO id when BAG knows it, else by the
/// pseudonymised address key through BAG's hoofdadres. Hash joins only; everything here is pseudonymous.</summary>
public sealed class LinkedWorld
{
    public IReadOnlyDictionary<string, Vbo> Vbos { get; }
    public IReadOnlyDictionary<string, List<Registration>> RegistrationsByVbo { get; }
    public IReadOnlyDictionary<string, List<Permit>> PermitsByVbo { get; }
    public IReadOnlyDictionary<string, List<EnforcementCase>> EnforcementByVbo { get; }
    /// <summary>BRP registrations whose verblijfsobject_id BAG does not know (for ONG), per VBO pseudonym.</summary>
    public IReadOnlyDictionary<string, List<Registration>> RegistrationsAtUnknownVbo { get; }
    /// <summary>Every enforcement case, linked to a VBO or not (BIB matches applicants by subject too).</summary>
    public IReadOnlyList<EnforcementCase> AllEnforcement { get; }
    public IReadOnlyDictionary<string, long> Unlinked { get; }
    public IReadOnlySet<string> Territory { get; }
    /// <summary>Rows whose person is on the suppression list (an upheld objection, an erasure): their registrations are
    /// left out and their BSN is removed from zaken, so no model sees them. A count only.</summary>
    public long SuppressedRows { get; private init; }

    LinkedWorld(Dictionary<string, Vbo> vbos, Dictionary<string, List<Registration>> regs, Dictionary<string, List<Permit>> permits,
        Dictionary<string, List<EnforcementCase>> enforcement, Dictionary<string, List<Registration>> unknown,
        Dictionary<string, long> unlinked, IReadOnlySet<string> territory, List<EnforcementCase> allEnforcement)
    {
        AllEnforcement = allEnforcement;
        Vbos = vbos; RegistrationsByVbo = regs; PermitsByVbo = permits; EnforcementByVbo = enforcement;
        RegistrationsAtUnknownVbo = unknown; Unlinked = unlinked; Territory = territory;
    }

    public bool InTerritory(string vboOrGemeente) => Territory.Contains(vboOrGemeente);

    /// <summary>Every snapshot column <see cref="Build"/> reads, per source: a run loads these and nothing else (the models
    /// only see the linked world), which keeps line numbers and unused columns out of the nightly's memory. The BRP's
    /// person pseudonyms are read only to apply a suppression list (<paramref name="suppressing"/>).</summary>
    public static IReadOnlyCollection<string> ColumnsRead(string source, bool suppressing = true) => source switch
    {
        "brp" when !suppressing => ["verblijfsobject_id", "adres", "functie_adres", "datum_aanvang_adreshouding", "_vbo_gemeente", "in_onderzoek", "volwassen", "_vbo_type"],
        "bag" => ["verblijfsobject_id", "_vbo_gemeente", "oppervlakte", "gebruiksdoelen", "status", "pand_status", "_pc4", "adres"],
        "brp" => ["verblijfsobject_id", "adres", "bsn", "functie_adres", "datum_aanvang_adreshouding", "_vbo_gemeente", "in_onderzoek", "volwassen", "_vbo_type"],
        "permits" => ["verblijfsobject_id", "adres", "zaak_id", "zaaktype", "status", "datum_aanvraag", "aanvrager_bsn", "aanvrager_kvk", "aanvrager_rsin"],
        "enforcement" => ["verblijfsobject_id", "adres", "zaak_id", "handhavingstype", "status", "datum_start", "betrokkene_bsn", "betrokkene_kvk", "betrokkene_rsin"],
        _ => [],
    };

    /// <param name="suppressed">Persons no model may process, as <see cref="Privacy.SuppressionKey"/>s of their pseudonyms
    /// (docs/privacy.md, suppression list).</param>
    public static LinkedWorld Build(IReadOnlyDictionary<string, SnapshotTable> tables, IReadOnlySet<string> territory, IReadOnlySet<string>? suppressed = null)
    {
        suppressed ??= new HashSet<string>();
        long suppressedRows = 0;
        string? Unless(string? person)
        {
            if (person is null || suppressed.Count == 0 || !suppressed.Contains(Privacy.SuppressionKey.For(person))) return person;
            Interlocked.Increment(ref suppressedRows);
            return null;
        }
        var vbos = new Dictionary<string, Vbo>(StringComparer.Ordinal);
        var byAddress = new Dictionary<string, string>(StringComparer.Ordinal);
        if (tables.TryGetValue("bag", out var bag))
        {
            var id = bag.Column("verblijfsobject_id"); var gem = bag.Column("_vbo_gemeente"); var opp = bag.Column("oppervlakte");
            var doel = bag.Column("gebruiksdoelen"); var st = bag.Column("status"); var ps = bag.Column("pand_status");
            var pc4 = bag.Column("_pc4"); var adres = bag.Column("adres");
            // Objects with the same gebruiksdoelen share one (read-only) set: a few dozen sets, not one per object.
            var doelen = new System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
            var made = new Vbo?[bag.RowCount];
            InRanges(bag.RowCount, (from, to) =>
            {
                for (var i = from; i < to; i++)
                    if (id[i] is { } v)
                        made[i] = new Vbo(v, gem[i] ?? "", int.Parse(opp[i] ?? "0", CultureInfo.InvariantCulture),
                            doelen.GetOrAdd(doel[i] ?? "", d => d.Split('|', StringSplitOptions.RemoveEmptyEntries).ToHashSet()), st[i] ?? "", ps[i], pc4[i]);
            });
            for (var i = 0; i < made.Length; i++)
            {
                if (made[i] is not { } vbo) continue;
                vbos[vbo.Id] = vbo;
                if (adres[i] is { } a) byAddress[a] = vbo.Id;
            }
        }

        var unlinked = SourceSchema.All.ToDictionary(s => s, _ => 0L);
        var regs = new Dictionary<string, List<Registration>>(StringComparer.Ordinal);
        var unknown = new Dictionary<string, List<Registration>>(StringComparer.Ordinal);
        var permits = new Dictionary<string, List<Permit>>(StringComparer.Ordinal);
        var enforcement = new Dictionary<string, List<EnforcementCase>>(StringComparer.Ordinal);
        var allEnforcement = new List<EnforcementCase>();

        // Each source's columns are looked up once; the row factory then only indexes arrays. Rows are made and located
        // (by VBO id, else by address) side by side on every core; they are added to the lists in row order, so every
        // list is the same as one thread would make it.
        void Link<T>(string source, Func<SnapshotTable, Func<int, T?>> factory, Dictionary<string, List<T>> into, Dictionary<string, List<T>>? unknownInto = null, List<T>? all = null)
            where T : class
        {
            if (!tables.TryGetValue(source, out var t)) return;
            var make = factory(t);
            var vboCol = t.Column("verblijfsobject_id"); var adresCol = t.Column("adres");
            var items = new T?[t.RowCount];
            var targets = new string?[t.RowCount];
            InRanges(t.RowCount, (from, to) =>
            {
                for (var i = from; i < to; i++)
                {
                    if ((items[i] = make(i)) is null) continue;
                    if (vboCol[i] is { } v && vbos.ContainsKey(v)) targets[i] = v;
                    else if (adresCol[i] is { } a && byAddress.TryGetValue(a, out var viaAddress)) targets[i] = viaAddress;
                }
            });
            for (var i = 0; i < items.Length; i++)
            {
                if (items[i] is not { } item) continue;
                all?.Add(item);
                if (targets[i] is { } target) Add(into, target, item);
                else
                {
                    unlinked[source]++;
                    if (unknownInto is not null && vboCol[i] is { } missing) Add(unknownInto, missing, item);
                }
            }
        }

        Link("brp", t =>
        {
            // Fail closed: a suppression list over a table read without its persons would let them through.
            if (suppressed.Count > 0 && !t.ColumnNames.Contains("bsn"))
                throw new InvalidOperationException("the BRP snapshot was read without bsn, so the suppression list cannot be applied");
            var (bsn, functie, aanvang, gemeente) = (t.Column("bsn"), t.Column("functie_adres"), t.Column("datum_aanvang_adreshouding"), t.Column("_vbo_gemeente"));
            var (onderzoek, volwassen, type) = (t.Column("in_onderzoek"), t.Column("volwassen"), t.Column("_vbo_type"));
            return i => suppressed.Count > 0 && Unless(bsn[i]) is null
                ? null
                : new Registration(functie[i]!, aanvang[i], gemeente[i]) { InOnderzoek = onderzoek[i] == "true", Volwassen = volwassen[i] switch { "true" => true, "false" => false, _ => null }, VboType = type[i] };
        }, regs, unknown);
        Link("permits", t =>
        {
            var (zaak, type, status, datum, bsn, kvk, rsin) = (t.Column("zaak_id"), t.Column("zaaktype"), t.Column("status"), t.Column("datum_aanvraag"), t.Column("aanvrager_bsn"), t.Column("aanvrager_kvk"), t.Column("aanvrager_rsin"));
            return i => new Permit(zaak[i]!, type[i]!, status[i]!, Dates.ToDateOnly(datum[i]), Unless(bsn[i]), kvk[i], rsin[i]);
        }, permits);
        Link("enforcement", t =>
        {
            var (zaak, type, status, datum, bsn, kvk, rsin) = (t.Column("zaak_id"), t.Column("handhavingstype"), t.Column("status"), t.Column("datum_start"), t.Column("betrokkene_bsn"), t.Column("betrokkene_kvk"), t.Column("betrokkene_rsin"));
            return i => new EnforcementCase(zaak[i]!, type[i]!, status[i]!, Dates.ToDateOnly(datum[i]), Unless(bsn[i]), kvk[i], rsin[i]);
        }, enforcement, all: allEnforcement);

        return new LinkedWorld(vbos, regs, permits, enforcement, unknown, unlinked, territory, allEnforcement) { SuppressedRows = suppressedRows };
    }

    /// <summary>Rows in ranges of 65 536, handed to the cores one range at a time (none for an empty table: the range
    /// partitioner refuses an empty range).</summary>
    static void InRanges(int rows, Action<int, int> body)
    {
        if (rows > 0) Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, rows, 65_536), range => body(range.Item1, range.Item2));
    }

    static void Add<T>(Dictionary<string, List<T>> d, string key, T item)
    {
        if (!d.TryGetValue(key, out var list)) d[key] = list = [];
        list.Add(item);
    }
}

