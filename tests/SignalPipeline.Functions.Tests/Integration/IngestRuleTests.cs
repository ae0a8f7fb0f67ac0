using System.IO.Compression;
using System.Text;
using Microsoft.Extensions.Configuration;
using SignalPipeline.Analysis.Snapshots;
using SignalPipeline.Functions;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Functions.Cli;
using SignalPipeline.Functions.Pipeline;
using SignalPipeline.Tests.Infrastructure;
using SignalPipeline.Functions.Composition;
using SignalPipeline.Functions.Configuration;

namespace SignalPipeline.Tests.Integration;

/// <summary>Every rejection and normalisation rule of docs/contracts/extracts.md, one test each, on real files delivered
/// into the extracts container on Azurite and ingested by the blob-arrival path.</summary>
public sealed class IngestRuleTests : IClassFixture<AzuriteFixture>, IDisposable
{
    readonly AzuriteFixture azurite;
    readonly TempDir dir = new();
    readonly StorageClients storage;
    static int day;

    public IngestRuleTests(AzuriteFixture azurite)
    {
        this.azurite = azurite;
        storage = new StorageClients(azurite.ConnectionString, null);
        storage.EnsureCreatedAsync().GetAwaiter().GetResult();
    }

    AppServices Services(params (string Key, string Value)[] extra)
    {
        var config = azurite.Settings(dir.Path);
        foreach (var (k, v) in extra) config[k] = v;
        var settings = PipelineSettings.From(new ConfigurationBuilder().AddInMemoryCollection(config).Build());
        return new AppServices { Settings = settings, Storage = storage, Keys = new DevKeyFileProvider(azurite.KeyFile, TextWriter.Null), Clock = TimeProvider.System };
    }

    /// <summary>A fresh date per delivery, so tests never see each other's snapshots.</summary>
    static string NextDate() => new DateOnly(2020, 1, 1).AddDays(Interlocked.Increment(ref day)).ToString("yyyy-MM-dd");

    sealed record Ingested(IngestOutcome Outcome, SnapshotTable? Table, List<QuarantineEntry> Report, string Date, string Blob);

    async Task<Ingested> Ingest(string source, byte[] bytes, string fileName = "extract.csv", string? date = null, AppServices? services = null)
    {
        services ??= Services();
        date ??= NextDate();
        var path = Path.Combine(dir.Path, Guid.NewGuid().ToString("N"), fileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, bytes);
        var blob = await services.Ingest.DeliverAsync(path, source, date);
        var outcome = await services.Ingest.IngestBlobAsync(blob);
        SnapshotTable? table = null;
        var report = new List<QuarantineEntry>();
        if (outcome.Manifest is { } m)
        {
            var container = storage.Container(m.Status == "accepted" ? StorageClients.Snapshots : StorageClients.Quarantine);
            var reportBlob = container.GetBlobClient($"{m.Source}/{m.Date}/{m.SnapshotId}/quarantine-report.json");
            if (await reportBlob.ExistsAsync()) report = Json.Deserialize<List<QuarantineEntry>>((await reportBlob.DownloadContentAsync()).Value.Content);
            if (m.Status == "accepted" && outcome.Outcome == "accepted") table = await services.Snapshots.LoadAsync(m);
        }
        return new Ingested(outcome, table, report, date, blob);
    }

    Task<Ingested> Ingest(string source, string text, string fileName = "extract.csv", string? date = null, AppServices? services = null) =>
        Ingest(source, new UTF8Encoding(false).GetBytes(text), fileName, date, services);

    // --- valid rows per source, with one cell replaceable ------------------------------------------------------

