using System.Globalization;
using SignalPipeline.Analysis.Extracts;
using SignalPipeline.Analysis.Snapshots;

namespace SignalPipeline.Analysis.Linking;

/// <summary>A BAG verblijfsobject (or ligplaats, standplaats) as the models see it. A value in the world's array, not an
/// object of its own: a city has half a million, made every night, and as objects the first collection after the link
/// had to copy them all while the models waited.</summary>
public readonly record struct Vbo(string Id, string Gemeente, int Oppervlakte, IReadOnlySet<string> Gebruiksdoelen, string Status, string? PandStatus, string? Pc4)
{
    public bool HasWoonfunctie => Gebruiksdoelen.Contains("woonfunctie");
    /// <summary>A ligplaats or standplaats (LV BAG 2.0): an adresseerbaar object without gebruiksdoel or oppervlakte.</summary>
    public bool IsPlaats => Status is "Plaats aangewezen" or "Plaats ingetrokken";
}

/// <summary>A BRP row at a VBO; <see cref="VboGemeente"/> is the gemeentecode of its own verblijfsobject_id, if it had one.
/// It carries no person pseudonym: the rules count and weigh registrations, none needs to know whose they are.</summary>
public readonly record struct Registration(string FunctieAdres, string? DatumAanvang, string? VboGemeente)
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
/// pseudonymised address key through BAG's hoofdadres. Everything here is pseudonymous.
/// Each BAG object has a dense index (its position in <see cref="Objects"/>); the other sources' rows are grouped by that
/// index (<see cref="ByObject{T}"/>), so a model walks objects and their rows as array slices instead of looking up strings.</summary>
public sealed class LinkedWorld
{
    const int NoObject = -1, Dropped = -2;
    readonly Vbo[] objects;
    readonly bool[] inTerritory;
    readonly KeyIndex indexOf;
    readonly JoinKeys keys;
    readonly char idKind;
    readonly ByObject<Registration> registrations;
    readonly ByObject<Permit> permits;
    readonly ByObject<EnforcementCase> enforcement;
    readonly Lazy<int[]> territoryInPseudonymOrder;

    /// <summary>Every BAG verblijfsobject once (a later row of the same id replaces the earlier one in its place).</summary>
    public IReadOnlyList<Vbo> Objects => objects;
    /// <summary>BRP registrations whose verblijfsobject_id BAG does not know (for ONG), per VBO pseudonym, in row order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<Registration>> RegistrationsAtUnknownVbo { get; }
    /// <summary>Every enforcement case, linked to a VBO or not (BIB matches applicants by subject too), in row order.</summary>
    public IReadOnlyList<EnforcementCase> AllEnforcement { get; }
    public IReadOnlyDictionary<string, long> Unlinked { get; }
    public IReadOnlySet<string> Territory { get; }
    /// <summary>Rows whose person is on the suppression list (an upheld objection, an erasure): their registrations are
    /// left out and their BSN is removed from zaken, so no model sees them. A count only.</summary>
    public long SuppressedRows { get; private init; }

    LinkedWorld(Vbo[] objects, KeyIndex indexOf, JoinKeys keys, char idKind, IReadOnlySet<string> territory, ByObject<Registration> registrations,
        ByObject<Permit> permits, ByObject<EnforcementCase> enforcement, Dictionary<string, IReadOnlyList<Registration>> unknown,
        Dictionary<string, long> unlinked, EnforcementCase[] allEnforcement)
    {
        (this.objects, this.indexOf, this.keys, this.idKind) = (objects, indexOf, keys, idKind);
        (this.registrations, this.permits, this.enforcement) = (registrations, permits, enforcement);
        Territory = territory;
        inTerritory = objects.Select(v => territory.Contains(v.Gemeente)).ToArray();
        RegistrationsAtUnknownVbo = unknown; Unlinked = unlinked; AllEnforcement = allEnforcement;
        territoryInPseudonymOrder = new(() => PseudonymOrder.Sort(Enumerable.Range(0, objects.Length).Where(i => inTerritory[i]).ToArray(), i => objects[i].Id));
    }

    /// <summary>The indexes of the objects inside the territory, in the ordinal order of their pseudonyms: sorted once
    /// per run, on first use, for every model that walks objects in a stable order (ANO, the control sample).</summary>
    public IReadOnlyList<int> TerritoryInPseudonymOrder => territoryInPseudonymOrder.Value;

    public bool InTerritory(string vboOrGemeente) => Territory.Contains(vboOrGemeente);
    /// <summary>Object <paramref name="index"/> lies in the run's territory (its gemeentecode).</summary>
    public bool InTerritory(int index) => inTerritory[index];

    /// <summary>The registrations, permits and enforcement cases linked to object <paramref name="index"/>, in row order.</summary>
    public ArraySegment<Registration> RegistrationsAt(int index) => registrations.At(index);
    public ArraySegment<Permit> PermitsAt(int index) => permits.At(index);
    public ArraySegment<EnforcementCase> EnforcementAt(int index) => enforcement.At(index);

