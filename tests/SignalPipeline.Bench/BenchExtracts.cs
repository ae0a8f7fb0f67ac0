using System.Globalization;
using System.Text;

namespace SignalPipeline.Bench;

/// <param name="Partitions">How many territories (gemeenten) the rows are spread over. Each is ingested and run as its
/// own delivery and nightly, as the fan-out does it (docs/performance.md, "National scale and fan-out"); one instance
/// here takes them one after the other.</param>
public sealed record Scale(string Name, int Brp, int Bag, int Permits, int Enforcement, int Partitions = 1)
{
    /// <summary>The rows of one partition.</summary>
    public Scale Part => Partitions == 1 ? this : this with { Brp = Brp / Partitions, Bag = Bag / Partitions, Permits = Permits / Partitions, Enforcement = Enforcement / Partitions, Partitions = 1 };

    public static Scale Parse(string name) => name switch
    {
        "small" => new("small", 20_000, 10_000, 2_000, 2_000),
        "medium" => new("medium", 200_000, 100_000, 20_000, 20_000),
        "city" => new("city", 1_000_000, 500_000, 100_000, 100_000),
        "national" => new("national", 18_000_000, 10_000_000, 1_000_000, 1_000_000, Partitions: 20),
        _ => throw new ArgumentException("scale must be small, medium, city or national"),
    };
}

/// <summary>Streams deterministic extracts of a given scale to disk: about two persons per VBO (so some are
/// overcrowded), 3% postal addresses, 5% of persons located by address only, permits and enforcement spread over
/// the VBOs with dates in the last four years.</summary>
public static class BenchExtracts
{
    static readonly string[] Pairs = Enumerable.Range(0, 26 * 26).Select(i => $"{(char)('A' + i / 26)}{(char)('A' + i % 26)}").Where(p => p is not ("SA" or "SD" or "SS")).Take(100).ToArray();

    public static string VboId(int i) => $"177101{i:D10}";
    static (string Postcode, int Huisnummer) Address(int i) => ($"{1000 + i / 10000:D4}{Pairs[i / 100 % 100]}", i % 100 + 1);

    public static IReadOnlyDictionary<string, string> Write(string dir, Scale s, DateOnly date, int seed = 2026)
    {
        Directory.CreateDirectory(dir);
        var rnd = new Random(seed);
        var files = new Dictionary<string, string>();
        StreamWriter Open(string source) { files[source] = Path.Combine(dir, $"{source}.csv"); return new StreamWriter(files[source], false, new UTF8Encoding(false), 1 << 16); }
        string D(int daysBack) => date.AddDays(-daysBack).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        using (var w = Open("bag"))
        {
            w.Write("verblijfsobject_id;postcode;huisnummer;gebruiksdoelen;oppervlakte;status;pand_status\n");
            for (var i = 0; i < s.Bag; i++)
            {
                var (pc, hn) = Address(i);
                var doel = rnd.Next(10) == 0 ? "kantoorfunctie" : "woonfunctie";
                var status = rnd.Next(200) == 0 ? "Verblijfsobject ingetrokken" : "Verblijfsobject in gebruik";
                w.Write($"{VboId(i)};{pc};{hn};{doel};{rnd.Next(25, 200)};{status};Pand in gebruik\n");
            }
        }
        var bsns = new List<string>(s.Brp);
        using (var w = Open("brp"))
        {
            w.Write("bsn;verblijfsobject_id;postcode;huisnummer;functie_adres;datum_aanvang_adreshouding;geslachtsnaam\n");
            var counter = 10_000_000L;
            for (var j = 0; j < s.Brp; j++)
            {
                string bsn;
                while (!TryBsn(counter++, out bsn)) { }
                bsns.Add(bsn);
                var vbo = rnd.Next(s.Bag);
                var f = rnd.Next(100) < 3 ? "B" : "W";
                if (rnd.Next(100) < 5)
                {
                    var (pc, hn) = Address(vbo);
                    w.Write($"{bsn};;{pc};{hn};{f};{D(rnd.Next(3000))};Jansen\n");
                }
                else w.Write($"{bsn};{VboId(vbo)};;;{f};{D(rnd.Next(3000))};Jansen\n");
            }
        }
        string[] zaaktypes = ["exploitatievergunning_horeca", "alcoholwetvergunning", "omzettingsvergunning", "omgevingsvergunning", "splitsingsvergunning", "overig"];
        string[] permitStatus = ["aangevraagd", "verleend", "geweigerd"];
        using (var w = Open("permits"))
        {
            w.Write("zaak_id;zaaktype;status;datum_aanvraag;aanvrager_bsn;aanvrager_kvk;verblijfsobject_id\n");
            for (var i = 0; i < s.Permits; i++)
            {
                var person = rnd.Next(2) == 0;
                w.Write($"Z-{i};{zaaktypes[rnd.Next(zaaktypes.Length)]};{permitStatus[rnd.Next(3)]};{D(rnd.Next(1500))};{(person ? bsns[rnd.Next(bsns.Count)] : "")};{(person ? "" : (10_000_000 + rnd.Next(5000)).ToString(CultureInfo.InvariantCulture))};{VboId(rnd.Next(s.Bag))}\n");
            }
        }
        string[] types = ["controle", "waarschuwing", "last_onder_dwangsom", "last_onder_bestuursdwang", "bestuurlijke_boete", "sluiting_13b_opiumwet"];
        string[] caseStatus = ["open", "afgerond", "ingetrokken"];
        using (var w = Open("enforcement"))
        {
            w.Write("zaak_id;handhavingstype;status;datum_start;betrokkene_bsn;betrokkene_kvk;verblijfsobject_id\n");
            for (var i = 0; i < s.Enforcement; i++)
            {
                var who = rnd.Next(3);
                // Concentrate cases on a small share of VBOs so that cumulation occurs.
                var vbo = rnd.Next(4) == 0 ? rnd.Next(Math.Max(1, s.Bag / 100)) : rnd.Next(s.Bag);
                w.Write($"H-{i};{types[rnd.Next(types.Length)]};{caseStatus[rnd.Next(3)]};{D(rnd.Next(1500))};{(who == 0 ? bsns[rnd.Next(bsns.Count)] : "")};{(who == 1 ? (10_000_000 + rnd.Next(5000)).ToString(CultureInfo.InvariantCulture) : "")};{VboId(vbo)}\n");
            }
        }
        return files;
    }

    static bool TryBsn(long n, out string bsn)
    {
        var s = n.ToString("D8", CultureInfo.InvariantCulture);
        var sum = 0;
        for (var i = 0; i < 8; i++) sum += (9 - i) * (s[i] - '0');
        var check = sum % 11;
        bsn = check == 10 ? "" : s + (char)('0' + check);
        return check != 10;
    }
}