    static readonly Dictionary<string, string[]> Headers = new()
    {
        ["brp"] = ["bsn", "verblijfsobject_id", "postcode", "huisnummer", "huisletter", "huisnummertoevoeging", "functie_adres", "datum_aanvang_adreshouding", "in_onderzoek", "geboortedatum", "gemeentecode"],
        ["bag"] = ["verblijfsobject_id", "postcode", "huisnummer", "huisletter", "huisnummertoevoeging", "gebruiksdoelen", "oppervlakte", "status", "pand_id", "pand_status", "bouwjaar", "nummeraanduiding_id"],
        ["permits"] = ["zaak_id", "zaaktype", "status", "datum_aanvraag", "aanvrager_bsn", "aanvrager_kvk", "verblijfsobject_id", "postcode", "huisnummer"],
        ["enforcement"] = ["zaak_id", "handhavingstype", "status", "datum_start", "betrokkene_bsn", "betrokkene_kvk", "verblijfsobject_id", "postcode", "huisnummer"],
    };

    static Dictionary<string, string> ValidRow(string source, int i)
    {
        var bsn = Analysis.Extracts.Identifiers.SampleBsn(new Random(1000 + i), []);
        var vbo = $"177101{i:D10}";
        return source switch
        {
            "brp" => new() { ["bsn"] = bsn, ["verblijfsobject_id"] = vbo, ["functie_adres"] = "W", ["datum_aanvang_adreshouding"] = "2020-01-01", ["in_onderzoek"] = "nee", ["geboortedatum"] = "1980-05-06", ["gemeentecode"] = "1771" },
            "bag" => new() { ["verblijfsobject_id"] = vbo, ["postcode"] = "5661AB", ["huisnummer"] = (i + 1).ToString(), ["gebruiksdoelen"] = "woonfunctie", ["oppervlakte"] = "80", ["status"] = "Verblijfsobject in gebruik", ["pand_id"] = $"177110{i:D10}", ["pand_status"] = "Pand in gebruik", ["bouwjaar"] = "1990", ["nummeraanduiding_id"] = $"177120{i:D10}" },
            "permits" => new() { ["zaak_id"] = $"Z-{i}", ["zaaktype"] = "omgevingsvergunning", ["status"] = "verleend", ["datum_aanvraag"] = "2025-01-01", ["aanvrager_kvk"] = "12345678", ["verblijfsobject_id"] = vbo },
            _ => new() { ["zaak_id"] = $"H-{i}", ["handhavingstype"] = "controle", ["status"] = "afgerond", ["datum_start"] = "2025-01-01", ["betrokkene_bsn"] = bsn, ["verblijfsobject_id"] = vbo },
        };
    }

    static string Csv(string source, IEnumerable<Dictionary<string, string>> rows, char sep = ';') =>
        string.Join(sep, Headers[source]) + "\n" + string.Concat(rows.Select(r => string.Join(sep, Headers[source].Select(h => r.GetValueOrDefault(h, ""))) + "\n"));

    /// <summary>30 valid rows, then the given changes applied to a 31st row (line 32 of the file).</summary>
    static string WithBadRow(string source, params (string Column, string Value)[] changes)
    {
        var bad = ValidRow(source, 999);
        foreach (var (c, v) in changes) bad[c] = v;
        return Csv(source, Enumerable.Range(0, 30).Select(i => ValidRow(source, i)).Append(bad));
    }

    // --- row rejections: each names line and column, never the value ----------------------------------------

    public static TheoryData<string, string, string, string, string> RowRejections => new()
    {
        { "brp", "bsn", "123456781", "bsn", "11-proef" },
        { "brp", "bsn", "000000000", "bsn", "all zeros" },
        { "brp", "bsn", "12345", "bsn", "9 digits" },
        { "permits", "aanvrager_kvk", "1234567", "aanvrager_kvk", "8 digits" },
        { "brp", "verblijfsobject_id", "1771100000000001", "verblijfsobject_id", "object type 10" },
        { "bag", "pand_id", "1771010000000001", "pand_id", "expected 10" },
        { "bag", "nummeraanduiding_id", "1771010000000001", "nummeraanduiding_id", "expected 20" },
        { "bag", "postcode", "5661SS", "postcode", "SA, SD and SS" },
        { "bag", "postcode", "0661AB", "postcode", "first not 0" },
        { "bag", "huisnummer", "100000", "huisnummer", "1-99999" },
        { "bag", "huisletter", "AB", "huisletter", "one letter" },
        { "bag", "huisnummertoevoeging", "ABCDE", "huisnummertoevoeging", "at most 4" },
        { "bag", "oppervlakte", "0", "oppervlakte", "1-999999" },
        { "bag", "status", "Verblijfsobject gesloopt", "status", "not one of the permitted values" },
        { "bag", "gebruiksdoelen", "woonfunctie|zwembadfunctie", "gebruiksdoelen", "not one of the permitted values" },
        { "brp", "functie_adres", "", "functie_adres", "required but empty" },
        { "brp", "datum_aanvang_adreshouding", "2021-02-30", "datum_aanvang_adreshouding", "does not exist" },
        { "brp", "in_onderzoek", "misschien", "in_onderzoek", "true/false" },
        { "enforcement", "datum_start", "2025/01/01", "datum_start", "yyyy-MM-dd" },
        { "permits", "zaaktype", "kapvergunning", "zaaktype", "not one of the permitted values" },
    };

