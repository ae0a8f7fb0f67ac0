using System.Text;
using CsvHelper;
using SignalPipeline.Analysis.Snapshots;

namespace SignalPipeline.Analysis.Formats;

/// <summary>GBA-V CSV (docs/contracts/sources.md, "brp (a)"): rubric columns <c>CC.GG.EE</c>. A persoonslijst is a row
/// with a non-empty first column plus the continuation rows after it; only its first row is read. Nationality (category
/// 04), country of birth (01.03.30) and sex (01.04.10) are never read.</summary>
public static class GbaVReader
{
    /// <summary>v1 column ← rubric.</summary>
    static readonly (string Column, string Rubric)[] Map =
    [
        ("bsn", "01.01.20"), ("voornamen", "01.02.10"), ("voorvoegsel", "01.02.30"), ("geslachtsnaam", "01.02.40"), ("geboortedatum", "01.03.10"),
        ("gemeentecode", "08.09.10"), ("functie_adres", "08.10.10"), ("datum_aanvang_adreshouding", "08.10.30"),
        ("huisnummer", "08.11.20"), ("huisletter", "08.11.30"), ("huisnummertoevoeging", "08.11.40"), ("postcode", "08.11.60"),
        ("verblijfsobject_id", "08.11.80"), ("nummeraanduiding_id", "08.11.90"),
    ];

    public static readonly string[] Columns = [.. Map.Select(m => m.Column), "in_onderzoek"];
    const string Opschorting = "07.67.20", InOnderzoek = "08.83.10";
    static readonly HashSet<string> Dates = ["01.03.10", "08.10.30"];

    static readonly Dictionary<string, string> Categories = new(StringComparer.Ordinal)
    {
        ["01"] = "persoon", ["02"] = "ouder 1", ["03"] = "ouder 2", ["04"] = "nationaliteit", ["05"] = "huwelijk/partnerschap", ["06"] = "overlijden",
        ["07"] = "inschrijving", ["08"] = "verblijfplaats", ["09"] = "kind", ["10"] = "verblijfstitel", ["11"] = "gezag", ["12"] = "reisdocument",
        ["13"] = "kiesrecht", ["14"] = "afnemersindicatie", ["21"] = "verwijzing",
    };

    /// <summary>True when the first line is a GBA-V header: rubric names, among them the BSN's 01.01.20.</summary>
    public static bool IsHeader(string firstLine) =>
        firstLine.TrimStart('\uFEFF').Split(';').Select(h => h.Trim().Trim('"')).Contains("01.01.20");

    public static Conversion Read(DeliveryFile file)
    {
        var conversion = new Conversion(FormatIds.GbaV, Columns);
        var text = new StreamReader(file.Open(), new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, 1 << 16);
        var csv = CsvReader.Create(text, new CsvReaderOptions { Separator = ';', HasHeader = true, TrackLineNumbers = true, IncludeValuesInExceptions = false, AllowLineBreaksInQuotes = true }, false);
        try { csv.ReadHeader(); }
        catch (Exception e) when (e is not OperationCanceledException)
        { csv.Dispose(); text.Dispose(); throw new FormatRejectedException($"{file.Name}: the header cannot be parsed", file.Name); }
        var headers = csv.Headers.Select(h => h.Trim().TrimStart('\uFEFF')).ToArray();
        // Exact names; a name twice: the first wins; empty names and the CC.H columns are ignored.
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < headers.Length; i++)
            if (headers[i].Length > 0 && !headers[i].EndsWith(".H", StringComparison.Ordinal)) index.TryAdd(headers[i], i);
        if (!index.ContainsKey("01.01.20")) throw new FormatRejectedException($"{file.Name}: the header lacks rubric 01.01.20 (BSN)", file.Name);
        Describe(conversion, index.Keys);
        conversion.Rows = Rows(file.Name, csv, text, index, conversion);
        return conversion;
    }

    /// <summary>What is never read or not read, named per category, for the manifest.</summary>
    static void Describe(Conversion conversion, IEnumerable<string> rubrics)
    {
        var used = Map.Select(m => m.Rubric).Append(Opschorting).Append(InOnderzoek).ToHashSet();
        foreach (var group in rubrics.Where(r => !used.Contains(r)).GroupBy(r => r[..2]).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var name = $"categorie {group.Key} ({Categories.GetValueOrDefault(group.Key, "overig")})";
            if (group.Key == "04") conversion.Discarded.Add(new(name, "never permitted (protected person attribute)"));
            else
            {
                foreach (var banned in group.Where(r => r is "01.03.30" or "01.04.10"))
                    conversion.Discarded.Add(new($"{banned} ({(banned == "01.03.30" ? "geboorteland" : "geslacht")})", "never permitted (protected person attribute)"));
                var rest = group.Where(r => r is not ("01.03.30" or "01.04.10")).ToList();
                if (rest.Count > 0) conversion.Discarded.Add(new($"{name}: {rest.Count} rubrieken", "not part of the extract contract"));
            }
        }
    }

    static IEnumerable<SourceRow> Rows(string fileName, CsvReader csv, StreamReader text, Dictionary<string, int> index, Conversion counts)
    {
        using var _ = text;
        using var __ = csv;
        var rubric = Map.Select(m => index.TryGetValue(m.Rubric, out var i) ? i : -1).ToArray();
        int Col(string r) => index.TryGetValue(r, out var i) ? i : -1;
        int opschorting = Col(Opschorting), onderzoek = Col(InOnderzoek), vbo = Col("08.11.80"), huisnummer = Col("08.11.20");
        var persoonslijst = 0;
        while (true)
        {
            bool more;
            try { more = csv.Read(); }
            catch (Exception e) when (e is not OperationCanceledException)
            { throw new FormatRejectedException($"{fileName}: the file cannot be parsed from line {csv.LineNumber} on", $"{fileName} line {csv.LineNumber}"); }
            if (!more) yield break;
            // A continuation row (history, more nationalities, children …) belongs to the persoonslijst above: never read.
            if (string.IsNullOrWhiteSpace(csv.GetString(0))) continue;
            persoonslijst++;
            var locator = $"{fileName} line {csv.LineNumber} (persoonslijst {persoonslijst})";
            string? Get(int i) => i >= 0 && i < csv.FieldCount && csv.GetString(i) is { } v && v.Trim().Length > 0 ? v.Trim() : null;
            if (Get(opschorting) is not null) { counts.Skip("opschorting bijhouding (07.67.20)"); continue; }
            if (Get(vbo) is null && Get(huisnummer) is null) { counts.Skip("no address (08.11.80 and 08.11.20 empty)"); continue; }
            var values = new string?[Columns.Length];
            for (var c = 0; c < Map.Length; c++)
            {
                var v = Get(rubric[c]);
                values[c] = Dates.Contains(Map[c].Rubric) && v == "00000000" ? null : v;
            }
            values[^1] = Get(onderzoek) is null ? "false" : "true";
            yield return new SourceRow(values, locator);
        }
    }
}
