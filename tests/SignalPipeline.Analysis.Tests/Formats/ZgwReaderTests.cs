using System.Text;
using System.Text.Json.Nodes;
using SignalPipeline.Analysis.Formats;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Formats;

/// <summary>ZGW Zaken 1.5 exports built from the recorded Open Zaak bodies (zaak, rol, status, statustypen, zaaktypen).</summary>
public sealed class ZgwReaderTests
{
    static JsonNode Recorded(string test, string file) => JsonNode.Parse(File.ReadAllText(Fixtures.Path("zgw", "responses", test, file)))!["response_body"]!;

    /// <summary>A paged list body of the given results, as <c>GET /…</c> returns it.</summary>
    static JsonObject List(params JsonNode[] results) => new() { ["count"] = results.Length, ["next"] = null, ["previous"] = null, ["results"] = new JsonArray([.. results.Select(r => r.DeepClone())]) };

    static DeliveryFile Json(string name, JsonNode body) => new(name, () => new MemoryStream(Encoding.UTF8.GetBytes(body.ToJsonString())));

    const string Test = "test_natuurlijk_persoon_initiator";
    static string ZaakUrl => (string)Recorded(Test, "02_POST_zaken.json")["url"]!;
    static string ZaaktypeUrl => (string)Recorded(Test, "02_POST_zaken.json")["zaaktype"]!;
    static string StatustypeUrl => (string)Recorded(Test, "09_POST_statussen.json")["statustype"]!;

    static JsonObject Mapping(string? zaaktypeKey = null) => new()
    {
        ["versie"] = 1,
        ["zaaktypen"] = new JsonObject { [zaaktypeKey ?? ZaaktypeUrl] = new JsonObject { ["bron"] = "permits", ["zaaktype"] = "alcoholwetvergunning" } },
        ["statustypen"] = new JsonObject { [StatustypeUrl] = new JsonObject { ["status"] = "aangevraagd" } },
    };

    static JsonObject Zaakobject(string objectUrl) => new()
    {
        ["url"] = "http://localhost:8003/zaken/api/v1/zaakobjecten/7f1c0000-0000-0000-0000-000000000001", ["zaak"] = ZaakUrl,
        ["object"] = objectUrl, ["objectType"] = "adres", ["objectIdentificatie"] = new JsonObject { ["postcode"] = "3077AW", ["huisnummer"] = 31 },
    };

    static List<DeliveryFile> Export(JsonObject? zaakobjecten = null, JsonObject? mapping = null, string rollen = "07_POST_rollen.json", string test = Test) =>
    [
        Json("zaken.json", List(Recorded(test, "02_POST_zaken.json"))),
        Json("rollen.json", List(Recorded(test, rollen))),
        Json("statussen.json", List(Recorded(test, "09_POST_statussen.json"))),
        Json("zaakobjecten.json", zaakobjecten ?? List(Zaakobject("https://bag.example.nl/api/v2/verblijfsobjecten/0599010000208579"))),
        Json("zaaktypen.json", Recorded(test, "01_GET_zaaktypen.json")),
        Json(ZgwReader.MappingFile, mapping ?? Mapping()),
    ];

    static string? V(SourceRow row, string column) => row.Values[Array.IndexOf(ZgwReader.ColumnsFor("permits"), column)];

    [Fact]
    public void A_recorded_zaak_with_its_rol_status_and_object_becomes_a_permit_row()
    {
        var files = Export();
        Assert.Equal(FormatIds.Zgw, DeliveryReader.Detect("permits", files));
        var row = Assert.Single(ZgwReader.Read("permits", files, new DateOnly(2026, 8, 20)).Rows.ToList());
        Assert.Null(row.Problem);
        Assert.Equal("OF-2P5U6K", V(row, "zaak_id"));
        Assert.Equal("alcoholwetvergunning", V(row, "zaaktype"));
        Assert.Equal("aangevraagd", V(row, "status"));
        Assert.Equal("2026-08-17", V(row, "datum_aanvraag")); // startdatum, not registratiedatum
        Assert.Equal("111222333", V(row, "aanvrager_bsn")); // the initiator, natuurlijk_persoon inpBsn
        Assert.Equal("0599010000208579", V(row, "verblijfsobject_id")); // rank 1: a BAG id at the end of the object URL
        Assert.Null(V(row, "postcode"));
        Assert.Equal("zaken.json body 0 results[0]", row.Locator);
        Assert.DoesNotContain(ZaakUrl, row.Locator); // the zaak's url names the zaak
    }

