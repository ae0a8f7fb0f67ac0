using System.Text.Json.Nodes;
using SignalPipeline.Analysis.Formats;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Formats;

/// <summary>LV BAG 2.0 against the published Doesburg sample, both packagings, with GDAL's GeoJSON rendering of the same
/// parts as the oracle for which voorkomen is current.</summary>
public sealed class LvBagReaderTests : IDisposable
{
    readonly List<IDisposable> scope = [];
    static readonly DateOnly Delivered = new(2020, 9, 15);

    Conversion Read(string folder) => LvBagReader.Read(Fixtures.Folder(Fixtures.Path("bag", "lv", folder), scope), Delivered, id => $"V{id.GetHashCode():x}");

    /// <summary>The oracle: per identificatie the GeoJSON feature that is valid at the peildatum with the highest voorkomen.</summary>
    static Dictionary<string, JsonObject> Oracle(string type, DateOnly peil)
    {
        var features = JsonNode.Parse(File.ReadAllText(Fixtures.Path("bag", "out", $"{type}.json")))!["features"]!.AsArray().Select(f => f!["properties"]!.AsObject());
        var p = peil.ToString("yyyy-MM-dd");
        return features
            .Where(f => string.CompareOrdinal((string)f["beginGeldigheid"]!, p) <= 0 && (f["eindGeldigheid"] is null || string.CompareOrdinal((string)f["eindGeldigheid"]!, p) > 0))
            .GroupBy(f => (string)f["identificatie"]!)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(f => (int)f["voorkomenIdentificatie"]!).First());
    }

    [Theory]
    [InlineData("BAGNLDL-15092020-small")]
    [InlineData("BAGNLDL-15092020-small-expand")]
    public void Both_packagings_give_the_current_objects_of_the_oracle_joined_to_their_address(string folder)
    {
        var c = Read(folder);
        Assert.Equal(FormatIds.LvBag, c.Format);
        Assert.Equal(new DateOnly(2020, 9, 15), c.Peildatum);
        var rows = c.Rows.ToList();
        var col = (string name) => Array.IndexOf(LvBagReader.Columns, name);
        var expected = Oracle("VBO", c.Peildatum!.Value).Keys.Concat(Oracle("LIG", c.Peildatum!.Value).Keys).Concat(Oracle("STA", c.Peildatum!.Value).Keys).Order().ToList();
        Assert.All(rows, r => Assert.Null(r.Problem));
        Assert.Equal(expected, rows.Select(r => r.Values[col("verblijfsobject_id")]!).Order().ToList());

        var vbo = Oracle("VBO", c.Peildatum.Value);
        var num = Oracle("NUM", c.Peildatum.Value);
        var opr = Oracle("OPR", c.Peildatum.Value);
        foreach (var row in rows.Where(r => r.Problem is null && r.Values[0]!.Substring(4, 2) == "01"))
        {
            var o = vbo[row.Values[0]!];
            Assert.Equal((string)o["status"]!, row.Values[col("status")]);
            Assert.Equal(((int)o["oppervlakte"]!).ToString(), row.Values[col("oppervlakte")]);
            Assert.Equal(string.Join(',', o["gebruiksdoel"]!.AsArray().Select(g => (string)g!)), row.Values[col("gebruiksdoelen")]);
            var hoofdadres = (string)o["hoofdadresNummeraanduidingRef"]!;
            Assert.Equal(hoofdadres, row.Values[col("nummeraanduiding_id")]);
            Assert.Equal((string?)num[hoofdadres]["postcode"], row.Values[col("postcode")]);
            Assert.Equal(((int)num[hoofdadres]["huisnummer"]!).ToString(), row.Values[col("huisnummer")]);
            Assert.Equal("Doesburg", row.Values[col("woonplaats")]); // via the NUM's OPR and its WPL
            Assert.Equal((string?)opr[(string)num[hoofdadres]["openbareruimteRef"]!]["naam"], row.Values[col("straatnaam")]); // the OPR's name
        }
        Assert.All(rows.Where(r => r.Values[0] is { } id && id.Substring(4, 2) is "02" or "03"), r =>
        {
            Assert.Null(r.Values[col("gebruiksdoelen")]);
            Assert.Equal("Plaats aangewezen", r.Values[col("status")]);
        });
    }

    [Fact]
    public void Both_packagings_read_the_same()
    {
        string Text(Conversion c) => string.Join('\n', c.Rows.Select(r => string.Join(';', r.Values) + "|" + r.Problem));
        Assert.Equal(Text(Read("BAGNLDL-15092020-small-expand")), Text(Read("BAGNLDL-15092020-small")));
    }

    [Fact]
    public void A_missing_required_part_rejects_the_snapshot()
    {
        var files = Fixtures.Folder(Fixtures.Path("bag", "lv", "BAGNLDL-15092020-small-expand"), scope).Where(f => !f.Name.Contains("NUM")).ToList();
        var e = Assert.Throws<FormatRejectedException>(() => LvBagReader.Read(files, Delivered, id => id));
        Assert.Contains("NUM", e.Message);
    }

    [Fact]
    public void A_truncated_part_rejects_the_snapshot_naming_the_part()
    {
        var folder = Fixtures.Path("bag", "lv", "BAGNLDL-15092020-small-expand");
        var files = Fixtures.Folder(folder, scope).Select(f => f.Name.Contains("VBO")
            ? new DeliveryFile(f.Name, () => { var all = File.ReadAllBytes(Path.Combine(folder, f.Name)); return new MemoryStream(all[..(all.Length / 2)]); })
            : f).ToList();
        var e = Assert.Throws<FormatRejectedException>(() => LvBagReader.Read(files, Delivered, id => id).Rows.ToList());
        Assert.Contains("0221VBO15092020-000001.xml", e.Message);
        Assert.Contains("cannot be parsed", e.Message);
    }

    [Fact]
    public void A_peildatum_after_the_delivery_date_rejects_the_snapshot()
    {
        var e = Assert.Throws<FormatRejectedException>(() =>
            LvBagReader.Read(Fixtures.Folder(Fixtures.Path("bag", "lv", "BAGNLDL-15092020-small-expand"), scope), new DateOnly(2020, 9, 14), id => id));
        Assert.Contains("after the delivery date", e.Message);
    }

    public void Dispose() { foreach (var d in scope) d.Dispose(); }
}
