using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml;
using CsvHelper;

namespace SignalPipeline.Functions.Cli;

/// <summary>The same extracts in the municipality's real formats (docs/contracts/sources.md): BAG as LV BAG 2.0 parts,
/// BRP as a GBA-V selection, permits and enforcement as ZGW Zaken 1.5 exports with their zgw-mapping.json. Written from
/// v1 CSV files, row for row, so the same planted situations must give the same signals (<c>demo --real-formats</c>
/// and the equivalence test). Each object also gets an older, ended voorkomen, and each enforcement zaak a melder
/// (initiator) who must never become the betrokkene.</summary>
public static class RealFormatSamples
{
    const string Objecten = "www.kadaster.nl/schemas/lvbag/imbag/objecten/v20200601";
    const string ObjectenRef = "www.kadaster.nl/schemas/lvbag/imbag/objecten-ref/v20200601";
    const string Historie = "www.kadaster.nl/schemas/lvbag/imbag/historie/v20200601";
    const string Selecties = "http://www.kadaster.nl/schemas/lvbag/extract-selecties/v20200601";
    const string Sl = "http://www.kadaster.nl/schemas/standlevering-generiek/1.0";

    /// <summary>Converts every v1 CSV under <paramref name="csvRoot"/> ({source}/{date}/*.csv) into <paramref name="root"/>.</summary>
    /// <param name="brpFormat"><c>gba-v-csv</c> (one selection file) or <c>brp-personen-v2</c> (Haal Centraal bodies of 100 persons).</param>
    public static IReadOnlyList<string> Write(string csvRoot, string root, string brpFormat = Analysis.Formats.FormatIds.GbaV)
    {
        var folders = new List<string>();
        foreach (var file in Directory.EnumerateFiles(csvRoot, "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var date = Path.GetFileName(Path.GetDirectoryName(file))!;
            var source = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(file)))!;
            var dir = Directory.CreateDirectory(Path.Combine(root, source, date)).FullName;
            var rows = Read(file);
            switch (source)
            {
                case "bag": WriteBag(dir, DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture), rows); break;
                case "brp" when brpFormat == Analysis.Formats.FormatIds.BrpPersonen: WriteHaalCentraal(dir, rows); break;
                case "brp": WriteGbaV(Path.Combine(dir, "gba-v-selectie.csv"), rows); break;
                default: WriteZgw(dir, source, rows); break;
            }
            folders.Add(dir);
        }
        return folders;
    }

    static List<Dictionary<string, string>> Read(string path)
    {
        var header = File.ReadLines(path).First();
        using var text = new StreamReader(path);
        using var csv = CsvReader.Create(text, new CsvReaderOptions { Separator = header.Contains(';') ? ';' : ',', HasHeader = true }, false);
        csv.ReadHeader();
        var names = csv.Headers.ToArray();
        var rows = new List<Dictionary<string, string>>();
        while (csv.Read()) rows.Add(names.Select((n, i) => (n, v: csv.GetString(i) ?? "")).ToDictionary(p => p.n, p => p.v));
        return rows;
    }

    // ---- LV BAG 2.0: one part per object type, with an ended voorkomen before the current one.

    static void WriteBag(string dir, DateOnly stand, List<Dictionary<string, string>> rows)
    {
        var gemeente = rows.Select(r => r["verblijfsobject_id"][..4]).FirstOrDefault() ?? "0000";
        var d = stand.ToString("ddMMyyyy", CultureInfo.InvariantCulture);
        var woonplaatsen = rows.Select(r => r["woonplaats"]).Where(w => w.Length > 0).Distinct().Order(StringComparer.Ordinal)
            .Select((w, i) => (Name: w, Id: (3000 + i).ToString(CultureInfo.InvariantCulture))).ToDictionary(w => w.Name, w => w.Id);
        Part(dir, $"{gemeente}WPL{d}-000001.xml", stand, "WPL", w => { foreach (var (name, id) in woonplaatsen) Object(w, "Woonplaats", id, [("naam", name), ("status", "Woonplaats aangewezen")], []); });
        Part(dir, $"{gemeente}OPR{d}-000001.xml", stand, "OPR", w => Object(w, "OpenbareRuimte", $"{gemeente}30{1:D10}", [("naam", "Dorpsstraat"), ("type", "Weg"), ("status", "Naamgeving uitgegeven")],
            [("ligtIn", "WoonplaatsRef", woonplaatsen.Values.FirstOrDefault() ?? "3000")]));
        Part(dir, $"{gemeente}NUM{d}-000001.xml", stand, "NUM", w =>
        {
            foreach (var r in rows)
                Object(w, "Nummeraanduiding", r["nummeraanduiding_id"],
                    [("huisnummer", r["huisnummer"]), ("huisletter", r["huisletter"]), ("huisnummertoevoeging", r["huisnummertoevoeging"]), ("postcode", r["postcode"]),
                     ("typeAdresseerbaarObject", "Verblijfsobject"), ("status", "Naamgeving uitgegeven")],
                    // Every nummeraanduiding lies on the openbare ruimte (its street); a woonplaats of its own when the sample names one.
                    woonplaatsen.TryGetValue(r["woonplaats"], out var wpl) ? [("ligtIn", "WoonplaatsRef", wpl), ("ligtAan", "OpenbareRuimteRef", $"{gemeente}30{1:D10}")]
                        : [("ligtAan", "OpenbareRuimteRef", $"{gemeente}30{1:D10}")]);
        });
        Part(dir, $"{gemeente}PND{d}-000001.xml", stand, "PND", w =>
        {
            foreach (var p in rows.Where(r => r["pand_id"].Length > 0).GroupBy(r => r["pand_id"]))
                Object(w, "Pand", p.Key, [("oorspronkelijkBouwjaar", p.First()["bouwjaar"] is { Length: > 0 } b ? b : "9999"), ("status", p.First()["pand_status"])], []);
        });
        Part(dir, $"{gemeente}VBO{d}-000001.xml", stand, "VBO", w =>
        {
            foreach (var r in rows)
                Object(w, "Verblijfsobject", r["verblijfsobject_id"],
                    [.. r["gebruiksdoelen"].Split(',', '|').Where(g => g.Length > 0).Select(g => ("gebruiksdoel", g.Trim())), ("oppervlakte", r["oppervlakte"]), ("status", r["status"])],
                    [("heeftAlsHoofdadres", "NummeraanduidingRef", r["nummeraanduiding_id"]), .. r["pand_id"].Length > 0 ? new[] { ("maaktDeelUitVan", "PandRef", r["pand_id"]) } : []],
                    ended: ("status", "Verblijfsobject gevormd"));
        });
    }

    static void Part(string dir, string name, DateOnly stand, string type, Action<XmlWriter> objects)
    {
        using var w = XmlWriter.Create(Path.Combine(dir, name), new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) });
        w.WriteStartElement("sl-bag-extract", "bagStand", Analysis.Formats.LvBagReader.ExtractNamespace);
        foreach (var (prefix, ns) in new[] { ("Objecten", Objecten), ("Objecten-ref", ObjectenRef), ("Historie", Historie), ("selecties-extract", Selecties), ("sl", Sl) })
            w.WriteAttributeString("xmlns", prefix, null, ns);
        w.WriteStartElement("sl-bag-extract", "bagInfo", Analysis.Formats.LvBagReader.ExtractNamespace);
        w.WriteStartElement("selecties-extract", "LVC-Extract", Selecties);
        w.WriteElementString("selecties-extract", "StandTechnischeDatum", Selecties, stand.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        w.WriteEndElement(); w.WriteEndElement();
        w.WriteStartElement("sl", "standBestand", Sl);
        w.WriteElementString("sl", "dataset", Sl, "LVBAG");
        w.WriteStartElement("sl", "inhoud", Sl);
        w.WriteStartElement("sl", "objectTypen", Sl); w.WriteElementString("sl", "objectType", Sl, type); w.WriteEndElement();
        w.WriteEndElement();
        w.WriteStartElement("sl", "stand", Sl);
        objects(w);
        w.WriteEndElement(); w.WriteEndElement(); w.WriteEndElement();
    }

    /// <summary>One object as its current voorkomen (2, from 2010) and, with <paramref name="ended"/>, an ended one (1).</summary>
    static void Object(XmlWriter w, string type, string id, (string Name, string Value)[] fields, (string Relation, string Ref, string Id)[] refs, (string Name, string Value)? ended = null)
    {
        if (ended is { } e) Voorkomen(w, type, id, [.. fields.Where(f => f.Name != e.Name), e], refs, 1, "1990-01-01", "2010-01-01");
        Voorkomen(w, type, id, fields, refs, ended is null ? 1 : 2, "2010-01-01", null);
    }

    static void Voorkomen(XmlWriter w, string type, string id, (string Name, string Value)[] fields, (string Relation, string Ref, string Id)[] refs, int voorkomen, string begin, string? end)
    {
        w.WriteStartElement("sl-bag-extract", "bagObject", Analysis.Formats.LvBagReader.ExtractNamespace);
        w.WriteStartElement("Objecten", type, Objecten);
        foreach (var (relation, refType, refId) in refs)
        {
            w.WriteStartElement("Objecten", relation, Objecten);
            w.WriteElementString("Objecten-ref", refType, ObjectenRef, refId);
            w.WriteEndElement();
        }
        w.WriteStartElement("Objecten", "voorkomen", Objecten);
        w.WriteStartElement("Historie", "Voorkomen", Historie);
        w.WriteElementString("Historie", "voorkomenidentificatie", Historie, voorkomen.ToString(CultureInfo.InvariantCulture));
        w.WriteElementString("Historie", "beginGeldigheid", Historie, begin);
        if (end is not null) w.WriteElementString("Historie", "eindGeldigheid", Historie, end);
        w.WriteEndElement(); w.WriteEndElement();
        w.WriteElementString("Objecten", "identificatie", Objecten, id);
        foreach (var (name, value) in fields.Where(f => f.Value.Length > 0)) w.WriteElementString("Objecten", name, Objecten, value);
        w.WriteEndElement(); w.WriteEndElement();
    }

    // ---- GBA-V: rubric columns, one persoonslijst per person, with nationality and sex columns the reader must not read.

    static readonly (string Rubric, string Column)[] Rubrics =
    [
        ("01.01.20", "bsn"), ("01.02.10", "voornamen"), ("01.02.30", "voorvoegsel"), ("01.02.40", "geslachtsnaam"), ("01.03.10", "geboortedatum"),
        ("01.04.10", ""), ("04.05.10", ""), ("07.67.20", ""), ("08.09.10", "gemeentecode"), ("08.10.10", "functie_adres"), ("08.10.30", "datum_aanvang_adreshouding"),
        ("08.11.20", "huisnummer"), ("08.11.30", "huisletter"), ("08.11.40", "huisnummertoevoeging"), ("08.11.60", "postcode"), ("08.11.80", "verblijfsobject_id"),
        ("08.11.90", "nummeraanduiding_id"), ("08.83.10", "in_onderzoek"),
    ];

    static void WriteGbaV(string path, List<Dictionary<string, string>> rows)
    {
        var sb = new StringBuilder("\uFEFF;").AppendJoin(';', Rubrics.Select(r => r.Rubric)).Append('\n');
        var n = 0;
        foreach (var r in rows)
        {
            var cells = Rubrics.Select(x => x.Rubric switch
            {
                "01.04.10" => "O",
                "04.05.10" => "0001",
                "08.83.10" => r.GetValueOrDefault("in_onderzoek") is "ja" or "true" or "1" or "j" ? "089999" : "",
                "01.03.10" or "08.10.30" => r.GetValueOrDefault(x.Column, "").Replace("-", ""),
                _ => x.Column.Length == 0 ? "" : r.GetValueOrDefault(x.Column, ""),
            });
            sb.Append($"Lg01_{++n};").AppendJoin(';', cells.Select(Quote)).Append('\n');
            // A continuation row (history of category 08): never read.
            sb.Append(';').AppendJoin(';', Rubrics.Select(x => x.Rubric == "08.11.20" ? "999" : "")).Append('\n');
        }
        File.WriteAllText(path, sb.ToString(), new UTF8Encoding(false));
    }

    // ---- Haal Centraal BRP Personen v2: response bodies of 100 persons each, with the attributes the reader must not read.

    static void WriteHaalCentraal(string dir, List<Dictionary<string, string>> rows)
    {
        JsonNode? Datum(string v) => v.Split('-') switch
        {
            [var y, "00", "00"] => new JsonObject { ["type"] = "JaarDatum", ["jaar"] = int.Parse(y, CultureInfo.InvariantCulture) },
            [var y, var m, "00"] => new JsonObject { ["type"] = "JaarMaandDatum", ["jaar"] = int.Parse(y, CultureInfo.InvariantCulture), ["maand"] = int.Parse(m, CultureInfo.InvariantCulture) },
            [_, _, _] => new JsonObject { ["type"] = "Datum", ["datum"] = v },
            _ => null,
        };
        JsonNode? Text(string v) => v.Length == 0 ? null : int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && !v.StartsWith('0') ? n : v;
        var page = 0;
        foreach (var chunk in rows.Chunk(100))
        {
            var personen = new JsonArray();
            foreach (var r in chunk)
            {
                var adres = new JsonObject { ["postcode"] = Text(r["postcode"]), ["huisnummer"] = Text(r["huisnummer"]), ["huisletter"] = Text(r["huisletter"]), ["huisnummertoevoeging"] = Text(r["huisnummertoevoeging"]) };
                var verblijfplaats = new JsonObject
                {
                    ["type"] = "Adres", ["functieAdres"] = new JsonObject { ["code"] = r["functie_adres"] }, ["datumVan"] = Datum(r["datum_aanvang_adreshouding"]),
                    ["adresseerbaarObjectIdentificatie"] = r["verblijfsobject_id"] is { Length: > 0 } vbo ? vbo : null, ["verblijfadres"] = adres,
                };
                if (r.GetValueOrDefault("in_onderzoek") is "ja" or "true" or "1" or "j") verblijfplaats["inOnderzoek"] = new JsonObject { ["aanduidingGegevensInOnderzoek"] = "080000" };
                personen.Add(new JsonObject
                {
                    ["burgerservicenummer"] = r["bsn"], ["geslacht"] = new JsonObject { ["code"] = "O" }, ["nationaliteiten"] = new JsonArray(new JsonObject { ["nationaliteit"] = new JsonObject { ["code"] = "0001" } }),
                    ["naam"] = new JsonObject { ["voornamen"] = r["voornamen"], ["voorvoegsel"] = Text(r["voorvoegsel"]), ["geslachtsnaam"] = r["geslachtsnaam"] },
                    ["geboorte"] = new JsonObject { ["datum"] = Datum(r["geboortedatum"]), ["land"] = new JsonObject { ["code"] = "6030" } },
                    ["gemeenteVanInschrijving"] = new JsonObject { ["code"] = r["gemeentecode"] }, ["verblijfplaats"] = verblijfplaats,
                });
            }
            File.WriteAllText(Path.Combine(dir, $"personen-{++page:D3}.json"), new JsonObject { ["type"] = "ZoekMetAdresseerbaarObjectIdentificatie", ["personen"] = personen }.ToJsonString());
        }
    }

    static string Quote(string v) => v.Contains(';') || v.Contains('"') ? $"\"{v.Replace("\"", "\"\"")}\"" : v;

    // ---- ZGW Zaken 1.5: paged list bodies and the mapping.

    const string Base = "https://zaken.gemeente.example/zaken/api/v1", Catalogi = "https://zaken.gemeente.example/catalogi/api/v1";

    static string Uuid(string seed) => new Guid(MD5.HashData(Encoding.UTF8.GetBytes(seed))).ToString();

    static void WriteZgw(string dir, string source, List<Dictionary<string, string>> rows)
    {
        var permits = source == "permits";
        string typeColumn = permits ? "zaaktype" : "handhavingstype", start = permits ? "datum_aanvraag" : "datum_start", end = permits ? "datum_besluit" : "datum_einde";
        string bsn = permits ? "aanvrager_bsn" : "betrokkene_bsn", kvk = permits ? "aanvrager_kvk" : "betrokkene_kvk";
        var zaken = new JsonArray(); var rollen = new JsonArray(); var statussen = new JsonArray(); var objecten = new JsonArray();
        var zaaktypen = new JsonObject(); var statustypen = new JsonObject();
        foreach (var r in rows)
        {
            var zaak = $"{Base}/zaken/{Uuid(r["zaak_id"])}";
            var zaaktype = $"{Catalogi}/zaaktypen/{Uuid(source + r[typeColumn])}";
            zaaktypen[zaaktype] = new JsonObject { ["bron"] = source, [typeColumn] = r[typeColumn] };
            var statustype = $"{Catalogi}/statustypen/{Uuid(source + r["status"])}";
            statustypen[statustype] = new JsonObject { ["status"] = r["status"] };
            var status = $"{Base}/statussen/{Uuid("s" + r["zaak_id"])}";
            zaken.Add(new JsonObject
            {
                ["url"] = zaak, ["identificatie"] = r["zaak_id"], ["zaaktype"] = zaaktype, ["registratiedatum"] = "2001-01-01",
                ["startdatum"] = r[start], ["einddatum"] = r[end] is { Length: > 0 } e ? e : null, ["status"] = status, ["laatstGemuteerd"] = "2026-01-01T00:00:00Z",
            });
            statussen.Add(new JsonObject { ["url"] = status, ["zaak"] = zaak, ["statustype"] = statustype, ["datumStatusGezet"] = "2026-01-01T00:00:00Z" });
            var generiek = permits ? "initiator" : "belanghebbende";
            if (r[bsn].Length > 0) rollen.Add(Rol(zaak, r["zaak_id"] + "b", generiek, "natuurlijk_persoon", new JsonObject { ["inpBsn"] = r[bsn] }));
            if (r[kvk].Length > 0) rollen.Add(Rol(zaak, r["zaak_id"] + "k", generiek, "niet_natuurlijk_persoon", new JsonObject { ["kvkNummer"] = r[kvk] }));
            if (!permits) rollen.Add(Rol(zaak, r["zaak_id"] + "m", "initiator", "natuurlijk_persoon", new JsonObject { ["inpBsn"] = "111222333" })); // the melder
            if (r["verblijfsobject_id"].Length > 0)
                objecten.Add(new JsonObject { ["url"] = $"{Base}/zaakobjecten/{Uuid("o" + r["zaak_id"])}", ["zaak"] = zaak, ["objectType"] = "adres",
                    ["object"] = $"https://api.bag.kadaster.nl/lvbag/individuelebevragingen/v2/verblijfsobjecten/{r["verblijfsobject_id"]}" });
            else if (r["postcode"].Length > 0)
                objecten.Add(new JsonObject { ["url"] = $"{Base}/zaakobjecten/{Uuid("o" + r["zaak_id"])}", ["zaak"] = zaak, ["objectType"] = "adres", ["object"] = "",
                    ["objectIdentificatie"] = new JsonObject { ["postcode"] = r["postcode"], ["huisnummer"] = int.Parse(r["huisnummer"], CultureInfo.InvariantCulture),
                        ["huisletter"] = r["huisletter"], ["huisnummertoevoeging"] = r["huisnummertoevoeging"] } });
        }
        foreach (var (name, list) in new[] { ("zaken", zaken), ("rollen", rollen), ("statussen", statussen), ("zaakobjecten", objecten) })
        {
            // Two pages, as the API returns them: the count is the list's total on each.
            var items = list.Select(x => x!.DeepClone()).ToList();
            var half = items.Count / 2;
            var pages = new JsonArray(
                new JsonObject { ["count"] = items.Count, ["next"] = "page 2", ["previous"] = null, ["results"] = new JsonArray([.. items.Take(half)]) },
                new JsonObject { ["count"] = items.Count, ["next"] = null, ["previous"] = "page 1", ["results"] = new JsonArray([.. items.Skip(half).Select(x => x!.DeepClone())]) });
            File.WriteAllText(Path.Combine(dir, $"{name}.json"), pages.ToJsonString());
        }
        File.WriteAllText(Path.Combine(dir, Analysis.Formats.ZgwReader.MappingFile), new JsonObject { ["versie"] = 1, ["zaaktypen"] = zaaktypen, ["statustypen"] = statustypen }.ToJsonString(new() { WriteIndented = true }));
    }

    static JsonObject Rol(string zaak, string seed, string generiek, string type, JsonObject identificatie) => new()
    {
        ["url"] = $"{Base}/rollen/{Uuid(seed)}", ["zaak"] = zaak, ["betrokkeneType"] = type, ["omschrijvingGeneriek"] = generiek,
        ["registratiedatum"] = "2026-01-01T00:00:00Z", ["betrokkeneIdentificatie"] = identificatie,
    };
}
