using System.Globalization;
using System.Xml;
using SignalPipeline.Analysis.Extracts;

namespace SignalPipeline.Analysis.Formats;

/// <summary>LV BAG 2.0 extract (docs/contracts/sources.md, "bag"): Kadaster's zip-in-zip or the loose parts, read with
/// <see cref="XmlReader"/> part by part, never a whole part in memory. Per object only its current voorkomen at the
/// peildatum is kept; VBO, LIG and STA become rows, joined to their hoofdadres (NUM), woonplaats (WPL, via the NUM or
/// its OPR) and lowest existing pand (PND).</summary>
public static class LvBagReader
{
    public const string ExtractNamespace = "http://www.kadaster.nl/schemas/lvbag/extract-deelbestand-lvc/v20200601";
    const string SelectiesNamespace = "http://www.kadaster.nl/schemas/lvbag/extract-selecties/v20200601";

    public static readonly string[] Columns =
    [
        "verblijfsobject_id", "nummeraanduiding_id", "postcode", "huisnummer", "huisletter", "huisnummertoevoeging", "woonplaats",
        "gebruiksdoelen", "oppervlakte", "status", "pand_id", "pand_status", "bouwjaar", "straatnaam",
    ];

    static readonly string[] Required = ["VBO", "NUM", "OPR", "WPL", "PND"];

    /// <summary>One voorkomen of one object, with the fields the rows need.</summary>
    sealed class Version
    {
        public string Type = "", Id = "", Part = "";
        public int Position;
        public string Locator => $"{Part} object {Position}";
        public long VoorkomenId;
        public string? Begin, End, Status, Postcode, Huisnummer, Huisletter, Toevoeging, Naam, Hoofdadres, LigtIn, LigtAan, Oppervlakte, Bouwjaar;
        public bool Inactive;
        public List<string> Gebruiksdoelen = [], Panden = [];
    }

    static readonly Dictionary<string, string> TypeOf = new(StringComparer.Ordinal)
    {
        ["Verblijfsobject"] = "VBO", ["Ligplaats"] = "LIG", ["Standplaats"] = "STA", ["Nummeraanduiding"] = "NUM",
        ["OpenbareRuimte"] = "OPR", ["Woonplaats"] = "WPL", ["Pand"] = "PND",
    };

    /// <param name="pseudonym">The object id's pseudonym, for locators (an address or plain id never goes there).</param>
    public static Conversion Read(IReadOnlyList<DeliveryFile> files, DateOnly folderDate, Func<string, string> pseudonym)
    {
        var current = TypeOf.Values.ToDictionary(t => t, _ => new Dictionary<string, Version>(StringComparer.Ordinal));
        var typesSeen = new HashSet<string>();
        DateOnly? peildatum = null;
        string? peildatumFrom = null;
        // Only the current voorkomen per object is kept, selected as the parts stream by (every part states its
        // StandTechnischeDatum before its objects): no history is held, whatever the order of the voorkomens.
        void Keep(Version v, DateOnly stand)
        {
            var peil = Conversion.Date(stand);
            if (v.Inactive || v.Begin is null || string.CompareOrdinal(v.Begin[..Math.Min(10, v.Begin.Length)], peil) > 0) return;
            if (v.End is { } end && string.CompareOrdinal(end[..Math.Min(10, end.Length)], peil) <= 0) return;
            var byId = current[v.Type];
            if (!byId.TryGetValue(v.Id, out var other) || v.VoorkomenId > other.VoorkomenId) byId[v.Id] = v;
        }

        foreach (var file in files)
        {
            if (!file.Name.EndsWith(".xml", StringComparison.OrdinalIgnoreCase))
                throw new FormatRejectedException($"{file.Name}: not an LV BAG XML part", file.Name);
            var part = ReadPart(file, folderDate, Keep);
            if (part.Peildatum is { } p)
            {
                if (peildatum is { } earlier && earlier != p)
                    throw new FormatRejectedException($"{file.Name}: StandTechnischeDatum {Conversion.Date(p)} differs from {Conversion.Date(earlier)} in {peildatumFrom}", file.Name);
                (peildatum, peildatumFrom) = (p, file.Name);
            }
            typesSeen.UnionWith(part.Types);
        }
        var stand = peildatum ?? folderDate;
        if (stand > folderDate) throw new FormatRejectedException($"the peildatum {Conversion.Date(stand)} is after the delivery date {Conversion.Date(folderDate)}");
        var missing = Required.Where(t => !typesSeen.Contains(t)).ToList();
        if (missing.Count > 0) throw new FormatRejectedException($"the extract lacks the required object type(s) {string.Join(", ", missing)}");


        return new Conversion(FormatIds.LvBag, Columns)
        {
            Peildatum = stand, Optional = new HashSet<string> { "postcode" }, Rows = Rows(current, pseudonym),
        };
    }

