using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SignalPipeline.Analysis.Extracts;

namespace SignalPipeline.Analysis.Formats;

/// <summary>ZGW Zaken API 1.5 export (docs/contracts/sources.md, "permits, enforcement"): paged list bodies of
/// <c>/zaken</c>, <c>/rollen</c>, <c>/zaakobjecten</c>, <c>/statussen</c> (and Catalogi <c>/zaaktypen</c>) plus the
/// municipality's <c>zgw-mapping.json</c>, read into the v1 columns of one source.</summary>
public static partial class ZgwReader
{
    public const string MappingFile = "zgw-mapping.json";

    public static string[] ColumnsFor(string source) => source == "permits"
        ? ["zaak_id", "zaaktype", "status", "datum_aanvraag", "datum_besluit", "aanvrager_bsn", "aanvrager_kvk", "aanvrager_rsin", "verblijfsobject_id", "postcode", "huisnummer", "huisletter", "huisnummertoevoeging"]
        : ["zaak_id", "handhavingstype", "status", "datum_start", "datum_einde", "betrokkene_bsn", "betrokkene_kvk", "betrokkene_rsin", "verblijfsobject_id", "postcode", "huisnummer", "huisletter", "huisnummertoevoeging"];

    sealed record Item(JsonElement Value, string Locator);

    public static bool IsMapping(DeliveryFile file) => Path.GetFileName(file.Name).Equals(MappingFile, StringComparison.OrdinalIgnoreCase);

