using System.Globalization;
using System.Text;

namespace SignalPipeline.Functions.Cli;

public sealed record SampleOptions
{
    public int Seed { get; init; } = 1771;
    public string Gemeente { get; init; } = "1771";
    /// <summary>Ordinary verblijfsobjecten besides the planted situations.</summary>
    public int Vbos { get; init; } = 300;
    /// <summary>Invalid BRP rows (failing the 11-proef) to show the quarantine report; keep under 5%.</summary>
    public int InvalidBrpRows { get; init; } = 2;
}

/// <summary>Writes sample extracts per docs/contracts/extracts.md, deterministic per seed and date, with planted situations:
/// OVB fires on VBOs 0–2 (7 residents on 38 m²) and 5 (4 on 44 m², residents linked only by a messy address);
/// VBO 3 is overcrowded but has an omzettingsvergunning (no signal); VBO 4 sits exactly on the norm (12 m², no
/// signal); one overcrowded VBO lies outside the territory (no signal). NWF fires on VBO 6 (kantoorfunctie), BIB on
/// the horeca application there (its applicant's company had a dwangsom), ONG on VBO 8 (ingetrokken) and on one
/// BRP row with an id BAG does not know, BRF on VBO 9, HHC on VBO 10 (three cases) and 11 (13b closure). The BRP file carries a nationaliteit column
/// that ingestion must discard, and a few rows that fail the 11-proef.</summary>
public static class SampleExtracts
{
    sealed record Vbo(int Index, string Id, string Postcode, int Huisnummer, string Letter, string Toevoeging, int Oppervlakte, string Doel, int Residents, string Status = "Verblijfsobject in gebruik");

    /// <summary>VBOs 0–11 carry planted situations; ordinary ones follow.</summary>
    public const int Planted = 12;

