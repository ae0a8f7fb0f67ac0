using System.Text;
using System.Text.Json.Nodes;
using SignalPipeline.Analysis.Formats;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Formats;

/// <summary>The BRP in its two real forms: RvIG's GBA-V test set (CSV with rubric columns) and recorded Haal Centraal
/// BRP Personen v2 responses.</summary>
public sealed class BrpReaderTests
{
    static DeliveryFile GbaV => Fixtures.File(Fixtures.Path("brp", "scripts", "20220502_Testset_persoonslijsten_proefomgeving_GBA-V.csv"));

    [Fact]
    public void The_GBA_V_test_set_is_detected_and_reads_the_first_row_of_each_persoonslijst()
    {
        Assert.Equal(FormatIds.GbaV, FormatDetector.Detect(GbaV, "brp"));
        var c = GbaVReader.Read(GbaV);
        var rows = c.Rows.ToList();
        // 687 persoonslijsten: 98 with an opschorting (07.67.20) and 4 without any address are skipped, not rejected.
        Assert.Equal(585, rows.Count);
        Assert.Equal(98, c.Skipped["opschorting bijhouding (07.67.20)"]);
        Assert.Equal(4, c.Skipped["no address (08.11.80 and 08.11.20 empty)"]);
        var first = rows[0].Values;
        string? V(string column) => first[Array.IndexOf(GbaVReader.Columns, column)];
        Assert.Equal("999993653", V("bsn"));
        Assert.Equal("0599010000208579", V("verblijfsobject_id"));
        Assert.Equal("3077AW", V("postcode"));
        Assert.Equal("31", V("huisnummer"));
        Assert.Equal("20150808", V("datum_aanvang_adreshouding"));
        Assert.Equal("W", V("functie_adres"));
        Assert.Equal(13, rows.Count(r => r.Values[^1] == "true")); // 08.83.10 filled (also 089999)
        Assert.StartsWith("20220502_Testset_persoonslijsten_proefomgeving_GBA-V.csv line ", rows[0].Locator);
        Assert.DoesNotContain("999993653", rows[0].Locator);
    }

    [Fact]
    public void Nationality_country_of_birth_and_sex_never_enter()
    {
        var c = GbaVReader.Read(GbaV);
        Assert.DoesNotContain("geslacht", GbaVReader.Columns);
        Assert.Contains(c.Discarded, d => d.Name.StartsWith("categorie 04 (nationaliteit)") && d.Reason.StartsWith("never permitted"));
        Assert.Contains(c.Discarded, d => d.Name.StartsWith("01.03.30") && d.Reason.StartsWith("never permitted"));
        Assert.Contains(c.Discarded, d => d.Name.StartsWith("01.04.10") && d.Reason.StartsWith("never permitted"));
    }

    [Fact]
    public async Task Through_the_builder_bad_rows_are_quarantined_by_locator_and_the_continuation_rows_never_read()
    {
        var built = await TestData.BuildAsync("brp", GbaVReader.Read(GbaV));
        Assert.Null(built.RejectionReason);
        // The set's one 11-proef failure (010008579) is on a continuation row (line 454, history): never read.
        Assert.DoesNotContain(built.Quarantine, q => q.Reason.Contains("11-proef"));
        Assert.DoesNotContain(built.Quarantine, q => q.Locator!.Contains(" line 454 "));
        Assert.All(built.Quarantine, q => Assert.Matches(@"GBA-V\.csv line \d+ \(persoonslijst \d+\)$", q.Locator));
        Assert.Contains(built.Quarantine, q => q.Column == "bsn" && q.Reason == "bsn is required but empty");
        Assert.Equal(built.Quarantine.Select(q => q.Locator).Distinct().Count(), built.RowsRejected);
        // Some BSNs have more than one persoonslijst in the set: the last wins, the others count as duplicates.
        var rejected = built.Quarantine.Select(q => q.Locator).ToHashSet();
        var accepted = GbaVReader.Read(GbaV).Rows.Where(r => !rejected.Contains(r.Locator)).Select(r => r.Values[0]!.PadLeft(9, '0')).ToList();
        Assert.True(accepted.Count > accepted.Distinct().Count());
        Assert.Equal(accepted.Count - accepted.Distinct().Count(), built.RowsDuplicate);
        Assert.Equal(accepted.Distinct().Count(), built.Table!.RowCount);
    }

    [Fact]
    public void A_persoonslijst_with_opschorting_is_skipped_with_its_reason()
    {
        var csv = "\uFEFF;01.01.20;07.67.20;08.11.20;08.11.60;08.10.10;08.09.10\nLg01_1;999993653;O;1;1234AB;W;0599\nLg01_2;999990639;;2;1234AB;W;0599\n";
        var c = GbaVReader.Read(new DeliveryFile("p.csv", () => new MemoryStream(Encoding.UTF8.GetBytes(csv))));
        Assert.Single(c.Rows.ToList());
        Assert.Equal(1, c.Skipped["opschorting bijhouding (07.67.20)"]);
    }