    [Theory]
    [MemberData(nameof(RowRejections))]
    public async Task Invalid_value_rejects_the_row_with_line_and_column(string source, string column, string value, string reportedColumn, string reason)
    {
        var r = await Ingest(source, WithBadRow(source, (column, value)));
        Assert.Equal("accepted", r.Outcome.Outcome);
        Assert.Equal(1, r.Outcome.Manifest!.RowsRejected);
        Assert.Equal(30, r.Outcome.Manifest.RowsAccepted);
        var q = Assert.Single(r.Report);
        Assert.Equal(32, q.Line);
        Assert.Equal(reportedColumn, q.Column);
        Assert.Contains(reason, q.Reason);
        if (column is not ("status" or "gebruiksdoelen" or "zaaktype") && value.Length > 0) Assert.DoesNotContain(value, q.Reason);
        Assert.Equal(30, r.Table!.RowCount);
    }

    [Fact]
    public async Task Row_without_vbo_id_or_address_is_rejected() =>
        Assert.Contains("neither a verblijfsobject_id nor an address", Assert.Single((await Ingest("brp", WithBadRow("brp", ("verblijfsobject_id", "")))).Report).Reason);

    [Fact]
    public async Task Permit_without_applicant_is_rejected() =>
        Assert.Contains("at least one of aanvrager_bsn, aanvrager_kvk", Assert.Single((await Ingest("permits", WithBadRow("permits", ("aanvrager_kvk", "")))).Report).Reason);

    [Fact]
    public async Task Row_with_too_many_fields_is_rejected()
    {
        var text = Csv("brp", Enumerable.Range(0, 30).Select(i => ValidRow("brp", i))) + string.Join(';', Headers["brp"].Select(_ => "x")) + ";extra\n";
        var q = Assert.Single((await Ingest("brp", text)).Report);
        Assert.Equal(32, q.Line);
        Assert.Contains("fields", q.Reason);
    }

    // --- normalisation --------------------------------------------------------------------------------------

    [Fact]
    public async Task Utf8_with_bom_is_accepted()
    {
        var r = await Ingest("brp", [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(Csv("brp", [ValidRow("brp", 1)]))]);
        Assert.Equal("accepted", r.Outcome.Outcome);
        Assert.Equal("utf-8", r.Outcome.Manifest!.Encoding);
        Assert.Contains("bsn", r.Table!.ColumnNames);
    }

    [Fact]
    public async Task Windows1252_is_converted_and_the_manifest_says_so()
    {
        var text = "bsn;geslachtsnaam;verblijfsobject_id;functie_adres\n" + $"{Analysis.Extracts.Identifiers.SampleBsn(new Random(5), [])};Gölçük-Ødegård;1771010000000001;W\n";
        var r = await Ingest("brp", Encoding.Latin1.GetBytes(text));
        Assert.Equal("accepted", r.Outcome.Outcome);
        Assert.Equal("windows-1252 (converted to utf-8)", r.Outcome.Manifest!.Encoding);
    }