    public static IReadOnlyList<string> Write(string root, DateOnly date, SampleOptions o)
    {
        var rnd = new Random(o.Seed);
        var d = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var vbos = new List<Vbo>();
        var usedAddresses = new HashSet<string>();
        Vbo Make(int i, string gemeente, int opp, string doel, int residents, string letter = "", string toevoeging = "")
        {
            string pc; int hn;
            do { pc = $"{(gemeente == o.Gemeente ? 5660 : 5610) + rnd.Next(1, 8)}{Letters(rnd)}"; hn = rnd.Next(1, 200); }
            while (!usedAddresses.Add($"{pc}|{hn}|{letter}|{toevoeging}"));
            return new Vbo(i, $"{gemeente}01{1_000_000 + i:D10}", pc, hn, letter, toevoeging, opp, doel, residents);
        }
        for (var i = 0; i < 3; i++) vbos.Add(Make(i, o.Gemeente, 38, "woonfunctie", 7));
        vbos.Add(Make(3, o.Gemeente, 60, "woonfunctie", 6));
        vbos.Add(Make(4, o.Gemeente, 48, "woonfunctie", 4));
        vbos.Add(Make(5, o.Gemeente, 44, "woonfunctie", 4, "A", "2"));
        vbos.Add(Make(6, o.Gemeente, 220, "kantoorfunctie", 2));
        vbos.Add(Make(7, "0772", 30, "woonfunctie", 5));
        vbos.Add(Make(8, o.Gemeente, 70, "woonfunctie", 2) with { Status = "Verblijfsobject ingetrokken" }); // ONG
        vbos.Add(Make(9, o.Gemeente, 80, "woonfunctie", 1));   // BRF: 3 postal registrations below
        vbos.Add(Make(10, o.Gemeente, 90, "woonfunctie", 2));  // HHC: 3 serious cases below
        vbos.Add(Make(11, o.Gemeente, 120, "woonfunctie,bijeenkomstfunctie", 0)); // HHC: 13b closure below
        for (var i = Planted; i < Planted + o.Vbos; i++)
            vbos.Add(Make(i, o.Gemeente, rnd.Next(45, 160), rnd.Next(10) == 0 ? "woonfunctie,winkelfunctie" : "woonfunctie", rnd.Next(0, 4)));

        var files = new List<string>();
        files.Add(WriteCsv(root, "bag", d, ';',
            ["verblijfsobject_id", "nummeraanduiding_id", "postcode", "huisnummer", "huisletter", "huisnummertoevoeging", "woonplaats", "gebruiksdoelen", "oppervlakte", "status", "pand_id", "pand_status", "bouwjaar"],
            vbos.Select(v => new[]
            {
                v.Id, $"{v.Id[..4]}20{1_000_000 + v.Index:D10}", v.Postcode, v.Huisnummer.ToString(CultureInfo.InvariantCulture), v.Letter, v.Toevoeging,
                v.Id.StartsWith(o.Gemeente) ? "Geldrop" : "Eindhoven", v.Doel, v.Oppervlakte.ToString(CultureInfo.InvariantCulture),
                v.Status, $"{v.Id[..4]}10{1_000_000 + v.Index / 4:D10}", "Pand in gebruik", (1900 + rnd.Next(120)).ToString(CultureInfo.InvariantCulture),
            })));

        string[] surnames = ["Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bos"];
        string[] firstNames = ["Anna", "Daan", "Sanne", "Lucas", "Emma", "Noah", "Julia", "Sem", "Fleur", "Milan"];
        string[] nationalities = ["Nederlandse", "Poolse", "Roemeense", "Bulgaarse"];
        var usedBsn = new HashSet<string>();
        var brp = new List<string[]>();
        foreach (var v in vbos)
        {
            for (var r = 0; r < v.Residents; r++)
            {
                var bsn = Bsn(rnd, usedBsn);
                var name = surnames[rnd.Next(surnames.Length)];
                var (vp, vn) = name.StartsWith("de ") || name.StartsWith("van ") ? (name[..name.LastIndexOf(' ')], name[(name.LastIndexOf(' ') + 1)..]) : ("", name);
                // VBO 5's residents carry no VBO id and a messy address: "5661 ab", "12a-2".
                var messy = v.Index == 5;
                brp.Add([
                    bsn, vn, vp, firstNames[rnd.Next(firstNames.Length)], $"{1950 + rnd.Next(55)}-{rnd.Next(1, 13):D2}-{rnd.Next(1, 29):D2}",
                    messy ? "" : v.Id, messy ? $"{v.Postcode[..4]} {v.Postcode[4..].ToLowerInvariant()}" : v.Postcode,
                    messy ? $"{v.Huisnummer}{v.Letter.ToLowerInvariant()}-{v.Toevoeging}" : v.Huisnummer.ToString(CultureInfo.InvariantCulture),
                    messy ? "" : v.Letter, messy ? "" : v.Toevoeging, v.Id[..4], "W",
                    date.AddDays(-rnd.Next(30, 3000)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), rnd.Next(50) == 0 ? "ja" : "nee",
                    nationalities[rnd.Next(nationalities.Length)],
                ]);
            }
        }
        // Postal registrations (briefadres): three at VBO 9 (BRF fires), one each at two ordinary VBOs.
        foreach (var v in new[] { vbos[9], vbos[9], vbos[9], vbos[Planted], vbos[Planted + 1] })
            brp.Add([Bsn(rnd, usedBsn), "Smit", "", "Kees", "1970-00-00", v.Id, v.Postcode, v.Huisnummer.ToString(CultureInfo.InvariantCulture), "", "", v.Id[..4], "B", "", "nee", "Nederlandse"]);
        // A registration at a verblijfsobject_id that BAG does not know (ONG fires).
        brp.Add([Bsn(rnd, usedBsn), "Smit", "", "Piet", "1981-03-04", $"{o.Gemeente}01{9_000_000:D10}", "", "", "", "", o.Gemeente, "W", "", "nee", "Nederlandse"]);
        for (var i = 0; i < o.InvalidBrpRows; i++)
        {
            var bad = Bsn(rnd, usedBsn);
            bad = bad[..8] + (char)('0' + (bad[8] - '0' + 1) % 10);
            brp.Insert(10 + i * 7, [bad, "Fout", "", "Regel", "1980-01-01", vbos[Planted + 2].Id, vbos[Planted + 2].Postcode, vbos[Planted + 2].Huisnummer.ToString(CultureInfo.InvariantCulture), "", "", o.Gemeente, "W", "", "nee", "Nederlandse"]);
        }
        files.Add(WriteCsv(root, "brp", d, ';',
            ["bsn", "geslachtsnaam", "voorvoegsel", "voornamen", "geboortedatum", "verblijfsobject_id", "postcode", "huisnummer", "huisletter", "huisnummertoevoeging", "gemeentecode", "functie_adres", "datum_aanvang_adreshouding", "in_onderzoek", "nationaliteit"],
            brp));

        List<string[]> permits =
        [
            ["Z-OMZ-0003", "omzettingsvergunning", "verleend", date.AddDays(-400).ToString("yyyy-MM-dd"), date.AddDays(-300).ToString("yyyy-MM-dd"), "", "12345678", vbos[3].Id, "", "", "", ""],
            ["Z-HOR-0101", "exploitatievergunning_horeca", "aangevraagd", date.AddDays(-20).ToString("yyyy-MM-dd"), "", "", "87654321", vbos[6].Id, "", "", "", ""],
        ];
        foreach (var v in vbos.Skip(Planted).Take(20))
            permits.Add([$"Z-OMG-{v.Index:D4}", "omgevingsvergunning", rnd.Next(2) == 0 ? "verleend" : "aangevraagd", date.AddDays(-rnd.Next(10, 900)).ToString("yyyy-MM-dd"), "", Bsn(rnd, usedBsn), "", "", v.Postcode, v.Huisnummer.ToString(CultureInfo.InvariantCulture), v.Letter, v.Toevoeging]);
        files.Add(WriteCsv(root, "permits", d, ',',
            ["zaak_id", "zaaktype", "status", "datum_aanvraag", "datum_besluit", "aanvrager_bsn", "aanvrager_kvk", "verblijfsobject_id", "postcode", "huisnummer", "huisletter", "huisnummertoevoeging"], permits));

        List<string[]> enforcement =
        [
            ["H-0001", "last_onder_dwangsom", "open", date.AddDays(-100).ToString("yyyy-MM-dd"), "", "", "87654321", vbos[6].Id, "", "", "", ""],
            ["H-0002", "waarschuwing", "afgerond", date.AddDays(-500).ToString("yyyy-MM-dd"), date.AddDays(-450).ToString("yyyy-MM-dd"), "", "", vbos[0].Id, "", "", "", ""],
            ["H-0010", "waarschuwing", "afgerond", date.AddDays(-700).ToString("yyyy-MM-dd"), "", "", "", vbos[10].Id, "", "", "", ""],
            ["H-0011", "last_onder_dwangsom", "open", date.AddDays(-300).ToString("yyyy-MM-dd"), "", "", "", vbos[10].Id, "", "", "", ""],
            ["H-0012", "bestuurlijke_boete", "afgerond", date.AddDays(-30).ToString("yyyy-MM-dd"), "", "", "", vbos[10].Id, "", "", "", ""],
            ["H-0013", "controle", "afgerond", date.AddDays(-20).ToString("yyyy-MM-dd"), "", "", "", vbos[10].Id, "", "", "", ""],
            ["H-0020", "sluiting_13b_opiumwet", "afgerond", date.AddDays(-800).ToString("yyyy-MM-dd"), date.AddDays(-600).ToString("yyyy-MM-dd"), "", "", vbos[11].Id, "", "", "", ""],
        ];
        foreach (var v in vbos.Skip(Planted + 30).Take(10))
            enforcement.Add([$"H-{v.Index:D4}", "controle", "afgerond", date.AddDays(-rnd.Next(10, 900)).ToString("yyyy-MM-dd"), "", "", "", v.Id, "", "", "", ""]);
        files.Add(WriteCsv(root, "enforcement", d, ';',
            ["zaak_id", "handhavingstype", "status", "datum_start", "datum_einde", "betrokkene_bsn", "betrokkene_kvk", "verblijfsobject_id", "postcode", "huisnummer", "huisletter", "huisnummertoevoeging"], enforcement));
        return files;
    }