    [Fact]
    public void A_rubric_twice_in_the_header_takes_the_first_and_the_test_set_has_one()
    {
        var header = File.ReadLines(Fixtures.Path("brp", "scripts", "20220502_Testset_persoonslijsten_proefomgeving_GBA-V.csv")).First().Split(';');
        Assert.Equal(2, header.Count(h => h == "06.88.10")); // the published set's duplicate column
        var csv = "\uFEFF;01.01.20;08.11.20;08.11.60;08.11.60;08.10.10;08.09.10\nLg01_1;999993653;1;1234AB;9999ZZ;W;0599\n";
        var row = Assert.Single(GbaVReader.Read(new DeliveryFile("d.csv", () => new MemoryStream(Encoding.UTF8.GetBytes(csv)))).Rows.ToList());
        Assert.Equal("1234AB", row.Values[Array.IndexOf(GbaVReader.Columns, "postcode")]);
    }

    /// <summary>The recorded responses' bodies (the files wrap them as <c>response_body</c>).</summary>
    static DeliveryFile Body(string test, string file)
    {
        var body = JsonNode.Parse(File.ReadAllText(Fixtures.Path("brp", "openforms-v2-responses", test, file)))!["response_body"]!.ToJsonString();
        return new DeliveryFile($"{test}.json", () => new MemoryStream(Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void Haal_Centraal_bodies_are_detected_and_persons_without_an_address_or_with_opschorting_are_skipped()
    {
        var files = new[]
        {
            Body("BRPIntegrationTest__test_brp_integration_prefill", "00_POST_personen.json"),
            Body("HaalCentraalFindPersonV2Test__test_get_family_members_exclude_deceased", "01_POST_personen.json"),
            Body("HaalCentraalFindPersonV2Test__test_person_not_found", "00_POST_personen.json"),
        };
        Assert.All(files, f => Assert.Equal(FormatIds.BrpPersonen, FormatDetector.Detect(f, "brp")));
        var c = BrpPersonenReader.Read(files);
        var rows = c.Rows.ToList();
        Assert.Empty(rows); // the deceased person has opschorting and overlijden; the others have no verblijfplaats
        Assert.Equal(2, c.Skipped["opschorting bijhouding"]);
        Assert.Equal(4, c.Skipped["no verblijfplaats"]);
    }

    [Fact]
    public void A_Haal_Centraal_person_with_an_address_maps_to_the_brp_columns_with_partial_dates()
    {
        var body = """
            [{"type":"ZoekMetPostcodeEnHuisnummer","personen":[
              {"burgerservicenummer":"999993653","geslacht":{"code":"V"},"nationaliteiten":[{"nationaliteit":{"code":"0001"}}],
               "naam":{"voornamen":"Anna","voorvoegsel":"van","geslachtsnaam":"Dijk"},
               "geboorte":{"datum":{"type":"JaarMaandDatum","jaar":1985,"maand":12},"land":{"code":"6030"}},
               "gemeenteVanInschrijving":{"code":"0599"},
               "verblijfplaats":{"type":"Adres","adresseerbaarObjectIdentificatie":"0599010000208579","nummeraanduidingIdentificatie":"0599200000219678",
                 "functieAdres":{"code":"W"},"datumVan":{"type":"Datum","datum":"2015-08-08"},
                 "verblijfadres":{"postcode":"3077AW","huisnummer":31,"huisletter":"a","inOnderzoek":{"postcode":true}}}},
              {"burgerservicenummer":"999990639","verblijfplaats":{"type":"VerblijfplaatsBuitenland"}}]}]
            """;
        var c = BrpPersonenReader.Read([new DeliveryFile("hc.json", () => new MemoryStream(Encoding.UTF8.GetBytes(body)))]);
        var row = Assert.Single(c.Rows.ToList());
        string? V(string column) => row.Values[Array.IndexOf(BrpPersonenReader.Columns, column)];
        Assert.Equal("999993653", V("bsn"));
        Assert.Equal("1985-12-00", V("geboortedatum"));
        Assert.Equal("2015-08-08", V("datum_aanvang_adreshouding"));
        Assert.Equal("31", V("huisnummer"));
        Assert.Equal("0599010000208579", V("verblijfsobject_id"));
        Assert.Equal("true", V("in_onderzoek"));
        Assert.Equal("hc.json body 0 personen[0]", row.Locator);
        Assert.Equal(1, c.Skipped["verblijfplaats type VerblijfplaatsBuitenland"]);
        Assert.DoesNotContain(row.Values, v => v is "V" or "0001" or "6030"); // sex, nationality, country of birth
    }
}
