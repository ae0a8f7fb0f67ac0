using SignalPipeline.Analysis.Runs;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Unit;

/// <summary>NWF, ONG, BRF, HHC and BIB on both sides of every threshold and window edge of docs/contracts/models.md.
/// Reference date 2026-11-23 throughout: 730 days back is 2024-11-23, 1095 days back is 2023-11-24.</summary>
public class RuleModelTests
{
    const string V1 = "1771010000000001", V2 = "1771010000000002";

    static IEnumerable<Analysis.Signals.Signal> Of(RunOutcome run, string model) => run.Signals.Where(s => s.Signal.Model == model).Select(s => s.Signal);

    [Theory]
    [InlineData("kantoorfunctie", 1, true)]
    [InlineData("kantoorfunctie", 0, false)]
    [InlineData("woonfunctie|winkelfunctie", 1, false)]
    public async Task NWF_residents_without_woonfunctie(string doel, int residents, bool fires)
    {
        var run = await World.RunAsync(World.Bag((V1, 500, doel)), World.BrpHeader + World.Residents(V1, residents) + World.Residents(V2, 1));
        Assert.Equal(fires, Of(run, "NWF").Any());
        if (fires) Assert.Equal("kantoorfunctie", Of(run, "NWF").Single().Evidence["gebruiksdoelen"]);
    }

    [Theory]
    [InlineData("Verblijfsobject ingetrokken", "", true)]
    [InlineData("Niet gerealiseerd verblijfsobject", "", true)]
    [InlineData("Verblijfsobject buiten gebruik", "", true)]
    [InlineData("Verblijfsobject ten onrechte opgevoerd", "", true)]
    [InlineData("Verblijfsobject in gebruik", "Pand gesloopt", true)]
    [InlineData("Verblijfsobject in gebruik", "Niet gerealiseerd pand", true)]
    [InlineData("Verblijfsobject in gebruik", "Pand ten onrechte opgevoerd", true)]
    [InlineData("Verblijfsobject in gebruik", "Pand in gebruik", false)]
    [InlineData("Verbouwing verblijfsobject", "Sloopvergunning verleend", false)]
    public async Task ONG_status_and_pand_status(string status, string pandStatus, bool fires)
    {
        var bag = "verblijfsobject_id;postcode;huisnummer;gebruiksdoelen;oppervlakte;status;pand_status\n" +
                  $"{V1};5661AB;1;woonfunctie;80;{status};{pandStatus}\n";
        var run = await World.RunAsync(bag, World.BrpHeader + World.Residents(V1, 1, "B"));
        Assert.Equal(fires, Of(run, "ONG").Any());
    }

    [Fact]
    public async Task ONG_registration_at_an_id_BAG_does_not_know_inside_the_territory_only()
    {
        var brp = World.BrpHeader + World.Residents("1771010000000077", 1) + World.Residents("0772010000000077", 1);
        var run = await World.RunAsync(World.Bag((V1, 80, "woonfunctie")), brp);
        var s = Assert.Single(Of(run, "ONG"));
        Assert.Equal("niet in BAG", s.Evidence["status"]);
        Assert.Equal(2, run.Record.Unlinked["brp"]);
    }

    [Theory]
    [InlineData(3, true)]
    [InlineData(2, false)]
    public async Task BRF_postal_registrations(int postal, bool fires)
    {
        var run = await World.RunAsync(World.Bag((V1, 80, "woonfunctie")), World.BrpHeader + World.Residents(V1, postal, "B") + World.Residents(V1, 2));
        Assert.Equal(fires, Of(run, "BRF").Any());
        if (fires) Assert.Equal("3", Of(run, "BRF").Single().Evidence["postal_registrations"]);
    }

    static string Cases(params (string Type, string Status, string Date)[] cases) =>
        World.EnforcementHeader + string.Concat(cases.Select((c, i) => $"H-{i};{c.Type};{c.Status};{c.Date};;;{V1}\n"));

    static async Task<RunOutcome> Hhc(string enforcement) =>
        await World.RunAsync(World.Bag((V1, 80, "woonfunctie")), World.BrpHeader + World.Residents(V2, 1), enforcement: enforcement);

    [Theory]
    [InlineData("2024-11-23", true)]   // 730 days back: inside (inclusive)
    [InlineData("2024-11-22", false)]  // 731 days back: outside
    public async Task HHC_three_cases_window_edge(string oldest, bool fires)
    {
        var run = await Hhc(Cases(("waarschuwing", "afgerond", oldest), ("last_onder_dwangsom", "open", "2026-01-01"), ("bestuurlijke_boete", "open", "2026-11-23")));
        Assert.Equal(fires, Of(run, "HHC").Any());
        if (fires)
        {
            var e = Of(run, "HHC").Single().Evidence;
            Assert.Equal("3", e["cases_in_window"]);
            Assert.Equal("2026-11-23", e["most_recent"]);
            Assert.Equal("1", e["count_last_onder_dwangsom"]);
        }
    }