    /// <summary>True when the JSON is a paged list body (<c>count</c>, <c>results</c>) or an array of them.</summary>
    public static bool IsListBody(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("count", out _) && root.TryGetProperty("results", out var r) && r.ValueKind == JsonValueKind.Array
        || root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0 && root.EnumerateArray().All(IsListBody);

    public static Conversion Read(string source, IReadOnlyList<DeliveryFile> files, DateOnly peildatum)
    {
        var mappingFile = files.FirstOrDefault(IsMapping) ?? throw new FormatRejectedException($"the ZGW export lacks {MappingFile}");
        var resources = new Dictionary<string, Dictionary<string, Item>>(StringComparer.Ordinal);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var docs = new List<JsonDocument>();
        foreach (var file in files.Where(f => !IsMapping(f)))
            foreach (var (body, b) in BrpPersonenReader.Bodies(file))
            {
                if (!IsListBody(body)) throw new FormatRejectedException($"{file.Name}: body {b} is not a ZGW list body (count, results)", $"{file.Name} body {b}");
                foreach (var page in body.ValueKind == JsonValueKind.Array ? body.EnumerateArray().ToList() : [body])
                {
                    var i = 0;
                    string? resource = null;
                    foreach (var result in page.GetProperty("results").EnumerateArray())
                    {
                        var locator = $"{file.Name} body {b} results[{i++}]";
                        var url = Str(result, "url") ?? throw new FormatRejectedException($"{locator}: a result without url", locator);
                        resource = ResourceOf(url) ?? throw new FormatRejectedException($"{locator}: the url names no resource", locator);
                        if (!resources.TryGetValue(resource, out var byUrl)) resources[resource] = byUrl = new(StringComparer.Ordinal);
                        byUrl[url] = new Item(result.Clone(), locator);
                    }
                    if (resource is not null && page.GetProperty("count").TryGetInt64(out var count)) counts[resource] = Math.Max(counts.GetValueOrDefault(resource), count);
                }
            }
        foreach (var (resource, count) in counts)
            if (resources[resource].Count != count)
                throw new FormatRejectedException($"incomplete export: /{resource} has {resources[resource].Count} distinct results where the list says {count}");
        foreach (var required in new[] { "zaken", "rollen", "zaakobjecten", "statussen" })
            if (!resources.ContainsKey(required)) resources[required] = new(StringComparer.Ordinal); // an empty list may be left out

        var mapping = Mapping.Read(mappingFile, source, resources.GetValueOrDefault("zaaktypen"));
        var conversion = new Conversion(FormatIds.Zgw, ColumnsFor(source));
        conversion.Rows = Rows(source, resources, mapping, peildatum, conversion);
        return conversion;
    }

    /// <summary>The path segment before the id: <c>…/zaken/api/v1/rollen/{uuid}</c> → <c>rollen</c>.</summary>
    static string? ResourceOf(string url)
    {
        var path = Uri.TryCreate(url, UriKind.Absolute, out var u) ? u.AbsolutePath : url;
        var parts = path.Trim('/').Split('/');
        return parts.Length >= 2 ? parts[^2] : null;
    }

    static IEnumerable<SourceRow> Rows(string source, Dictionary<string, Dictionary<string, Item>> r, Mapping mapping, DateOnly peildatum, Conversion counts)
    {
        var rollenByZaak = r["rollen"].Values.ToLookup(x => Str(x.Value, "zaak") ?? "");
        var objectenByZaak = r["zaakobjecten"].Values.ToLookup(x => Str(x.Value, "zaak") ?? "");
        var statussenByZaak = r["statussen"].Values.ToLookup(x => Str(x.Value, "zaak") ?? "");
        var peil = Conversion.Date(peildatum);
        // Twice the same identificatie: the latest laatstGemuteerd wins.
        var zaken = r["zaken"].Values.GroupBy(z => Str(z.Value, "identificatie") ?? "")
            .Select(g => g.OrderByDescending(z => Str(z.Value, "laatstGemuteerd") ?? "", StringComparer.Ordinal).First())
            .OrderBy(z => z.Locator, StringComparer.Ordinal);
        var width = ColumnsFor(source).Length;
        foreach (var zaak in zaken)
        {
            var z = zaak.Value;
            var url = Str(z, "url")!;
            var zaaktype = Str(z, "zaaktype") ?? "";
            if (!mapping.Zaaktypen.TryGetValue(zaaktype, out var type)) { counts.Skip($"zaaktype {Short(zaaktype)} not in {MappingFile}"); continue; }
            if (type.Source != source) { counts.Skip($"zaaktype {Short(zaaktype)} belongs to {type.Source}"); continue; }
            var values = new string?[width];
            values[0] = Str(z, "identificatie");
            values[1] = type.Value;
            values[3] = Str(z, "startdatum");
            values[4] = Str(z, "einddatum");

            // Status: the /statussen item the zaak names, else its latest; mapped through statustypen.
            var statussen = statussenByZaak[url].ToList();
            var status = Str(z, "status") is { } s && r["statussen"].TryGetValue(s, out var named) ? named
                : statussen.OrderByDescending(x => Str(x.Value, "datumStatusGezet") ?? "", StringComparer.Ordinal).FirstOrDefault();
            string? problem = null;
            if (status is null) problem = "the zaak has no status";
            else if (!mapping.Statustypen.TryGetValue(Str(status.Value, "statustype") ?? "", out var mapped)) problem = "the zaak's statustype is not in zgw-mapping.json";
            else values[2] = mapped;

            // Subject: the first rol by priority, then the earliest registratiedatum; ended rollen do not count.
            var priority = mapping.Rollen;
            var rol = rollenByZaak[url]
                .Where(x => priority.Contains(Str(x.Value, "omschrijvingGeneriek") ?? ""))
                .Where(x => Str(x.Value, "eindeGeldigheid") is not { } end || string.CompareOrdinal(end[..Math.Min(10, end.Length)], peil) > 0)
                .OrderBy(x => priority.IndexOf(Str(x.Value, "omschrijvingGeneriek")!)).ThenBy(x => Str(x.Value, "registratiedatum") ?? "", StringComparer.Ordinal)
                .FirstOrDefault();
            if (rol?.Value is { } rv && rv.TryGetProperty("betrokkeneIdentificatie", out var id) && id.ValueKind == JsonValueKind.Object)
            {
                switch (Str(rv, "betrokkeneType"))
                {
                    case "natuurlijk_persoon": values[5] = Str(id, "inpBsn"); break;
                    case "niet_natuurlijk_persoon":
                        if (Str(id, "kvkNummer") is { } kvk) values[6] = kvk; else values[7] = Str(id, "innNnpId");
                        break;
                    case "vestiging": values[6] = Str(id, "kvkNummer"); break;
                }
            }

            // Location: a BAG id in a zaakobject's object URL first, else an adres zaakobject; ties: the lowest.
            var objecten = objectenByZaak[url].Select(x => x.Value).ToList();
            var bagIds = objecten.Select(o => Str(o, "object") is { } u && BagIdAtEnd().Match(u) is { Success: true } m ? m.Value : null)
                .OfType<string>().Where(i => i.Substring(4, 2) is "01" or "02" or "03").Order(StringComparer.Ordinal).ToList();
            if (bagIds.Count > 0) values[8] = bagIds[0];
            else
            {
                var adres = objecten.Where(o => Str(o, "objectType") == "adres" && o.TryGetProperty("objectIdentificatie", out var oi) && oi.ValueKind == JsonValueKind.Object)
                    .Select(o => o.GetProperty("objectIdentificatie"))
                    .Select(a => (Postcode: Str(a, "postcode"), Huisnummer: Str(a, "huisnummer"), Huisletter: Str(a, "huisletter"), Toevoeging: Str(a, "huisnummertoevoeging")))
                    .Where(a => a.Postcode is not null && a.Huisnummer is not null)
                    .OrderBy(a => $"{a.Postcode}|{a.Huisnummer}|{a.Huisletter}|{a.Toevoeging}", StringComparer.Ordinal).FirstOrDefault();
                if (adres.Postcode is not null) (values[9], values[10], values[11], values[12]) = adres;
            }
            yield return new SourceRow(values, zaak.Locator, problem);
        }
    }

    [GeneratedRegex(@"\d{16}$")]
    private static partial Regex BagIdAtEnd();

    static string Short(string zaaktype) => zaaktype.Length > 60 ? "…" + zaaktype[^40..] : zaaktype;

    internal static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString() is { Length: > 0 } s ? s.Trim() : null,
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        } : null;