    [Theory]
    [InlineData(';')]
    [InlineData(',')]
    public async Task Delimiter_is_detected_from_the_header(char sep)
    {
        var r = await Ingest("bag", Csv("bag", [ValidRow("bag", 1), ValidRow("bag", 2)], sep).Replace("woonfunctie", sep == ',' ? "\"woonfunctie,winkelfunctie\"" : "woonfunctie,winkelfunctie"));
        Assert.Equal(sep.ToString(), r.Outcome.Manifest!.Separator);
        Assert.Equal("winkelfunctie|woonfunctie", r.Table!.Column("gebruiksdoelen")[0]);
    }

    [Fact]
    public async Task Header_names_are_case_and_space_insensitive_and_order_free()
    {
        var bsn = Analysis.Extracts.Identifiers.SampleBsn(new Random(6), []);
        var r = await Ingest("brp", $" Functie_Adres ;VERBLIJFSOBJECT_ID; BSN \nw;1771010000000001;{bsn}\n");
        Assert.Equal("W", r.Table!.Column("functie_adres")[0]);
    }

    [Fact]
    public async Task Empty_cell_is_an_absent_value()
    {
        var row = ValidRow("brp", 1);
        row["in_onderzoek"] = ""; row["datum_aanvang_adreshouding"] = "";
        var r = await Ingest("brp", Csv("brp", [row]));
        Assert.Null(r.Table!.Column("in_onderzoek")[0]);
        Assert.Null(r.Table.Column("datum_aanvang_adreshouding")[0]);
    }

    [Theory]
    [InlineData("20200115", "2020-01-15")]
    [InlineData("15-01-2020", "2020-01-15")]
    [InlineData("1970-00-00", "1970-00-00")]
    public async Task Date_forms_are_normalised(string raw, string expected)
    {
        var row = ValidRow("brp", 1);
        row["datum_aanvang_adreshouding"] = raw;
        Assert.Equal(expected, (await Ingest("brp", Csv("brp", [row]))).Table!.Column("datum_aanvang_adreshouding")[0]);
    }

    [Fact]
    public async Task Eight_digit_bsn_is_padded_to_the_same_person()
    {
        var row = ValidRow("brp", 1);
        row["bsn"] = "012345672";
        var nine = (await Ingest("brp", Csv("brp", [row]))).Table!.Column("bsn")[0];
        row["bsn"] = "12345672";
        Assert.Equal(nine, (await Ingest("brp", Csv("brp", [row]))).Table!.Column("bsn")[0]);
    }

    [Fact]
    public async Task Messy_addresses_resolve_to_one_address_pseudonym()
    {
        var rows = new[] { ("1234 ab", "12a-2", "", ""), ("1234AB", "12 A 2", "", ""), ("1234ab", "12", "a", "-2"), ("1234AB", "12-A-2", "", "") }
            .Select((a, i) => new Dictionary<string, string>
            { ["bsn"] = Analysis.Extracts.Identifiers.SampleBsn(new Random(70 + i), []), ["postcode"] = a.Item1, ["huisnummer"] = a.Item2, ["huisletter"] = a.Item3, ["huisnummertoevoeging"] = a.Item4, ["functie_adres"] = "W" });
        var r = await Ingest("brp", Csv("brp", rows));
        Assert.Equal(4, r.Table!.RowCount);
        Assert.Single(r.Table.Column("adres").Distinct());
        Assert.All(r.Table.Column("_pc4"), p => Assert.Equal("1234", p));
    }

    [Fact]
    public async Task Enumerations_match_case_insensitively_and_booleans_in_all_forms()
    {
        var rows = new[] { "ja", "J", "true", "1", "nee", "n", "FALSE", "0" }.Select((b, i) => ValidRow("brp", i).With("in_onderzoek", b).With("functie_adres", i % 2 == 0 ? "w" : "B"));
        var r = await Ingest("brp", Csv("brp", rows));
        Assert.Equal(["true", "true", "true", "true", "false", "false", "false", "false"], r.Table!.Column("in_onderzoek").Select(v => v!).ToArray());
        Assert.Equal(["W", "B"], r.Table.Column("functie_adres").Distinct().Select(v => v!).ToArray());
    }

