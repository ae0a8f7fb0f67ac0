using System.Text.Json;

namespace SignalPipeline.Analysis.Formats;

/// <summary>Haal Centraal BRP Personen v2 JSON (docs/contracts/sources.md, "brp (b)"): a file is one response body, an
/// array of them, or JSON Lines; any <c>type</c>. Sex, nationalities and country of birth are never read.</summary>
public static class BrpPersonenReader
{
    public static readonly string[] Columns =
    [
        "bsn", "voornamen", "voorvoegsel", "geslachtsnaam", "geboortedatum", "gemeentecode", "functie_adres", "datum_aanvang_adreshouding",
        "verblijfsobject_id", "nummeraanduiding_id", "postcode", "huisnummer", "huisletter", "huisnummertoevoeging", "in_onderzoek",
    ];

    public static Conversion Read(IReadOnlyList<DeliveryFile> files)
    {
        var conversion = new Conversion(FormatIds.BrpPersonen, Columns);
        conversion.Discarded.Add(new("geslacht, nationaliteiten, geboorte.land", "never permitted (protected person attribute)"));
        conversion.Rows = Rows(files, conversion);
        return conversion;
    }

    /// <summary>The response bodies of a file, each with its position (<c>body i</c>).</summary>
    public static IEnumerable<(JsonElement Body, int Index)> Bodies(DeliveryFile file)
    {
        using var stream = file.Open();
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd().TrimStart('\uFEFF');
        var trimmed = text.TrimStart();
        List<JsonDocument> docs = [];
        try
        {
            if (trimmed.StartsWith('['))
            {
                var all = JsonDocument.Parse(text);
                docs.Add(all);
                var i = 0;
                foreach (var body in all.RootElement.EnumerateArray()) yield return (body, i++);
                yield break;
            }
            var single = TryParse(text);
            if (single is not null) { docs.Add(single); yield return (single.RootElement, 0); yield break; }
            // JSON Lines: one body per non-empty line.
            var n = 0;
            foreach (var line in text.Split('\n'))
            {
                if (line.Trim().Length == 0) continue;
                var doc = TryParse(line) ?? throw new FormatRejectedException($"{file.Name}: body {n} is not valid JSON", $"{file.Name} body {n}");
                docs.Add(doc);
                yield return (doc.RootElement, n++);
            }
        }
        finally { foreach (var d in docs) d.Dispose(); }
    }

    static JsonDocument? TryParse(string text)
    {
        try { return JsonDocument.Parse(text); }
        catch (JsonException) { return null; }
    }

    static IEnumerable<SourceRow> Rows(IReadOnlyList<DeliveryFile> files, Conversion counts)
    {
        foreach (var file in files)
            foreach (var (body, b) in Bodies(file))
            {
                if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("personen", out var personen) || personen.ValueKind != JsonValueKind.Array)
                    throw new FormatRejectedException($"{file.Name}: body {b} has no personen array", $"{file.Name} body {b}");
                var p = 0;
                foreach (var persoon in personen.EnumerateArray())
                {
                    var locator = $"{file.Name} body {b} personen[{p++}]";
                    if (Has(persoon, "opschortingBijhouding")) { counts.Skip("opschorting bijhouding"); continue; }
                    if (Has(persoon, "overlijden")) { counts.Skip("overleden"); continue; }
                    if (!persoon.TryGetProperty("verblijfplaats", out var vp) || vp.ValueKind != JsonValueKind.Object) { counts.Skip("no verblijfplaats"); continue; }
                    var type = Text(vp, "type");
                    if (type != "Adres") { counts.Skip($"verblijfplaats type {type ?? "absent"}"); continue; }
                    var adres = vp.TryGetProperty("verblijfadres", out var a) && a.ValueKind == JsonValueKind.Object ? a : default;
                    var onderzoek = Has(vp, "inOnderzoek") || (adres.ValueKind == JsonValueKind.Object && Has(adres, "inOnderzoek"))
                        || (vp.TryGetProperty("indicatieVastgesteldVerblijftNietOpAdres", out var niet) && niet.ValueKind == JsonValueKind.True);
                    yield return new SourceRow(
                    [
                        Text(persoon, "burgerservicenummer"), Text(persoon, "naam", "voornamen"), Text(persoon, "naam", "voorvoegsel"), Text(persoon, "naam", "geslachtsnaam"),
                        Date(persoon, "geboorte", "datum"), Text(persoon, "gemeenteVanInschrijving", "code"), Text(vp, "functieAdres", "code"), Date(vp, "datumVan"),
                        Text(vp, "adresseerbaarObjectIdentificatie"), Text(vp, "nummeraanduidingIdentificatie"),
                        Text(adres, "postcode"), Text(adres, "huisnummer"), Text(adres, "huisletter"), Text(adres, "huisnummertoevoeging"),
                        onderzoek ? "true" : "false",
                    ], locator);
                }
            }
    }

    static bool Has(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);

    static JsonElement? At(JsonElement e, params string[] path)
    {
        foreach (var name in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var next)) return null;
            e = next;
        }
        return e;
    }

    static string? Text(JsonElement e, params string[] path) => At(e, path) is { } v ? v.ValueKind switch
    {
        JsonValueKind.String => v.GetString() is { Length: > 0 } s ? s : null,
        JsonValueKind.Number => v.GetRawText(),
        _ => null,
    } : null;

    /// <summary><c>Datum</c> → its date; <c>JaarMaandDatum</c> → yyyy-MM-00; <c>JaarDatum</c> → yyyy-00-00; <c>DatumOnbekend</c> → empty.</summary>
    static string? Date(JsonElement e, params string[] path)
    {
        if (At(e, path) is not { ValueKind: JsonValueKind.Object } d) return null;
        int? Int(string name) => d.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
        return Text(d, "type") switch
        {
            "Datum" => Text(d, "datum"),
            "JaarMaandDatum" when Int("jaar") is { } y && Int("maand") is { } m => $"{y:D4}-{m:D2}-00",
            "JaarDatum" when Int("jaar") is { } y => $"{y:D4}-00-00",
            _ => null,
        };
    }
}