    /// <summary><c>zgw-mapping.json</c>: zaaktypen (url or identificatie) → source and v1 value, statustypen → v1 status,
    /// rollen by priority. Values must be v1 values, else the snapshot is rejected.</summary>
    sealed record Mapping(Dictionary<string, (string Source, string Value)> Zaaktypen, Dictionary<string, string> Statustypen, List<string> Rollen)
    {
        public static Mapping Read(DeliveryFile file, string source, Dictionary<string, Item>? zaaktypen)
        {
            JsonDocument doc;
            using (var s = file.Open())
                try { doc = JsonDocument.Parse(s); }
                catch (JsonException) { throw new FormatRejectedException($"{file.Name} is not valid JSON", file.Name); }
            using var _ = doc;
            var root = doc.RootElement;
            var types = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
            if (!root.TryGetProperty("zaaktypen", out var zt) || zt.ValueKind != JsonValueKind.Object) throw new FormatRejectedException($"{file.Name} has no zaaktypen", file.Name);
            foreach (var entry in zt.EnumerateObject())
            {
                var bron = Str(entry.Value, "bron");
                var (column, schema) = bron switch
                {
                    "permits" => ("zaaktype", SourceSchemas.Permits),
                    "enforcement" => ("handhavingstype", SourceSchemas.Enforcement),
                    _ => throw new FormatRejectedException($"{file.Name}: zaaktype {entry.Name} has bron {bron ?? "(none)"}, not permits or enforcement", file.Name),
                };
                var value = Str(entry.Value, column);
                if (value is null || schema.Find(column)!.Values?.Contains(value) != true)
                    throw new FormatRejectedException($"{file.Name}: zaaktype {entry.Name} maps to {column} '{value}', which is not a v1 value", file.Name);
                var urls = entry.Name.StartsWith("http", StringComparison.OrdinalIgnoreCase) ? [entry.Name]
                    // A non-URL key is a zaaktype identificatie: all its versions in /zaaktypen.
                    : (zaaktypen?.Values.AsEnumerable() ?? []).Where(t => Str(t.Value, "identificatie") == entry.Name).Select(t => Str(t.Value, "url")!).ToList();
                foreach (var url in urls) types[url] = (bron, value);
            }
            var statuses = new Dictionary<string, string>(StringComparer.Ordinal);
            var allowed = (source == "permits" ? SourceSchemas.Permits : SourceSchemas.Enforcement).Find("status")!.Values!;
            if (root.TryGetProperty("statustypen", out var st) && st.ValueKind == JsonValueKind.Object)
                foreach (var entry in st.EnumerateObject())
                {
                    var status = Str(entry.Value, "status");
                    // A statustype of the other source's zaaktypen may carry the other source's values: checked where used.
                    if (status is null) throw new FormatRejectedException($"{file.Name}: statustype {entry.Name} has no status", file.Name);
                    if (allowed.Contains(status)) statuses[entry.Name] = status;
                    else if (!(source == "permits" ? SourceSchemas.Enforcement : SourceSchemas.Permits).Find("status")!.Values!.Contains(status))
                        throw new FormatRejectedException($"{file.Name}: statustype {entry.Name} maps to status '{status}', which is not a v1 value", file.Name);
                }
            var rollen = source == "permits" ? new List<string> { "initiator" } : ["belanghebbende"];
            if (root.TryGetProperty("rollen", out var rl) && rl.ValueKind == JsonValueKind.Object && rl.TryGetProperty(source, out var list) && list.ValueKind == JsonValueKind.Array)
                rollen = list.EnumerateArray().Select(x => x.GetString() ?? "").Where(x => x.Length > 0).ToList();
            return new Mapping(types, statuses, rollen);
        }
    }
}