    [Fact]
    public void Without_a_BAG_id_the_adres_zaakobject_gives_the_address_key_and_a_vestiging_its_KvK()
    {
        var test = "test_vestiging_initiator";
        var zaak = (string)Recorded(test, "02_POST_zaken.json")["url"]!;
        var obj = Zaakobject("");
        obj["zaak"] = zaak;
        var mapping = new JsonObject
        {
            ["zaaktypen"] = new JsonObject { ["ZT-001"] = new JsonObject { ["bron"] = "permits", ["zaaktype"] = "exploitatievergunning_horeca" } }, // by identificatie
            ["statustypen"] = new JsonObject { [(string)Recorded(test, "09_POST_statussen.json")["statustype"]!] = new JsonObject { ["status"] = "verleend" } },
        };
        var row = Assert.Single(ZgwReader.Read("permits", Export(List(obj), mapping, test: test), new DateOnly(2026, 8, 20)).Rows.ToList());
        Assert.Equal("exploitatievergunning_horeca", V(row, "zaaktype"));
        Assert.Equal("12345678", V(row, "aanvrager_kvk"));
        Assert.Null(V(row, "verblijfsobject_id"));
        Assert.Equal(("3077AW", "31"), (V(row, "postcode"), V(row, "huisnummer")));
    }

    [Fact]
    public void An_incomplete_export_is_rejected()
    {
        var files = Export();
        var partial = List(Recorded(Test, "07_POST_rollen.json"));
        partial["count"] = 3; // the list says three rollen, the export holds one
        files[1] = Json("rollen.json", partial);
        var e = Assert.Throws<FormatRejectedException>(() => ZgwReader.Read("permits", files, new DateOnly(2026, 8, 20)));
        Assert.Contains("incomplete export: /rollen has 1 distinct results where the list says 3", e.Message);
    }

    [Fact]
    public void A_zaak_of_an_unmapped_zaaktype_is_skipped_and_counted()
    {
        var mapping = Mapping("http://localhost:8003/catalogi/api/v1/zaaktypen/00000000-0000-0000-0000-000000000000");
        var c = ZgwReader.Read("permits", Export(mapping: mapping), new DateOnly(2026, 8, 20));
        Assert.Empty(c.Rows.ToList());
        Assert.Equal(1, Assert.Single(c.Skipped).Value);
        Assert.Contains("not in zgw-mapping.json", c.Skipped.Keys.Single());
    }

    [Fact]
    public void A_mapping_to_a_value_that_is_not_v1_rejects_the_snapshot_and_so_does_a_missing_mapping()
    {
        var mapping = Mapping();
        mapping["zaaktypen"]![ZaaktypeUrl]!["zaaktype"] = "drankvergunning";
        var e = Assert.Throws<FormatRejectedException>(() => ZgwReader.Read("permits", Export(mapping: mapping), new DateOnly(2026, 8, 20)));
        Assert.Contains("'drankvergunning', which is not a v1 value", e.Message);
        var noMapping = Export().Where(f => !ZgwReader.IsMapping(f)).ToList();
        Assert.Contains("lacks zgw-mapping.json", Assert.Throws<FormatRejectedException>(() => ZgwReader.Read("permits", noMapping, new DateOnly(2026, 8, 20))).Message);
    }

    [Fact]
    public void An_unmapped_status_rejects_the_row_not_the_export()
    {
        var mapping = Mapping();
        mapping["statustypen"] = new JsonObject();
        var row = Assert.Single(ZgwReader.Read("permits", Export(mapping: mapping), new DateOnly(2026, 8, 20)).Rows.ToList());
        Assert.Equal("the zaak's statustype is not in zgw-mapping.json", row.Problem);
    }

    [Fact]
    public void A_foreign_format_in_a_source_folder_rejects_the_delivery()
    {
        var bag = Fixtures.File(Fixtures.Path("bag", "lv", "BAGNLDL-15092020-small-expand", "0221VBO15092020-000001.xml"));
        var e = Assert.Throws<FormatRejectedException>(() => DeliveryReader.Detect("permits", [.. Export(), bag]));
        Assert.Contains("0221VBO15092020-000001.xml is lvbag-2.0, which permits does not take", e.Message);
        var text = new DeliveryFile("leesmij.txt", () => new MemoryStream("hallo"u8.ToArray()));
        Assert.Contains("not a recognised format", Assert.Throws<FormatRejectedException>(() => DeliveryReader.Detect("brp", [text])).Message);
    }
}