    [Theory]
    [InlineData("controle", "afgerond")]
    [InlineData("waarschuwing", "ingetrokken")]
    public async Task HHC_controle_and_withdrawn_cases_do_not_count(string type, string status)
    {
        var run = await Hhc(Cases((type, status, "2026-06-01"), ("last_onder_dwangsom", "open", "2026-01-01"), ("bestuurlijke_boete", "open", "2026-02-01")));
        Assert.Empty(Of(run, "HHC"));
    }

    [Fact]
    public async Task HHC_future_case_is_outside_the_window() =>
        Assert.Empty(Of(await Hhc(Cases(("waarschuwing", "open", "2026-11-24"), ("last_onder_dwangsom", "open", "2026-01-01"), ("bestuurlijke_boete", "open", "2026-02-01"))), "HHC"));

    [Theory]
    [InlineData("2023-11-24", true)]   // 1095 days back: inside
    [InlineData("2023-11-23", false)]  // 1096 days back: outside
    public async Task HHC_13b_closure_window_edge(string date, bool fires) =>
        Assert.Equal(fires, Of(await Hhc(Cases(("sluiting_13b_opiumwet", "afgerond", date))), "HHC").Any());

    const string Kvk = "12345678";

    static async Task<RunOutcome> Bib(string permit, string enforcement) =>
        await World.RunAsync(World.Bag((V1, 80, "woonfunctie"), (V2, 80, "woonfunctie")), World.BrpHeader + World.Residents(V2, 1),
            World.PermitsHeader + permit, enforcement: World.EnforcementHeader + enforcement);

    [Theory]
    [InlineData("2023-11-24", true)]
    [InlineData("2023-11-23", false)]
    public async Task BIB_subject_match_by_kvk_window_edge(string date, bool fires)
    {
        // The enforcement case is at another VBO: only the applicant links them.
        var run = await Bib($"Z-1;exploitatievergunning_horeca;aangevraagd;2026-11-01;{Kvk};{V1}\n", $"H-1;last_onder_dwangsom;afgerond;{date};;{Kvk};{V2}\n");
        Assert.Equal(fires, Of(run, "BIB").Any());
        if (fires)
        {
            var s = Of(run, "BIB").Single();
            Assert.Equal("subject", s.Evidence["match"]);
            Assert.Equal("last_onder_dwangsom 2023-11-24", s.Evidence["matched_enforcement"]);
            Assert.StartsWith("K", Assert.Single(s.Subjects));
        }
    }

    [Fact]
    public async Task BIB_object_match()
    {
        var run = await Bib($"Z-1;alcoholwetvergunning;aangevraagd;2026-11-01;{Kvk};{V1}\n", $"H-1;sluiting_174a_gemeentewet;afgerond;2026-01-01;;87654321;{V1}\n");
        Assert.Equal("object", Assert.Single(Of(run, "BIB")).Evidence["match"]);
    }

    [Theory]
    [InlineData("exploitatievergunning_horeca", "verleend", "last_onder_dwangsom")]      // not pending
    [InlineData("omgevingsvergunning", "aangevraagd", "last_onder_dwangsom")]            // not a Bibob zaaktype
    [InlineData("exploitatievergunning_seksinrichting", "aangevraagd", "waarschuwing")]  // not a serious case
    public async Task BIB_does_not_fire(string zaaktype, string status, string caseType)
    {
        var run = await Bib($"Z-1;{zaaktype};{status};2026-11-01;{Kvk};{V1}\n", $"H-1;{caseType};open;2026-01-01;;{Kvk};{V1}\n");
        Assert.Empty(Of(run, "BIB"));
    }
}

public class AreaReportTests
{
    [Fact]
    public async Task Areas_above_the_ratio_with_enough_signals_are_flagged()
    {
        // Five overcrowded VBOs in PC4 5661 and one in 5662; residents per PC4 from the BRP snapshot.
        var vbos = Enumerable.Range(1, 6).Select(i => ($"17710100000000{i:D2}", 20, "woonfunctie")).ToArray();
        var bag = "verblijfsobject_id;postcode;huisnummer;gebruiksdoelen;oppervlakte;status\n" +
                  string.Concat(vbos.Select((v, i) => $"{v.Item1};{(i < 5 ? "5661AB" : "5662AB")};{i + 1};woonfunctie;20;Verblijfsobject in gebruik\n"));
        var brp = "bsn;verblijfsobject_id;postcode;huisnummer;functie_adres\n" +
                  string.Concat(vbos.SelectMany((v, i) => Enumerable.Range(0, 4).Select(k => $"{Analysis.Extracts.Identifiers.SampleBsn(new Random(i * 10 + k + 900), [])};{v.Item1};{(i < 5 ? "5661AB" : "5662AB")};{i + 1};W\n")))
                  + string.Concat(Enumerable.Range(0, 200).Select(k => $"{Analysis.Extracts.Identifiers.SampleBsn(new Random(5000 + k), [])};;5662AB;{100 + k};W\n"));
        var run = await World.RunAsync(bag, brp);
        var areas = run.Record.AreaReport.ToDictionary(a => a.Pc4);
        Assert.Equal(20, areas["5661"].Residents);
        Assert.Equal(5, areas["5661"].Signals);
        Assert.True(areas["5661"].Flagged);
        Assert.Equal(1, areas["5662"].Signals);
        Assert.False(areas["5662"].Flagged);
    }
}
