using System.Text;
using SignalPipeline.Analysis.Linking;
using SignalPipeline.Analysis.Privacy;
using SignalPipeline.Analysis.Snapshots;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Unit;

/// <summary>Issue 17: a nightly reads the join keys (VBO ids and addresses) as the 128-bit values of their pseudonyms and
/// links on those. Nothing about the linked world may depend on whether the keys were read as values or as strings.</summary>
public class JoinKeyTests
{
    const string Vbo1 = "1771010000000001", Vbo2 = "1771010000000002", NotInBag = "1771010000000099";

    static async Task<MemoryStream> ParquetAsync(string source, string csv)
    {
        using var p = new Pseudonymiser(TestData.PseudonymKey, "test-1");
        var result = await new SnapshotBuilder(Analysis.Extracts.SourceSchema.For(source), TestData.DemoRegister(), p,
            new IdentityEnvelope(TestData.EnvelopeKey, "test-1"), new IngestOptions()).BuildAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), source + ".csv", true, ';');
        Assert.NotNull(result.Spool);
        var parquet = new MemoryStream();
        await using (result.Spool!) await result.Spool!.WriteParquetAsync(parquet);
        return parquet;
    }

    static async Task<SnapshotTable> ReadAsync(MemoryStream parquet, string source, bool asKeys) =>
        await SnapshotTable.ReadParquetAsync(new MemoryStream(parquet.ToArray()), LinkedWorld.ColumnsRead(source), asKeys: asKeys ? LinkedWorld.KeysRead(source) : null);

    static IEnumerable<string> Describe(LinkedWorld w) =>
        w.Objects.Select((o, v) => $"{o.Id} {w.RegistrationsAt(v).Count} {w.RegistrationsAt(v).Count(r => r.FunctieAdres == "W")} {w.PermitsAt(v).Count}")
            .Concat(w.RegistrationsAtUnknownVbo.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"unknown {p.Key} {p.Value.Count}"))
            .Concat(w.Unlinked.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"unlinked {p.Key} {p.Value}"));

    [Fact]
    public async Task Keys_read_as_values_link_the_same_world_and_give_back_the_same_strings()
    {
        var bag = await ParquetAsync("bag", World.Bag((Vbo1, 80, "woonfunctie"), (Vbo2, 40, "kantoorfunctie")));
        // Two residents by VBO id, one by address only (5661AB 2 is Vbo2's), two at a VBO BAG does not know, one postal.
        var brpCsv = World.BrpHeader + World.Residents(Vbo1, 2) + $"{Analysis.Extracts.Identifiers.SampleBsn(new Random(7), [])};;5661AB;2;W\n"
            + World.Residents(NotInBag, 2) + World.Residents(Vbo1, 1, "B");
        var brp = await ParquetAsync("brp", brpCsv);
        var permits = await ParquetAsync("permits", World.PermitsHeader + $"Z-1;overig;verleend;2026-01-01;12345678;{Vbo2}\nZ-2;overig;verleend;2026-01-01;12345678;{NotInBag}\n");

        var asStrings = new Dictionary<string, SnapshotTable> { ["bag"] = await ReadAsync(bag, "bag", false), ["brp"] = await ReadAsync(brp, "brp", false), ["permits"] = await ReadAsync(permits, "permits", false) };
        var asKeys = new Dictionary<string, SnapshotTable> { ["bag"] = await ReadAsync(bag, "bag", true), ["brp"] = await ReadAsync(brp, "brp", true), ["permits"] = await ReadAsync(permits, "permits", true) };

        foreach (var (source, table) in asKeys)
            foreach (var column in LinkedWorld.KeysRead(source))
            {
                Assert.NotNull(table.Keys(column)); // read as values, not parsed from strings
                Assert.Equal(asStrings[source].Column(column), table.Column(column)); // and the strings come back exactly
            }
        Assert.Equal(asStrings["brp"].Row(3), asKeys["brp"].Row(3));

        var territory = new HashSet<string> { "1771" };
        var expected = Describe(LinkedWorld.Build(asStrings, territory)).ToList();
        Assert.Equal(expected, Describe(LinkedWorld.Build(asKeys, territory)));
        Assert.Contains(expected, l => l.StartsWith("unknown ") && l.EndsWith(" 2"));
        Assert.Contains("unlinked permits 1", expected);
        var world = LinkedWorld.Build(asKeys, territory);
        var second = world.IndexOf(asStrings["bag"].Column("verblijfsobject_id")[1]!);
        Assert.Equal(1, world.RegistrationsAt(second).Count); // the resident linked by address
        Assert.Equal(world.Objects[second], world.Find(world.Objects[second].Id));
        Assert.Null(world.Find("not a pseudonym"));
    }

    /// <summary>A snapshot written by hand with ids that are no pseudonyms: the reader keeps them as strings and the link
    /// numbers them, so equal strings still meet.</summary>
    [Fact]
    public async Task Ids_that_are_not_pseudonyms_stay_strings_and_still_link()
    {
        async Task<SnapshotTable> Table(string source, string?[][] rows)
        {
            var columns = LinkedWorld.ColumnsRead(source).ToList();
            var parquet = new MemoryStream();
            await using (var spool = new SnapshotSpool(columns))
            {
                foreach (var row in rows) await spool.AddAsync(row, null);
                await spool.WriteParquetAsync(parquet);
            }
            parquet.Position = 0;
            return await SnapshotTable.ReadParquetAsync(parquet, columns, asKeys: LinkedWorld.KeysRead(source));
        }
        string?[] BagRow(string id, string adres, string opp = "50") => LinkedWorld.ColumnsRead("bag").Select(c => c switch
            { "verblijfsobject_id" => id, "adres" => adres, "_vbo_gemeente" => "1771", "oppervlakte" => opp, "gebruiksdoelen" => "woonfunctie", "status" => "Verblijfsobject in gebruik", _ => null }).ToArray();
        string?[] BrpRow(string? id, string? adres) => LinkedWorld.ColumnsRead("brp").Select(c => c switch
            { "verblijfsobject_id" => id, "adres" => adres, "functie_adres" => "W", "bsn" => "b1", _ => null }).ToArray();

        var bag = await Table("bag", [BagRow("vbo-one", "address-one"), BagRow("vbo-two", "address-two")]);
        var brp = await Table("brp", [BrpRow("vbo-one", null), BrpRow(null, "address-two"), BrpRow("vbo-three", null), BrpRow("vbo-one", null)]);
        Assert.Null(brp.Keys("verblijfsobject_id"));
        Assert.Equal(["vbo-one", null, "vbo-three", "vbo-one"], brp.Column("verblijfsobject_id"));

        var world = LinkedWorld.Build(new Dictionary<string, SnapshotTable> { ["bag"] = bag, ["brp"] = brp }, new HashSet<string> { "1771" });
        Assert.Equal(2, world.RegistrationsAt(world.IndexOf("vbo-one")).Count);
        Assert.Equal(1, world.RegistrationsAt(world.IndexOf("vbo-two")).Count);
        Assert.Equal(["vbo-three"], world.RegistrationsAtUnknownVbo.Keys);

        // A later row of the same id replaces the earlier one in its place; both rows' addresses lead to it.
        var twice = await Table("bag", [BagRow("vbo-one", "address-one", "40"), BagRow("vbo-two", "address-two"), BagRow("vbo-one", "address-three", "90")]);
        var byAddress = await Table("brp", [BrpRow(null, "address-one"), BrpRow(null, "address-three"), BrpRow("vbo-two", null)]);
        world = LinkedWorld.Build(new Dictionary<string, SnapshotTable> { ["bag"] = twice, ["brp"] = byAddress }, new HashSet<string> { "1771" });
        Assert.Equal(["vbo-one", "vbo-two"], world.Objects.Select(o => o.Id));
        Assert.Equal([90, 50], world.Objects.Select(o => o.Oppervlakte));
        Assert.Equal(2, world.RegistrationsAt(0).Count);
        Assert.Equal(1, world.RegistrationsAt(1).Count);
    }
    /// <summary>The pseudonym value parser takes exactly what the general hex parser took (32 lowercase hex digits after
    /// the kind letter) and gives the same value.</summary>
    [Fact]
    public void A_pseudonym_value_is_its_hex_digits_and_nothing_else_is_one()
    {
        using var p = new Pseudonymiser(TestData.PseudonymKey, "test-1");
        for (var i = 0; i < 2_000; i++)
        {
            var pseudonym = p.Pseudonymise(IdKind.Bsn, $"{100000000 + i}");
            Assert.True(Pseudonymiser.TryValue(pseudonym, out var value));
            Assert.Equal(UInt128.Parse(pseudonym[1..], System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture), value);
            Assert.Equal(pseudonym, KeyColumn.Format(pseudonym[0], value));
        }
        Assert.True(Pseudonymiser.TryValue("v" + new string('f', 32), out var top));
        Assert.Equal(UInt128.MaxValue, top);
        var digits = "0123456789abcdef0123456789abcdef";
        foreach (var bad in new[] { "b" + digits.ToUpperInvariant(), "b" + digits[..31], "b" + digits + "0", "b" + digits[..31] + "g",
                     "b" + digits[..31] + "\u0660", "b" + digits[..31] + "\u0130", "b" + digits[..15] + " " + digits[16..], "" })
            Assert.False(Pseudonymiser.TryValue(bad, out _), bad);
    }

    /// <summary>A snapshot page's bytes are parsed sixteen digits at a time: every byte value at every place gives what
    /// the character parser gives, value and refusal alike.</summary>
    [Fact]
    public void A_pseudonym_value_from_utf8_bytes_is_the_same_as_from_characters()
    {
        using var p = new Pseudonymiser(TestData.PseudonymKey, "test-1");
        var checkedValues = 0;
        foreach (var pseudonym in new[] { p.Pseudonymise(IdKind.Bsn, "123456782"), "v" + new string('f', 32), "a" + new string('0', 32), "b0123456789abcdef0123456789abcdef" })
            for (var at = 0; at < pseudonym.Length; at++)
                for (var b = 0; b < 256; b++)
                {
                    var bytes = System.Text.Encoding.Latin1.GetBytes(pseudonym);
                    bytes[at] = (byte)b;
                    var chars = System.Text.Encoding.Latin1.GetString(bytes);
                    var fromChars = Pseudonymiser.TryValue(chars.AsSpan(), out var expected);
                    Assert.Equal(fromChars, Pseudonymiser.TryValue(bytes.AsSpan(), out var actual));
                    Assert.Equal(expected, actual);
                    if (fromChars) checkedValues++;
                }
        Assert.True(checkedValues > 4 * 33 * 16 - 1, $"{checkedValues} valid variants"); // every hex digit at every place, and any kind letter
        Assert.False(Pseudonymiser.TryValue("b0123456789abcdef0123456789abcdef0"u8, out _));
        Assert.False(Pseudonymiser.TryValue("b0123456789abcdef0123456789abcde"u8, out _));
    }
}