    static string Letters(Random rnd)
    {
        while (true)
        {
            var s = $"{(char)('A' + rnd.Next(26))}{(char)('A' + rnd.Next(26))}";
            if (s is not ("SA" or "SD" or "SS")) return s;
        }
    }

    /// <summary>A fresh BSN that passes the 11-proef.</summary>
    public static string Bsn(Random rnd, HashSet<string> used) => Analysis.Extracts.Identifiers.SampleBsn(rnd, used);

    public static string WriteCsv(string root, string source, string date, char sep, string[] header, IEnumerable<string[]> rows)
    {
        var dir = Path.Combine(root, source, date);
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, $"{source}-{date}.csv");
        var sb = new StringBuilder().AppendJoin(sep, header).Append('\n');
        foreach (var r in rows) sb.AppendJoin(sep, r.Select(c => c.Contains(sep) || c.Contains('"') ? $"\"{c.Replace("\"", "\"\"")}\"" : c)).Append('\n');
        File.WriteAllText(path, sb.ToString(), new UTF8Encoding(false));
        return path;
    }

    /// <summary>A large BRP file for measurements, streamed to disk: <paramref name="rows"/> residents spread over
    /// rows/3 verblijfsobjecten, with names and a nationaliteit column like the demo file.</summary>
    public static void WriteLargeBrp(string path, int rows, int seed = 7)
    {
        var rnd = new Random(seed);
        var used = new HashSet<string>();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        w.Write("bsn;geslachtsnaam;voorvoegsel;voornamen;geboortedatum;verblijfsobject_id;postcode;huisnummer;huisletter;huisnummertoevoeging;gemeentecode;functie_adres;datum_aanvang_adreshouding;in_onderzoek;nationaliteit\n");
        for (var i = 0; i < rows; i++)
        {
            var vbo = i / 3;
            w.Write($"{Bsn(rnd, used)};Jansen;van;Anna Maria;19{rnd.Next(40, 99)}-0{rnd.Next(1, 9)}-1{rnd.Next(0, 9)};1771{"01"}{vbo:D10};{5600 + vbo % 100}AB;{vbo % 9999 + 1};;;1771;W;2015-05-0{rnd.Next(1, 9)};nee;Nederlandse\n");
        }
    }
}