    static IEnumerable<SourceRow> Rows(Dictionary<string, Dictionary<string, Version>> current, Func<string, string> pseudonym)
    {
        foreach (var type in new[] { "VBO", "LIG", "STA" })
            foreach (var v in current[type].Values.OrderBy(v => v.Id, StringComparer.Ordinal))
            {
                var locator = $"{v.Locator} ({pseudonym(v.Id)})";
                var expected = type switch { "VBO" => "01", "LIG" => "02", _ => "03" };
                if (v.Id.Length != 16 || v.Id.Substring(4, 2) != expected)
                { yield return new SourceRow(new string?[Columns.Length], locator, $"identificatie has the wrong object type code for a {type}"); continue; }
                var num = v.Hoofdadres is { } h ? current["NUM"].GetValueOrDefault(h) : null;
                if (num is null) { yield return Problem(v, locator, "the hoofdadres (nummeraanduiding) is missing at the peildatum"); continue; }
                if (string.IsNullOrWhiteSpace(num.Huisnummer)) { yield return Problem(v, locator, "the hoofdadres has no huisnummer"); continue; }
                if (type == "VBO" && v.Gebruiksdoelen.Count == 0) { yield return Problem(v, locator, "the verblijfsobject has no gebruiksdoel"); continue; }
                if (type == "VBO" && !(long.TryParse(v.Oppervlakte, NumberStyles.None, CultureInfo.InvariantCulture, out var m2) && m2 is >= 1 and <= 999999))
                { yield return Problem(v, locator, "the oppervlakte is not between 1 and 999999"); continue; }
                var woonplaatsId = num.LigtIn ?? (num.LigtAan is { } opr ? current["OPR"].GetValueOrDefault(opr)?.LigtIn : null);
                var woonplaats = woonplaatsId is null ? null : current["WPL"].GetValueOrDefault(woonplaatsId)?.Naam;
                var straat = num.LigtAan is { } street ? current["OPR"].GetValueOrDefault(street)?.Naam : null;
                var pand = v.Panden.Where(p => current["PND"].ContainsKey(p)).Order(StringComparer.Ordinal).Select(p => current["PND"][p]).FirstOrDefault();
                yield return new SourceRow(
                [
                    v.Id, num.Id, num.Postcode, num.Huisnummer, num.Huisletter, num.Toevoeging, woonplaats,
                    type == "VBO" ? string.Join(',', v.Gebruiksdoelen) : null, type == "VBO" ? v.Oppervlakte : null, v.Status,
                    pand?.Id, pand?.Status, pand?.Bouwjaar is "9999" ? null : pand?.Bouwjaar, straat,
                ], locator);
            }
    }

    static SourceRow Problem(Version v, string locator, string problem) => new(new string?[Columns.Length], locator, problem);

    sealed record PartInfo(DateOnly? Peildatum, HashSet<string> Types);