    [Fact]
    public async Task Gzipped_file_is_accepted_and_hashed_as_delivered()
    {
        var text = Encoding.UTF8.GetBytes(Csv("bag", [ValidRow("bag", 1)]));
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true)) gz.Write(text);
        var r = await Ingest("bag", ms.ToArray(), "bag.csv.gz");
        Assert.Equal("accepted", r.Outcome.Outcome);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(ms.ToArray())), r.Outcome.Manifest!.Sha256);
    }

    // --- minimisation --------------------------------------------------------------------------------------

    [Fact]
    public async Task Banned_and_unknown_columns_are_discarded_and_no_value_remains_in_storage()
    {
        var text = "bsn;verblijfsobject_id;functie_adres;nationaliteit;geboorteland;geslacht;hobby\n" +
                   $"{Analysis.Extracts.Identifiers.SampleBsn(new Random(8), [])};1771010000000001;W;Kirgizische;Tadzjikistan;vrouw;postzegels\n";
        var r = await Ingest("brp", text);
        var discarded = r.Outcome.Manifest!.ColumnsDiscarded.ToDictionary(d => d.Name, d => d.Reason);
        Assert.Contains("never permitted", discarded["nationaliteit"]);
        Assert.Contains("never permitted", discarded["geboorteland"]);
        Assert.Contains("never permitted", discarded["geslacht"]);
        Assert.Contains("not part of the extract contract", discarded["hobby"]);
        foreach (var (where, text2) in await StorageScan.AllTextAsync(storage))
            foreach (var v in new[] { "Kirgizische", "Tadzjikistan", "postzegels" })
                Assert.False(text2.Contains(v), $"{v} found in {where}");
    }

    [Fact]
    public async Task Column_the_register_does_not_permit_is_discarded()
    {
        var register = File.ReadAllText(TestData.RegisterPath).Replace("\"datum_aanvang_adreshouding\", \"in_onderzoek\", \"volwassen\"]", "\"datum_aanvang_adreshouding\", \"volwassen\"]");
        var path = Path.Combine(dir.Path, "register.json");
        await File.WriteAllTextAsync(path, register);
        var r = await Ingest("brp", Csv("brp", [ValidRow("brp", 1)]), services: Services(("SignalPipeline:Register", path)));
        Assert.Contains(r.Outcome.Manifest!.ColumnsDiscarded, d => d.Name == "in_onderzoek" && d.Reason == "not permitted by the DPIA register");
        Assert.DoesNotContain("in_onderzoek", r.Table!.ColumnNames);
    }

    // --- file-level rules ----------------------------------------------------------------------------------

    [Fact]
    public async Task Missing_required_column_rejects_the_file_to_quarantine_and_keeps_the_previous_snapshot()
    {
        var date = NextDate();
        var good = await Ingest("bag", Csv("bag", [ValidRow("bag", 1)]), date: date);
        var bad = await Ingest("bag", "verblijfsobject_id;postcode;huisnummer\n1771010000000001;5661AB;1\n", "bag-fix.csv", date);
        Assert.Equal("rejected", bad.Outcome.Outcome);
        Assert.Contains("lacks the required column gebruiksdoelen", bad.Outcome.Message);
        Assert.False(await storage.Container(StorageClients.Extracts).GetBlobClient(bad.Blob).ExistsAsync());
        Assert.True(await storage.Container(StorageClients.Quarantine).GetBlobClient($"bag/{date}/{bad.Outcome.Manifest!.SnapshotId}/bag-fix.csv").ExistsAsync());
        Assert.Equal(good.Outcome.Manifest!.SnapshotId, (await Services().Snapshots.LatestAsync("bag", DateOnly.Parse(date)))!.SnapshotId);
    }

    [Fact]
    public async Task More_than_the_permitted_share_of_bad_rows_rejects_the_file_and_the_share_is_configurable()
    {
        var text = Csv("brp", Enumerable.Range(0, 18).Select(i => ValidRow("brp", i)).Concat(Enumerable.Range(0, 2).Select(i => ValidRow("brp", 50 + i).With("functie_adres", "X"))));
        var strict = await Ingest("brp", text);
        Assert.Equal("rejected", strict.Outcome.Outcome);
        Assert.Contains("2 of 20 rows were rejected", strict.Outcome.Message);
        Assert.Equal(2, strict.Report.Count);
        var lenient = await Ingest("brp", text + "\n", services: Services(("SignalPipeline:MaxRejectedShare", "0.2")));
        Assert.Equal("accepted", lenient.Outcome.Outcome);
    }

    [Theory]
    [InlineData("", "the file is empty")]
    [InlineData("bsn;verblijfsobject_id;functie_adres\n", "no rows")]
    public async Task Empty_file_is_rejected(string text, string reason) =>
        Assert.Contains(reason, (await Ingest("brp", text)).Outcome.Message);

    [Fact]
    public async Task Broken_gzip_is_rejected() =>
        Assert.Contains("not a valid gzip", (await Ingest("brp", [0x1f, 0x8b, 8, 0, 1, 2, 3], "brp.csv.gz")).Outcome.Message);

    [Fact]
    public async Task Truncated_gzip_is_rejected_not_read_in_part()
    {
        var text = Encoding.UTF8.GetBytes(Csv("bag", Enumerable.Range(0, 3000).Select(i => ValidRow("bag", i))));
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true)) gz.Write(text);
        var r = await Ingest("bag", ms.ToArray()[..(int)(ms.Length * 2 / 3)], "bag.csv.gz");
        Assert.Equal("rejected", r.Outcome.Outcome);
        Assert.Contains("truncated", r.Outcome.Message);
    }

    [Fact]
    public async Task Duplicate_keys_last_wins_and_are_counted()
    {
        var first = ValidRow("bag", 1);
        var last = ValidRow("bag", 1).With("oppervlakte", "123");
        var r = await Ingest("bag", Csv("bag", [first, ValidRow("bag", 2), last]));
        Assert.Equal(1, r.Outcome.Manifest!.RowsDuplicate);
        Assert.Equal(2, r.Table!.RowCount);
        Assert.Contains("123", r.Table.Column("oppervlakte"));
        Assert.DoesNotContain("80", r.Table.Column("oppervlakte").Where((_, i) => r.Table.Column("_line")[i] == "2"));
    }

    [Fact]
    public async Task Same_content_twice_is_processed_once()
    {
        var text = Csv("permits", [ValidRow("permits", 1)]);
        var first = await Ingest("permits", text);
        var second = await Ingest("permits", text, "again.csv");
        Assert.Equal("duplicate", second.Outcome.Outcome);
        Assert.Equal(first.Outcome.Manifest!.SnapshotId, second.Outcome.Manifest!.SnapshotId);
    }

    [Fact]
    public async Task Correction_for_the_same_date_replaces_the_snapshot()
    {
        var date = NextDate();
        var first = await Ingest("enforcement", Csv("enforcement", [ValidRow("enforcement", 1)]), date: date);
        var correction = await Ingest("enforcement", Csv("enforcement", [ValidRow("enforcement", 1), ValidRow("enforcement", 2)]), "correctie.csv", date);
        Assert.Equal(first.Outcome.Manifest!.SnapshotId, correction.Outcome.Manifest!.Replaces);
        var current = await Services().Snapshots.LatestAsync("enforcement", DateOnly.Parse(date));
        Assert.Equal(correction.Outcome.Manifest.SnapshotId, current!.SnapshotId);
        Assert.Equal(2, current.RowsAccepted);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Raw_extract_is_deleted_after_success_unless_configured_otherwise(bool delete)
    {
        var r = await Ingest("bag", Csv("bag", [ValidRow("bag", 3)]), services: Services(("SignalPipeline:DeleteRawAfterIngest", delete.ToString())));
        Assert.Equal(!delete, await storage.Container(StorageClients.Extracts).GetBlobClient(r.Blob).ExistsAsync());
    }

    public void Dispose() => dir.Dispose();
}

static class RowExtensions
{
    public static Dictionary<string, string> With(this Dictionary<string, string> row, string column, string value) =>
        new(row) { [column] = value };
}