    /// <summary>The object with this pseudonym, or null when BAG does not know it.</summary>
    public Vbo? Find(string vboId) => IndexOf(vboId) is var i and >= 0 ? objects[i] : null;
    public int IndexOf(string vboId) => keys.TryKey(vboId, idKind, out var key) && indexOf.TryGetValue(key, out var i) ? i : -1;

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

    /// <summary>The columns of <see cref="ColumnsRead"/> that serve only as join keys: a run reads them as pseudonym values
    /// (<see cref="SnapshotTable.Keys"/>), not as strings. BAG's own ids are strings: the signals name them.</summary>
    public static IReadOnlyCollection<string> KeysRead(string source) => source == "bag" ? ["adres"] : ["verblijfsobject_id", "adres"];

    /// <param name="suppressed">Persons no model may process, as <see cref="Privacy.SuppressionKey"/>s of their pseudonyms
    /// (docs/privacy.md, suppression list).</param>
    public static LinkedWorld Build(IReadOnlyDictionary<string, SnapshotTable> tables, IReadOnlySet<string> territory, IReadOnlySet<string>? suppressed = null)
    {
        suppressed ??= new HashSet<string>();
        long suppressedRows = 0;
        bool IsSuppressed(string? person)
        {
            if (person is null || suppressed.Count == 0 || !suppressed.Contains(Privacy.SuppressionKey.For(person))) return false;
            Interlocked.Increment(ref suppressedRows);
            return true;
        }
        string? Unless(string? person) => IsSuppressed(person) ? null : person;

        // Objects are found by the values of their pseudonyms (JoinKeys), not by hashing strings.
        var keys = new JoinKeys(tables);
        var objects = Array.Empty<Vbo>();
        var bagRows = tables.TryGetValue("bag", out var b) ? b.RowCount : 0;
        var indexOf = new KeyIndex(bagRows);
        var byAddress = new KeyIndex(bagRows); // address → BAG row
        var objectOfRow = Array.Empty<int>();
        var (idKind, addressKind) = ('\0', '\0');
        if (tables.TryGetValue("bag", out var bag))
        {
            var id = bag.Strings("verblijfsobject_id"); var gem = bag.Strings("_vbo_gemeente"); var opp = bag.Strings("oppervlakte");
            var doel = bag.Strings("gebruiksdoelen"); var st = bag.Strings("status"); var ps = bag.Strings("pand_status");
            var pc4 = bag.Strings("_pc4");
            var (idKeys, addressKeys) = (keys["bag", "verblijfsobject_id"], keys["bag", "adres"]);
            (idKind, addressKind) = (idKeys.Kind, addressKeys.Kind);
            objectOfRow = new int[bag.RowCount];
            // The address index (address → BAG row) is built beside the id index (id → object).
            var addresses = Task.Run(() =>
            {
                for (var i = 0; i < bag.RowCount; i++)
                {
                    byAddress.TouchAhead(addressKeys, i);
                    if (id[i] is not null && addressKeys.TryGet(i, out var a)) byAddress.Set(a, i);
                }
            });
            // Each id gets the place of its first row; the object is made from its last row (a later row of the same id
            // replaces the earlier one in its place).
            var lastRow = new int[bag.RowCount];
            var count = 0;
            for (var i = 0; i < bag.RowCount; i++)
            {
                indexOf.TouchAhead(idKeys, i);
                if (id[i] is null) continue;
                idKeys.TryGet(i, out var key);
                var at = indexOf.GetOrAdd(key, count);
                if (at == count) count++;
                objectOfRow[i] = at;
                lastRow[at] = i;
            }
            // Objects with the same gebruiksdoelen share one (read-only) set: a few dozen sets, not one per object.
            var doelen = new System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
            var made = objects = new Vbo[count];
            Rows.InRanges(count, (from, to) =>
            {
                for (var v = from; v < to; v++)
                {
                    var i = lastRow[v];
                    made[v] = new Vbo(id[i]!, gem[i] ?? "", int.Parse(opp[i] ?? "0", CultureInfo.InvariantCulture),
                        doelen.GetOrAdd(doel[i] ?? "", d => d.Split('|', StringSplitOptions.RemoveEmptyEntries).ToHashSet()), st[i] ?? "", ps[i], pc4[i]);
                }
            });
            addresses.Wait();
        }

        var unlinked = SourceSchema.All.ToDictionary(s => s, _ => 0L);
        var n = objects.Length;

        // Where each row of a source goes: its object (by VBO id, else by address), found side by side on every core.
        int[] Targets(string source, SnapshotTable t, Func<int, bool>? drop = null)
        {
            var (vboKeys, addressKeys) = (keys[source, "verblijfsobject_id"], keys[source, "adres"]);
            // Keys of another kind than BAG's can never be equal to them (as their strings could not).
            var (byId, byAddressKey) = (vboKeys.Kind == idKind, addressKeys.Kind == addressKind);
            var target = new int[t.RowCount];
            Rows.InRanges(t.RowCount, (from, to) =>
            {
                var byIdTarget = target.AsSpan(from, to - from);
                if (byId) indexOf.Lookup(vboKeys, from, to, byIdTarget); else byIdTarget.Fill(-1);
                for (var i = from; i < to; i++)
                    target[i] = drop?.Invoke(i) == true ? Dropped
                        : target[i] >= 0 ? target[i]
                        : byAddressKey && addressKeys.TryGet(i, out var a) && byAddress.TryGetValue(a, out var row) ? objectOfRow[row] : NoObject;
            });
            unlinked[source] += target.Count(x => x == NoObject);
            return target;
        }

        // Registrations: their object, then made straight into their place, grouped by object in row order.
        var registrations = ByObject<Registration>.Empty(n);
        var unknown = new Dictionary<string, IReadOnlyList<Registration>>(StringComparer.Ordinal);
        if (tables.TryGetValue("brp", out var brp))
        {
            // Fail closed: a suppression list over a table read without its persons would let them through.
            if (suppressed.Count > 0 && !brp.ColumnNames.Contains("bsn"))
                throw new InvalidOperationException("the BRP snapshot was read without bsn, so the suppression list cannot be applied");
            var (bsn, functie, aanvang, gemeente) = (brp.Strings("bsn"), brp.Strings("functie_adres"), brp.Strings("datum_aanvang_adreshouding"), brp.Strings("_vbo_gemeente"));
            var (onderzoek, volwassen, type) = (brp.Strings("in_onderzoek"), brp.Strings("volwassen"), brp.Strings("_vbo_type"));
            Registration Make(int i) => new(functie[i]!, aanvang[i], gemeente[i])
            {
                InOnderzoek = onderzoek[i] == "true", Volwassen = volwassen[i] switch { "true" => true, "false" => false, _ => null }, VboType = type[i],
            };
            // Under a suppression list a registration without a person is left out too: it cannot be checked.
            var target = Targets("brp", brp, suppressed.Count == 0 ? null : i => bsn[i] is null || IsSuppressed(bsn[i]));
            registrations = ByObject<Registration>.Group(target, n, Make, out _);
            var vboKeys = keys["brp", "verblijfsobject_id"];
            for (var i = 0; i < target.Length; i++)
                if (target[i] == NoObject && vboKeys.Text(i) is { } missing)
                {
                    if (!unknown.TryGetValue(missing, out var list)) unknown[missing] = list = new List<Registration>();
                    ((List<Registration>)list).Add(Make(i));
                }
        }

        var permits = ByObject<Permit>.Empty(n);
        if (tables.TryGetValue("permits", out var p))
        {
            var (zaak, type, status, datum, bsn, kvk, rsin) = (p.Strings("zaak_id"), p.Strings("zaaktype"), p.Strings("status"), p.Strings("datum_aanvraag"), p.Strings("aanvrager_bsn"), p.Strings("aanvrager_kvk"), p.Strings("aanvrager_rsin"));
            var target = Targets("permits", p);
            permits = ByObject<Permit>.Group(target, n, i => new Permit(zaak[i]!, type[i]!, status[i]!, Dates.ToDateOnly(datum[i]), Unless(bsn[i]), kvk[i], rsin[i]), out _);
            // A suppressed applicant of an unlinked permit is counted too, as when every row was made.
            for (var i = 0; i < target.Length; i++) if (target[i] == NoObject) IsSuppressed(bsn[i]);
        }

        var enforcement = ByObject<EnforcementCase>.Empty(n);
        var allEnforcement = Array.Empty<EnforcementCase>();
        if (tables.TryGetValue("enforcement", out var e))
        {
            var (zaak, type, status, datum, bsn, kvk, rsin) = (e.Strings("zaak_id"), e.Strings("handhavingstype"), e.Strings("status"), e.Strings("datum_start"), e.Strings("betrokkene_bsn"), e.Strings("betrokkene_kvk"), e.Strings("betrokkene_rsin"));
            EnforcementCase Make(int i) => new(zaak[i]!, type[i]!, status[i]!, Dates.ToDateOnly(datum[i]), Unless(bsn[i]), kvk[i], rsin[i]);
            enforcement = ByObject<EnforcementCase>.Group(Targets("enforcement", e), n, Make, out var position);
            // Every case in row order, the linked ones the same objects as in their group (BIB compares them by reference).
            allEnforcement = new EnforcementCase[position.Length];
            for (var i = 0; i < position.Length; i++) allEnforcement[i] = position[i] >= 0 ? enforcement[position[i]] : Make(i);
        }

        return new LinkedWorld(objects, indexOf, keys, idKind, territory, registrations, permits, enforcement, unknown, unlinked, allEnforcement) { SuppressedRows = suppressedRows };
    }
}