    static PartInfo ReadPart(DeliveryFile file, DateOnly folderDate, Action<Version, DateOnly> keep)
    {
        DateOnly? peildatum = null;
        var types = new HashSet<string>();
        var position = 0;
        try
        {
            using var stream = file.Open();
            using var xml = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, IgnoreComments = true, IgnoreWhitespace = true, XmlResolver = null });
            var isBag = false;
            while (xml.Read())
            {
                if (xml.NodeType != XmlNodeType.Element) continue;
                if (!isBag)
                {
                    // The leveringsdocument and the gemeente–woonplaats relation are Kadaster XML without objects: not parts.
                    if (xml.LocalName != "bagStand" && xml.NamespaceURI.Contains("kadaster.nl/schemas/", StringComparison.Ordinal)) return new PartInfo(null, types);
                    if (xml.LocalName != "bagStand" || xml.NamespaceURI != ExtractNamespace)
                        throw new FormatRejectedException($"{file.Name}: not an LV BAG 2.0 extract part (root {xml.LocalName})", file.Name);
                    isBag = true;
                    continue;
                }
                if (xml.LocalName == "StandTechnischeDatum" && xml.NamespaceURI == SelectiesNamespace)
                {
                    var text = xml.ReadElementContentAsString().Trim();
                    if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                        throw new FormatRejectedException($"{file.Name}: StandTechnischeDatum is not a date", file.Name);
                    peildatum = d;
                }
                else if (xml.LocalName == "bagObject" && xml.NamespaceURI == ExtractNamespace)
                {
                    position++;
                    using var sub = xml.ReadSubtree();
                    if (ReadObject(sub, file.Name, position) is { } v) { types.Add(v.Type); keep(v, peildatum ?? folderDate); }
                }
            }
            if (!isBag) throw new FormatRejectedException($"{file.Name}: not an LV BAG 2.0 extract part (no root element)", file.Name);
        }
        catch (XmlException e)
        {
            throw new FormatRejectedException($"{file.Name}: the XML cannot be parsed at line {e.LineNumber} (after object {position}); the snapshot is rejected", file.Name);
        }
        catch (InvalidDataException)
        {
            throw new FormatRejectedException($"{file.Name}: the file cannot be unpacked", file.Name);
        }
        return new PartInfo(peildatum, types);
    }

    /// <summary>One <c>bagObject</c> (a few kilobytes; never a whole part), read forward only: its type from its first
    /// element, each text by (parent, name), geometry skipped.</summary>
    static Version? ReadObject(XmlReader xml, string part, int position)
    {
        Version? v = null;
        var stack = new List<string>(8);
        xml.Read(); // the bagObject element itself
        var advance = true;
        while (!advance || xml.Read())
        {
            advance = true;
            switch (xml.NodeType)
            {
                case XmlNodeType.Element:
                    var name = xml.LocalName;
                    if (v is null)
                    {
                        if (!TypeOf.TryGetValue(name, out var type)) return null;
                        v = new Version { Type = type, Part = part, Position = position };
                    }
                    else if (name is "geometrie") { xml.Skip(); advance = false; continue; }
                    else if (name is "tijdstipInactief" or "tijdstipInactiefLV" or "tijdstipNietBagLV") v.Inactive = true;
                    if (!xml.IsEmptyElement) stack.Add(name);
                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA when v is not null && stack.Count >= 2:
                    Assign(v, stack[^2], stack[^1], xml.Value.Trim());
                    break;
                case XmlNodeType.EndElement when stack.Count > 0:
                    stack.RemoveAt(stack.Count - 1);
                    break;
            }
        }
        return v;
    }

    static void Assign(Version v, string parent, string name, string text)
    {
        switch (name)
        {
            case "identificatie" when TypeOf.ContainsKey(parent): v.Id = text; break;
            case "status" when TypeOf.ContainsKey(parent): v.Status = text; break;
            case "postcode": v.Postcode = text; break;
            case "huisnummer": v.Huisnummer = text; break;
            case "huisletter": v.Huisletter = text; break;
            case "huisnummertoevoeging": v.Toevoeging = text; break;
            case "naam" when TypeOf.ContainsKey(parent): v.Naam = text; break;
            case "gebruiksdoel": v.Gebruiksdoelen.Add(text); break;
            case "oppervlakte": v.Oppervlakte = text; break;
            case "oorspronkelijkBouwjaar": v.Bouwjaar = text; break;
            case "voorkomenidentificatie": v.VoorkomenId = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0; break;
            case "beginGeldigheid": v.Begin = text; break;
            case "eindGeldigheid": v.End = text; break;
            case "NummeraanduidingRef" when parent == "heeftAlsHoofdadres": v.Hoofdadres = text; break;
            case "WoonplaatsRef" when parent == "ligtIn": v.LigtIn = text; break;
            case "OpenbareRuimteRef" when parent == "ligtAan": v.LigtAan = text; break;
            case "PandRef" when parent == "maaktDeelUitVan": v.Panden.Add(text); break;
        }
    }
}
